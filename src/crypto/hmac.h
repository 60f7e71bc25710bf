// HMAC (RFC 2104) over SHA-256, SHA-384 or SHA-512, and its constant-time check.
#pragma once

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/hash.h"

namespace conclave::crypto {

// hmac returns the hash_len(alg)-byte HMAC of `data` under `key`. It fails
// with kCryptoInternal only if BoringSSL does.
// implements: REQ-CRYPTO-003
[[nodiscard]] Result<Bytes> hmac(HashAlg alg, ByteView key, ByteView data);

// hmac_verify recomputes the HMAC of `data` under `key` and compares it with
// `tag` in constant time. Any mismatch, including a tag of the wrong length,
// is kAuthFailed.
// implements: REQ-CRYPTO-003
[[nodiscard]] Result<void> hmac_verify(HashAlg alg, ByteView key, ByteView data, ByteView tag);

}  // namespace conclave::crypto
