#include "codec/tone_source.h"

#include <gtest/gtest.h>

#include "codec/limits.h"
#include "tests/unit/codec/codec_test_util.h"

namespace conclave::codec {
namespace {

// verifies: REQ-CODEC-011
TEST(ToneSource, GivesTheRequestedFrequencyWithoutClicks) {
  auto tone = ToneSource::create(1000.0);
  ASSERT_TRUE(tone.has_value());
  std::vector<int16_t> all;
  for (int i = 0; i < 10; ++i) {
    const auto f = tone->next_frame();
    ASSERT_EQ(f.size(), kFrameSamples);
    all.insert(all.end(), f.begin(), f.end());
  }
  EXPECT_GT(testing::tone_share(all, 1000.0), 0.99);
  EXPECT_NEAR(testing::rms(all), 8000 / std::sqrt(2.0), 50);
  // No step larger than one sample of a 1 kHz sine of amplitude 8000 can make.
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LE(std::abs(all[i] - all[i - 1]), 1100) << i;
  }
  EXPECT_EQ(ToneSource::create(10.0).error().code, Err::kInvalidArgument);
  EXPECT_EQ(ToneSource::create(440.0, 3).error().code, Err::kInvalidArgument);
  EXPECT_EQ(ToneSource::create(440.0, 1, 0).error().code, Err::kInvalidArgument);
  auto stereo = ToneSource::create(440.0, 2);
  ASSERT_TRUE(stereo.has_value());
  const auto s = stereo->next_frame();
  ASSERT_EQ(s.size(), 2 * kFrameSamples);
  EXPECT_EQ(s[100], s[101]);
}

}  // namespace
}  // namespace conclave::codec
