#include "codec/vp8_decoder.h"

#include <gtest/gtest.h>

#include "codec/limits.h"
#include "codec/pattern_source.h"
#include "codec/vp8_encoder.h"

namespace conclave::codec {
namespace {

// A keyframe header (frame tag, start code, size) for `w` x `h` with a first
// partition of `part` bytes, followed by `part` zero bytes.
Bytes keyframe_header(uint16_t w, uint16_t h, uint32_t part) {
  const uint32_t tag = (part << 5) | (1u << 4);  // keyframe, version 0, shown
  Bytes b = {static_cast<uint8_t>(tag),
             static_cast<uint8_t>(tag >> 8),
             static_cast<uint8_t>(tag >> 16),
             0x9d,
             0x01,
             0x2a,
             static_cast<uint8_t>(w),
             static_cast<uint8_t>(w >> 8),
             static_cast<uint8_t>(h),
             static_cast<uint8_t>(h >> 8)};
  b.resize(b.size() + part);
  return b;
}

// verifies: REQ-CODEC-005
TEST(Vp8FrameHeader, ParsesAKeyframeHeader) {
  const auto h = parse_vp8_frame_header(keyframe_header(0x4000 | 640, 360, 4));
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(h->keyframe);
  EXPECT_TRUE(h->show_frame);
  EXPECT_EQ(h->version, 0);
  EXPECT_EQ(h->first_part_size, 4u);
  EXPECT_EQ(h->width, 640);
  EXPECT_EQ(h->horizontal_scale, 1);
  EXPECT_EQ(h->height, 360);
}

// verifies: REQ-CODEC-005
TEST(Vp8FrameHeader, RejectsMalformedHeadersWithTheirOffset) {
  const Bytes valid = keyframe_header(64, 64, 2);
  for (size_t n = 0; n < valid.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_FALSE(parse_vp8_frame_header(ByteView(valid).first(n)).has_value());
  }
  Bytes bad_start = valid;
  bad_start[4] = 0x00;
  EXPECT_EQ(parse_vp8_frame_header(bad_start).error().offset, 3u);
  Bytes bad_version = valid;
  bad_version[0] |= 0x08;  // version 4
  EXPECT_EQ(parse_vp8_frame_header(bad_version).error().code, Err::kInvalidValue);
  EXPECT_EQ(parse_vp8_frame_header(keyframe_header(0, 64, 0)).error().code, Err::kInvalidValue);
  Bytes long_part = valid;
  long_part[0] = static_cast<uint8_t>(long_part[0] + (1 << 5));  // first_part_size 3 > 2
  EXPECT_EQ(parse_vp8_frame_header(long_part).error().code, Err::kTruncated);
}

// verifies: REQ-CODEC-005
TEST(Vp8Decoder, RefusesOversizedAndOddKeyframesBeforeLibvpx) {
  auto dec = Vp8Decoder::create();
  ASSERT_TRUE(dec.has_value());
  EXPECT_EQ(dec->decode(keyframe_header(16000, 16000, 0)).error().code, Err::kUnsupported);
  EXPECT_EQ(dec->decode(keyframe_header(3842, 64, 0)).error().code, Err::kUnsupported);
  EXPECT_EQ(dec->decode(keyframe_header(65, 64, 0)).error().code, Err::kUnsupported);
  const Bytes huge(kMaxVp8FrameLen + 1, 0);
  EXPECT_EQ(dec->decode(huge).error().code, Err::kLengthLimit);
}

// verifies: REQ-CODEC-005
TEST(Vp8Decoder, RefusesAnInterFrameBeforeTheFirstKeyframe) {
  auto enc = Vp8Encoder::create({.width = 64, .height = 64});
  auto pattern = PatternSource::create(64, 64, 30);
  auto dec = Vp8Decoder::create();
  ASSERT_TRUE(enc.has_value() && pattern.has_value() && dec.has_value());
  const auto key = enc->encode(pattern->next_frame(), false);
  const auto inter = enc->encode(pattern->next_frame(), false);
  ASSERT_TRUE(key.has_value() && inter.has_value());
  ASSERT_FALSE((*inter)[0].keyframe);
  EXPECT_EQ(dec->decode((*inter)[0].data).error().code, Err::kUnexpectedMessage);
  EXPECT_TRUE(dec->decode((*key)[0].data).has_value());
  EXPECT_TRUE(dec->decode((*inter)[0].data).has_value());
}

// verifies: REQ-CODEC-005
TEST(Vp8Decoder, CorruptedFramesAreErrorsNotCrashes) {
  auto enc = Vp8Encoder::create({.width = 64, .height = 64});
  auto pattern = PatternSource::create(64, 64, 30);
  ASSERT_TRUE(enc.has_value() && pattern.has_value());
  const auto key = enc->encode(pattern->next_frame(), false);
  ASSERT_TRUE(key.has_value());
  const Bytes& frame = (*key)[0].data;
  for (size_t i = 0; i < frame.size(); i += 3) {
    auto dec = Vp8Decoder::create();
    ASSERT_TRUE(dec.has_value());
    Bytes bad = frame;
    bad[i] ^= 0x5a;
    (void)dec->decode(bad);  // any result but a crash
    (void)dec->decode(ByteView(frame).first(i));
  }
}

}  // namespace
}  // namespace conclave::codec
