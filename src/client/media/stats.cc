#include "client/media/stats.h"

namespace conclave::client::media {

const char* to_string(DropReason r) {
  switch (r) {
    case DropReason::kUnknownKey:
      return "unknown_key";
    case DropReason::kReplayed:
      return "replayed";
    case DropReason::kAuthFailed:
      return "auth_failed";
    case DropReason::kMalformed:
      return "malformed";
    case DropReason::kNoFloor:
      return "no_floor";
    case DropReason::kWrongSender:
      return "wrong_sender";
  }
  return "?";
}

void JitterEstimator::update(uint64_t capture_time_us, uint64_t arrival_ms) {
  // Transit times may be anything when the clocks differ (and the sender
  // chooses its capture times); only their differences matter, computed
  // modulo 2^64 and capped so that no sum overflows.
  constexpr uint64_t kMaxStepUs = 10'000'000;
  const uint64_t transit = arrival_ms * 1000 - capture_time_us;
  if (started_) {
    const uint64_t d = transit - last_transit_us_;
    uint64_t abs_d = (d >> 63) != 0 ? 0 - d : d;
    if (abs_d > kMaxStepUs) {
      abs_d = kMaxStepUs;
    }
    // J_16 += |D| - J_16 / 16 keeps J = J_16 / 16 (RFC 3550 A.8).
    scaled_ = scaled_ + abs_d - ((scaled_ + 8) >> 4);
  }
  started_ = true;
  last_transit_us_ = transit;
}

}  // namespace conclave::client::media
