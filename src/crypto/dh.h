// Diffie-Hellman over X25519 (RFC 7748) and P-256 (SP 800-56A ECDH), the two
// groups behind Conclave's HPKE KEMs.
//
// Private keys are SecretBytes: X25519 = 32 raw bytes (clamped when used),
// P-256 = 32-byte big-endian scalar in [1, n-1]. Public keys use the
// encodings of crypto/public_key.h. Shared secrets are SecretBytes: the
// 32-byte X25519 output, or the 32-byte x-coordinate for P-256.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::crypto {

enum class DhGroup : uint8_t {
  kX25519,
  kP256,
};

const char* to_string(DhGroup group);

// Sizes of the encodings of `group` (RFC 9180 §7.1: Nsk, Npk, Ndh).
size_t dh_private_key_len(DhGroup group);
size_t dh_public_key_len(DhGroup group);
size_t dh_shared_secret_len(DhGroup group);

// dh_generate_private_key returns a fresh random private key.
[[nodiscard]] Result<SecretBytes> dh_generate_private_key(DhGroup group);

// dh_validate_private_key returns kInvalidPrivateKey unless `private_key`
// has the right length and, for P-256, lies in [1, n-1].
[[nodiscard]] Result<void> dh_validate_private_key(DhGroup group, const SecretBytes& private_key);

// dh_public_key returns the encoded public key of `private_key`, or
// kInvalidPrivateKey.
[[nodiscard]] Result<Bytes> dh_public_key(DhGroup group, const SecretBytes& private_key);

// dh computes the shared secret of `private_key` and the peer's encoded
// `peer_public_key`. The peer key is fully validated (kInvalidPublicKey),
// and an all-zero X25519 output, which a low-order peer point produces, is
// rejected as kInvalidPublicKey.
// implements: REQ-CRYPTO-006
[[nodiscard]] Result<SecretBytes> dh(DhGroup group, const SecretBytes& private_key,
                                     ByteView peer_public_key);

}  // namespace conclave::crypto
