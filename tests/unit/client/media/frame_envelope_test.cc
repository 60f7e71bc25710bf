// FrameEnvelope codec and FrameMetadata encoding.
#include "client/media/frame_envelope.h"

#include <gtest/gtest.h>

namespace conclave::client::media {
namespace {

// verifies: REQ-CLIENT-020
TEST(FrameEnvelope, RoundTripsAndRejectsTruncationAndEmptyFrames) {
  const Bytes payload = {0xAA, 0xBB, 0xCC};
  Writer w;
  write_frame_envelope(w, FrameEnvelope{0x01020304, 0x1122334455667788, payload});
  const Bytes enc = *std::move(w).finish();
  // frame_number | capture_time_us | frame
  const Bytes want = {0x01, 0x02, 0x03, 0x04, 0x11, 0x22, 0x33, 0x44,
                      0x55, 0x66, 0x77, 0x88, 0xAA, 0xBB, 0xCC};
  EXPECT_EQ(enc, want);
  Reader r(enc);
  auto e = parse_frame_envelope(r);
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(e->frame_number, 0x01020304u);
  EXPECT_EQ(e->capture_time_us, 0x1122334455667788u);
  EXPECT_EQ(Bytes(e->frame.begin(), e->frame.end()), payload);
  // Every prefix up to and including the bare header is refused and
  // consumes nothing.
  for (size_t n = 0; n <= kEnvelopeHeaderLen; ++n) {
    SCOPED_TRACE(n);
    Reader t(ByteView(enc).first(n));
    auto bad = parse_frame_envelope(t);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, Err::kTruncated);
    EXPECT_EQ(t.remaining(), n);
  }
}

// verifies: REQ-CLIENT-021
TEST(FrameMetadata, EncodesStreamKindKeyframeAndLayer) {
  const auto m = encode_frame_metadata(FrameMetadata{0xA0B0C0D0, MediaKind::kVideo, true, 0x21});
  const std::array<uint8_t, kFrameMetadataLen> want = {0xA0, 0xB0, 0xC0, 0xD0, 0x02, 0x01, 0x21};
  EXPECT_EQ(m, want);
  EXPECT_NE(encode_frame_metadata(FrameMetadata{0xA0B0C0D0, MediaKind::kVideo, false, 0x21}), m);
}

}  // namespace
}  // namespace conclave::client::media
