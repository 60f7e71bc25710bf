#include "crypto/sframe/replay_window.h"

#include "core/check.h"

namespace conclave::sframe {

// implements: REQ-SFRAME-007
Result<void> ReplayWindow::check(uint64_t ctr) const {
  if (!any_ || ctr > top_) {
    return {};
  }
  if (top_ - ctr >= kReplayWindow) {
    return Error(Err::kReplayed, "SFrame CTR below the replay window");
  }
  if (bit(ctr)) {
    return Error(Err::kReplayed, "SFrame CTR already accepted");
  }
  return {};
}

// implements: REQ-SFRAME-007
void ReplayWindow::accept(uint64_t ctr) {
  CONCLAVE_DEBUG_ASSERT(check(ctr).has_value());
  if (!any_) {
    any_ = true;
    top_ = ctr;
    seen_.fill(0);
  } else if (ctr > top_) {
    // Slide: the counters that enter the window above the old top were never
    // seen, so their bits (left over from a lap ago) are cleared.
    if (ctr - top_ >= kReplayWindow) {
      seen_.fill(0);
    } else {
      for (uint64_t c = top_ + 1; c <= ctr; ++c) {
        clear(c);
      }
    }
    top_ = ctr;
  }
  set(ctr);
}

}  // namespace conclave::sframe
