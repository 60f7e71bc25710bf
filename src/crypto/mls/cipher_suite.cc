#include "crypto/mls/cipher_suite.h"

#include <limits>

#include "core/check.h"
#include "core/writer.h"
#include "crypto/hkdf.h"
#include "crypto/hmac.h"

namespace conclave::mls {

namespace {

using crypto::AeadAlg;
using crypto::HashAlg;
using crypto::SignatureScheme;
namespace hpke = crypto::hpke;

//= RFC 9420 §5.1.2
//# label = "MLS 1.0 " + Label;
constexpr std::string_view kLabelPrefix = "MLS 1.0 ";

// Params is one row of the suite table (RFC 9420 §17.1).
struct Params {
  const char* name;
  HashAlg hash;
  AeadAlg aead;
  hpke::Suite hpke;
  SignatureScheme signature;
};

Params params_of(CipherSuiteId id) {
  switch (id) {
    case CipherSuiteId::kX25519Aes128GcmSha256Ed25519:
      return {
          "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
          HashAlg::kSha256,
          AeadAlg::kAes128Gcm,
          {hpke::KemId::kDhkemX25519HkdfSha256, hpke::KdfId::kHkdfSha256, hpke::AeadId::kAes128Gcm},
          SignatureScheme::kEd25519};
    case CipherSuiteId::kP256Aes128GcmSha256P256:
      return {
          "MLS_128_DHKEMP256_AES128GCM_SHA256_P256",
          HashAlg::kSha256,
          AeadAlg::kAes128Gcm,
          {hpke::KemId::kDhkemP256HkdfSha256, hpke::KdfId::kHkdfSha256, hpke::AeadId::kAes128Gcm},
          SignatureScheme::kEcdsaP256Sha256};
  }
  // A CipherSuiteId made by casting an unchecked integer: a bug in the
  // caller, since wire values go through from_wire.
  CONCLAVE_ASSERT(false && "CipherSuiteId outside the table");
  return {};
}

// write_label writes `opaque label<V>` holding "MLS 1.0 " + label.
void write_label(Writer& w, std::string_view label) {
  w.vec_of([&](Writer& body) {
    body.bytes(as_bytes(kLabelPrefix));
    body.bytes(as_bytes(label));
  });
}

// labeled_content encodes SignContent / EncryptContext, which share a shape:
//   struct { opaque label<V>; opaque content<V>; }
// with label = "MLS 1.0 " + Label.
Result<Bytes> labeled_content(std::string_view label, ByteView content) {
  Writer w;
  write_label(w, label);
  w.vec(content);
  return std::move(w).finish();
}

}  // namespace

CipherSuite::CipherSuite(CipherSuiteId id) : id_(id) { (void)params_of(id); }

// implements: REQ-CRYPTO-011
Result<CipherSuite> CipherSuite::from_wire(uint16_t value) {
  switch (value) {
    case static_cast<uint16_t>(CipherSuiteId::kX25519Aes128GcmSha256Ed25519):
      return CipherSuite(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
    case static_cast<uint16_t>(CipherSuiteId::kP256Aes128GcmSha256P256):
      return CipherSuite(CipherSuiteId::kP256Aes128GcmSha256P256);
    default:
      return Error(Err::kUnsupported, "MLS cipher suite not supported (0x0001 and 0x0002 are)");
  }
}

const char* CipherSuite::name() const { return params_of(id_).name; }
HashAlg CipherSuite::hash_alg() const { return params_of(id_).hash; }
AeadAlg CipherSuite::aead_alg() const { return params_of(id_).aead; }
hpke::Suite CipherSuite::hpke_suite() const { return params_of(id_).hpke; }
SignatureScheme CipherSuite::signature_scheme() const { return params_of(id_).signature; }

size_t CipherSuite::nh() const { return crypto::hash_len(hash_alg()); }
size_t CipherSuite::nk() const { return crypto::aead_key_len(aead_alg()); }
size_t CipherSuite::nn() const { return crypto::kAeadNonceLen; }

Bytes CipherSuite::hash(ByteView data) const { return crypto::hash(hash_alg(), data); }

Result<Bytes> CipherSuite::mac(ByteView key, ByteView data) const {
  return crypto::hmac(hash_alg(), key, data);
}

Result<void> CipherSuite::verify_mac(ByteView key, ByteView data, ByteView tag) const {
  return crypto::hmac_verify(hash_alg(), key, data, tag);
}

Result<SecretBytes> CipherSuite::extract(ByteView salt, ByteView ikm) const {
  return crypto::hkdf_extract(hash_alg(), salt, ikm);
}

// implements: REQ-CRYPTO-011
Result<SecretBytes> CipherSuite::expand_with_label(const SecretBytes& secret,
                                                   std::string_view label, ByteView context,
                                                   size_t length) const {
  //= RFC 9420 §8
  //# ExpandWithLabel(Secret, Label, Context, Length) =
  //#     KDF.Expand(Secret, KDFLabel, Length)
  //
  //   struct {
  //       uint16 length;
  //       opaque label<V>;
  //       opaque context<V>;
  //   } KDFLabel;
  CONCLAVE_REQUIRE(length <= std::numeric_limits<uint16_t>::max(),
                   Error(Err::kInvalidArgument, "ExpandWithLabel length does not fit uint16"));
  Writer w;
  w.u16(static_cast<uint16_t>(length));
  write_label(w, label);
  w.vec(context);
  CONCLAVE_TRY_ASSIGN(const Bytes kdf_label, std::move(w).finish());
  return crypto::hkdf_expand(hash_alg(), secret.view(), kdf_label, length);
}

// implements: REQ-CRYPTO-011
Result<SecretBytes> CipherSuite::derive_secret(const SecretBytes& secret,
                                               std::string_view label) const {
  //= RFC 9420 §8
  //# DeriveSecret(Secret, Label) =
  //#     ExpandWithLabel(Secret, Label, "", KDF.Nh)
  return expand_with_label(secret, label, {}, nh());
}

// implements: REQ-CRYPTO-011
Result<SecretBytes> CipherSuite::derive_tree_secret(const SecretBytes& secret,
                                                    std::string_view label, uint32_t generation,
                                                    size_t length) const {
  //= RFC 9420 §9.1
  //# DeriveTreeSecret(Secret, Label, Generation, Length) =
  //#     ExpandWithLabel(Secret, Label, Generation, Length)
  //
  // Generation is encoded as a uint32 (big-endian).
  Writer w;
  w.u32(generation);
  CONCLAVE_TRY_ASSIGN(const Bytes context, std::move(w).finish());
  return expand_with_label(secret, label, context, length);
}

// implements: REQ-CRYPTO-011
Result<Bytes> CipherSuite::ref_hash(std::string_view label, ByteView value) const {
  //= RFC 9420 §5.2
  //# RefHash(label, value) = Hash(RefHashInput)
  //
  //   struct {
  //     opaque label<V>;
  //     opaque value<V>;
  //   } RefHashInput;
  Writer w;
  w.vec(as_bytes(label));
  w.vec(value);
  CONCLAVE_TRY_ASSIGN(const Bytes input, std::move(w).finish());
  return hash(input);
}

// implements: REQ-CRYPTO-011
Result<Bytes> CipherSuite::sign_with_label(const SecretBytes& signature_key, std::string_view label,
                                           ByteView content) const {
  //= RFC 9420 §5.1.2
  //# SignWithLabel(SignatureKey, Label, Content) =
  //#     Signature.Sign(SignatureKey, SignContent)
  CONCLAVE_TRY_ASSIGN(const Bytes sign_content, labeled_content(label, content));
  return crypto::sign(signature_scheme(), signature_key, sign_content);
}

// implements: REQ-CRYPTO-011
Result<void> CipherSuite::verify_with_label(ByteView verification_key, std::string_view label,
                                            ByteView content, ByteView signature) const {
  //= RFC 9420 §5.1.2
  //# VerifyWithLabel(VerificationKey, Label, Content, SignatureValue) =
  //#     Signature.Verify(VerificationKey, SignContent, SignatureValue)
  CONCLAVE_TRY_ASSIGN(const Bytes sign_content, labeled_content(label, content));
  return crypto::verify(signature_scheme(), verification_key, sign_content, signature);
}

// implements: REQ-CRYPTO-011
Result<HpkeCiphertext> CipherSuite::encrypt_with_label(ByteView public_key, std::string_view label,
                                                       ByteView context, ByteView plaintext) const {
  //= RFC 9420 §5.1.3
  //# EncryptWithLabel(PublicKey, Label, Context, Plaintext) =
  //#   SealBase(PublicKey, EncryptContext, "", Plaintext)
  CONCLAVE_TRY_ASSIGN(const hpke::PublicKey pk, hpke_public_key(public_key));
  CONCLAVE_TRY_ASSIGN(const Bytes encrypt_context, labeled_content(label, context));
  CONCLAVE_TRY_ASSIGN(hpke::Sealed sealed,
                      hpke::seal(hpke_suite(), pk, encrypt_context, {}, plaintext));
  return HpkeCiphertext{std::move(sealed.enc), std::move(sealed.ciphertext)};
}

// implements: REQ-CRYPTO-011
Result<SecretBytes> CipherSuite::decrypt_with_label(const hpke::KeyPair& private_key,
                                                    std::string_view label, ByteView context,
                                                    ByteView kem_output,
                                                    ByteView ciphertext) const {
  //= RFC 9420 §5.1.3
  //# DecryptWithLabel(PrivateKey, Label, Context, KEMOutput, Ciphertext) =
  //#   OpenBase(KEMOutput, PrivateKey, EncryptContext, "", Ciphertext)
  CONCLAVE_TRY_ASSIGN(const Bytes encrypt_context, labeled_content(label, context));
  return hpke::open(hpke_suite(), kem_output, private_key, encrypt_context, {}, ciphertext);
}

Result<hpke::KeyPair> CipherSuite::derive_hpke_key_pair(ByteView ikm) const {
  return hpke::derive_key_pair(hpke_suite().kem, ikm);
}

Result<hpke::KeyPair> CipherSuite::hpke_private_key(const SecretBytes& in) const {
  return hpke::deserialize_private_key(hpke_suite().kem, in);
}

Result<hpke::PublicKey> CipherSuite::hpke_public_key(ByteView in) const {
  return hpke::deserialize_public_key(hpke_suite().kem, in);
}

}  // namespace conclave::mls
