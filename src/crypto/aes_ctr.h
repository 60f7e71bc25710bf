// AES-128 in counter mode (NIST SP 800-38A §6.5), from BoringSSL.
//
// CTR mode alone gives confidentiality only; Conclave uses it solely inside
// the encrypt-then-MAC construction of RFC 9605 §4.5.1 (aes_ctr_hmac.h),
// never on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::crypto {

inline constexpr size_t kAes128KeyLen = 16;
inline constexpr size_t kAesBlockLen = 16;

// AesCtrKey holds one expanded AES-128 key for CTR mode. It is created once;
// apply() then never allocates. Copying is deleted; a moved-from key returns
// kInvalidArgument. The key schedule is wiped on destruction. apply() is
// const and may run concurrently on one key.
// implements: REQ-CRYPTO-012
class AesCtrKey {
 public:
  // create expands `key`, which must be kAes128KeyLen bytes
  // (kInvalidArgument otherwise). `key` is only read during the call.
  [[nodiscard]] static Result<AesCtrKey> create(ByteView key);

  AesCtrKey(const AesCtrKey&) = delete;
  AesCtrKey& operator=(const AesCtrKey&) = delete;
  AesCtrKey(AesCtrKey&&) noexcept;
  AesCtrKey& operator=(AesCtrKey&&) noexcept;
  ~AesCtrKey();

  // apply XORs `in` with the key stream that starts at the 16-byte counter
  // block `initial_counter` (incremented as a 128-bit big-endian integer per
  // block) and writes in.size() bytes to the front of `out`. Encryption and
  // decryption are the same operation. `out` may alias `in` exactly but must
  // not overlap it otherwise (kInvalidArgument); a short `out` is
  // kBufferTooSmall. Never allocates.
  [[nodiscard]] Result<void> apply(MutableByteView out, ByteView initial_counter,
                                   ByteView in) const;

 private:
  struct Impl;
  explicit AesCtrKey(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace conclave::crypto
