// Per-stream media statistics (spec/08-client.md#statistics).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace conclave::client::media {

// DropReason is why a receiver discarded a reassembled frame.
enum class DropReason : uint8_t {
  kUnknownKey,   // the KID names no sender or epoch held (SFrame kUnknownKeyId)
  kReplayed,     // the CTR was seen before or is below the replay window
  kAuthFailed,   // SFrame authentication failed
  kMalformed,    // not an SFrame frame, or the plaintext is not an envelope
  kNoFloor,      // the sender may not send this kind in the frame's epoch
  kWrongSender,  // the stream already carries another member's frames
};
inline constexpr size_t kNumDropReasons = 6;

const char* to_string(DropReason r);

// implements: REQ-CLIENT-030
// JitterEstimator is the interarrival jitter of RFC 3550 §6.4.1, over frames:
// D = (R_j - R_i) - (S_j - S_i) with R the arrival and S the capture time,
// J += (|D| - J) / 16, in integer microseconds (J scaled by 16 inside).
class JitterEstimator {
 public:
  void update(uint64_t capture_time_us, uint64_t arrival_ms);
  uint64_t jitter_us() const { return scaled_ >> 4; }

 private:
  bool started_ = false;
  uint64_t last_transit_us_ = 0;
  uint64_t scaled_ = 0;
};

// SendStats counts one outgoing stream.
struct SendStats {
  uint64_t frames_sent = 0;
  uint64_t keyframes_sent = 0;
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;     // SFrame bytes
  uint64_t frames_failed = 0;  // protection or packetisation refused
};

// implements: REQ-CLIENT-030
// ReceiveStats counts one incoming stream. Packet counters are those of the
// stream's Depacketizer (DepacketizerCounters); these are the frame-level
// ones.
struct ReceiveStats {
  uint64_t frames_received = 0;   // reassembled
  uint64_t frames_decrypted = 0;  // passed every check
  std::array<uint64_t, kNumDropReasons> dropped{};
  uint64_t latency_last_ms = 0;  // arrival less capture time (a shared clock)
  uint64_t latency_max_ms = 0;
  uint64_t latency_sum_ms = 0;
  JitterEstimator jitter;

  uint64_t dropped_for(DropReason r) const { return dropped[static_cast<size_t>(r)]; }
  uint64_t latency_mean_ms() const {
    return frames_decrypted == 0 ? 0 : latency_sum_ms / frames_decrypted;
  }
};

// PacketLoss is RFC 3550 §6.4.1 cumulative loss: expected packets (the
// extended sequence range) less those received, never negative.
struct PacketLoss {
  uint64_t expected = 0;
  uint64_t lost = 0;
};

}  // namespace conclave::client::media
