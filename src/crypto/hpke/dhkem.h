// DHKEM (RFC 9180 §4.1) for the two KEMs Conclave uses:
//   0x0010 DHKEM(P-256, HKDF-SHA256)   Nsecret 32, Nenc = Npk 65, Nsk 32
//   0x0020 DHKEM(X25519, HKDF-SHA256)  Nsecret 32, Nenc = Npk 32, Nsk 32
//
// Key types carry their KEM and are only made by the functions below, so a
// PublicKey in hand has passed validation (RFC 9180 §7.1.4), and a KeyPair
// holds a private key in range together with its public key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::crypto::hpke {

enum class KemId : uint16_t {
  kDhkemP256HkdfSha256 = 0x0010,
  kDhkemX25519HkdfSha256 = 0x0020,
};

const char* to_string(KemId kem);

// kem_from_wire maps a KEM code point to KemId; any other value is
// kUnsupported.
[[nodiscard]] Result<KemId> kem_from_wire(uint16_t value);

// RFC 9180 §7.1 sizes, in bytes.
size_t kem_secret_len(KemId kem);       // Nsecret
size_t kem_enc_len(KemId kem);          // Nenc
size_t kem_public_key_len(KemId kem);   // Npk
size_t kem_private_key_len(KemId kem);  // Nsk

struct KemAccess;

// PublicKey is a validated KEM public key in its serialized form.
class PublicKey {
 public:
  KemId kem() const { return kem_; }
  // bytes is SerializePublicKey(pk): the key as it goes on the wire.
  ByteView bytes() const { return bytes_; }

 private:
  friend struct KemAccess;
  PublicKey(KemId kem, Bytes bytes) : kem_(kem), bytes_(std::move(bytes)) {}

  KemId kem_;
  Bytes bytes_;
};

// KeyPair is a KEM private key with its public key. Move-only: copying a
// private key is explicit (serialize, then deserialize).
class KeyPair {
 public:
  KemId kem() const { return public_key_.kem(); }
  const PublicKey& public_key() const { return public_key_; }

 private:
  friend struct KemAccess;
  KeyPair(SecretBytes private_key, PublicKey public_key)
      : private_key_(std::move(private_key)), public_key_(std::move(public_key)) {}

  SecretBytes private_key_;
  PublicKey public_key_;
};

// deserialize_public_key is DeserializePublicKey with validation: the exact
// length Npk, and for P-256 a valid uncompressed curve point. Anything else
// is kInvalidPublicKey.
// implements: REQ-CRYPTO-006, REQ-CRYPTO-007
[[nodiscard]] Result<PublicKey> deserialize_public_key(KemId kem, ByteView in);

// serialize_public_key is SerializePublicKey.
Bytes serialize_public_key(const PublicKey& key);

// deserialize_private_key is DeserializePrivateKey: Nsk bytes; X25519 keys
// are clamped (RFC 9180 §7.1.2), P-256 scalars must lie in [1, n-1]
// (kInvalidPrivateKey otherwise). The public key is recomputed.
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<KeyPair> deserialize_private_key(KemId kem, const SecretBytes& in);

// serialize_private_key is SerializePrivateKey (X25519 output clamped).
// implements: REQ-CRYPTO-007
SecretBytes serialize_private_key(const KeyPair& key);

// generate_key_pair is GenerateKeyPair: DeriveKeyPair over Nsk fresh random
// bytes, as RFC 9180 §4 allows.
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<KeyPair> generate_key_pair(KemId kem);

// derive_key_pair is DeriveKeyPair(ikm) (RFC 9180 §7.1.3). `ikm` must be at
// least Nsk bytes (kInvalidArgument): the RFC's SHOULD, made a rule here.
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<KeyPair> derive_key_pair(KemId kem, ByteView ikm);

// Encapsulation is the sender's KEM output.
struct Encapsulation {
  SecretBytes shared_secret;
  Bytes enc;
};

// encap is Encap(pkR) with a fresh ephemeral key pair.
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<Encapsulation> encap(const PublicKey& pk_r);

// decap is Decap(enc, skR); `enc` is validated like any received public key
// (kInvalidPublicKey), as is the DH output.
// implements: REQ-CRYPTO-006, REQ-CRYPTO-007
[[nodiscard]] Result<SecretBytes> decap(ByteView enc, const KeyPair& sk_r);

// auth_encap is AuthEncap(pkR, skS) with a fresh ephemeral key pair.
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<Encapsulation> auth_encap(const PublicKey& pk_r, const KeyPair& sk_s);

// auth_decap is AuthDecap(enc, skR, pkS).
// implements: REQ-CRYPTO-006, REQ-CRYPTO-007
[[nodiscard]] Result<SecretBytes> auth_decap(ByteView enc, const KeyPair& sk_r,
                                             const PublicKey& pk_s);

}  // namespace conclave::crypto::hpke
