// Signatures: Ed25519 (RFC 8032, pure Ed25519) and ECDSA over P-256 with
// SHA-256 (FIPS 186-4), the two schemes of MLS cipher suites 0x0001 and
// 0x0002.
//
// Encodings, as RFC 9420 §5.1.1 and §5.1.2 fix them:
//   Ed25519 private key   32-byte seed
//   Ed25519 public key    32 bytes (RFC 8032 §5.1.5)
//   Ed25519 signature     64 bytes, R || S
//   ECDSA private key     32-byte big-endian scalar in [1, n-1]
//   ECDSA public key      65-byte SEC1 uncompressed point
//   ECDSA signature       DER Ecdsa-Sig-Value (SEQUENCE { r, s }), strict DER
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::crypto {

enum class SignatureScheme : uint8_t {
  kEd25519,
  kEcdsaP256Sha256,
};

const char* to_string(SignatureScheme scheme);

struct SignatureKeyPair {
  SecretBytes private_key;
  Bytes public_key;
};

// generate_signature_key_pair makes a fresh key pair from random_bytes.
// implements: REQ-CRYPTO-004, REQ-CRYPTO-005
[[nodiscard]] Result<SignatureKeyPair> generate_signature_key_pair(SignatureScheme scheme);

// signature_public_key derives the public key of `private_key`, or returns
// kInvalidPrivateKey (wrong length; for ECDSA a scalar outside [1, n-1]).
// implements: REQ-CRYPTO-004, REQ-CRYPTO-005
[[nodiscard]] Result<Bytes> signature_public_key(SignatureScheme scheme,
                                                 const SecretBytes& private_key);

// validate_signature_public_key returns kInvalidPublicKey unless
// `public_key` is a well-formed key for `scheme` (see crypto/public_key.h).
// implements: REQ-CRYPTO-006
[[nodiscard]] Result<void> validate_signature_public_key(SignatureScheme scheme,
                                                         ByteView public_key);

// sign signs `message` (the whole message; ECDSA hashes it with SHA-256).
// Ed25519 is deterministic; ECDSA draws its nonce from BoringSSL's RNG.
// Fails with kInvalidPrivateKey or kCryptoInternal.
// implements: REQ-CRYPTO-004, REQ-CRYPTO-005
[[nodiscard]] Result<Bytes> sign(SignatureScheme scheme, const SecretBytes& private_key,
                                 ByteView message);

// verify checks `signature` over `message` under `public_key`. A malformed
// public key is kInvalidPublicKey; every other failure (wrong signature,
// wrong length, non-DER or non-minimal DER encoding, wrong key or message)
// is kAuthFailed.
// implements: REQ-CRYPTO-004, REQ-CRYPTO-005, REQ-CRYPTO-006
[[nodiscard]] Result<void> verify(SignatureScheme scheme, ByteView public_key, ByteView message,
                                  ByteView signature);

}  // namespace conclave::crypto
