// MLS cipher suites and the labelled cryptographic operations of RFC 9420
// §5.1 (signing, public-key encryption), §5.2 (hash references) and §8
// (ExpandWithLabel, DeriveSecret) / §9 (DeriveTreeSecret).
//
// Conclave implements two suites (RFC 9420 §17.1):
//   0x0001 MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
//   0x0002 MLS_128_DHKEMP256_AES128GCM_SHA256_P256   (the product default)
//
// CipherSuite is a small value type: every MLS component that needs a
// primitive (key schedule, secret tree, TreeKEM, framing) calls it through
// the group's CipherSuite, so adding a suite is one row in cipher_suite.cc.
// Labels are passed without the "MLS 1.0 " prefix; the functions add it,
// except ref_hash, whose callers pass the full label (RFC 9420 §5.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/hpke/dhkem.h"
#include "crypto/hpke/hpke.h"
#include "crypto/signature.h"

namespace conclave::mls {

enum class CipherSuiteId : uint16_t {
  kX25519Aes128GcmSha256Ed25519 = 0x0001,
  kP256Aes128GcmSha256P256 = 0x0002,
};

// HpkeCiphertext is the output of EncryptWithLabel (RFC 9420 §5.1.3):
//   struct {
//     opaque kem_output<V>;
//     opaque ciphertext<V>;
//   } HPKECiphertext;
// Its wire codec belongs to the MLS message layer.
struct HpkeCiphertext {
  Bytes kem_output;
  Bytes ciphertext;
};

// implements: REQ-CRYPTO-011
class CipherSuite {
 public:
  // from_wire maps a CipherSuite code point to a suite; any value but 0x0001
  // and 0x0002 is kUnsupported.
  [[nodiscard]] static Result<CipherSuite> from_wire(uint16_t value);
  // CipherSuite(id) is the suite `id` names (always supported).
  explicit CipherSuite(CipherSuiteId id);

  CipherSuiteId id() const { return id_; }
  uint16_t wire_value() const { return static_cast<uint16_t>(id_); }
  // name is the RFC 9420 §17.1 registry name.
  const char* name() const;

  crypto::HashAlg hash_alg() const;
  crypto::AeadAlg aead_alg() const;
  crypto::hpke::Suite hpke_suite() const;
  crypto::SignatureScheme signature_scheme() const;

  // KDF.Nh, AEAD.Nk and AEAD.Nn in bytes.
  size_t nh() const;
  size_t nk() const;
  size_t nn() const;

  // Hash, MAC and KDF.Extract of the suite.
  Bytes hash(ByteView data) const;
  [[nodiscard]] Result<Bytes> mac(ByteView key, ByteView data) const;
  // verify_mac compares in constant time; a mismatch is kAuthFailed.
  [[nodiscard]] Result<void> verify_mac(ByteView key, ByteView data, ByteView tag) const;
  [[nodiscard]] Result<SecretBytes> extract(ByteView salt, ByteView ikm) const;

  // expand_with_label is ExpandWithLabel(secret, label, context, length):
  // KDF.Expand(secret, KDFLabel, length) with
  //   struct { uint16 length; opaque label<V>; opaque context<V>; } KDFLabel;
  // and label = "MLS 1.0 " + `label`. `length` above 65535 is
  // kInvalidArgument.
  // implements: REQ-CRYPTO-011
  [[nodiscard]] Result<SecretBytes> expand_with_label(const SecretBytes& secret,
                                                      std::string_view label, ByteView context,
                                                      size_t length) const;

  // derive_secret is DeriveSecret(secret, label) = ExpandWithLabel(secret,
  // label, "", Nh).
  // implements: REQ-CRYPTO-011
  [[nodiscard]] Result<SecretBytes> derive_secret(const SecretBytes& secret,
                                                  std::string_view label) const;

  // derive_tree_secret is DeriveTreeSecret(secret, label, generation,
  // length) = ExpandWithLabel(secret, label, uint32 generation, length).
  // implements: REQ-CRYPTO-011
  [[nodiscard]] Result<SecretBytes> derive_tree_secret(const SecretBytes& secret,
                                                       std::string_view label, uint32_t generation,
                                                       size_t length) const;

  // ref_hash is RefHash(label, value) = Hash(RefHashInput) with
  //   struct { opaque label<V>; opaque value<V>; } RefHashInput;
  // `label` is used as given (e.g. "MLS 1.0 KeyPackage Reference").
  // implements: REQ-CRYPTO-011
  [[nodiscard]] Result<Bytes> ref_hash(std::string_view label, ByteView value) const;

  // sign_with_label is SignWithLabel(key, label, content): the suite's
  // signature over SignContent { V("MLS 1.0 " + label), V(content) }.
  // implements: REQ-CRYPTO-011
  [[nodiscard]] Result<Bytes> sign_with_label(const SecretBytes& signature_key,
                                              std::string_view label, ByteView content) const;

  // verify_with_label is VerifyWithLabel. A malformed key is
  // kInvalidPublicKey; any signature failure is kAuthFailed.
  // implements: REQ-CRYPTO-011
  [[nodiscard]] Result<void> verify_with_label(ByteView verification_key, std::string_view label,
                                               ByteView content, ByteView signature) const;

  // encrypt_with_label is EncryptWithLabel(public_key, label, context,
  // plaintext): HPKE SealBase to `public_key` (validated here:
  // kInvalidPublicKey) with info = EncryptContext { V("MLS 1.0 " + label),
  // V(context) } and empty aad.
  // implements: REQ-CRYPTO-011
  [[nodiscard]] Result<HpkeCiphertext> encrypt_with_label(ByteView public_key,
                                                          std::string_view label, ByteView context,
                                                          ByteView plaintext) const;

  // decrypt_with_label is DecryptWithLabel: HPKE OpenBase. A malformed
  // kem_output is kInvalidPublicKey; a ciphertext that does not open is
  // kAuthFailed.
  // implements: REQ-CRYPTO-011
  [[nodiscard]] Result<SecretBytes> decrypt_with_label(const crypto::hpke::KeyPair& private_key,
                                                       std::string_view label, ByteView context,
                                                       ByteView kem_output,
                                                       ByteView ciphertext) const;

  // HPKE key handling in this suite's KEM: DeriveKeyPair (TreeKEM node keys,
  // external_pub), and (de)serialisation of received or stored keys.
  [[nodiscard]] Result<crypto::hpke::KeyPair> derive_hpke_key_pair(ByteView ikm) const;
  [[nodiscard]] Result<crypto::hpke::KeyPair> hpke_private_key(const SecretBytes& in) const;
  [[nodiscard]] Result<crypto::hpke::PublicKey> hpke_public_key(ByteView in) const;

  friend bool operator==(const CipherSuite& a, const CipherSuite& b) { return a.id_ == b.id_; }

 private:
  CipherSuiteId id_;
};

}  // namespace conclave::mls
