// AudioJitterBuffer: ordered playout, concealment of missing frames, late
// and duplicate frames, the adaptive target delay, idling after a pause.
#include "client/media/audio_jitter_buffer.h"

#include <gtest/gtest.h>

#include "client/media/media_limits.h"

namespace conclave::client::media {
namespace {

Bytes frame_bytes(uint32_t n) { return Bytes{static_cast<uint8_t>(n), 0x5A}; }

// verifies: REQ-CLIENT-027
TEST(AudioJitterBuffer, PlaysInOrderAndConcealsMissingFrames) {
  AudioJitterBuffer jb;
  EXPECT_EQ(jb.pop().kind, AudioOut::Kind::kSilence);
  // Frames 0..9, each delivered in time (constant transit, so no jitter)
  // but 2 after 3, 5 never, 7 twice. The playout clock pops once per 20 ms.
  auto push = [&jb](uint32_t n) { jb.push(n, uint64_t{n} * 20000, frame_bytes(n), 100 + n * 20); };
  for (uint32_t n : {0u, 1u, 3u, 2u}) {
    push(n);
  }
  std::vector<AudioOut> out;
  out.push_back(jb.pop());
  for (std::vector<uint32_t> tick : {std::vector<uint32_t>{4}, {6}, {7, 7}, {8}, {9}}) {
    for (uint32_t n : tick) {
      push(n);
    }
    out.push_back(jb.pop());
  }
  while (out.size() < 10) {
    out.push_back(jb.pop());
  }
  EXPECT_EQ(jb.counters().duplicates, 1u);
  EXPECT_EQ(jb.counters().accelerated, 0u);
  for (uint32_t n = 0; n < 10; ++n) {
    SCOPED_TRACE(n);
    if (n == 5) {
      EXPECT_EQ(out[n].kind, AudioOut::Kind::kConceal);
      // Frame 6 was held: its in-band FEC can rebuild 5.
      EXPECT_EQ(out[n].frame, frame_bytes(6));
    } else {
      EXPECT_EQ(out[n].kind, AudioOut::Kind::kFrame);
      EXPECT_EQ(out[n].frame, frame_bytes(n));
    }
    EXPECT_EQ(out[n].frame_number, n);
  }
  // Frame 5 arriving now is late.
  jb.push(5, 5 * 20000, frame_bytes(5), 400);
  EXPECT_EQ(jb.counters().late, 1u);
  // It makes the next call a stretch; nothing more arrives: a few
  // concealments, then silence (idle).
  EXPECT_EQ(jb.pop().kind, AudioOut::Kind::kStretch);
  for (uint32_t i = 0; i < kAudioMaxConcealFrames; ++i) {
    EXPECT_EQ(jb.pop().kind, AudioOut::Kind::kConceal);
  }
  EXPECT_EQ(jb.pop().kind, AudioOut::Kind::kSilence);
  EXPECT_FALSE(jb.playing());
}

// verifies: REQ-CLIENT-027
TEST(AudioJitterBuffer, TargetDelayFollowsJitterWithinBounds) {
  AudioJitterBuffer steady;
  for (uint32_t n = 0; n < 100; ++n) {
    steady.push(n, uint64_t{n} * 20000, frame_bytes(n), 50 + uint64_t{n} * 20);
  }
  EXPECT_EQ(steady.jitter_us(), 0u);
  EXPECT_EQ(steady.target_delay_frames(), kAudioMinDelayFrames);
  // Arrival alternating 0 and 60 ms late: J tends to 60 ms, target to
  // 1 + ceil(120/20) = 7 frames.
  AudioJitterBuffer jittery;
  for (uint32_t n = 0; n < 200; ++n) {
    jittery.push(n, uint64_t{n} * 20000, frame_bytes(n), 50 + uint64_t{n} * 20 + (n % 2) * 60);
    if (n % 2 == 1) {
      (void)jittery.pop();
      (void)jittery.pop();
    }
  }
  EXPECT_NEAR(static_cast<double>(jittery.jitter_us()), 60000.0, 2000.0);
  EXPECT_EQ(jittery.target_delay_frames(), 7u);
  // Very large jitter is capped.
  AudioJitterBuffer wild;
  for (uint32_t n = 0; n < 200; ++n) {
    wild.push(n, uint64_t{n} * 20000, frame_bytes(n), uint64_t{n} * 20 + (n % 2) * 5000);
  }
  EXPECT_EQ(wild.target_delay_frames(), kAudioMaxDelayFrames);
  EXPECT_LE(wild.buffered(), kAudioMaxBufferedFrames);
}

// verifies: REQ-CLIENT-027
TEST(AudioJitterBuffer, ShrinksAnExcessDelayAndRestartsFarAhead) {
  AudioJitterBuffer jb;
  for (uint32_t n = 0; n < 20; ++n) {
    jb.push(n, uint64_t{n} * 20000, frame_bytes(n), 0);  // a burst
  }
  for (int i = 0; i < 10; ++i) {
    (void)jb.pop();
  }
  EXPECT_GT(jb.counters().accelerated, 0u);
  EXPECT_LE(jb.buffered(), 20u - 10u);
  // A frame far ahead (the sender paused or restarted) restarts playout.
  jb.push(1000, 1000 * 20000, frame_bytes(1000), 1);
  EXPECT_FALSE(jb.playing());
  EXPECT_EQ(jb.buffered(), 1u);
  for (uint32_t n = 1001; n <= 1000 + kAudioMaxDelayFrames; ++n) {
    jb.push(n, uint64_t{n} * 20000, frame_bytes(n), 1);
  }
  const AudioOut o = jb.pop();
  EXPECT_EQ(o.kind, AudioOut::Kind::kFrame);
  EXPECT_EQ(o.frame_number, 1000u);
  // Before playout starts too: a frame far ahead of what is held replaces
  // it, so playout never conceals the distance.
  AudioJitterBuffer cold;
  cold.push(0, 0, frame_bytes(0), 0);
  cold.push(5000, 5000 * 20000, frame_bytes(5000), 0);
  EXPECT_EQ(cold.buffered(), 1u);
  EXPECT_EQ(cold.counters().overflow, 1u);
}

// verifies: REQ-CLIENT-027
TEST(AudioJitterBuffer, LateFrameStretchesTheDelayByOneFrame) {
  AudioJitterBuffer jb;
  // Playout starts on frame 0 with no slack (target 1 frame).
  jb.push(0, 0, frame_bytes(0), 0);
  EXPECT_EQ(jb.pop().kind, AudioOut::Kind::kFrame);
  // Frame 1 misses its slot: concealed, then late.
  EXPECT_EQ(jb.pop().kind, AudioOut::Kind::kConceal);
  jb.push(1, 20000, frame_bytes(1), 25);
  EXPECT_EQ(jb.counters().late, 1u);
  // The next call stretches instead of advancing to frame 2 ...
  const AudioOut stretch = jb.pop();
  EXPECT_EQ(stretch.kind, AudioOut::Kind::kStretch);
  EXPECT_EQ(stretch.frame_number, 2u);
  EXPECT_EQ(jb.counters().stretched, 1u);
  // ... so frames arriving with the same lateness now meet their slots.
  for (uint32_t n = 2; n < 10; ++n) {
    jb.push(n, uint64_t{n} * 20000, frame_bytes(n), uint64_t{n} * 20 + 5);
    const AudioOut o = jb.pop();
    EXPECT_EQ(o.kind, AudioOut::Kind::kFrame) << n;
    EXPECT_EQ(o.frame_number, n);
  }
  EXPECT_EQ(jb.counters().late, 1u);
}

}  // namespace
}  // namespace conclave::client::media
