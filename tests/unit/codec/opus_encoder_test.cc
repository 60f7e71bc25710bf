#include "codec/opus_encoder.h"

#include <gtest/gtest.h>

#include "codec/limits.h"
#include "codec/opus_decoder.h"
#include "codec/tone_source.h"
#include "tests/unit/codec/codec_test_util.h"

namespace conclave::codec {
namespace {

// verifies: REQ-CODEC-001
TEST(OpusEncoder, RejectsConfigurationsOutsideTheProfile) {
  EXPECT_EQ(OpusEncoder::create({.channels = 3}).error().code, Err::kInvalidArgument);
  EXPECT_EQ(OpusEncoder::create({.channels = 0}).error().code, Err::kInvalidArgument);
  EXPECT_EQ(OpusEncoder::create({.bitrate_bps = 5999}).error().code, Err::kInvalidArgument);
  EXPECT_EQ(OpusEncoder::create({.bitrate_bps = 510001}).error().code, Err::kInvalidArgument);
  EXPECT_EQ(OpusEncoder::create({.expected_loss_pct = 101}).error().code, Err::kInvalidArgument);
  auto enc = OpusEncoder::create({});
  ASSERT_TRUE(enc.has_value());
  EXPECT_EQ(enc->set_bitrate(1000).error().code, Err::kInvalidArgument);
  EXPECT_TRUE(enc->set_bitrate(64000).has_value());
  EXPECT_EQ(enc->set_expected_loss(200).error().code, Err::kInvalidArgument);
  EXPECT_TRUE(enc->set_expected_loss(30).has_value());
}

// verifies: REQ-CODEC-001
TEST(OpusEncoder, RejectsAFrameThatIsNotTwentyMilliseconds) {
  auto enc = OpusEncoder::create({});
  ASSERT_TRUE(enc.has_value());
  const std::vector<int16_t> short_frame(kFrameSamples - 1);
  EXPECT_EQ(enc->encode(short_frame).error().code, Err::kInvalidArgument);
  const std::vector<int16_t> stereo_frame(2 * kFrameSamples);
  EXPECT_EQ(enc->encode(stereo_frame).error().code, Err::kInvalidArgument);
}

// verifies: REQ-CODEC-001
TEST(OpusEncoder, ToneRoundTripKeepsItsFrequency) {
  auto enc = OpusEncoder::create({.bitrate_bps = 32000});
  auto dec = OpusDecoder::create(1);
  auto tone = ToneSource::create(1000.0);
  ASSERT_TRUE(enc.has_value() && dec.has_value() && tone.has_value());
  EXPECT_GT(enc->lookahead(), 0u);
  std::vector<int16_t> decoded;
  for (int i = 0; i < 50; ++i) {
    const auto packet = enc->encode(tone->next_frame());
    ASSERT_TRUE(packet.has_value());
    ASSERT_LE(packet->size(), kMaxOpusPacketLen);
    const auto pcm = dec->decode(*packet);
    ASSERT_TRUE(pcm.has_value());
    ASSERT_EQ(pcm->size(), kFrameSamples);
    decoded.insert(decoded.end(), pcm->begin(), pcm->end());
  }
  // Skip the first 200 ms while the encoder settles.
  const std::span<const int16_t> steady = std::span(decoded).subspan(10 * kFrameSamples);
  EXPECT_GT(testing::tone_share(steady, 1000.0), 0.9);
  EXPECT_LT(testing::tone_share(steady, 1500.0), 0.05);
  // Amplitude 8000 gives an RMS of 8000 / sqrt(2) = 5657.
  EXPECT_NEAR(testing::rms(steady), 5657.0, 1500.0);
}

// verifies: REQ-CODEC-001
TEST(OpusEncoder, StereoRoundTrip) {
  auto enc = OpusEncoder::create({.channels = 2, .bitrate_bps = 64000});
  auto dec = OpusDecoder::create(2);
  auto tone = ToneSource::create(440.0, 2);
  ASSERT_TRUE(enc.has_value() && dec.has_value() && tone.has_value());
  for (int i = 0; i < 5; ++i) {
    const auto packet = enc->encode(tone->next_frame());
    ASSERT_TRUE(packet.has_value());
    const auto pcm = dec->decode(*packet);
    ASSERT_TRUE(pcm.has_value());
    EXPECT_EQ(pcm->size(), 2 * kFrameSamples);
  }
}

// verifies: REQ-CODEC-001
TEST(OpusEncoder, DtxShrinksSilenceToTinyPackets) {
  auto enc = OpusEncoder::create({});
  ASSERT_TRUE(enc.has_value());
  const std::vector<int16_t> silence(kFrameSamples);
  size_t tiny = 0;
  for (int i = 0; i < 50; ++i) {
    const auto packet = enc->encode(silence);
    ASSERT_TRUE(packet.has_value());
    tiny += packet->size() <= 2 ? 1u : 0u;
  }
  // With DTX, libopus sends a one- or two-byte packet for most silent frames.
  EXPECT_GT(tiny, 30u);
}

}  // namespace
}  // namespace conclave::codec
