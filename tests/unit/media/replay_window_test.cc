// Tests for media/replay_window.h.
#include "media/replay_window.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>

#include "media_test_util.h"

namespace conclave::media {
namespace {

using testing::error_of;

// verifies: REQ-MEDIA-006
TEST(HopReplayWindow, in_order_reordered_and_duplicate_numbers) {
  ReplayWindow w;
  for (uint64_t s : {0u, 1u, 2u, 5u, 4u, 3u, 100u, 50u}) {
    ASSERT_TRUE(w.check(s).has_value()) << s;
    w.accept(s);
  }
  for (uint64_t s : {0u, 1u, 2u, 3u, 4u, 5u, 50u, 100u}) {
    EXPECT_EQ(error_of(w.check(s)), Err::kReplayed) << s;
  }
  for (uint64_t s : {6u, 49u, 51u, 99u, 101u}) {
    EXPECT_TRUE(w.check(s).has_value()) << s;
  }
}

// verifies: REQ-MEDIA-006
TEST(HopReplayWindow, window_edge_is_exactly_kHopReplayWindow) {
  ReplayWindow w;
  const uint64_t top = 10 * kHopReplayWindow + 17;
  w.accept(top);
  EXPECT_TRUE(w.check(top - kHopReplayWindow + 1).has_value());
  EXPECT_EQ(error_of(w.check(top - kHopReplayWindow)), Err::kReplayed);
  EXPECT_EQ(error_of(w.check(0)), Err::kReplayed);
  w.accept(top - kHopReplayWindow + 1);
  EXPECT_EQ(error_of(w.check(top - kHopReplayWindow + 1)), Err::kReplayed);
}

// verifies: REQ-MEDIA-006
TEST(HopReplayWindow, check_changes_nothing) {
  ReplayWindow w;
  EXPECT_TRUE(w.check(7).has_value());
  EXPECT_TRUE(w.check(7).has_value());
  EXPECT_FALSE(w.any());
  w.accept(7);
  EXPECT_TRUE(w.check(9).has_value());
  EXPECT_EQ(w.top(), 7u);
  EXPECT_TRUE(w.newest(8));
  EXPECT_FALSE(w.newest(7));
  EXPECT_FALSE(w.newest(3));
}

// A number at the old end of the window must stay marked when the top moves
// into the word that shares its slot: the slide clears whole words.
// verifies: REQ-MEDIA-006
TEST(HopReplayWindow, sliding_by_words_keeps_the_oldest_numbers_marked) {
  for (uint64_t low = 0; low < 64; ++low) {
    SCOPED_TRACE(low);
    ReplayWindow w;
    w.accept(low);
    const uint64_t high = low + kHopReplayWindow - 1;
    ASSERT_TRUE(w.check(high).has_value());
    w.accept(high);
    EXPECT_EQ(error_of(w.check(low)), Err::kReplayed);
    EXPECT_EQ(error_of(w.check(high)), Err::kReplayed);
    EXPECT_TRUE(w.check(low + 1).has_value());
  }
}

// verifies: REQ-MEDIA-006
TEST(HopReplayWindow, jumps_forget_old_bits_from_earlier_laps) {
  ReplayWindow w;
  for (uint64_t s = 0; s < kHopReplayWindow; ++s) {
    w.accept(s);
  }
  // Jump by one window plus a word: every number above the old top is new,
  // even those whose slots held accepted bits a lap ago.
  const uint64_t top = 2 * kHopReplayWindow + 64;
  w.accept(top);
  for (uint64_t s = top - kHopReplayWindow + 1; s < top; ++s) {
    ASSERT_TRUE(w.check(s).has_value()) << s;
  }
}

// A model check against a set of every accepted number, over random
// sequences with reordering, duplicates and jumps (deterministic seed).
// verifies: REQ-MEDIA-006
TEST(HopReplayWindow, agrees_with_a_reference_model) {
  std::mt19937_64 rng(20261127);
  for (int round = 0; round < 20; ++round) {
    ReplayWindow w;
    std::set<uint64_t> accepted;
    uint64_t top = 0;
    bool any = false;
    for (int i = 0; i < 20000; ++i) {
      uint64_t s = 0;
      const uint64_t pick = rng() % 100;
      if (!any || pick < 60) {
        s = top + rng() % 4;
      } else if (pick < 90) {
        s = top - std::min<uint64_t>(top, rng() % (kHopReplayWindow + 64));
      } else if (pick < 98) {
        s = top + rng() % (3 * kHopReplayWindow);
      } else {
        s = top + 64 * (rng() % 40);
      }
      const bool want = !any || s > top || (top - s < kHopReplayWindow && accepted.count(s) == 0);
      ASSERT_EQ(w.check(s).has_value(), want) << "round " << round << " step " << i << " s " << s;
      if (want) {
        w.accept(s);
        accepted.insert(s);
        if (!any || s > top) {
          top = s;
        }
        any = true;
      }
    }
  }
}

}  // namespace
}  // namespace conclave::media
