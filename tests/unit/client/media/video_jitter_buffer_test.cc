// VideoJitterBuffer: starts on a keyframe, delivers in order, waits a
// bounded time for a missing frame, then needs and requests a keyframe.
#include "client/media/video_jitter_buffer.h"

#include <gtest/gtest.h>

#include "client/media/media_limits.h"

namespace conclave::client::media {
namespace {

Bytes fb(uint32_t n) { return Bytes{static_cast<uint8_t>(n)}; }

// verifies: REQ-CLIENT-028, REQ-CLIENT-029
TEST(VideoJitterBuffer, StartsOnAKeyframeAndRequestsOneRateLimited) {
  VideoJitterBuffer jb;
  EXPECT_TRUE(jb.waiting_for_keyframe());
  EXPECT_TRUE(jb.take_keyframe_request(0));
  EXPECT_FALSE(jb.take_keyframe_request(kKeyframeRequestIntervalMs - 1));
  jb.push(3, false, fb(3), 10);
  jb.push(4, false, fb(4), 10);
  EXPECT_FALSE(jb.pop(10).has_value());  // nothing decodable
  EXPECT_EQ(jb.counters().undecodable, 2u);
  EXPECT_TRUE(jb.take_keyframe_request(kKeyframeRequestIntervalMs));
  jb.push(6, false, fb(6), 20);
  jb.push(5, true, fb(5), 21);
  auto k = jb.pop(21);
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->frame_number, 5u);
  EXPECT_TRUE(k->keyframe);
  EXPECT_FALSE(jb.waiting_for_keyframe());
  EXPECT_FALSE(jb.take_keyframe_request(5000));
  EXPECT_EQ(jb.pop(21)->frame_number, 6u);
  jb.push(4, false, fb(4), 22);  // already skipped
  EXPECT_EQ(jb.counters().late, 1u);
}

// verifies: REQ-CLIENT-028
TEST(VideoJitterBuffer, WaitsBoundedForAGapThenResumesAtTheNextKeyframe) {
  VideoJitterBuffer jb;
  jb.push(0, true, fb(0), 0);
  jb.push(1, false, fb(1), 0);
  EXPECT_EQ(jb.pop(0)->frame_number, 0u);
  EXPECT_EQ(jb.pop(0)->frame_number, 1u);
  // 2 is late; 3 is held until 2 arrives within the wait.
  jb.push(3, false, fb(3), 100);
  EXPECT_FALSE(jb.pop(100 + kVideoMaxWaitMs - 1).has_value());
  jb.push(2, false, fb(2), 150);
  EXPECT_EQ(jb.pop(150)->frame_number, 2u);
  EXPECT_EQ(jb.pop(150)->frame_number, 3u);
  // 4 is lost: after the wait the stream needs a keyframe.
  jb.push(5, false, fb(5), 200);
  EXPECT_FALSE(jb.pop(200 + kVideoMaxWaitMs - 1).has_value());
  EXPECT_FALSE(jb.pop(200 + kVideoMaxWaitMs).has_value());
  EXPECT_TRUE(jb.waiting_for_keyframe());
  EXPECT_TRUE(jb.take_keyframe_request(400));
  EXPECT_EQ(jb.counters().gaps, 1u);
  jb.push(6, false, fb(6), 410);
  EXPECT_FALSE(jb.pop(410).has_value());
  jb.push(7, true, fb(7), 420);
  EXPECT_EQ(jb.pop(420)->frame_number, 7u);
  // A gap with a later keyframe held is skipped at once.
  jb.push(10, true, fb(10), 430);
  EXPECT_EQ(jb.pop(430)->frame_number, 10u);
  EXPECT_FALSE(jb.waiting_for_keyframe());
}

// verifies: REQ-CLIENT-028
TEST(VideoJitterBuffer, HoldsAtMostTheBufferBound) {
  VideoJitterBuffer jb;
  for (uint32_t n = 0; n < 3 * kVideoMaxBufferedFrames; ++n) {
    jb.push(n + 1, false, fb(n), 0);
    EXPECT_LE(jb.buffered(), kVideoMaxBufferedFrames);
  }
  EXPECT_GT(jb.counters().overflow, 0u);
}

}  // namespace
}  // namespace conclave::client::media
