// RFC 9420 §2.1.2 variable-length integers: the limits shared by Reader and
// Writer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace conclave {

// The largest value a variable-length integer (and so a vector length) may
// carry: 2^30 - 1.
inline constexpr uint64_t kMaxVarint = (uint64_t{1} << 30) - 1;

// varint_len is the size of the minimal encoding of `v` (1, 2 or 4), or 0 if
// `v` exceeds kMaxVarint.
constexpr size_t varint_len(uint64_t v) {
  return v < 64 ? 1 : v < 16384 ? 2 : v <= kMaxVarint ? 4 : 0;
}

}  // namespace conclave
