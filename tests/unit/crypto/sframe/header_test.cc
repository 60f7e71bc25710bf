// Tests for crypto/sframe/header.h beyond the 289 official vectors: the
// minimal-encoding rule, truncation, and round trips at every length.
#include "crypto/sframe/header.h"

#include <gtest/gtest.h>

#include "crypto/sframe/frame_key.h"
#include "sframe_test_util.h"

namespace conclave::sframe {
namespace {

using testing::error_of;
using testing::hex;

Result<Header> parse(ByteView b) {
  return decode_all<Header>(b, "SFrameHeader", [](Reader& r) { return parse_header(r); });
}

Bytes encode(const Header& h) {
  Writer w;
  write_header(w, h);
  return std::move(w).finish().value();
}

// verifies: REQ-SFRAME-001
TEST(SframeHeader, round_trips_at_every_length) {
  for (unsigned kb = 0; kb <= 64; ++kb) {
    for (unsigned cb = 0; cb <= 64; cb += 3) {
      const uint64_t kid = kb == 0 ? 0 : (kb == 64 ? ~uint64_t{0} : (uint64_t{1} << kb) - 1);
      const uint64_t ctr = cb == 0 ? 5 : (cb >= 64 ? ~uint64_t{0} : uint64_t{1} << cb);
      const Header h{kid, ctr};
      const Bytes b = encode(h);
      ASSERT_EQ(b.size(), header_len(h));
      auto back = parse(b);
      ASSERT_TRUE(back.has_value()) << to_hex(b);
      EXPECT_EQ(back->kid, kid);
      EXPECT_EQ(back->ctr, ctr);
    }
  }
}

// verifies: REQ-SFRAME-001
TEST(SframeHeader, rejects_non_minimal_encodings) {
  // KID 5 in the extended form (X=1, KLEN=1).
  EXPECT_EQ(error_of(parse(hex("8005"))), Err::kInvalidValue);
  // CTR 7 in the extended form.
  EXPECT_EQ(error_of(parse(hex("0807"))), Err::kInvalidValue);
  // KID 8 with a leading zero byte (KLEN=2).
  EXPECT_EQ(error_of(parse(hex("900008"))), Err::kInvalidValue);
  // CTR 0x0100 padded to three bytes.
  EXPECT_EQ(error_of(parse(hex("0a000100"))), Err::kInvalidValue);
  // The minimal forms of the same values parse.
  EXPECT_TRUE(parse(hex("50")).has_value());
  EXPECT_TRUE(parse(hex("8008")).has_value());
  EXPECT_TRUE(parse(hex("090100")).has_value());
}

// verifies: REQ-SFRAME-001
TEST(SframeHeader, rejects_truncation_and_consumes_nothing_on_failure) {
  EXPECT_EQ(error_of(parse(ByteView{})), Err::kTruncated);
  EXPECT_EQ(error_of(parse(hex("f8010203040506"))), Err::kTruncated);
  EXPECT_EQ(error_of(parse(hex("8f0a02"))), Err::kTruncated);
  const Bytes b = hex("9f0102");
  Reader r(b);
  EXPECT_FALSE(parse_header(r).has_value());
  EXPECT_EQ(r.remaining(), b.size());
}

// verifies: REQ-SFRAME-001
TEST(SframeHeader, frame_splits_after_the_header) {
  const Bytes frame = hex("99012345674945");
  auto f = parse_frame(frame);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->header.kid, 0x123u);
  EXPECT_EQ(f->header.ctr, 0x4567u);
  EXPECT_EQ(to_hex(f->header_bytes), "9901234567");
  EXPECT_EQ(to_hex(f->ciphertext), "4945");
}

}  // namespace
}  // namespace conclave::sframe
