// Statistics: the RFC 3550 interarrival jitter estimator and drop reasons.
#include "client/media/stats.h"

#include <gtest/gtest.h>

#include <string>

namespace conclave::client::media {
namespace {

// verifies: REQ-CLIENT-030
TEST(JitterEstimator, FollowsRfc3550AndSurvivesHostileTimestamps) {
  JitterEstimator constant;
  for (uint64_t n = 0; n < 50; ++n) {
    constant.update(n * 20000, 1000 + n * 20);
  }
  EXPECT_EQ(constant.jitter_us(), 0u);
  // One 16 ms delay step: J = 16000 / 16 = 1000 us after the first update
  // that sees it (J += (|D| - J) / 16).
  JitterEstimator step;
  step.update(0, 100);
  step.update(20000, 136);
  EXPECT_EQ(step.jitter_us(), 1000u);
  // Capture times chosen by a hostile sender neither overflow nor exceed
  // the capped step.
  JitterEstimator wild;
  for (uint64_t n = 0; n < 1000; ++n) {
    wild.update(n % 2 == 0 ? 0 : uint64_t{1} << 63, n);
  }
  EXPECT_LE(wild.jitter_us(), 10'000'000u);
  EXPECT_GT(wild.jitter_us(), 9'000'000u);
}

TEST(DropReason, EveryReasonHasAName) {
  for (size_t r = 0; r < kNumDropReasons; ++r) {
    EXPECT_NE(std::string(to_string(static_cast<DropReason>(r))), "?");
  }
}

}  // namespace
}  // namespace conclave::client::media
