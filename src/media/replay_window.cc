#include "media/replay_window.h"

#include "core/check.h"

namespace conclave::media {

// implements: REQ-MEDIA-006
Result<void> ReplayWindow::check(uint64_t seq) const {
  if (!any_ || seq > top_) {
    return {};
  }
  if (top_ - seq >= kHopReplayWindow) {
    return Error(Err::kReplayed, "hop_seq below the replay window");
  }
  if (bit(seq)) {
    return Error(Err::kReplayed, "hop_seq already accepted");
  }
  return {};
}

// implements: REQ-MEDIA-006
void ReplayWindow::accept(uint64_t seq) {
  CONCLAVE_DEBUG_ASSERT(check(seq).has_value());
  if (!any_) {
    any_ = true;
    top_ = seq;
    seen_.fill(0);
  } else if (seq > top_) {
    // Slide a word at a time (RFC 6479): the words entering above the old
    // top hold only numbers never accepted, so their slots, left over from
    // a lap ago, are cleared. The spare word keeps every number still in
    // the window out of the slots being cleared.
    const uint64_t old_word = top_ / 64;
    const uint64_t new_word = seq / 64;
    if (new_word - old_word >= kWords) {
      seen_.fill(0);
    } else {
      for (uint64_t w = old_word + 1; w <= new_word; ++w) {
        seen_[w % kWords] = 0;
      }
    }
    top_ = seq;
  }
  set(seq);
}

}  // namespace conclave::media
