// P-256 helpers shared by ECDH, ECDSA and DHKEM(P-256). Internal to
// src/crypto: this header exposes BoringSSL types.
//
// Encodings (fixed by RFC 9180 §7.1.1 and RFC 9420 §5.1.1):
//   public key  = SEC1 uncompressed point, 0x04 || X || Y (65 bytes)
//   private key = the scalar as a 32-byte big-endian integer in [1, n-1]
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>

#include <cstddef>
#include <memory>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::crypto::internal {

inline constexpr size_t kP256ScalarLen = 32;
inline constexpr size_t kP256PointLen = 65;

// p256_group is BoringSSL's built-in P-256 group; it lives for the process.
const EC_GROUP* p256_group();

// p256_scalar_in_range is true when `scalar` is exactly 32 bytes and, read
// big-endian, lies in [1, n-1]. The comparison with n runs in time that
// does not depend on the scalar's value.
bool p256_scalar_in_range(ByteView scalar);

// p256_decode_point decodes an uncompressed point with full validation:
// exactly 65 bytes, leading 0x04, both coordinates below p, on the curve,
// not the point at infinity. Anything else is kInvalidPublicKey.
// implements: REQ-CRYPTO-006
[[nodiscard]] Result<bssl::UniquePtr<EC_POINT>> p256_decode_point(ByteView in);

// p256_encode_point writes `point` in the 65-byte uncompressed form.
[[nodiscard]] Result<Bytes> p256_encode_point(const EC_POINT* point);

// p256_key_from_scalar builds an EC_KEY holding the private scalar `scalar`
// (no public point: ECDH and ECDSA signing do not need one). `scalar`
// outside [1, n-1] (or not 32 bytes) is kInvalidPrivateKey.
[[nodiscard]] Result<bssl::UniquePtr<EC_KEY>> p256_key_from_scalar(const SecretBytes& scalar);

// p256_public_from_scalar returns the encoded public point scalar * G, or
// kInvalidPrivateKey as above.
[[nodiscard]] Result<Bytes> p256_public_from_scalar(const SecretBytes& scalar);

// p256_random_scalar draws a uniformly random scalar in [1, n-1] by
// rejection sampling over random_bytes.
[[nodiscard]] Result<SecretBytes> p256_random_scalar();

}  // namespace conclave::crypto::internal
