// NackTracker: gaps become requests after a delay, reordering cancels them,
// each number is asked for at most kNackAttempts times, and the state is
// bounded.
#include "client/media/nack_tracker.h"

#include <gtest/gtest.h>

#include "client/media/media_limits.h"

namespace conclave::client::media {
namespace {

// verifies: REQ-CLIENT-034
TEST(NackTracker, RequestsAGapAfterTheDelayAndRetriesOnce) {
  NackTracker t;
  t.on_packet(10, 0);
  t.on_packet(13, 5);  // 11 and 12 missing
  EXPECT_TRUE(t.take_nacks(5 + kNackDelayMs - 1, 64).empty());
  EXPECT_EQ(t.take_nacks(5 + kNackDelayMs, 64), (std::vector<uint32_t>{11, 12}));
  t.on_packet(11, 30);  // resent
  EXPECT_EQ(t.counters().recovered, 1u);
  EXPECT_TRUE(t.take_nacks(5 + kNackDelayMs + kNackRetryMs - 1, 64).empty());
  EXPECT_EQ(t.take_nacks(5 + kNackDelayMs + kNackRetryMs, 64), (std::vector<uint32_t>{12}));
  // After kNackAttempts requests the number is given up.
  EXPECT_TRUE(t.take_nacks(1000, 64).empty());
  EXPECT_EQ(t.counters().given_up, 1u);
  EXPECT_EQ(t.tracked(), 0u);
  EXPECT_EQ(t.counters().requested, 3u);
}

// verifies: REQ-CLIENT-034
TEST(NackTracker, ReorderingWithinTheDelayCancelsTheRequest) {
  NackTracker t;
  t.on_packet(0, 0);
  t.on_packet(2, 1);
  t.on_packet(1, 3);  // reordered, not lost
  EXPECT_TRUE(t.take_nacks(100, 64).empty());
  EXPECT_EQ(t.counters().missing, 1u);
  EXPECT_EQ(t.counters().recovered, 1u);
  // Duplicates and old numbers change nothing.
  t.on_packet(2, 4);
  t.on_packet(0, 4);
  EXPECT_EQ(t.tracked(), 0u);
}

// verifies: REQ-CLIENT-034
TEST(NackTracker, BoundsALongGapAndTheBatchAndWrapsAround) {
  NackTracker t;
  t.on_packet(0xfffffff0u, 0);
  t.on_packet(0xfffffff0u + 1000, 0);  // wraps past 2^32; a gap of 999
  EXPECT_EQ(t.tracked(), kMaxTrackedMissing);
  const auto first = t.take_nacks(kNackDelayMs, 16);
  ASSERT_EQ(first.size(), 16u);
  // The newest kMaxTrackedMissing numbers are tracked, oldest first.
  EXPECT_EQ(first[0], static_cast<uint32_t>(0xfffffff0u + 1000 - kMaxTrackedMissing));
  EXPECT_EQ(t.take_nacks(kNackDelayMs, 1000).size(), kMaxTrackedMissing - 16);
}

}  // namespace
}  // namespace conclave::client::media
