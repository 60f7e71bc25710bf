// Tests for the feedback codec of media/packet.h (parse_feedback,
// write_feedback, feedback_valid) and the length bounds of a feedback
// packet: known encodings, round trips, every value of the checked bytes,
// the count bounds and the malformation sweep of tests/support/malformed.h.
#include <gtest/gtest.h>

#include "media/limits.h"
#include "media/packet.h"
#include "media_test_util.h"
#include "tests/support/malformed.h"

namespace conclave::media {
namespace {

using testing::error_of;
using testing::hex;

Result<Feedback> parse_whole(ByteView in) {
  return decode_all<Feedback>(in, "Feedback", [](Reader& r) { return parse_feedback(r); });
}

Bytes write(const Feedback& f) {
  Writer w;
  write_feedback(w, f);
  return std::move(w).finish().value();
}

// A PLI for stream 0x01020304: stream id, type 1, reserved, empty vector.
const Bytes kPli =
    hex("01020304"
        "01"
        "00"
        "00");
// A NACK for stream 0x0000004e naming 5 and 0xfffffffe: prefix 8.
const Bytes kNack =
    hex("0000004e"
        "02"
        "00"
        "08"
        "00000005"
        "fffffffe");

// verifies: REQ-MEDIA-027
TEST(Feedback, parses_known_encodings_and_writes_the_same_bytes) {
  auto pli = parse_whole(kPli);
  ASSERT_TRUE(pli.has_value());
  EXPECT_EQ(pli->stream_id, 0x01020304u);
  EXPECT_EQ(pli->type, FeedbackType::kPli);
  EXPECT_TRUE(pli->seqs.empty());
  EXPECT_EQ(write(*pli), kPli);
  EXPECT_EQ(feedback_len(*pli), kPli.size());
  EXPECT_EQ(kPli.size(), kMinFeedbackLen);

  auto nack = parse_whole(kNack);
  ASSERT_TRUE(nack.has_value());
  EXPECT_EQ(nack->stream_id, 0x4eu);
  EXPECT_EQ(nack->type, FeedbackType::kNack);
  EXPECT_EQ(nack->seqs, (std::vector<uint32_t>{5, 0xfffffffe}));
  EXPECT_EQ(write(*nack), kNack);
  EXPECT_EQ(feedback_len(*nack), kNack.size());
}

// verifies: REQ-MEDIA-027
TEST(Feedback, largest_nack_round_trips_at_the_maximum_length) {
  Feedback f{7, FeedbackType::kNack, {}};
  for (uint32_t i = 0; i < kMaxNackSeqs; ++i) {
    f.seqs.push_back(i * 3);
  }
  ASSERT_TRUE(feedback_valid(f));
  const Bytes b = write(f);
  EXPECT_EQ(b.size(), kMaxFeedbackLen);
  EXPECT_EQ(feedback_len(f), kMaxFeedbackLen);
  auto back = parse_whole(b);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, f);
}

// verifies: REQ-MEDIA-027
TEST(Feedback, count_bounds_are_enforced_on_both_sides) {
  EXPECT_TRUE(feedback_valid(Feedback{1, FeedbackType::kPli, {}}));
  EXPECT_FALSE(feedback_valid(Feedback{1, FeedbackType::kPli, {3}}));
  EXPECT_FALSE(feedback_valid(Feedback{1, FeedbackType::kNack, {}}));
  Feedback big{1, FeedbackType::kNack, std::vector<uint32_t>(kMaxNackSeqs + 1, 9)};
  EXPECT_FALSE(feedback_valid(big));
  // The same encodings, written by hand, are rejected by the parser.
  EXPECT_EQ(error_of(parse_whole(hex("00000001"
                                     "01"
                                     "00"
                                     "04"
                                     "00000003"))),
            Err::kInvalidValue);
  EXPECT_EQ(error_of(parse_whole(hex("00000001"
                                     "02"
                                     "00"
                                     "00"))),
            Err::kInvalidValue);
  Bytes over =
      hex("00000001"
          "02"
          "00");
  const size_t body = 4 * (kMaxNackSeqs + 1);
  over.push_back(static_cast<uint8_t>(0x40 | (body >> 8)));
  over.push_back(static_cast<uint8_t>(body & 0xff));
  over.resize(over.size() + body, 0);
  EXPECT_EQ(error_of(parse_whole(over)), Err::kInvalidValue);
  // A vector that is not a whole number of uint32 values.
  for (const char* h : {"00000001"
                        "02"
                        "00"
                        "03"
                        "000000",
                        "00000001"
                        "02"
                        "00"
                        "05"
                        "0000000000"}) {
    SCOPED_TRACE(h);
    const Bytes b = hex(h);
    Reader r(b);
    EXPECT_EQ(error_of(parse_feedback(r)), Err::kInvalidValue);
    EXPECT_EQ(r.offset(), 0u);
  }
}

// verifies: REQ-MEDIA-027
TEST(Feedback, every_value_of_type_and_reserved) {
  for (size_t pos : {size_t{4}, size_t{5}}) {
    for (int v = 0; v < 256; ++v) {
      Bytes b = kNack;
      b[pos] = static_cast<uint8_t>(v);
      Reader r(b);
      const auto f = parse_feedback(r);
      // Type 1 (PLI) with values is invalid too; only the NACK type fits.
      const bool want = pos == 4 ? v == 2 : v == 0;
      ASSERT_EQ(f.has_value(), want) << "byte " << pos << " value " << v;
      if (!want) {
        EXPECT_EQ(f.error().code, Err::kInvalidValue);
        EXPECT_EQ(r.remaining(), b.size());
      }
    }
  }
}

// verifies: REQ-MEDIA-027
TEST(Feedback, every_malformation_of_valid_encodings_is_rejected) {
  for (const Bytes& valid : {kPli, kNack}) {
    const auto sites =
        conclave::testing::record_prefixes(valid, [](Reader& r) { return parse_feedback(r); });
    ASSERT_EQ(sites.size(), 1u);
    for (const auto& v : conclave::testing::malformed_variants(valid, sites)) {
      SCOPED_TRACE(v.what);
      EXPECT_FALSE(parse_whole(v.bytes).has_value());
    }
  }
}

// verifies: REQ-MEDIA-027
TEST(Feedback, packet_length_bounds_are_checked_before_cryptography) {
  const Bytes header =
      hex("01"
          "03"
          "0000"
          "01020304"
          "0000000000000009");
  for (size_t sealed = 0; sealed <= kHopTagLen + kMaxFeedbackLen + 8; ++sealed) {
    SCOPED_TRACE(sealed);
    Bytes p = header;
    p.resize(header.size() + sealed, 0xab);
    Reader r(p);
    const auto parsed = parse_media_packet(r);
    const bool want =
        sealed >= kHopTagLen + kMinFeedbackLen && sealed <= kHopTagLen + kMaxFeedbackLen;
    ASSERT_EQ(parsed.has_value(), want);
    if (want) {
      EXPECT_EQ(parsed->header.type, PacketType::kFeedback);
    } else {
      EXPECT_EQ(parsed.error().code, Err::kLengthLimit);
    }
  }
}

}  // namespace
}  // namespace conclave::media
