// HKDF (RFC 5869): Extract and Expand over SHA-256, SHA-384 or SHA-512.
//
// Both return SecretBytes: their outputs are keys. The inputs are borrowed
// views; callers holding secrets pass SecretBytes::view().
#pragma once

#include <cstddef>
#include <span>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/hash.h"

namespace conclave::crypto {

// hkdf_extract returns PRK = HMAC-Hash(salt, ikm), hash_len(alg) bytes. An
// empty salt means hash_len(alg) zero bytes, as RFC 5869 §2.2 says.
// implements: REQ-CRYPTO-003
[[nodiscard]] Result<SecretBytes> hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm);

// hkdf_extract with `ikm_parts` extracts from the concatenation of the parts
// without ever building it, so secret parts (HPKE's labelled IKM, the two
// DH outputs of AuthEncap) are not copied into a temporary buffer.
// implements: REQ-CRYPTO-003
[[nodiscard]] Result<SecretBytes> hkdf_extract(HashAlg alg, ByteView salt,
                                               std::span<const ByteView> ikm_parts);

// hkdf_expand returns `length` bytes of OKM from `prk` and `info`. `length`
// must be at most 255 * hash_len(alg) (kInvalidArgument otherwise), and `prk`
// at least hash_len(alg) bytes (kInvalidArgument).
// implements: REQ-CRYPTO-003
[[nodiscard]] Result<SecretBytes> hkdf_expand(HashAlg alg, ByteView prk, ByteView info,
                                              size_t length);

}  // namespace conclave::crypto
