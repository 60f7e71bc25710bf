// Packetizer: fragment sizes against kTargetPacketLen, flags and sequence
// numbers; and the Depacketizer under loss, reordering and duplication.
#include "client/media/packetizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "client/media/depacketizer.h"
#include "client/media/media_limits.h"

namespace conclave::client::media {
namespace {

using conclave::media::MediaKind;
using conclave::media::MediaPayload;

Bytes pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<uint8_t>(seed + i * 7);
  }
  return b;
}

MediaPayload parse(const Bytes& b) {
  Reader r(b);
  auto p = conclave::media::parse_media_payload(r);
  CONCLAVE_ASSERT(p.has_value());
  return *p;
}

// verifies: REQ-CLIENT-023
TEST(Packetizer, SplitsWithinTargetPacketLenWithFlagsAndSequence) {
  Packetizer pk(7, MediaKind::kVideo, 0xFFFFFFFE);  // wraps inside the frame
  const Bytes frame = pattern(3 * kMaxFragmentLen + 5, 1);
  auto packets = pk.packetize(frame, true, 0x10);
  ASSERT_TRUE(packets.has_value());
  ASSERT_EQ(packets->size(), 4u);
  Bytes joined;
  for (size_t i = 0; i < packets->size(); ++i) {
    const Bytes& b = (*packets)[i];
    EXPECT_LE(b.size() + conclave::media::kHopHeaderLen + conclave::media::kHopTagLen,
              conclave::media::kTargetPacketLen);
    const MediaPayload p = parse(b);
    EXPECT_EQ(p.header.stream_id, 7u);
    EXPECT_TRUE(p.header.keyframe());
    EXPECT_EQ(p.header.layer, 0x10);
    EXPECT_EQ(p.header.frame_start(), i == 0);
    EXPECT_EQ(p.header.frame_end(), i == 3);
    EXPECT_EQ(p.header.stream_seq, static_cast<uint32_t>(0xFFFFFFFE + i));
    joined.insert(joined.end(), p.sframe.begin(), p.sframe.end());
  }
  EXPECT_EQ(joined, frame);
  EXPECT_EQ(pk.next_seq(), 2u);
  // Usage errors consume no sequence number.
  EXPECT_EQ(pk.packetize({}, false, 0).error().code, Err::kInvalidArgument);
  EXPECT_EQ(pk.packetize(pattern(kMaxProtectedFrameLen + 1, 0), false, 0).error().code,
            Err::kInvalidArgument);
  Packetizer audio(8, MediaKind::kAudio);
  EXPECT_EQ(audio.packetize(frame, true, 0).error().code, Err::kInvalidArgument);
  EXPECT_EQ(audio.packetize(frame, false, 1).error().code, Err::kInvalidArgument);
  EXPECT_EQ(pk.next_seq(), 2u);
  EXPECT_EQ(audio.next_seq(), 0u);
}

// verifies: REQ-CLIENT-024
TEST(Depacketizer, ReassemblesUnderLossReorderAndDuplication) {
  std::mt19937 rng(20261127);
  Packetizer pk(9, MediaKind::kVideo, 0xFFFFFF00);
  std::vector<Bytes> frames;
  std::vector<Bytes> wire;
  std::vector<size_t> frame_of;
  for (size_t f = 0; f < 120; ++f) {
    frames.push_back(pattern(1 + (f * 977) % (4 * kMaxFragmentLen), static_cast<uint8_t>(f)));
    auto pk_out = pk.packetize(frames.back(), f % 30 == 0, 0);
    ASSERT_TRUE(pk_out.has_value());
    for (Bytes& b : *pk_out) {
      wire.push_back(std::move(b));
      frame_of.push_back(f);
    }
  }
  // Lose frame 4's later packets (it has four) and every packet of frame 6;
  // duplicate every 10th packet; shuffle within windows of 16 packets.
  std::vector<size_t> order;
  size_t lost_frames = 0;
  std::vector<bool> lost(frames.size(), false);
  for (size_t i = 0; i < wire.size(); ++i) {
    const bool first_of_4 = frame_of[i] == 4 && frame_of[i - 1] != 4;
    if ((frame_of[i] == 4 && !first_of_4) || frame_of[i] == 6) {
      lost[frame_of[i]] = true;
      continue;
    }
    order.push_back(i);
    if (i % 10 == 0) {
      order.push_back(i);
    }
  }
  for (bool l : lost) {
    lost_frames += l ? 1 : 0;
  }
  for (size_t s = 0; s < order.size(); s += 16) {
    std::shuffle(order.begin() + static_cast<ptrdiff_t>(s),
                 order.begin() + static_cast<ptrdiff_t>(std::min(order.size(), s + 16)), rng);
  }
  Depacketizer d(9, MediaKind::kVideo);
  std::vector<int> got(frames.size(), 0);
  uint64_t now = 0;
  uint64_t frame4_arrival = 0;
  for (size_t i : order) {
    if (frame_of[i] == 4) {
      frame4_arrival = now;
    }
    auto f = d.push(parse(wire[i]), now++);
    if (f) {
      const size_t idx = frame_of[i];
      EXPECT_EQ(f->data, frames[idx]);
      EXPECT_EQ(f->keyframe, idx % 30 == 0);
      ++got[idx];
    }
  }
  for (size_t f = 0; f < frames.size(); ++f) {
    SCOPED_TRACE(f);
    EXPECT_EQ(got[f], lost[f] ? 0 : 1);
  }
  EXPECT_GT(d.counters().duplicates, 0u);
  EXPECT_EQ(d.counters().frames, frames.size() - lost_frames);
  // The incomplete frame 4 is given up once it has waited long enough, and
  // its memory is released.
  EXPECT_EQ(d.pending_packets(), 1u);
  EXPECT_EQ(d.expire(frame4_arrival + kReassemblyTimeoutMs - 1), 0u);
  EXPECT_EQ(d.expire(frame4_arrival + kReassemblyTimeoutMs), 1u);
  EXPECT_EQ(d.counters().frames_incomplete, 1u);
  EXPECT_EQ(d.pending_packets(), 0u);
}

// verifies: REQ-CLIENT-024
TEST(Depacketizer, DropsForeignStaleAndInconsistentPacketsAndStaysBounded) {
  Packetizer pk(1, MediaKind::kVideo);
  auto a = pk.packetize(pattern(2 * kMaxFragmentLen, 0), true, 0);
  ASSERT_TRUE(a.has_value());
  Depacketizer d(1, MediaKind::kVideo);
  // Another stream, another kind.
  Packetizer other(2, MediaKind::kVideo);
  EXPECT_FALSE(d.push(parse((*other.packetize(pattern(5, 0), false, 0))[0]), 0).has_value());
  Packetizer audio(1, MediaKind::kAudio);
  EXPECT_FALSE(d.push(parse((*audio.packetize(pattern(5, 0), false, 0))[0]), 0).has_value());
  EXPECT_EQ(d.counters().wrong_stream, 2u);
  // An SFrame part longer than any packet can carry.
  conclave::media::MediaPayload big = parse((*a)[0]);
  const Bytes huge(kMaxReceivedFragmentLen + 1);
  big.sframe = huge;
  EXPECT_FALSE(d.push(big, 0).has_value());
  EXPECT_EQ(d.counters().oversize, 1u);
  EXPECT_EQ(d.counters().packets, 0u);
  // Packets of one frame that disagree on K: the frame is dropped.
  Bytes second = (*a)[1];
  second[5] &= static_cast<uint8_t>(~conclave::media::kFlagKeyframe);
  EXPECT_FALSE(d.push(parse((*a)[0]), 0).has_value());
  EXPECT_FALSE(d.push(parse(second), 0).has_value());
  EXPECT_EQ(d.counters().inconsistent, 1u);
  EXPECT_EQ(d.pending_packets(), 0u);
  // A flood of starts that never end stays within kMaxPendingPackets, and a
  // packet kSeqWindow below the highest is too old.
  Packetizer flood(1, MediaKind::kVideo, 2);
  for (size_t i = 0; i < 3 * kMaxPendingPackets; ++i) {
    auto p = flood.packetize(pattern(2 * kMaxFragmentLen, 0), false, 0);
    (void)d.push(parse((*p)[0]), 1);
    EXPECT_LE(d.pending_packets(), kMaxPendingPackets);
  }
  EXPECT_GT(d.counters().frames_incomplete, 0u);
  EXPECT_FALSE(d.push(parse((*a)[0]), 2).has_value());
  EXPECT_EQ(d.counters().too_old, 1u);
}

}  // namespace
}  // namespace conclave::client::media
