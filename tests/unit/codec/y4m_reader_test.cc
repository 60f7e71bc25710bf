#include "codec/y4m_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace conclave::codec {
namespace {

Bytes y4m(const std::string& header, size_t frames, size_t frame_len) {
  Bytes out(header.begin(), header.end());
  for (size_t f = 0; f < frames; ++f) {
    const std::string tag = "FRAME\n";
    out.insert(out.end(), tag.begin(), tag.end());
    for (size_t i = 0; i < frame_len; ++i) {
      out.push_back(static_cast<uint8_t>(f * 7 + i));
    }
  }
  return out;
}

constexpr size_t kLen16 = 16 * 16 * 3 / 2;

// verifies: REQ-CODEC-007
TEST(Y4mReader, ReadsI420Frames) {
  const Bytes file =
      y4m("YUV4MPEG2 W16 H16 F30000:1001 Ip A1:1 C420jpeg XYSCSS=420JPEG\n", 3, kLen16);
  const auto v = parse_y4m(file);
  ASSERT_TRUE(v.has_value()) << v.error().detail;
  EXPECT_EQ(v->header.width, 16u);
  EXPECT_EQ(v->header.fps_num, 30000u);
  EXPECT_EQ(v->header.fps_den, 1001u);
  ASSERT_EQ(v->frames.size(), 3u);
  EXPECT_EQ(v->frames[2].data[0], 14);
  EXPECT_EQ(v->frames[2].data.size(), kLen16);
  EXPECT_TRUE(parse_y4m(y4m("YUV4MPEG2 W16 H16 F25:1 C420\n", 1, kLen16)).has_value());
  EXPECT_TRUE(parse_y4m(y4m("YUV4MPEG2 W16 H16 F25:1\n", 1, kLen16)).has_value());
}

// verifies: REQ-CODEC-007
TEST(Y4mReader, RejectsHeadersOutsideTheProfileAtTheParameter) {
  struct Case {
    const char* header;
    Err code;
    size_t offset;
  };
  const Case cases[] = {
      {"YUV4MPEG W16 H16 F25:1\n", Err::kInvalidValue, 0},
      {"YUV4MPEG2 W16 H16 F25:1 C422\n", Err::kUnsupported, 24},
      {"YUV4MPEG2 W16 H16 F25:1 C420p10\n", Err::kUnsupported, 24},
      {"YUV4MPEG2 W16 H16 F25:1 Cmono\n", Err::kUnsupported, 24},
      {"YUV4MPEG2 W16 H16 F25:1 It\n", Err::kUnsupported, 24},
      {"YUV4MPEG2 W16 H16\n", Err::kInvalidValue, 0},
      {"YUV4MPEG2 W16 H16 F0:1\n", Err::kInvalidValue, 18},
      {"YUV4MPEG2 W16 H16 F25\n", Err::kInvalidValue, 18},
      {"YUV4MPEG2 W16  H16 F25:1\n", Err::kInvalidValue, 14},
      {"YUV4MPEG2 W16 H16 F25:1 \n", Err::kInvalidValue, 24},
      {"YUV4MPEG2 W16 W16 H16 F25:1\n", Err::kInvalidValue, 14},
      {"YUV4MPEG2 W016 H16 F25:1\n", Err::kInvalidValue, 10},
      {"YUV4MPEG2 W1x H16 F25:1\n", Err::kInvalidValue, 10},
      {"YUV4MPEG2 W16 H16 F25:1 Q1\n", Err::kInvalidValue, 24},
      {"YUV4MPEG2 W17 H16 F25:1\n", Err::kUnsupported, 0},
      {"YUV4MPEG2 W3842 H16 F25:1\n", Err::kUnsupported, 0},
      {"YUV4MPEG2 W8 H16 F25:1\n", Err::kUnsupported, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.header);
    const auto v = parse_y4m(y4m(c.header, 1, kLen16));
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().code, c.code);
    EXPECT_EQ(v.error().offset, c.offset);
  }
}

// verifies: REQ-CODEC-007
TEST(Y4mReader, RejectsBrokenFrames) {
  const std::string header = "YUV4MPEG2 W16 H16 F25:1\n";
  const Bytes valid = y4m(header, 2, kLen16);
  // Every truncation except at a frame boundary (a shorter valid file).
  for (size_t n = 0; n < valid.size(); ++n) {
    if (n == header.size() + 6 + kLen16) {
      continue;
    }
    SCOPED_TRACE(n);
    EXPECT_FALSE(parse_y4m(ByteView(valid).first(n)).has_value());
  }
  Bytes bad_tag = valid;
  bad_tag[header.size()] = 'f';
  EXPECT_EQ(parse_y4m(bad_tag).error().offset, header.size());
  Bytes no_newline(header.begin(), header.end() - 1);
  no_newline.resize(2000, ' ');
  EXPECT_EQ(parse_y4m(no_newline).error().code, Err::kLengthLimit);
  Bytes trailing = valid;
  trailing.push_back('F');
  EXPECT_FALSE(parse_y4m(trailing).has_value());
}

}  // namespace
}  // namespace conclave::codec
