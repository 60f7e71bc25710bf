#include "codec/pattern_source.h"

#include <gtest/gtest.h>

namespace conclave::codec {
namespace {

// verifies: REQ-CODEC-011
TEST(PatternSource, FramesMoveAndAreReproducible) {
  auto a = PatternSource::create(640, 360, 30);
  auto b = PatternSource::create(640, 360, 30);
  ASSERT_TRUE(a.has_value() && b.has_value());
  I420Frame prev = a->next_frame();
  EXPECT_EQ(prev.data.size(), i420_frame_len(640, 360));
  EXPECT_EQ(prev.data, b->next_frame().data);
  for (int i = 0; i < 5; ++i) {
    const I420Frame next = a->next_frame();
    EXPECT_NE(next.data, prev.data);
    EXPECT_EQ(next.data, b->next_frame().data);
    prev = next;
  }
  EXPECT_EQ(PatternSource::create(641, 360, 30).error().code, Err::kInvalidArgument);
  EXPECT_EQ(PatternSource::create(640, 360, 0).error().code, Err::kInvalidArgument);
  EXPECT_EQ(PatternSource::create(4000, 360, 30).error().code, Err::kInvalidArgument);
  EXPECT_TRUE(PatternSource::create(16, 16, 1).has_value());
}

}  // namespace
}  // namespace conclave::codec
