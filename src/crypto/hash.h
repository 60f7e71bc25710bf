// Hash functions: SHA-256 and SHA-384 (FIPS 180-4), from BoringSSL.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"

namespace conclave::crypto {

// HashAlg names a hash function. It is also the hash behind HMAC and HKDF.
enum class HashAlg : uint8_t {
  kSha256,
  kSha384,
};

const char* to_string(HashAlg alg);

// hash_len is the digest size of `alg` in bytes (32 or 48).
size_t hash_len(HashAlg alg);

// hash returns the digest of `data`. It cannot fail.
// implements: REQ-CRYPTO-003
Bytes hash(HashAlg alg, ByteView data);

}  // namespace conclave::crypto
