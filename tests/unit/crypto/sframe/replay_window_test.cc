// Tests for crypto/sframe/replay_window.h.
#include "crypto/sframe/replay_window.h"

#include <gtest/gtest.h>

#include "sframe_test_util.h"

namespace conclave::sframe {
namespace {

using testing::error_of;

// verifies: REQ-SFRAME-007
TEST(ReplayWindow, in_window_reordering_is_accepted_once) {
  ReplayWindow w;
  for (uint64_t c : {10u, 12u, 11u, 5u, 1000u, 13u}) {
    ASSERT_TRUE(w.check(c).has_value()) << c;
    w.accept(c);
  }
  for (uint64_t c : {10u, 12u, 11u, 5u, 1000u, 13u}) {
    EXPECT_EQ(error_of(w.check(c)), Err::kReplayed) << c;
  }
  EXPECT_TRUE(w.check(6).has_value());
  EXPECT_TRUE(w.check(999).has_value());
}

// verifies: REQ-SFRAME-007
TEST(ReplayWindow, rejects_counters_below_the_window) {
  ReplayWindow w;
  w.accept(5000);
  EXPECT_TRUE(w.check(5000 - kReplayWindow + 1).has_value());
  EXPECT_EQ(error_of(w.check(5000 - kReplayWindow)), Err::kReplayed);
  EXPECT_EQ(error_of(w.check(0)), Err::kReplayed);
}

// verifies: REQ-SFRAME-007
TEST(ReplayWindow, sliding_forgets_nothing_inside_the_window_and_reuses_bits) {
  ReplayWindow w;
  // Accept every even CTR for several laps of the bitmap.
  for (uint64_t c = 0; c < 5 * kReplayWindow; c += 2) {
    ASSERT_TRUE(w.check(c).has_value()) << c;
    w.accept(c);
  }
  const uint64_t top = 5 * kReplayWindow - 2;
  for (uint64_t c = top - kReplayWindow + 2; c <= top; ++c) {
    if (c % 2 == 0) {
      EXPECT_EQ(error_of(w.check(c)), Err::kReplayed) << c;
    } else {
      EXPECT_TRUE(w.check(c).has_value()) << c;
    }
  }
  // A jump further than the window clears it.
  w.accept(top + 10 * kReplayWindow);
  EXPECT_TRUE(w.check(top + 10 * kReplayWindow - 1).has_value());
}

}  // namespace
}  // namespace conclave::sframe
