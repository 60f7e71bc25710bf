#include "client/media/nack_tracker.h"

#include "client/media/media_limits.h"
#include "client/media/seq_unwrap.h"

namespace conclave::client::media {

void NackTracker::on_packet(uint32_t stream_seq, uint64_t now_ms) {
  const uint64_t n = started_ ? unwrap32(highest_, stream_seq) : kUnwrapBase + stream_seq;
  if (!started_) {
    started_ = true;
    highest_ = n;
    return;
  }
  if (n <= highest_) {
    if (missing_.erase(n) != 0) {
      ++counters_.recovered;
    }
    return;
  }
  // Track only the newest kMaxTrackedMissing numbers of a long gap: for a
  // longer outage a keyframe request serves better than retransmissions.
  const uint64_t first =
      n - highest_ - 1 > kMaxTrackedMissing ? n - kMaxTrackedMissing : highest_ + 1;
  counters_.missing += n - first;
  for (uint64_t s = first; s < n; ++s) {
    missing_[s] = Missing{now_ms + kNackDelayMs, 0};
  }
  highest_ = n;
  while (missing_.size() > kMaxTrackedMissing) {
    missing_.erase(missing_.begin());
    ++counters_.given_up;
  }
}

std::vector<uint32_t> NackTracker::take_nacks(uint64_t now_ms, size_t max) {
  std::vector<uint32_t> out;
  for (auto it = missing_.begin(); it != missing_.end();) {
    Missing& m = it->second;
    if (m.due_ms > now_ms) {
      ++it;
      continue;
    }
    if (m.attempts >= kNackAttempts) {
      it = missing_.erase(it);
      ++counters_.given_up;
      continue;
    }
    if (out.size() >= max) {
      break;
    }
    out.push_back(static_cast<uint32_t>(it->first));
    ++m.attempts;
    m.due_ms = now_ms + kNackRetryMs;
    ++counters_.requested;
    ++it;
  }
  return out;
}

}  // namespace conclave::client::media
