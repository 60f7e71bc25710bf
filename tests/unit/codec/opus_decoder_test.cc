#include "codec/opus_decoder.h"

#include <gtest/gtest.h>

#include "codec/limits.h"
#include "codec/opus_encoder.h"
#include "codec/tone_source.h"
#include "tests/unit/codec/codec_test_util.h"

namespace conclave::codec {
namespace {

std::vector<Bytes> encode_tone(size_t frames, uint32_t loss_pct) {
  auto enc = OpusEncoder::create({.bitrate_bps = 24000, .expected_loss_pct = loss_pct});
  auto tone = ToneSource::create(440.0);
  std::vector<Bytes> packets;
  for (size_t i = 0; i < frames; ++i) {
    packets.push_back(std::move(*enc->encode(tone->next_frame())));
  }
  return packets;
}

double squared_error(const std::vector<int16_t>& a, const std::vector<int16_t>& b) {
  double se = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    se += d * d;
  }
  return se;
}

// verifies: REQ-CODEC-003
TEST(OpusDecoder, RejectsEmptyAndOversizedPacketsBeforeLibopus) {
  auto dec = OpusDecoder::create(1);
  ASSERT_TRUE(dec.has_value());
  EXPECT_EQ(dec->decode({}).error().code, Err::kLengthLimit);
  const Bytes big(kMaxOpusPacketLen + 1, 0x08);
  EXPECT_EQ(dec->decode(big).error().code, Err::kLengthLimit);
  EXPECT_EQ(dec->recover_fec({}).error().code, Err::kLengthLimit);
  EXPECT_EQ(OpusDecoder::create(3).error().code, Err::kInvalidArgument);
}

// verifies: REQ-CODEC-003
TEST(OpusDecoder, RejectsAnInvalidPacketAndDecodesTheNextOne) {
  auto dec = OpusDecoder::create(1);
  ASSERT_TRUE(dec.has_value());
  // TOC 0x03 is code 3 (arbitrary frame count) with no frame-count byte:
  // invalid by RFC 6716 §3.2.5.
  const Bytes bad = {0x03};
  EXPECT_EQ(dec->decode(bad).error().code, Err::kDecode);
  const auto packets = encode_tone(3, 0);
  for (const Bytes& p : packets) {
    EXPECT_TRUE(dec->decode(p).has_value());
  }
}

// verifies: REQ-CODEC-002
TEST(OpusDecoder, ConcealsALostFrame) {
  const auto packets = encode_tone(20, 0);
  auto dec = OpusDecoder::create(1);
  ASSERT_TRUE(dec.has_value());
  for (size_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(dec->decode(packets[i]).has_value());
  }
  const auto plc = dec->conceal();
  ASSERT_TRUE(plc.has_value());
  ASSERT_EQ(plc->size(), kFrameSamples);
  // Concealment extrapolates the tone rather than going silent.
  EXPECT_GT(testing::rms(*plc), 500.0);
  EXPECT_TRUE(dec->decode(packets[11]).has_value());
}

// verifies: REQ-CODEC-002
TEST(OpusDecoder, FecRecoversALostFrameBetterThanConcealment) {
  const auto packets = encode_tone(20, 30);
  constexpr size_t kLost = 10;
  // reference decodes every packet; the two others lose packet kLost and
  // either conceal it or rebuild it from the FEC in packet kLost + 1.
  auto reference = OpusDecoder::create(1);
  auto concealing = OpusDecoder::create(1);
  auto recovering = OpusDecoder::create(1);
  ASSERT_TRUE(reference.has_value() && concealing.has_value() && recovering.has_value());
  std::vector<int16_t> want;
  for (size_t i = 0; i <= kLost; ++i) {
    auto pcm = reference->decode(packets[i]);
    ASSERT_TRUE(pcm.has_value());
    want = std::move(*pcm);
    if (i < kLost) {
      ASSERT_TRUE(concealing->decode(packets[i]).has_value());
      ASSERT_TRUE(recovering->decode(packets[i]).has_value());
    }
  }
  const auto plc = concealing->conceal();
  const auto fec = recovering->recover_fec(packets[kLost + 1]);
  ASSERT_TRUE(plc.has_value() && fec.has_value());
  ASSERT_EQ(fec->size(), kFrameSamples);
  EXPECT_LT(squared_error(*fec, want), squared_error(*plc, want));
  EXPECT_GT(testing::tone_share(*fec, 440.0), 0.5);
  // The packet that carried the FEC then decodes normally.
  EXPECT_TRUE(recovering->decode(packets[kLost + 1]).has_value());
}

}  // namespace
}  // namespace conclave::codec
