#include "codec/ogg_opus_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/limits.h"
#include "codec/opus_encoder.h"
#include "codec/tone_source.h"

namespace conclave::codec {
namespace {

// An Ogg page as RFC 3533 §6 lays it out; the test walks pages itself
// rather than trusting libogg, which wrote them.
struct Page {
  uint8_t flags = 0;
  int64_t granule = 0;
  uint32_t serial = 0;
  uint32_t sequence = 0;
  Bytes body;
};

std::vector<Page> split_pages(const Bytes& file) {
  std::vector<Page> pages;
  size_t pos = 0;
  while (pos < file.size()) {
    EXPECT_EQ(std::string(file.begin() + static_cast<long>(pos),
                          file.begin() + static_cast<long>(pos) + 4),
              "OggS");
    Page p;
    p.flags = file[pos + 5];
    uint64_t g = 0;
    for (size_t i = 0; i < 8; ++i) {
      g |= uint64_t{file[pos + 6 + i]} << (8 * i);
    }
    p.granule = static_cast<int64_t>(g);
    for (size_t i = 0; i < 4; ++i) {
      p.serial |= uint32_t{file[pos + 14 + i]} << (8 * i);
      p.sequence |= uint32_t{file[pos + 18 + i]} << (8 * i);
    }
    const size_t segments = file[pos + 26];
    size_t body_len = 0;
    for (size_t i = 0; i < segments; ++i) {
      body_len += file[pos + 27 + i];
    }
    const size_t body_at = pos + 27 + segments;
    p.body.assign(file.begin() + static_cast<long>(body_at),
                  file.begin() + static_cast<long>(body_at + body_len));
    pages.push_back(std::move(p));
    pos = body_at + body_len;
  }
  return pages;
}

Result<Bytes> write_tone(size_t frames, uint64_t valid_samples) {
  auto enc = OpusEncoder::create({});
  auto tone = ToneSource::create(440.0);
  auto w = OggOpusWriter::create(
      {.channels = 1, .pre_skip = static_cast<uint16_t>(enc->lookahead()), .serial = 0x1234});
  for (size_t i = 0; i < frames; ++i) {
    const auto packet = enc->encode(tone->next_frame());
    CONCLAVE_TRY(w->write_packet(*packet, kFrameSamples));
  }
  return w->finish(valid_samples);
}

// verifies: REQ-CODEC-008
TEST(OggOpusWriter, WritesHeadersGranulesAndEndOfStream) {
  auto enc = OpusEncoder::create({});
  ASSERT_TRUE(enc.has_value());
  const uint32_t pre_skip = enc->lookahead();
  // One second of input needs 51 frames: the encoder delay pushes the last
  // input sample into the 51st packet.
  const auto file = write_tone(51, kSampleRate);
  ASSERT_TRUE(file.has_value()) << file.error().detail;
  const auto pages = split_pages(*file);
  ASSERT_GE(pages.size(), 3u);
  // Page 0: OpusHead alone, beginning of stream, granule 0.
  EXPECT_EQ(pages[0].flags, 0x02);
  EXPECT_EQ(pages[0].granule, 0);
  EXPECT_EQ(pages[0].serial, 0x1234u);
  ASSERT_EQ(pages[0].body.size(), 19u);
  EXPECT_EQ(std::string(pages[0].body.begin(), pages[0].body.begin() + 8), "OpusHead");
  EXPECT_EQ(pages[0].body[8], 1);  // version
  EXPECT_EQ(pages[0].body[9], 1);  // channels
  EXPECT_EQ(pages[0].body[10] | (pages[0].body[11] << 8), static_cast<int>(pre_skip));
  EXPECT_EQ(pages[0].body[18], 0);  // mapping family
  // Page 1: OpusTags alone.
  EXPECT_EQ(std::string(pages[1].body.begin(), pages[1].body.begin() + 8), "OpusTags");
  EXPECT_EQ(pages[1].granule, 0);
  // Audio pages: granules grow; the last page ends the stream at
  // pre-skip + input length.
  int64_t last = 0;
  for (size_t i = 2; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].sequence, i);
    EXPECT_GE(pages[i].granule, last);
    last = pages[i].granule;
    EXPECT_EQ((pages[i].flags & 0x04) != 0, i + 1 == pages.size());
  }
  EXPECT_EQ(pages.back().granule, static_cast<int64_t>(pre_skip + kSampleRate));
}

// verifies: REQ-CODEC-008
TEST(OggOpusWriter, RefusesAnEndTrimOutsideTheLastPacket) {
  // 50 frames decode to 48000 samples, fewer than pre-skip + 48000.
  EXPECT_EQ(write_tone(50, kSampleRate).error().code, Err::kInvalidArgument);
  // 53 frames: the trim would fall before the last packet.
  EXPECT_EQ(write_tone(53, kSampleRate).error().code, Err::kInvalidArgument);
  auto w = OggOpusWriter::create({});
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->finish(0).error().code, Err::kInvalidArgument);
  EXPECT_EQ(w->write_packet({}, 960).error().code, Err::kInvalidArgument);
  const Bytes p = {0xf8, 0xff, 0xfe};
  EXPECT_EQ(w->write_packet(p, 0).error().code, Err::kInvalidArgument);
  ASSERT_TRUE(w->write_packet(p, 960).has_value());
  ASSERT_TRUE(w->finish(960).has_value());
  EXPECT_EQ(w->write_packet(p, 960).error().code, Err::kUsage);
  EXPECT_EQ(OggOpusWriter::create({.channels = 3}).error().code, Err::kInvalidArgument);
}

}  // namespace
}  // namespace conclave::codec
