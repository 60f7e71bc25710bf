// Tests for media/packet.h: the hop header, whole packets, the media header
// and payload, with every malformed length and every value of each byte.
#include "media/packet.h"

#include <gtest/gtest.h>

#include "media/limits.h"
#include "media_test_util.h"

namespace conclave::media {
namespace {

using testing::error_of;
using testing::hex;

// A media packet: version 1, type media, reserved 0, path id 0x01020304,
// hop_seq 0x0000000000000105, then 20 bytes standing in for the sealed part.
Bytes sample_packet(size_t sealed_len = 20) {
  Bytes p =
      hex("01"                  // version
          "01"                  // packet_type: media
          "0000"                // reserved
          "01020304"            // path_id
          "0000000000000105");  // hop_seq
  for (size_t i = 0; i < sealed_len; ++i) {
    p.push_back(static_cast<uint8_t>(0xa0 + i));
  }
  return p;
}

// A video media header: stream 0x11223344, video, K|S, layer 0x21, seq 7.
Bytes sample_media_header() {
  return hex(
      "11223344"    // stream_id
      "02"          // kind: video
      "c0"          // flags: K | S
      "21"          // layer: spatial 2, temporal 1
      "00"          // reserved
      "00000007");  // stream_seq
}

// verifies: REQ-MEDIA-001
TEST(HopHeader, parses_and_writes_the_same_bytes) {
  const Bytes p = sample_packet();
  Reader r(ByteView(p).first(kHopHeaderLen));
  auto h = parse_hop_header(r);
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(h->type, PacketType::kMedia);
  EXPECT_EQ(h->path_id, 0x01020304u);
  EXPECT_EQ(h->hop_seq, 0x105u);
  Writer w;
  write_hop_header(w, *h);
  auto out = std::move(w).finish();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, Bytes(p.begin(), p.begin() + kHopHeaderLen));
}

// verifies: REQ-MEDIA-001
TEST(HopHeader, every_truncation_is_rejected_without_consuming) {
  const Bytes p = sample_packet();
  for (size_t n = 0; n < kHopHeaderLen; ++n) {
    SCOPED_TRACE(n);
    Reader r(ByteView(p).first(n));
    EXPECT_EQ(error_of(parse_hop_header(r)), Err::kTruncated);
    EXPECT_EQ(r.remaining(), n);
  }
}

// verifies: REQ-MEDIA-001
TEST(HopHeader, every_value_of_every_checked_byte) {
  const Bytes good = sample_packet();
  // Byte 0: version; 1: type; 2-3: reserved; 4-7: path id (0 only if all
  // four are 0, tested below); 8-15: hop_seq (any value).
  for (size_t pos = 0; pos < kHopHeaderLen; ++pos) {
    for (int v = 0; v < 256; ++v) {
      Bytes p = good;
      p[pos] = static_cast<uint8_t>(v);
      Reader r(ByteView(p).first(kHopHeaderLen));
      const auto h = parse_hop_header(r);
      bool want = true;
      Err want_err = Err::kUsage;
      if (pos == 0 && v != kVersion) {
        want = false;
        want_err = Err::kUnsupported;
      } else if (pos == 1 && (v < 1 || v > 3)) {
        want = false;
        want_err = Err::kInvalidValue;
      } else if ((pos == 2 || pos == 3) && v != 0) {
        want = false;
        want_err = Err::kInvalidValue;
      }
      ASSERT_EQ(h.has_value(), want) << "byte " << pos << " value " << v;
      if (!want) {
        EXPECT_EQ(h.error().code, want_err);
        EXPECT_EQ(r.remaining(), kHopHeaderLen);
      }
    }
  }
}

// verifies: REQ-MEDIA-001
TEST(HopHeader, path_id_zero_is_rejected) {
  Bytes p = sample_packet();
  p[4] = p[5] = p[6] = p[7] = 0;
  Reader r(p);
  EXPECT_EQ(error_of(parse_hop_header(r)), Err::kInvalidValue);
}

// verifies: REQ-MEDIA-001
TEST(MediaPacket, every_length_outside_the_bounds_is_rejected) {
  const Bytes big = sample_packet(kMaxPacketLen + 8 - kHopHeaderLen);
  for (size_t n = 0; n <= big.size(); ++n) {
    SCOPED_TRACE(n);
    Reader r(ByteView(big).first(n));
    const auto p = parse_media_packet(r);
    if (n < kMinPacketLen || n > kMaxPacketLen) {
      EXPECT_EQ(error_of(p), Err::kLengthLimit);
      EXPECT_EQ(r.remaining(), n);
    } else {
      ASSERT_TRUE(p.has_value());
      EXPECT_TRUE(r.empty());
      EXPECT_EQ(p->header_bytes.size(), kHopHeaderLen);
      EXPECT_EQ(p->sealed.size(), n - kHopHeaderLen);
      EXPECT_EQ(p->header_bytes.data(), big.data());
      EXPECT_EQ(p->sealed.data(), big.data() + kHopHeaderLen);
    }
  }
}

// verifies: REQ-MEDIA-001
TEST(MediaPacket, keepalive_must_be_exactly_header_and_tag) {
  for (size_t sealed = kHopTagLen; sealed < kHopTagLen + 40; ++sealed) {
    SCOPED_TRACE(sealed);
    Bytes p = sample_packet(sealed);
    p[1] = static_cast<uint8_t>(PacketType::kKeepalive);
    Reader r(p);
    const auto parsed = parse_media_packet(r);
    if (sealed == kHopTagLen) {
      ASSERT_TRUE(parsed.has_value());
      EXPECT_EQ(parsed->header.type, PacketType::kKeepalive);
    } else {
      EXPECT_EQ(error_of(parsed), Err::kLengthLimit);
    }
  }
}

// verifies: REQ-MEDIA-001
TEST(MediaPacket, header_errors_point_into_the_callers_buffer) {
  Bytes p = sample_packet();
  p[2] = 1;  // reserved
  Reader r(p);
  const auto parsed = parse_media_packet(r);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, Err::kInvalidValue);
  EXPECT_EQ(parsed.error().offset, 2u);
  EXPECT_EQ(r.remaining(), p.size());
}

// verifies: REQ-MEDIA-002
TEST(MediaHeader, parses_and_writes_the_same_bytes) {
  const Bytes b = sample_media_header();
  Reader r(b);
  auto h = parse_media_header(r);
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(h->stream_id, 0x11223344u);
  EXPECT_EQ(h->kind, MediaKind::kVideo);
  EXPECT_TRUE(h->keyframe());
  EXPECT_TRUE(h->frame_start());
  EXPECT_FALSE(h->frame_end());
  EXPECT_EQ(h->spatial_layer(), 2);
  EXPECT_EQ(h->temporal_layer(), 1);
  EXPECT_EQ(h->stream_seq, 7u);
  Writer w;
  write_media_header(w, *h);
  auto out = std::move(w).finish();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, b);
}

// verifies: REQ-MEDIA-002
TEST(MediaHeader, every_truncation_is_rejected_without_consuming) {
  const Bytes b = sample_media_header();
  for (size_t n = 0; n < kMediaHeaderLen; ++n) {
    SCOPED_TRACE(n);
    Reader r(ByteView(b).first(n));
    EXPECT_EQ(error_of(parse_media_header(r)), Err::kTruncated);
    EXPECT_EQ(r.remaining(), n);
  }
}

// verifies: REQ-MEDIA-002
TEST(MediaHeader, every_value_of_kind_flags_layer_and_reserved) {
  for (uint8_t kind : {uint8_t{1}, uint8_t{2}}) {
    for (size_t pos = 4; pos < 8; ++pos) {
      for (int v = 0; v < 256; ++v) {
        Bytes b = sample_media_header();
        b[4] = kind;
        b[5] = 0;  // flags
        b[6] = 0;  // layer
        b[pos] = static_cast<uint8_t>(v);
        const uint8_t k = b[4];
        const uint8_t flags = b[5];
        const uint8_t layer = b[6];
        bool want = (k == 1 || k == 2) && (flags & ~kFlagsDefined) == 0 && b[7] == 0;
        if (want && k == 1) {
          want = layer == 0 && (flags & kFlagKeyframe) == 0;
        }
        Reader r(b);
        const auto h = parse_media_header(r);
        ASSERT_EQ(h.has_value(), want) << "kind " << int{kind} << " byte " << pos << " value " << v;
        if (want) {
          EXPECT_TRUE(media_header_valid(*h));
          Writer w;
          write_media_header(w, *h);
          EXPECT_EQ(std::move(w).finish().value(), b);
        } else {
          EXPECT_EQ(h.error().code, Err::kInvalidValue);
          EXPECT_EQ(r.remaining(), b.size());
        }
      }
    }
  }
}

// verifies: REQ-MEDIA-002
TEST(MediaPayload, splits_header_and_opaque_sframe_part) {
  Bytes b = sample_media_header();
  const Bytes sframe = hex("9a0102030405");
  b.insert(b.end(), sframe.begin(), sframe.end());
  Reader r(b);
  auto p = parse_media_payload(r);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(p->header.stream_id, 0x11223344u);
  EXPECT_EQ(to_bytes(p->sframe), sframe);
  EXPECT_EQ(p->sframe.data(), b.data() + kMediaHeaderLen);
}

// verifies: REQ-MEDIA-002
TEST(MediaPayload, empty_sframe_part_and_truncations_are_rejected) {
  const Bytes b = sample_media_header();
  for (size_t n = 0; n <= kMediaHeaderLen; ++n) {
    SCOPED_TRACE(n);
    Reader r(ByteView(b).first(n));
    EXPECT_EQ(error_of(parse_media_payload(r)), Err::kTruncated);
    EXPECT_EQ(r.remaining(), n);
  }
}

// verifies: REQ-MEDIA-002
TEST(MediaHeader, audio_with_a_layer_or_keyframe_flag_is_not_encodable) {
  MediaHeader h;
  h.kind = MediaKind::kAudio;
  EXPECT_TRUE(media_header_valid(h));
  h.flags = kFlagFrameStart | kFlagFrameEnd;
  EXPECT_TRUE(media_header_valid(h));
  h.flags = kFlagKeyframe;
  EXPECT_FALSE(media_header_valid(h));
  h.flags = 0;
  h.layer = 1;
  EXPECT_FALSE(media_header_valid(h));
  h.kind = MediaKind::kVideo;
  EXPECT_TRUE(media_header_valid(h));
  h.flags = 0x01;
  EXPECT_FALSE(media_header_valid(h));
}

TEST(PacketNames, to_string_names_every_enumerator) {
  EXPECT_STREQ(to_string(PacketType::kMedia), "media");
  EXPECT_STREQ(to_string(PacketType::kKeepalive), "keepalive");
  EXPECT_STREQ(to_string(PacketType::kFeedback), "feedback");
  EXPECT_STREQ(to_string(FeedbackType::kPli), "pli");
  EXPECT_STREQ(to_string(FeedbackType::kNack), "nack");
  EXPECT_STREQ(to_string(MediaKind::kAudio), "audio");
  EXPECT_STREQ(to_string(MediaKind::kVideo), "video");
}

}  // namespace
}  // namespace conclave::media
