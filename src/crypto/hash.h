// Hash functions: SHA-256, SHA-384 and SHA-512 (FIPS 180-4), from BoringSSL.
// SHA-512 serves SFrame cipher suite AES_256_GCM_SHA512_128 (RFC 9605 §4.5).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"

namespace conclave::crypto {

// HashAlg names a hash function. It is also the hash behind HMAC and HKDF.
enum class HashAlg : uint8_t {
  kSha256,
  kSha384,
  kSha512,
};

const char* to_string(HashAlg alg);

// hash_len is the digest size of `alg` in bytes (32, 48 or 64).
size_t hash_len(HashAlg alg);

// hash returns the digest of `data`. It cannot fail.
// implements: REQ-CRYPTO-003
Bytes hash(HashAlg alg, ByteView data);

}  // namespace conclave::crypto
