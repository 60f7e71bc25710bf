// SecretBytes: the only container for key material (STYLE.md STY-16).
//
// Move-only; copies are explicit (clone()). The buffer is allocated once and
// never resized, so no stale copy is left in freed memory, and it is zeroised
// on destruction and when moved from. It has no operator== (use ct_equal) and
// no stream operator, so a secret cannot be compared early-exit or logged by
// accident.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/bytes.h"

namespace conclave {

// secure_zero clears `v` in a way the compiler may not optimise away.
void secure_zero(MutableByteView v);

// ct_equal compares two equal-length buffers in time that depends only on
// their length. Buffers of different lengths compare unequal at once (lengths
// are public).
bool ct_equal(ByteView a, ByteView b);

// implements: REQ-CRYPTO-010
class SecretBytes {
 public:
  SecretBytes() = default;
  // SecretBytes(n) holds `n` zero bytes, to be filled through mutable_view().
  explicit SecretBytes(size_t n);
  // copy_of copies a secret that arrived in a public buffer (a test vector, a
  // decrypted payload); the caller clears the source if it can.
  static SecretBytes copy_of(ByteView v);

  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& o) noexcept;
  SecretBytes& operator=(SecretBytes&& o) noexcept;
  ~SecretBytes();

  SecretBytes clone() const { return copy_of(view()); }

  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  // view borrows the secret; it is valid until this object is destroyed,
  // assigned or moved from.
  ByteView view() const { return {data_.get(), len_}; }
  MutableByteView mutable_view() { return {data_.get(), len_}; }

  bool ct_equal(const SecretBytes& o) const { return conclave::ct_equal(view(), o.view()); }

 private:
  void wipe();

  std::unique_ptr<uint8_t[]> data_;
  size_t len_ = 0;
};

}  // namespace conclave
