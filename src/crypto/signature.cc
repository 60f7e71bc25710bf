#include "crypto/signature.h"

#include <openssl/curve25519.h>
#include <openssl/ecdsa.h>
#include <openssl/sha.h>

#include <array>

#include "crypto/internal/auth_failure.h"
#include "crypto/internal/p256.h"
#include "crypto/public_key.h"
#include "crypto/rand.h"

namespace conclave::crypto {

namespace {

constexpr size_t kEd25519SeedLen = 32;
constexpr size_t kEd25519SignatureLen = 64;
// BoringSSL's Ed25519 private key: seed || public key.
constexpr size_t kEd25519ExpandedLen = 64;

// Ed25519Expanded holds BoringSSL's 64-byte private key form for the length
// of one call and wipes it afterwards.
class Ed25519Expanded {
 public:
  Ed25519Expanded() = default;
  Ed25519Expanded(const Ed25519Expanded&) = delete;
  Ed25519Expanded& operator=(const Ed25519Expanded&) = delete;
  ~Ed25519Expanded() { secure_zero(key_); }

  uint8_t* data() { return key_.data(); }
  const uint8_t* data() const { return key_.data(); }

 private:
  std::array<uint8_t, kEd25519ExpandedLen> key_{};
};

Result<void> check_ed25519_seed(const SecretBytes& private_key) {
  if (private_key.size() != kEd25519SeedLen) {
    return Error(Err::kInvalidPrivateKey, "Ed25519 private key is not a 32-byte seed");
  }
  return {};
}

std::array<uint8_t, SHA256_DIGEST_LENGTH> sha256(ByteView message) {
  std::array<uint8_t, SHA256_DIGEST_LENGTH> digest{};
  SHA256(message.data(), message.size(), digest.data());
  return digest;
}

}  // namespace

const char* to_string(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kEd25519:
      return "Ed25519";
    case SignatureScheme::kEcdsaP256Sha256:
      return "ECDSA-P256-SHA256";
  }
  return "unknown signature scheme";
}

// implements: REQ-CRYPTO-004, REQ-CRYPTO-005
Result<SignatureKeyPair> generate_signature_key_pair(SignatureScheme scheme) {
  SignatureKeyPair pair;
  switch (scheme) {
    case SignatureScheme::kEd25519: {
      pair.private_key = SecretBytes(kEd25519SeedLen);
      CONCLAVE_TRY(random_bytes(pair.private_key.mutable_view()));
      break;
    }
    case SignatureScheme::kEcdsaP256Sha256: {
      CONCLAVE_TRY_ASSIGN(pair.private_key, internal::p256_random_scalar());
      break;
    }
  }
  CONCLAVE_TRY_ASSIGN(pair.public_key, signature_public_key(scheme, pair.private_key));
  return pair;
}

// implements: REQ-CRYPTO-004, REQ-CRYPTO-005
Result<Bytes> signature_public_key(SignatureScheme scheme, const SecretBytes& private_key) {
  switch (scheme) {
    case SignatureScheme::kEd25519: {
      CONCLAVE_TRY(check_ed25519_seed(private_key));
      Bytes pub(kEd25519PublicKeyLen);
      Ed25519Expanded expanded;
      ED25519_keypair_from_seed(pub.data(), expanded.data(), private_key.view().data());
      return pub;
    }
    case SignatureScheme::kEcdsaP256Sha256:
      return internal::p256_public_from_scalar(private_key);
  }
  return Error(Err::kInvalidArgument, "unknown signature scheme");
}

// implements: REQ-CRYPTO-006
Result<void> validate_signature_public_key(SignatureScheme scheme, ByteView public_key) {
  switch (scheme) {
    case SignatureScheme::kEd25519:
      return validate_ed25519_public_key(public_key);
    case SignatureScheme::kEcdsaP256Sha256:
      return validate_p256_public_key(public_key);
  }
  return Error(Err::kInvalidArgument, "unknown signature scheme");
}

// implements: REQ-CRYPTO-004, REQ-CRYPTO-005
Result<Bytes> sign(SignatureScheme scheme, const SecretBytes& private_key, ByteView message) {
  switch (scheme) {
    case SignatureScheme::kEd25519: {
      CONCLAVE_TRY(check_ed25519_seed(private_key));
      std::array<uint8_t, kEd25519PublicKeyLen> pub{};
      Ed25519Expanded expanded;
      ED25519_keypair_from_seed(pub.data(), expanded.data(), private_key.view().data());
      Bytes sig(kEd25519SignatureLen);
      if (ED25519_sign(sig.data(), message.data(), message.size(), expanded.data()) != 1) {
        return Error(Err::kCryptoInternal, "ED25519_sign failed");
      }
      return sig;
    }
    case SignatureScheme::kEcdsaP256Sha256: {
      CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<EC_KEY> key,
                          internal::p256_key_from_scalar(private_key));
      const auto digest = sha256(message);
      Bytes sig(ECDSA_size(key.get()));
      unsigned sig_len = 0;
      if (sig.empty() ||
          ECDSA_sign(0, digest.data(), digest.size(), sig.data(), &sig_len, key.get()) != 1) {
        return Error(Err::kCryptoInternal, "ECDSA_sign failed");
      }
      sig.resize(sig_len);
      return sig;
    }
  }
  return Error(Err::kInvalidArgument, "unknown signature scheme");
}

// implements: REQ-CRYPTO-004, REQ-CRYPTO-005, REQ-CRYPTO-006
Result<void> verify(SignatureScheme scheme, ByteView public_key, ByteView message,
                    ByteView signature) {
  // Cheap checks first (STY-11): the key's form, then the signature's size,
  // then the curve arithmetic.
  switch (scheme) {
    case SignatureScheme::kEd25519: {
      CONCLAVE_TRY(validate_ed25519_public_key(public_key));
      if (signature.size() != kEd25519SignatureLen ||
          ED25519_verify(message.data(), message.size(), signature.data(), public_key.data()) !=
              1) {
        return internal::auth_failure();
      }
      return {};
    }
    case SignatureScheme::kEcdsaP256Sha256: {
      CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<EC_POINT> point,
                          internal::p256_decode_point(public_key));
      bssl::UniquePtr<EC_KEY> key(EC_KEY_new());
      if (!key || EC_KEY_set_group(key.get(), internal::p256_group()) != 1 ||
          EC_KEY_set_public_key(key.get(), point.get()) != 1) {
        return Error(Err::kCryptoInternal, "building a P-256 public key failed");
      }
      // ECDSA_verify accepts only strict DER (it re-encodes the parsed value
      // and compares), so there is one valid encoding per signature.
      const auto digest = sha256(message);
      if (signature.empty() || ECDSA_verify(0, digest.data(), digest.size(), signature.data(),
                                            signature.size(), key.get()) != 1) {
        return internal::auth_failure();
      }
      return {};
    }
  }
  return Error(Err::kInvalidArgument, "unknown signature scheme");
}

}  // namespace conclave::crypto
