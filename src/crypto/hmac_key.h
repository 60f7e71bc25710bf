// HmacKey: a keyed HMAC (RFC 2104) context with a fixed, possibly truncated,
// tag length, for hot paths that must not allocate (SFrame's AES-CTR + HMAC
// suites, RFC 9605 §4.5.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/hash.h"

namespace conclave::crypto {

// The shortest truncated tag HmacKey accepts: 4 bytes, the tag of SFrame
// suite AES_128_CTR_HMAC_SHA256_32. Shorter tags are refused outright.
inline constexpr size_t kMinHmacTagLen = 4;

// HmacKey holds one HMAC key and a tag length fixed at creation: the first
// tag_len bytes of the full HMAC output (truncation as in RFC 2104 §5). Since
// the tag length is fixed by the key, never by the input, an attacker cannot
// shorten the tag a verifier checks. sign() and verify() reuse an internal
// context and so are not const: one HmacKey must not be used by two threads
// at once. They never allocate. The key state is wiped on destruction.
// implements: REQ-CRYPTO-012
class HmacKey {
 public:
  // create keys HMAC-`alg` with `key` (any length, as RFC 2104 allows) and
  // fixes the tag length; tag_len must be in [kMinHmacTagLen, hash_len(alg)]
  // (kInvalidArgument otherwise).
  [[nodiscard]] static Result<HmacKey> create(HashAlg alg, ByteView key, size_t tag_len);

  HmacKey(const HmacKey&) = delete;
  HmacKey& operator=(const HmacKey&) = delete;
  HmacKey(HmacKey&&) noexcept;
  HmacKey& operator=(HmacKey&&) noexcept;
  ~HmacKey();

  size_t tag_len() const { return tag_len_; }

  // sign writes the tag over the concatenation of `parts` (never built) to
  // `out_tag`, which must be exactly tag_len() bytes (kInvalidArgument).
  [[nodiscard]] Result<void> sign(MutableByteView out_tag, std::span<const ByteView> parts);

  // verify recomputes the tag over `parts` and compares it with `tag` in
  // constant time. Any mismatch, including a tag that is not tag_len() bytes,
  // is kAuthFailed.
  [[nodiscard]] Result<void> verify(ByteView tag, std::span<const ByteView> parts);

 private:
  struct Impl;
  HmacKey(std::unique_ptr<Impl> impl, size_t tag_len);

  std::unique_ptr<Impl> impl_;
  size_t tag_len_ = 0;
};

}  // namespace conclave::crypto
