// Validation of every public key Conclave receives (REQ-CRYPTO-006).
//
// Received keys are checked before any use, and the HPKE and signature APIs
// run the same checks internally. These functions let a parser reject a bad
// key at the edge, before it is stored.
//
//   P-256   : 65-byte SEC1 uncompressed point (0x04 || X || Y), X and Y below
//             p, on the curve, not the point at infinity. Compressed (33-byte
//             0x02/0x03), hybrid (0x06/0x07) and infinity (0x00) encodings
//             are rejected.
//   X25519  : exactly 32 bytes. Every 32-byte string is a valid X25519 input
//             (RFC 7748 §5); low-order points are caught where they matter,
//             by rejecting an all-zero DH output (crypto/dh.h).
//   Ed25519 : exactly 32 bytes. Whether they decode to a curve point is
//             checked by the verifier (RFC 8032 §5.1.7), which fails with
//             kAuthFailed if not.
#pragma once

#include <cstddef>

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::crypto {

inline constexpr size_t kP256PublicKeyLen = 65;
inline constexpr size_t kX25519PublicKeyLen = 32;
inline constexpr size_t kEd25519PublicKeyLen = 32;

// Each returns success or kInvalidPublicKey.
// implements: REQ-CRYPTO-006
[[nodiscard]] Result<void> validate_p256_public_key(ByteView key);
// implements: REQ-CRYPTO-006
[[nodiscard]] Result<void> validate_x25519_public_key(ByteView key);
// implements: REQ-CRYPTO-006
[[nodiscard]] Result<void> validate_ed25519_public_key(ByteView key);

}  // namespace conclave::crypto
