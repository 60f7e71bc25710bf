// NackTracker: which packets of one incoming video stream went missing, and
// when to ask the SFU to send them again from its retransmission cache
// (spec/08-client.md#retransmission-requests).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace conclave::client::media {

struct NackCounters {
  uint64_t missing = 0;    // sequence numbers found missing
  uint64_t recovered = 0;  // of those, arrived later (reordered or resent)
  uint64_t requested = 0;  // requests made (a number may be asked twice)
  uint64_t given_up = 0;   // still missing after every attempt, or evicted
};

// NackTracker is a value type; time is the caller's monotonic clock.
// implements: REQ-CLIENT-034
class NackTracker {
 public:
  // on_packet records a received stream_seq. A number above the highest
  // seen marks every number in between missing (at most
  // kMaxTrackedMissing, the newest); a missing number that arrives is
  // recovered.
  void on_packet(uint32_t stream_seq, uint64_t now_ms);

  // take_nacks returns the numbers to request now, at most `max`: each one
  // kNackDelayMs after it was found missing (reordering usually fills the
  // gap sooner), and once more kNackRetryMs later; after kNackAttempts
  // requests it is given up.
  std::vector<uint32_t> take_nacks(uint64_t now_ms, size_t max);

  size_t tracked() const { return missing_.size(); }
  const NackCounters& counters() const { return counters_; }

 private:
  struct Missing {
    uint64_t due_ms = 0;
    uint32_t attempts = 0;
  };
  bool started_ = false;
  uint64_t highest_ = 0;                 // extended
  std::map<uint64_t, Missing> missing_;  // by extended sequence number
  NackCounters counters_;
};

}  // namespace conclave::client::media
