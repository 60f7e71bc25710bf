#include "crypto/dh.h"

#include <openssl/curve25519.h>
#include <openssl/ecdh.h>

#include "core/check.h"
#include "crypto/internal/p256.h"
#include "crypto/public_key.h"
#include "crypto/rand.h"

namespace conclave::crypto {

namespace {
constexpr size_t kX25519Len = 32;
}  // namespace

const char* to_string(DhGroup group) {
  switch (group) {
    case DhGroup::kX25519:
      return "X25519";
    case DhGroup::kP256:
      return "P-256";
  }
  return "unknown DH group";
}

size_t dh_private_key_len(DhGroup group) {
  switch (group) {
    case DhGroup::kX25519:
      return kX25519Len;
    case DhGroup::kP256:
      return internal::kP256ScalarLen;
  }
  CONCLAVE_ASSERT(false && "unknown DhGroup");
  return 0;
}

size_t dh_public_key_len(DhGroup group) {
  switch (group) {
    case DhGroup::kX25519:
      return kX25519PublicKeyLen;
    case DhGroup::kP256:
      return kP256PublicKeyLen;
  }
  CONCLAVE_ASSERT(false && "unknown DhGroup");
  return 0;
}

size_t dh_shared_secret_len(DhGroup group) {
  switch (group) {
    case DhGroup::kX25519:
      return kX25519Len;
    case DhGroup::kP256:
      return 32;
  }
  CONCLAVE_ASSERT(false && "unknown DhGroup");
  return 0;
}

Result<SecretBytes> dh_generate_private_key(DhGroup group) {
  switch (group) {
    case DhGroup::kX25519: {
      SecretBytes sk(kX25519Len);
      CONCLAVE_TRY(random_bytes(sk.mutable_view()));
      return sk;
    }
    case DhGroup::kP256:
      return internal::p256_random_scalar();
  }
  return Error(Err::kInvalidArgument, "unknown DH group");
}

Result<void> dh_validate_private_key(DhGroup group, const SecretBytes& private_key) {
  switch (group) {
    case DhGroup::kX25519:
      if (private_key.size() != kX25519Len) {
        return Error(Err::kInvalidPrivateKey, "X25519 private key is not 32 bytes");
      }
      return {};
    case DhGroup::kP256:
      if (!internal::p256_scalar_in_range(private_key.view())) {
        return Error(Err::kInvalidPrivateKey, "P-256 private key is not a scalar in [1, n-1]");
      }
      return {};
  }
  return Error(Err::kInvalidArgument, "unknown DH group");
}

Result<Bytes> dh_public_key(DhGroup group, const SecretBytes& private_key) {
  CONCLAVE_TRY(dh_validate_private_key(group, private_key));
  switch (group) {
    case DhGroup::kX25519: {
      Bytes pk(kX25519PublicKeyLen);
      X25519_public_from_private(pk.data(), private_key.view().data());
      return pk;
    }
    case DhGroup::kP256:
      return internal::p256_public_from_scalar(private_key);
  }
  return Error(Err::kInvalidArgument, "unknown DH group");
}

// implements: REQ-CRYPTO-006
Result<SecretBytes> dh(DhGroup group, const SecretBytes& private_key, ByteView peer_public_key) {
  CONCLAVE_TRY(dh_validate_private_key(group, private_key));
  switch (group) {
    case DhGroup::kX25519: {
      CONCLAVE_TRY(validate_x25519_public_key(peer_public_key));
      SecretBytes shared(kX25519Len);
      //= RFC 9180 §7.1.4
      //# For X25519 and X448, public keys and Diffie-Hellman outputs MUST be validated
      //# as described in [RFC7748]. In particular, recipients MUST check whether
      //# the Diffie-Hellman shared secret is the all-zero value and abort if so.
      //
      // BoringSSL's X25519 returns 0 exactly when the output is all zeros
      // (it checks in constant time); the output is then discarded.
      if (X25519(shared.mutable_view().data(), private_key.view().data(), peer_public_key.data()) !=
          1) {
        return Error(Err::kInvalidPublicKey, "X25519 output is all zeros (low-order point)");
      }
      return shared;
    }
    case DhGroup::kP256: {
      CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<EC_POINT> peer,
                          internal::p256_decode_point(peer_public_key));
      CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<EC_KEY> key,
                          internal::p256_key_from_scalar(private_key));
      SecretBytes shared(dh_shared_secret_len(group));
      //= RFC 9180 §7.1.4
      //# Additionally, senders and recipients MUST ensure the
      //# Diffie-Hellman shared secret is not the point at infinity.
      //
      // The peer point is on the curve and not infinity, the group has prime
      // order and the scalar is in [1, n-1], so the product cannot be
      // infinity; ECDH_compute_key also fails if it were.
      if (ECDH_compute_key(shared.mutable_view().data(), shared.size(), peer.get(), key.get(),
                           nullptr) != static_cast<int>(shared.size())) {
        return Error(Err::kCryptoInternal, "ECDH_compute_key failed");
      }
      return shared;
    }
  }
  return Error(Err::kInvalidArgument, "unknown DH group");
}

}  // namespace conclave::crypto
