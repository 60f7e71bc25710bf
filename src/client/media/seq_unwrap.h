// Unwrapping 32-bit wire counters (stream_seq, frame_number) into 64-bit
// ones, so that comparisons survive the wrap at 2^32.
#pragma once

#include <cstdint>

namespace conclave::client::media {

// The first extended value: one full cycle up, so that a counter just below
// its first value (reordering at the start) does not underflow.
inline constexpr uint64_t kUnwrapBase = uint64_t{1} << 32;

// unwrap32 returns the 64-bit value whose low 32 bits are `value` and which
// lies nearest to `reference` (ties toward the larger value).
inline uint64_t unwrap32(uint64_t reference, uint32_t value) {
  const uint64_t candidate = (reference & ~uint64_t{0xffffffff}) | value;
  constexpr uint64_t kHalf = uint64_t{1} << 31;
  if (candidate + kHalf < reference && candidate <= UINT64_MAX - (uint64_t{1} << 32)) {
    return candidate + (uint64_t{1} << 32);
  }
  if (candidate > reference + kHalf && candidate >= (uint64_t{1} << 32)) {
    return candidate - (uint64_t{1} << 32);
  }
  return candidate;
}

}  // namespace conclave::client::media
