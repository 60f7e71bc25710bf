#include "codec/vp8_encoder.h"

#include <gtest/gtest.h>

#include "codec/pattern_source.h"
#include "codec/vp8_decoder.h"
#include "tests/unit/codec/codec_test_util.h"

namespace conclave::codec {
namespace {

// verifies: REQ-CODEC-004
TEST(Vp8Encoder, RejectsConfigurationsOutsideTheProfile) {
  EXPECT_EQ(Vp8Encoder::create({.width = 321}).error().code, Err::kInvalidArgument);
  EXPECT_EQ(Vp8Encoder::create({.width = 8}).error().code, Err::kInvalidArgument);
  EXPECT_EQ(Vp8Encoder::create({.height = 2162}).error().code, Err::kInvalidArgument);
  EXPECT_EQ(Vp8Encoder::create({.fps = 0}).error().code, Err::kInvalidArgument);
  EXPECT_EQ(Vp8Encoder::create({.bitrate_kbps = 10}).error().code, Err::kInvalidArgument);
  EXPECT_EQ(Vp8Encoder::create({.threads = 0}).error().code, Err::kInvalidArgument);
  auto enc = Vp8Encoder::create({});
  ASSERT_TRUE(enc.has_value());
  EXPECT_EQ(enc->config().threads, 1u);
  EXPECT_EQ(enc->set_bitrate(1).error().code, Err::kInvalidArgument);
  EXPECT_TRUE(enc->set_bitrate(500).has_value());
}

// verifies: REQ-CODEC-004
TEST(Vp8Encoder, RejectsAFrameOfAnotherSize) {
  auto enc = Vp8Encoder::create({.width = 320, .height = 240});
  auto other = PatternSource::create(320, 180, 30);
  ASSERT_TRUE(enc.has_value() && other.has_value());
  EXPECT_EQ(enc->encode(other->next_frame(), false).error().code, Err::kInvalidArgument);
  I420Frame short_data = PatternSource::create(320, 240, 30)->next_frame();
  short_data.data.pop_back();
  EXPECT_EQ(enc->encode(short_data, false).error().code, Err::kInvalidArgument);
}

// verifies: REQ-CODEC-004, REQ-CODEC-005
TEST(Vp8Encoder, PatternRoundTripHasHighPsnr) {
  auto enc = Vp8Encoder::create({.width = 320, .height = 240, .fps = 30, .bitrate_kbps = 800});
  auto dec = Vp8Decoder::create();
  auto pattern = PatternSource::create(320, 240, 30);
  ASSERT_TRUE(enc.has_value() && dec.has_value() && pattern.has_value());
  double worst = 1000;
  size_t decoded = 0;
  for (int i = 0; i < 30; ++i) {
    const I420Frame in = pattern->next_frame();
    const auto out = enc->encode(in, false);
    ASSERT_TRUE(out.has_value());
    for (const EncodedVideoFrame& f : *out) {
      EXPECT_EQ(f.keyframe, i == 0);
      const auto pic = dec->decode(f.data);
      ASSERT_TRUE(pic.has_value()) << pic.error().detail;
      ASSERT_TRUE(pic->has_value());
      ASSERT_EQ((*pic)->width, 320u);
      ASSERT_EQ((*pic)->height, 240u);
      worst = std::min(worst, testing::luma_psnr(in, **pic));
      ++decoded;
    }
  }
  EXPECT_GE(decoded, 28u);
  EXPECT_GT(worst, 30.0);
}

// verifies: REQ-CODEC-004
TEST(Vp8Encoder, KeyframeOnDemand) {
  auto enc = Vp8Encoder::create({.width = 160, .height = 120});
  auto pattern = PatternSource::create(160, 120, 30);
  ASSERT_TRUE(enc.has_value() && pattern.has_value());
  for (int i = 0; i < 12; ++i) {
    const bool force = i == 7;
    const auto out = enc->encode(pattern->next_frame(), force);
    ASSERT_TRUE(out.has_value());
    ASSERT_EQ(out->size(), 1u);
    EXPECT_EQ((*out)[0].keyframe, i == 0 || force) << "frame " << i;
    const auto h = parse_vp8_frame_header((*out)[0].data);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->keyframe, (*out)[0].keyframe);
    if (h->keyframe) {
      EXPECT_EQ(h->width, 160);
      EXPECT_EQ(h->height, 120);
    }
  }
}

}  // namespace
}  // namespace conclave::codec
