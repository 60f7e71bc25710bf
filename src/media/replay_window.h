// ReplayWindow: a receiving direction's sliding window over hop sequence
// numbers (spec/07-media-transport.md#replay-window), in the manner of RFC
// 4303 §3.4.3.
#pragma once

#include <array>
#include <cstdint>

#include "core/result.h"
#include "media/limits.h"

namespace conclave::media {

// ReplayWindow remembers the highest hop_seq accepted and which of the
// kHopReplayWindow numbers at or below it were accepted. check() is a pure
// pre-check that runs before any cryptography; accept() records a number and
// is called only after the packet authenticated, so a forged packet never
// moves the window. A fixed-size bitmap of words: no allocation.
// implements: REQ-MEDIA-006
class ReplayWindow {
 public:
  // check returns kReplayed if `seq` was accepted before or lies
  // kHopReplayWindow or more below the highest accepted number.
  [[nodiscard]] Result<void> check(uint64_t seq) const;

  // accept records `seq`, which must have passed check().
  void accept(uint64_t seq);

  // newest says whether `seq` is above every number accepted so far (path
  // binding moves only on such a packet).
  bool newest(uint64_t seq) const { return !any_ || seq > top_; }

  // top is the highest accepted number; meaningful once any() is true.
  uint64_t top() const { return top_; }
  bool any() const { return any_; }

 private:
  // One word more than the window needs: sliding clears whole words, and the
  // spare word keeps the oldest numbers of the window from sharing a word
  // with the newest (RFC 6479 §2).
  static constexpr size_t kWords = kHopReplayWindow / 64 + 1;
  static_assert(kHopReplayWindow % 64 == 0 && kHopReplayWindow >= 64);

  bool bit(uint64_t s) const { return ((seen_[(s / 64) % kWords] >> (s % 64)) & 1) != 0; }
  void set(uint64_t s) { seen_[(s / 64) % kWords] |= uint64_t{1} << (s % 64); }

  bool any_ = false;  // no packet accepted yet
  uint64_t top_ = 0;  // highest accepted number
  // Bit s % 64 of word (s / 64) % kWords is set when s, within the window,
  // was accepted.
  std::array<uint64_t, kWords> seen_{};
};

}  // namespace conclave::media
