#include "codec/wav_reader.h"

#include <gtest/gtest.h>

#include "codec/limits.h"
#include "tests/support/malformed.h"

namespace conclave::codec {
namespace {

std::vector<int16_t> ramp(size_t n) {
  std::vector<int16_t> s(n);
  for (size_t i = 0; i < n; ++i) {
    s[i] = static_cast<int16_t>(static_cast<int>(i * 37) - 30000);
  }
  return s;
}

void put_le16(Bytes& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v);
  b[at + 1] = static_cast<uint8_t>(v >> 8);
}

void put_le32(Bytes& b, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) {
    b[at + i] = static_cast<uint8_t>(v >> (8 * i));
  }
}

// Offsets into the 44-byte header that write_wav produces.
constexpr size_t kFormatTag = 20;
constexpr size_t kChannels = 22;
constexpr size_t kSampleRateAt = 24;
constexpr size_t kByteRate = 28;
constexpr size_t kBlockAlign = 32;
constexpr size_t kBits = 34;

// verifies: REQ-CODEC-006
TEST(WavReader, RoundTripsMonoAndStereo) {
  for (const uint16_t channels : {uint16_t{1}, uint16_t{2}}) {
    const auto samples = ramp(2 * kFrameSamples);
    const Bytes file = write_wav(channels, samples);
    const auto wav = parse_wav(file);
    ASSERT_TRUE(wav.has_value()) << wav.error().detail;
    EXPECT_EQ(wav->format.channels, channels);
    EXPECT_EQ(wav->format.sample_rate, kSampleRate);
    EXPECT_EQ(wav->samples, samples);
  }
}

// verifies: REQ-CODEC-006
TEST(WavReader, SkipsUnknownChunksWithTheirPadByte) {
  const Bytes plain = write_wav(1, ramp(4));
  // A 3-byte "LIST" chunk (odd: one pad byte) between "fmt " and "data".
  const Bytes list = {'L', 'I', 'S', 'T', 3, 0, 0, 0, 'a', 'b', 'c', 0};
  Bytes file(plain.begin(), plain.begin() + 36);
  file.insert(file.end(), list.begin(), list.end());
  file.insert(file.end(), plain.begin() + 36, plain.end());
  put_le32(file, 4, static_cast<uint32_t>(file.size() - 8));
  const auto wav = parse_wav(file);
  ASSERT_TRUE(wav.has_value()) << wav.error().detail;
  EXPECT_EQ(wav->samples, ramp(4));
}

// verifies: REQ-CODEC-006
TEST(WavReader, RejectsAnotherSampleRateSayingWhatTheFileHas) {
  Bytes file = write_wav(2, ramp(8));
  put_le32(file, kSampleRateAt, 44100);
  put_le32(file, kByteRate, 44100 * 4);
  const auto wav = parse_wav(file);
  ASSERT_FALSE(wav.has_value());
  EXPECT_EQ(wav.error().code, Err::kUnsupported);
  EXPECT_EQ(wav.error().offset, kSampleRateAt);
  EXPECT_NE(std::string(wav.error().detail).find("48000"), std::string::npos);
  const auto format = parse_wav_format(file);
  ASSERT_TRUE(format.has_value());
  EXPECT_EQ(describe_wav_format(*format), "PCM 16-bit, 2 channels, 44100 Hz");
}

// verifies: REQ-CODEC-006
TEST(WavReader, RejectsFormatsOutsideTheProfileAtTheirField) {
  struct Case {
    const char* what;
    size_t at;
    uint16_t value;
    Err code;
  };
  const Case cases[] = {
      {"float", kFormatTag, 3, Err::kUnsupported},
      {"extensible", kFormatTag, 0xfffe, Err::kUnsupported},
      {"three channels", kChannels, 3, Err::kUnsupported},
      {"8-bit", kBits, 8, Err::kUnsupported},
      {"24-bit", kBits, 24, Err::kUnsupported},
      {"block align", kBlockAlign, 3, Err::kInvalidValue},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Bytes file = write_wav(1, ramp(8));
    put_le16(file, c.at, c.value);
    const auto wav = parse_wav(file);
    ASSERT_FALSE(wav.has_value());
    EXPECT_EQ(wav.error().code, c.code);
    EXPECT_EQ(wav.error().offset, c.at);
  }
  Bytes bad_rate = write_wav(1, ramp(8));
  put_le32(bad_rate, kByteRate, 1);
  EXPECT_EQ(parse_wav(bad_rate).error().offset, kByteRate);
}

// verifies: REQ-CODEC-006
TEST(WavReader, RejectsBrokenRiffStructure) {
  const Bytes valid = write_wav(1, ramp(8));
  // Every truncation and a trailing byte (the RIFF size then disagrees).
  for (const auto& v : conclave::testing::malformed_variants(valid, {})) {
    SCOPED_TRACE(v.what);
    EXPECT_FALSE(parse_wav(v.bytes).has_value());
  }
  Bytes riff = valid;
  riff[0] = 'X';
  EXPECT_EQ(parse_wav(riff).error().offset, 0u);
  Bytes wave = valid;
  wave[8] = 'X';
  EXPECT_EQ(parse_wav(wave).error().offset, 8u);
  Bytes no_fmt = valid;
  no_fmt[12] = 'X';  // the fmt chunk becomes an unknown chunk; data comes first
  EXPECT_EQ(parse_wav(no_fmt).error().code, Err::kInvalidValue);
  Bytes odd_data = valid;
  put_le32(odd_data, 40, 15);  // data size not a multiple of 2 (then 1 pad byte)
  put_le32(odd_data, 4, static_cast<uint32_t>(odd_data.size() - 8));
  EXPECT_FALSE(parse_wav(odd_data).has_value());
  Bytes two_data = valid;
  const Bytes extra = {'d', 'a', 't', 'a', 2, 0, 0, 0, 1, 2};
  two_data.insert(two_data.end(), extra.begin(), extra.end());
  put_le32(two_data, 4, static_cast<uint32_t>(two_data.size() - 8));
  EXPECT_EQ(parse_wav(two_data).error().offset, valid.size());
}

}  // namespace
}  // namespace conclave::codec
