// ReplayWindow: the receiver's sliding window over the CTR values of one key
// (RFC 9605 §9.3 leaves anti-replay to the application; this is the
// counter-based scheme of RFC 3711 §3.3.2 adapted to SFrame's CTR).
#pragma once

#include <array>
#include <cstdint>

#include "core/result.h"
#include "crypto/sframe/limits.h"

namespace conclave::sframe {

// ReplayWindow remembers the highest CTR accepted and which of the
// kReplayWindow counters at or below it were accepted. check() is a pure
// pre-check, run before any cryptography; accept() records a CTR and is
// called only after the frame authenticated, so a forged frame never moves
// the window. A fixed-size bitmap: no allocation.
// implements: REQ-SFRAME-007
class ReplayWindow {
 public:
  // check returns kReplayed if `ctr` was accepted before or lies
  // kReplayWindow or more below the highest accepted CTR.
  [[nodiscard]] Result<void> check(uint64_t ctr) const;

  // accept records `ctr`, which must have passed check().
  void accept(uint64_t ctr);

 private:
  static constexpr size_t kWords = kReplayWindow / 64;
  static_assert(kReplayWindow % 64 == 0);

  bool bit(uint64_t ctr) const { return ((seen_[(ctr / 64) % kWords] >> (ctr % 64)) & 1) != 0; }
  void set(uint64_t ctr) { seen_[(ctr / 64) % kWords] |= uint64_t{1} << (ctr % 64); }
  void clear(uint64_t ctr) { seen_[(ctr / 64) % kWords] &= ~(uint64_t{1} << (ctr % 64)); }

  bool any_ = false;  // no frame accepted yet
  uint64_t top_ = 0;  // highest accepted CTR
  // Bit (ctr mod kReplayWindow) is set when ctr, within the window, was
  // accepted.
  std::array<uint64_t, kWords> seen_{};
};

}  // namespace conclave::sframe
