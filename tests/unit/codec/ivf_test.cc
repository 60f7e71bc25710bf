#include "codec/ivf.h"

#include <gtest/gtest.h>

#include "codec/limits.h"
#include "tests/support/malformed.h"

namespace conclave::codec {
namespace {

IvfFile sample() {
  IvfFile f;
  f.header = {.width = 320,
              .height = 240,
              .timebase_den = 30,
              .timebase_num = 1,
              .frame_count = 3,
              .unused = 0};
  f.frames = {{0, {1, 2, 3}}, {1, {4}}, {2, Bytes(300, 9)}};
  return f;
}

// verifies: REQ-CODEC-009, REQ-CODEC-010
TEST(Ivf, WriterAndReaderRoundTrip) {
  const Bytes file = write_ivf(sample());
  ASSERT_EQ(file.size(), kIvfHeaderLen + 3 * kIvfFrameHeaderLen + 3 + 1 + 300);
  // "DKIF", version 0, header length 32, "VP80"
  EXPECT_EQ(Bytes(file.begin(), file.begin() + 12),
            (Bytes{'D', 'K', 'I', 'F', 0, 0, 32, 0, 'V', 'P', '8', '0'}));
  const auto parsed = parse_ivf(file);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().detail;
  EXPECT_EQ(parsed->header.width, 320);
  EXPECT_EQ(parsed->frames.size(), 3u);
  EXPECT_EQ(parsed->frames[2].pts, 2u);
  EXPECT_EQ(write_ivf(*parsed), file);
}

// verifies: REQ-CODEC-009
TEST(Ivf, RejectsEveryTruncationAndTrailingByte) {
  const Bytes valid = write_ivf(sample());
  for (const auto& v : conclave::testing::malformed_variants(valid, {})) {
    SCOPED_TRACE(v.what);
    EXPECT_FALSE(parse_ivf(v.bytes).has_value());
  }
}

// verifies: REQ-CODEC-009
TEST(Ivf, RejectsBadHeaderFieldsAtTheirOffset) {
  struct Case {
    const char* what;
    size_t at;
    uint8_t value;
    Err code;
  };
  const Case cases[] = {
      {"signature", 0, 'X', Err::kInvalidValue},    {"version", 4, 1, Err::kInvalidValue},
      {"header length", 6, 33, Err::kInvalidValue}, {"fourcc VP90", 10, '9', Err::kUnsupported},
      {"frame count", 24, 4, Err::kInvalidValue},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Bytes file = write_ivf(sample());
    file[c.at] = c.value;
    const auto parsed = parse_ivf(file);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().code, c.code);
    EXPECT_EQ(parsed.error().offset, c.at == 10 ? 8u : c.at);
  }
  IvfFile zero = sample();
  zero.header.width = 0;
  EXPECT_EQ(parse_ivf(write_ivf(zero)).error().offset, 12u);
  zero = sample();
  zero.header.timebase_num = 0;
  EXPECT_EQ(parse_ivf(write_ivf(zero)).error().offset, 16u);
  IvfFile empty_frame = sample();
  empty_frame.frames[1].data.clear();
  EXPECT_EQ(parse_ivf(write_ivf(empty_frame)).error().code, Err::kLengthLimit);
}

}  // namespace
}  // namespace conclave::codec
