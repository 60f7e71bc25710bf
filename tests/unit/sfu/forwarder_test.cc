// Tests for sfu/forwarder.h: fan-out to every other participant and never
// back to the sender, the floor table (no floor, no forwarding; rights
// changed mid-stream), meeting isolation, drops before forwarding (replay,
// forgery, unknown path, malformed), keepalive answers and the last-N audio
// policy.
#include "sfu/forwarder.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <utility>
#include <vector>

#include "core/check.h"
#include "media/limits.h"

namespace conclave::sfu {
namespace {

using media::HopRole;
using media::MediaHeader;
using media::MediaKind;
using media::MediaPath;
using media::PeerAddress;

// secret_for is a 32-byte stand-in for path `id`'s TLS exporter output.
SecretBytes secret_for(uint32_t id) {
  SecretBytes s(media::kHopSecretLen);
  for (size_t i = 0; i < s.size(); ++i) {
    s.mutable_view()[i] = static_cast<uint8_t>(id * 7 + i);
  }
  return s;
}

MediaPath make_path(HopRole role, uint32_t id) {
  auto p = MediaPath::create(role, id, secret_for(id));
  CONCLAVE_ASSERT(p.has_value());
  return std::move(*p);
}

Err error_code(const Result<void>& r) { return r.has_value() ? Err::kUsage : r.error().code; }

PeerAddress address_of(uint32_t id) {
  return PeerAddress::ipv4({192, 0, 2, static_cast<uint8_t>(id)},
                           static_cast<uint16_t>(40000 + id));
}

const Rights kAll{true, true};
const Rights kNone{false, false};
const Rights kAudioOnly{true, false};
const Rights kVideoOnly{false, true};

MediaHeader header_of(MediaKind kind, uint32_t stream_id, uint32_t seq) {
  MediaHeader h;
  h.stream_id = stream_id;
  h.kind = kind;
  h.flags = media::kFlagFrameStart | media::kFlagFrameEnd;
  if (kind == MediaKind::kVideo) {
    h.flags |= media::kFlagKeyframe;
    h.layer = 0x21;
  }
  h.stream_seq = seq;
  return h;
}

// Harness: a forwarder and the client end of every participant's path.
class Harness {
 public:
  explicit Harness(ForwarderConfig config = {}) : fwd(config) {}

  // join adds participant `id` (path id and leaf) to `meeting` and, if
  // `bind`, binds its path with a keepalive from its address.
  void join(MeetingId meeting, uint32_t id, Rights rights, bool bind = true) {
    EXPECT_TRUE(
        fwd.add_participant(meeting, id, rights, make_path(HopRole::kServer, id), streams_of(id)));
    clients.emplace(id, make_path(HopRole::kClient, id));
    if (bind) {
      auto out = fwd.on_packet(keepalive(id), address_of(id), 0);
      EXPECT_EQ(out.size(), 1u);
    }
  }

  Bytes keepalive(uint32_t id) {
    Bytes p(media::kMinPacketLen);
    auto n = clients.at(id).seal_keepalive(p);
    CONCLAVE_ASSERT(n.has_value());
    p.resize(*n);
    return p;
  }

  // streams_of is participant `id`'s own stream ids.
  static Streams streams_of(uint32_t id) { return Streams{id * 100 + 1, id * 100 + 2}; }
  static uint32_t stream_of(uint32_t id, MediaKind kind) {
    return kind == MediaKind::kAudio ? streams_of(id).audio : streams_of(id).video;
  }

  // media_packet seals `h` on `id`'s own stream of its kind.
  Bytes media_packet(uint32_t id, MediaHeader h, ByteView frame) {
    h.stream_id = stream_of(id, h.kind);
    return raw_media_packet(id, h, frame);
  }

  // raw_media_packet seals `h` as it is, whatever its stream id.
  Bytes raw_media_packet(uint32_t id, const MediaHeader& h, ByteView frame) {
    Bytes p(media::kMaxPacketLen);
    auto n = clients.at(id).seal_media(p, h, frame);
    CONCLAVE_ASSERT(n.has_value());
    p.resize(*n);
    return p;
  }

  std::vector<Outgoing> send(uint32_t id, const MediaHeader& h, ByteView frame,
                             uint64_t now_ms = 0) {
    return fwd.on_packet(media_packet(id, h, frame), address_of(id), now_ms);
  }

  // feedback_packet seals `fb` on `id`'s client path.
  Bytes feedback_packet(uint32_t id, const media::Feedback& fb) {
    Bytes p(media::kMaxPacketLen);
    auto n = clients.at(id).seal_feedback(p, fb);
    CONCLAVE_ASSERT(n.has_value());
    p.resize(*n);
    return p;
  }

  std::vector<Outgoing> feedback(uint32_t id, const media::Feedback& fb, uint64_t now_ms = 0) {
    return fwd.on_packet(feedback_packet(id, fb), address_of(id), now_ms);
  }

  // open_at opens `o` with its receiver's client path.
  Result<media::Received> open_at(const Outgoing& o, Bytes* buf) {
    buf->assign(media::kMaxPacketLen, 0);
    return clients.at(o.path_id).open(*buf, o.packet, PeerAddress::signaling());
  }

  // receivers lists the path ids of `out`.
  static std::vector<uint32_t> receivers(const std::vector<Outgoing>& out) {
    std::vector<uint32_t> ids;
    for (const auto& o : out) {
      ids.push_back(o.path_id);
    }
    return ids;
  }

  Forwarder fwd;
  std::map<uint32_t, MediaPath> clients;
};

const Bytes kFrame = {0x9f, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

// verifies: REQ-MEDIA-012
TEST(SfuForwarder, ForwardsToEveryOtherParticipantAndNotBackToSender) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(1, 13, kAll);
  const MediaHeader hdr = header_of(MediaKind::kVideo, Harness::streams_of(11).video, 42);
  auto out = h.send(11, hdr, kFrame);
  ASSERT_EQ(Harness::receivers(out), (std::vector<uint32_t>{12, 13}));
  for (const auto& o : out) {
    EXPECT_EQ(o.to, address_of(o.path_id));
    EXPECT_EQ(o.kind, MediaKind::kVideo);
    EXPECT_FALSE(o.keepalive);
    // The receiver opens it with its own path: the same media header and
    // the same SFrame bytes, re-sealed hop by hop.
    std::array<uint8_t, media::kMaxPacketLen> plain{};
    auto rx = h.clients.at(o.path_id).open(plain, o.packet, PeerAddress::signaling());
    ASSERT_TRUE(rx.has_value());
    ASSERT_TRUE(rx->media.has_value());
    EXPECT_EQ(rx->header.path_id, o.path_id);
    EXPECT_EQ(rx->media->header.stream_id, hdr.stream_id);
    EXPECT_EQ(rx->media->header.kind, hdr.kind);
    EXPECT_EQ(rx->media->header.flags, hdr.flags);
    EXPECT_EQ(rx->media->header.layer, hdr.layer);
    EXPECT_EQ(rx->media->header.stream_seq, hdr.stream_seq);
    EXPECT_EQ(to_bytes(rx->media->sframe), kFrame);
  }
  EXPECT_EQ(h.fwd.counters().media_forwarded, 1u);
  EXPECT_EQ(h.fwd.counters().copies_sent, 2u);
}

// verifies: REQ-MEDIA-012
TEST(SfuForwarder, ForwardedCopyDoesNotOpenWithAnotherReceiversPath) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(1, 13, kAll);
  auto out = h.send(11, header_of(MediaKind::kAudio, 1, 1), kFrame);
  ASSERT_EQ(out.size(), 2u);
  std::array<uint8_t, media::kMaxPacketLen> plain{};
  // 13's copy carries 13's path id and key; 12's path refuses it.
  EXPECT_FALSE(h.clients.at(12).open(plain, out[1].packet, PeerAddress::signaling()));
}

// verifies: REQ-MEDIA-013
TEST(SfuForwarder, NoFloorNoForwarding) {
  Harness h;
  h.join(1, 11, kAudioOnly);
  h.join(1, 12, kAll);
  EXPECT_TRUE(h.send(11, header_of(MediaKind::kVideo, 2, 1), kFrame).empty());
  EXPECT_EQ(h.fwd.counters().no_floor, 1u);
  EXPECT_EQ(h.fwd.counters().copies_sent, 0u);
  // Audio is within its rights.
  EXPECT_EQ(h.send(11, header_of(MediaKind::kAudio, 1, 1), kFrame).size(), 1u);
  // A participant that joined without rights forwards nothing.
  h.join(1, 13, kNone);
  EXPECT_TRUE(h.send(13, header_of(MediaKind::kAudio, 3, 1), kFrame).empty());
  EXPECT_EQ(h.fwd.counters().no_floor, 2u);
}

// verifies: REQ-MEDIA-013
TEST(SfuForwarder, RightsRevokedMidStreamStopForwardingFromTheNextPacket) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  EXPECT_EQ(h.send(11, header_of(MediaKind::kVideo, 2, 1), kFrame, 10).size(), 1u);
  ASSERT_TRUE(h.fwd.set_rights(11, kAudioOnly));
  EXPECT_EQ(h.fwd.rights(11), kAudioOnly);
  EXPECT_TRUE(h.send(11, header_of(MediaKind::kVideo, 2, 2), kFrame, 20).empty());
  EXPECT_EQ(h.send(11, header_of(MediaKind::kAudio, 1, 1), kFrame, 20).size(), 1u);
  ASSERT_TRUE(h.fwd.set_rights(11, kNone));
  EXPECT_TRUE(h.send(11, header_of(MediaKind::kAudio, 1, 2), kFrame, 30).empty());
  EXPECT_EQ(h.fwd.counters().no_floor, 2u);
  // Granted again: forwarding resumes.
  ASSERT_TRUE(h.fwd.set_rights(11, kAll));
  EXPECT_EQ(h.send(11, header_of(MediaKind::kVideo, 2, 3), kFrame, 40).size(), 1u);
  EXPECT_EQ(error_code(h.fwd.set_rights(99, kAll)), Err::kNotFound);
}

// verifies: REQ-MEDIA-014
TEST(SfuForwarder, AnotherMeetingNeverReceives) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(2, 21, kAll);
  h.join(2, 22, kAll);
  EXPECT_EQ(Harness::receivers(h.send(11, header_of(MediaKind::kVideo, 1, 1), kFrame)),
            (std::vector<uint32_t>{12}));
  EXPECT_EQ(Harness::receivers(h.send(22, header_of(MediaKind::kAudio, 2, 1), kFrame)),
            (std::vector<uint32_t>{21}));
  // A meeting of one forwards to nobody.
  h.join(3, 31, kAll);
  EXPECT_TRUE(h.send(31, header_of(MediaKind::kAudio, 3, 1), kFrame).empty());
}

// verifies: REQ-MEDIA-014
TEST(SfuForwarder, RemovedParticipantNeitherSendsNorReceives) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(1, 13, kAll);
  ASSERT_TRUE(h.fwd.remove_participant(13));
  EXPECT_FALSE(h.fwd.has_participant(13));
  EXPECT_EQ(Harness::receivers(h.send(11, header_of(MediaKind::kAudio, 1, 1), kFrame)),
            (std::vector<uint32_t>{12}));
  EXPECT_TRUE(h.send(13, header_of(MediaKind::kAudio, 3, 1), kFrame).empty());
  EXPECT_EQ(h.fwd.counters().unknown_path, 1u);
  EXPECT_EQ(error_code(h.fwd.remove_participant(13)), Err::kNotFound);
  // The last participant leaving ends the meeting's entry.
  ASSERT_TRUE(h.fwd.remove_participant(11));
  ASSERT_TRUE(h.fwd.remove_participant(12));
  EXPECT_TRUE(h.fwd.active_speakers(1, 0).empty());
}

TEST(SfuForwarder, AddParticipantRejectsDuplicatePathAndClientRole) {
  Forwarder fwd;
  ASSERT_TRUE(fwd.add_participant(1, 0, kAll, make_path(HopRole::kServer, 11)));
  EXPECT_EQ(error_code(fwd.add_participant(2, 1, kAll, make_path(HopRole::kServer, 11))),
            Err::kInvalidArgument);
  EXPECT_EQ(error_code(fwd.add_participant(1, 2, kAll, make_path(HopRole::kClient, 12))),
            Err::kInvalidArgument);
  EXPECT_FALSE(fwd.has_participant(12));
  EXPECT_EQ(fwd.leaf(11), 0u);
}

// verifies: REQ-MEDIA-012
TEST(SfuForwarder, ReplayedAndForgedPacketsAreDroppedBeforeForwarding) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  const Bytes packet = h.media_packet(11, header_of(MediaKind::kAudio, 1, 1), kFrame);
  EXPECT_EQ(h.fwd.on_packet(packet, address_of(11), 0).size(), 1u);
  const uint64_t sent_before = h.fwd.counters().copies_sent;

  // Replayed, from the same or another address.
  EXPECT_TRUE(h.fwd.on_packet(packet, address_of(11), 1).empty());
  EXPECT_TRUE(h.fwd.on_packet(packet, address_of(99), 1).empty());
  // Forged: a flipped ciphertext bit, a flipped header bit.
  Bytes forged = h.media_packet(11, header_of(MediaKind::kAudio, 1, 2), kFrame);
  forged[media::kHopHeaderLen + 3] ^= 0x01;
  EXPECT_TRUE(h.fwd.on_packet(forged, address_of(11), 2).empty());
  Bytes bad_seq = h.media_packet(11, header_of(MediaKind::kAudio, 1, 3), kFrame);
  bad_seq[15] ^= 0x40;
  EXPECT_TRUE(h.fwd.on_packet(bad_seq, address_of(11), 2).empty());
  // Sealed with another path's keys under 11's path id.
  auto stranger = MediaPath::create(HopRole::kClient, 11, secret_for(77));
  ASSERT_TRUE(stranger.has_value());
  Bytes wrong_key(media::kMaxPacketLen);
  // Its first numbers are behind 11's window; number 9 is fresh.
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(stranger->seal_keepalive(wrong_key));
  }
  auto n = stranger->seal_media(wrong_key, header_of(MediaKind::kAudio, 1, 4), kFrame);
  ASSERT_TRUE(n.has_value());
  wrong_key.resize(*n);
  EXPECT_TRUE(h.fwd.on_packet(wrong_key, address_of(11), 3).empty());
  // Unknown path id; malformed (too short).
  Bytes unknown = packet;
  unknown[7] = 0x55;
  EXPECT_TRUE(h.fwd.on_packet(unknown, address_of(11), 3).empty());
  EXPECT_TRUE(h.fwd.on_packet(ByteView(packet).first(20), address_of(11), 3).empty());

  const ForwardCounters& c = h.fwd.counters();
  EXPECT_EQ(c.copies_sent, sent_before);
  EXPECT_EQ(c.transport_dropped, 5u);
  EXPECT_EQ(c.unknown_path, 1u);
  EXPECT_EQ(c.malformed, 1u);
  const media::DropCounters* d = h.fwd.path_drops(11);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->replayed, 2u);
  EXPECT_EQ(d->auth_failed, 3u);
  // Nothing moved 11's binding: the receiver still gets copies at its
  // address, and 11's real next packet is forwarded.
  auto out = h.send(12, header_of(MediaKind::kAudio, 2, 1), kFrame, 4);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, address_of(11));
}

// verifies: REQ-MEDIA-015
TEST(SfuForwarder, KeepaliveAnsweredOnlyWhenAuthenticated) {
  Harness h;
  h.join(1, 11, kNone, /*bind=*/false);
  // A forged keepalive binds nothing and gets no answer.
  Bytes forged = h.keepalive(11);
  forged[media::kHopHeaderLen] ^= 0x01;
  EXPECT_TRUE(h.fwd.on_packet(forged, address_of(11), 0).empty());
  EXPECT_EQ(h.fwd.counters().keepalives_answered, 0u);
  // An authenticated one binds the path and is answered there, even
  // without any floor.
  auto out = h.fwd.on_packet(h.keepalive(11), address_of(11), 0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].keepalive);
  EXPECT_EQ(out[0].to, address_of(11));
  EXPECT_EQ(out[0].packet.size(), media::kMinPacketLen);
  std::array<uint8_t, media::kMaxPacketLen> plain{};
  auto rx = h.clients.at(11).open(plain, out[0].packet, PeerAddress::signaling());
  ASSERT_TRUE(rx.has_value());
  EXPECT_EQ(rx->header.type, media::PacketType::kKeepalive);
  EXPECT_EQ(h.fwd.counters().keepalives_answered, 1u);
}

// verifies: REQ-MEDIA-012
TEST(SfuForwarder, UnboundReceiverIsSkipped) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll, /*bind=*/false);
  h.join(1, 13, kAll);
  EXPECT_EQ(Harness::receivers(h.send(11, header_of(MediaKind::kVideo, 1, 1), kFrame)),
            (std::vector<uint32_t>{13}));
  EXPECT_EQ(h.fwd.counters().receiver_unbound, 1u);
}

// verifies: REQ-MEDIA-016
TEST(SfuForwarder, LastNAudioSelectsMostRecentSpeakersPerReceiver) {
  Harness h(ForwarderConfig{2, 1000});
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(1, 13, kAll);
  h.join(1, 14, kAll);
  const auto audio = [](uint32_t seq) { return header_of(MediaKind::kAudio, 1, seq); };
  // 11, 12 and 13 start talking in that order.
  EXPECT_EQ(h.send(11, audio(1), kFrame, 0).size(), 3u);
  EXPECT_EQ(h.send(12, audio(1), kFrame, 10).size(), 3u);
  EXPECT_EQ(h.send(13, audio(1), kFrame, 20).size(), 3u);
  EXPECT_EQ(h.fwd.active_speakers(1, 20), (std::vector<uint32_t>{13, 12, 11}));
  // 11 is now the third most recent speaker: 14 hears 13 and 12 only, while
  // 12 and 13 (who do not count themselves) still hear 11.
  EXPECT_EQ(Harness::receivers(h.send(11, audio(2), kFrame, 30)), (std::vector<uint32_t>{12, 13}));
  EXPECT_EQ(h.fwd.counters().not_selected, 1u);
  // Video is not subject to the audio policy.
  EXPECT_EQ(h.send(11, header_of(MediaKind::kVideo, 2, 1), kFrame, 30).size(), 3u);
  // 12 and 13 fall silent; once their last packets are older than the
  // window, 11 (still talking) is heard by everyone again.
  EXPECT_EQ(h.send(11, audio(3), kFrame, 900).size(), 2u);
  EXPECT_EQ(Harness::receivers(h.send(11, audio(4), kFrame, 1021)),
            (std::vector<uint32_t>{12, 13, 14}));
  EXPECT_EQ(h.fwd.active_speakers(1, 1021), (std::vector<uint32_t>{11}));
}

// verifies: REQ-MEDIA-016
TEST(SfuForwarder, TalkSpurtRestartsAfterSilence) {
  Harness h(ForwarderConfig{1, 100});
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(1, 13, kAll);
  const auto audio = [](uint32_t seq) { return header_of(MediaKind::kAudio, 1, seq); };
  h.send(11, audio(1), kFrame, 0);
  h.send(12, audio(1), kFrame, 50);
  // 13 hears only the newest spurt: 12.
  EXPECT_EQ(Harness::receivers(h.send(11, audio(2), kFrame, 60)), (std::vector<uint32_t>{12}));
  // 11 pauses beyond the window and starts again after 12's spurt began:
  // now 11 is the newest.
  EXPECT_EQ(h.send(12, audio(2), kFrame, 200).size(), 2u);
  EXPECT_EQ(Harness::receivers(h.send(11, audio(3), kFrame, 250)), (std::vector<uint32_t>{12, 13}));
  EXPECT_EQ(h.fwd.active_speakers(1, 250), (std::vector<uint32_t>{11, 12}));
}

// verifies: REQ-MEDIA-016
TEST(SfuForwarder, AudioWithoutFloorIsNotActivity) {
  Harness h(ForwarderConfig{1, 1000});
  h.join(1, 11, kAll);
  h.join(1, 12, kVideoOnly);
  h.join(1, 13, kAll);
  const auto audio = [](uint32_t seq) { return header_of(MediaKind::kAudio, 1, seq); };
  h.send(11, audio(1), kFrame, 0);
  // 12's audio is dropped and does not take 11's slot.
  EXPECT_TRUE(h.send(12, audio(1), kFrame, 10).empty());
  EXPECT_EQ(h.fwd.active_speakers(1, 10), (std::vector<uint32_t>{11}));
  EXPECT_EQ(Harness::receivers(h.send(11, audio(2), kFrame, 20)), (std::vector<uint32_t>{12, 13}));
}

// verifies: REQ-MEDIA-012
TEST(SfuForwarder, CopiesFollowAReceiversRebindingAndWebSocketFallback) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  // 12's NAT mapping changes: its next packet moves its path.
  const PeerAddress moved = PeerAddress::ipv4({203, 0, 113, 5}, 50000);
  EXPECT_EQ(h.fwd.on_packet(h.keepalive(12), moved, 5).size(), 1u);
  auto out = h.send(11, header_of(MediaKind::kVideo, 1, 1), kFrame, 6);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, moved);
  // 12 falls back to its signaling WebSocket.
  EXPECT_EQ(h.fwd.on_packet(h.keepalive(12), PeerAddress::signaling(), 7).size(), 1u);
  out = h.send(11, header_of(MediaKind::kVideo, 1, 2), kFrame, 8);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, PeerAddress::signaling());
}

// verifies: REQ-MEDIA-012
TEST(SfuForwarder, SameInputsGiveSameOutputs) {
  Harness a;
  Harness b;
  for (Harness* h : {&a, &b}) {
    h->join(1, 11, kAll);
    h->join(1, 12, kAll);
    h->join(1, 13, kAudioOnly);
  }
  for (uint32_t i = 0; i < 5; ++i) {
    const MediaHeader hdr = header_of(i % 2 == 0 ? MediaKind::kAudio : MediaKind::kVideo, 1, i);
    const Bytes pa = a.media_packet(11, hdr, kFrame);
    const Bytes pb = b.media_packet(11, hdr, kFrame);
    ASSERT_EQ(pa, pb);
    auto oa = a.fwd.on_packet(pa, address_of(11), i * 10);
    auto ob = b.fwd.on_packet(pb, address_of(11), i * 10);
    ASSERT_EQ(oa.size(), ob.size());
    for (size_t k = 0; k < oa.size(); ++k) {
      EXPECT_EQ(oa[k].path_id, ob[k].path_id);
      EXPECT_EQ(oa[k].packet, ob[k].packet);
    }
  }
}

TEST(SfuForwarder, ZeroConfigValuesAreTakenAsOne) {
  Harness h(ForwarderConfig{0, 0});
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(1, 13, kAll);
  EXPECT_EQ(h.send(11, header_of(MediaKind::kAudio, 1, 1), kFrame, 0).size(), 2u);
}

using media::Feedback;
using media::FeedbackType;

Feedback pli(uint32_t stream) { return Feedback{stream, FeedbackType::kPli, {}}; }
Feedback nack(uint32_t stream, std::vector<uint32_t> seqs) {
  return Feedback{stream, FeedbackType::kNack, std::move(seqs)};
}

// verifies: REQ-MEDIA-028
TEST(SfuForwarder, MediaOnAnotherParticipantsStreamIdIsDropped) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  // 11 claims 12's video stream, then its own audio stream id on video,
  // then an id nobody owns: all dropped before any receiver sees them.
  for (uint32_t stream : {Harness::streams_of(12).video, Harness::streams_of(11).audio, 999u}) {
    SCOPED_TRACE(stream);
    EXPECT_TRUE(
        h.fwd
            .on_packet(h.raw_media_packet(11, header_of(MediaKind::kVideo, stream, 1), kFrame),
                       address_of(11), 0)
            .empty());
  }
  EXPECT_EQ(h.fwd.counters().wrong_stream, 3u);
  EXPECT_EQ(h.fwd.counters().media_forwarded, 0u);
  EXPECT_EQ(h.fwd.cached_packets(11), 0u);
  // Its own stream ids pass.
  EXPECT_EQ(h.send(11, header_of(MediaKind::kVideo, 0, 2), kFrame).size(), 1u);
  EXPECT_EQ(h.send(11, header_of(MediaKind::kAudio, 0, 1), kFrame).size(), 1u);
  EXPECT_EQ(h.fwd.counters().wrong_stream, 3u);
}

// verifies: REQ-MEDIA-028
TEST(SfuForwarder, ParticipantWithoutStreamsForwardsNothingAndStreamIdsAreUnique) {
  Forwarder fwd;
  ASSERT_TRUE(fwd.add_participant(1, 0, kAll, make_path(HopRole::kServer, 11)));
  EXPECT_EQ(fwd.streams(11), Streams{});
  ASSERT_TRUE(fwd.add_participant(1, 1, kAll, make_path(HopRole::kServer, 12), Streams{5, 6}));
  EXPECT_EQ(
      error_code(fwd.add_participant(1, 2, kAll, make_path(HopRole::kServer, 13), Streams{6, 7})),
      Err::kInvalidArgument);
  EXPECT_EQ(
      error_code(fwd.add_participant(1, 2, kAll, make_path(HopRole::kServer, 13), Streams{8, 8})),
      Err::kInvalidArgument);
  EXPECT_FALSE(fwd.has_participant(13));
  // Once 12 has left, its ids are free again.
  ASSERT_TRUE(fwd.remove_participant(12));
  EXPECT_TRUE(
      fwd.add_participant(1, 2, kAll, make_path(HopRole::kServer, 13), Streams{6, 5}).has_value());

  Harness h;
  ASSERT_TRUE(h.fwd.add_participant(1, 0, kAll, make_path(HopRole::kServer, 11)));
  h.clients.emplace(11, make_path(HopRole::kClient, 11));
  h.join(1, 12, kAll);
  EXPECT_TRUE(h.fwd
                  .on_packet(h.raw_media_packet(11, header_of(MediaKind::kAudio, 0, 1), kFrame),
                             address_of(11), 0)
                  .empty());
  EXPECT_EQ(h.fwd.counters().wrong_stream, 1u);
}

// verifies: REQ-MEDIA-029
TEST(SfuForwarder, PliReachesTheStreamsOwnerOnly) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(1, 13, kNone);  // a listener may ask for a keyframe too
  auto out = h.feedback(13, pli(Harness::streams_of(11).video), 100);
  ASSERT_EQ(Harness::receivers(out), (std::vector<uint32_t>{11}));
  EXPECT_TRUE(out[0].feedback);
  EXPECT_FALSE(out[0].keepalive);
  EXPECT_EQ(out[0].kind, MediaKind::kVideo);
  EXPECT_EQ(out[0].to, address_of(11));
  Bytes buf;
  auto rx = h.open_at(out[0], &buf);
  ASSERT_TRUE(rx.has_value());
  ASSERT_TRUE(rx->feedback.has_value());
  EXPECT_EQ(*rx->feedback, pli(Harness::streams_of(11).video));
  EXPECT_EQ(h.fwd.counters().feedback_received, 1u);
  EXPECT_EQ(h.fwd.counters().pli_forwarded, 1u);
  // The audio stream's PLI goes to the owner too, marked as audio.
  out = h.feedback(12, pli(Harness::streams_of(11).audio), 100);
  ASSERT_EQ(Harness::receivers(out), (std::vector<uint32_t>{11}));
  EXPECT_EQ(out[0].kind, MediaKind::kAudio);
}

// verifies: REQ-MEDIA-029
TEST(SfuForwarder, PliForAnotherMeetingOrOwnOrUnknownStreamIsDropped) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(2, 21, kAll);
  EXPECT_TRUE(h.feedback(21, pli(Harness::streams_of(11).video)).empty());
  EXPECT_TRUE(h.feedback(11, pli(Harness::streams_of(11).video)).empty());
  EXPECT_TRUE(h.feedback(12, pli(4242)).empty());
  EXPECT_TRUE(h.feedback(21, nack(Harness::streams_of(11).video, {1})).empty());
  EXPECT_EQ(h.fwd.counters().feedback_received, 4u);
  EXPECT_EQ(h.fwd.counters().feedback_foreign, 4u);
  EXPECT_EQ(h.fwd.counters().pli_forwarded, 0u);
}

// verifies: REQ-MEDIA-030
TEST(SfuForwarder, PlisAreRateLimitedPerStream) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(1, 13, kAll);
  const uint32_t v11 = Harness::streams_of(11).video;
  EXPECT_EQ(h.feedback(12, pli(v11), 1000).size(), 1u);
  // Another receiver's PLI within the interval: the keyframe is on its way.
  EXPECT_TRUE(h.feedback(13, pli(v11), 1000 + media::kPliIntervalMs - 1).empty());
  // Another stream is limited on its own.
  EXPECT_EQ(h.feedback(13, pli(Harness::streams_of(12).video), 1001).size(), 1u);
  EXPECT_EQ(h.feedback(12, pli(Harness::streams_of(11).audio), 1001).size(), 1u);
  EXPECT_EQ(h.feedback(13, pli(v11), 1000 + media::kPliIntervalMs).size(), 1u);
  EXPECT_EQ(h.fwd.counters().pli_forwarded, 4u);
  EXPECT_EQ(h.fwd.counters().pli_rate_limited, 1u);
}

// verifies: REQ-MEDIA-031
TEST(SfuForwarder, NackIsAnsweredFromTheCacheToTheRequesterOnly) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  h.join(1, 13, kAll);
  for (uint32_t seq = 1; seq <= 5; ++seq) {
    Bytes frame = kFrame;
    frame.push_back(static_cast<uint8_t>(seq));
    ASSERT_EQ(h.send(11, header_of(MediaKind::kVideo, 0, seq), frame).size(), 2u);
  }
  EXPECT_EQ(h.fwd.cached_packets(11), 5u);
  auto out = h.feedback(12, nack(Harness::streams_of(11).video, {4, 9, 2}));
  ASSERT_EQ(Harness::receivers(out), (std::vector<uint32_t>{12, 12}));
  const uint32_t want[] = {4, 2};
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].to, address_of(12));
    EXPECT_EQ(out[i].kind, MediaKind::kVideo);
    EXPECT_FALSE(out[i].feedback);
    Bytes buf;
    auto rx = h.open_at(out[i], &buf);  // fresh hop numbers: no replay
    ASSERT_TRUE(rx.has_value());
    ASSERT_TRUE(rx->media.has_value());
    MediaHeader expect = header_of(MediaKind::kVideo, Harness::streams_of(11).video, want[i]);
    EXPECT_EQ(rx->media->header.stream_id, expect.stream_id);
    EXPECT_EQ(rx->media->header.stream_seq, want[i]);
    EXPECT_EQ(rx->media->header.flags, expect.flags);
    EXPECT_EQ(rx->media->header.layer, expect.layer);
    Bytes frame = kFrame;
    frame.push_back(static_cast<uint8_t>(want[i]));
    EXPECT_EQ(to_bytes(rx->media->sframe), frame);
  }
  EXPECT_EQ(h.fwd.counters().nack_retransmitted, 2u);
  EXPECT_EQ(h.fwd.counters().nack_missed, 1u);
  // A copy for 12 does not open with 13's path.
  Bytes buf(media::kMaxPacketLen);
  EXPECT_FALSE(h.clients.at(13).open(buf, out[0].packet, PeerAddress::signaling()).has_value());
}

// verifies: REQ-MEDIA-031
TEST(SfuForwarder, AudioIsNotCachedAndLateJoinersGetNothingOlder) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  ASSERT_EQ(h.send(11, header_of(MediaKind::kAudio, 0, 1), kFrame).size(), 1u);
  ASSERT_EQ(h.send(11, header_of(MediaKind::kVideo, 0, 1), kFrame).size(), 1u);
  EXPECT_EQ(h.fwd.cached_packets(11), 1u);
  EXPECT_TRUE(h.feedback(12, nack(Harness::streams_of(11).audio, {1})).empty());
  EXPECT_EQ(h.fwd.counters().nack_missed, 1u);
  // 13 joins after video packet 1 was forwarded: it is not served.
  h.join(1, 13, kAll);
  EXPECT_TRUE(h.feedback(13, nack(Harness::streams_of(11).video, {1})).empty());
  EXPECT_EQ(h.fwd.counters().nack_missed, 2u);
  ASSERT_EQ(h.send(11, header_of(MediaKind::kVideo, 0, 2), kFrame).size(), 2u);
  EXPECT_EQ(h.feedback(13, nack(Harness::streams_of(11).video, {1, 2})).size(), 1u);
  EXPECT_EQ(h.fwd.counters().nack_retransmitted, 1u);
}

// verifies: REQ-MEDIA-031
TEST(SfuForwarder, CacheHoldsAtMostItsBoundPerStream) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  const uint32_t n = static_cast<uint32_t>(media::kRetransmitCachePackets) + 88;
  for (uint32_t seq = 0; seq < n; ++seq) {
    ASSERT_EQ(h.send(11, header_of(MediaKind::kVideo, 0, seq), kFrame).size(), 1u);
  }
  EXPECT_EQ(h.fwd.cached_packets(11), media::kRetransmitCachePackets);
  // seq 0 was evicted by seq kRetransmitCachePackets; 88, 100 and the
  // newest are still there.
  auto out = h.feedback(12, nack(Harness::streams_of(11).video, {0, 87, 88, 100, n - 1}));
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(h.fwd.counters().nack_missed, 2u);
}

// verifies: REQ-MEDIA-032
TEST(SfuForwarder, RetransmissionsPerRequesterAreBudgeted) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  for (uint32_t seq = 0; seq < media::kRetransmitCachePackets; ++seq) {
    ASSERT_EQ(h.send(11, header_of(MediaKind::kVideo, 0, seq), kFrame).size(), 1u);
  }
  size_t sent = 0;
  for (uint32_t round = 0; round < 8; ++round) {
    std::vector<uint32_t> seqs;
    for (uint32_t i = 0; i < media::kMaxNackSeqs; ++i) {
      seqs.push_back(i);  // cached: kRetransmitCachePackets >= kMaxNackSeqs
    }
    sent += h.feedback(12, nack(Harness::streams_of(11).video, seqs), 5000 + round).size();
  }
  EXPECT_EQ(sent, media::kMaxRetransmitsPerSecond);
  EXPECT_EQ(h.fwd.counters().nack_rate_limited, 8 * media::kMaxNackSeqs - sent);
  // A second later the budget is back.
  EXPECT_EQ(h.feedback(12, nack(Harness::streams_of(11).video, {1, 2}), 6000).size(), 2u);
}

// verifies: REQ-MEDIA-031
TEST(SfuForwarder, CacheIsWipedWhenItsOwnerLeaves) {
  Harness h;
  h.join(1, 11, kAll);
  h.join(1, 12, kAll);
  ASSERT_EQ(h.send(11, header_of(MediaKind::kVideo, 0, 1), kFrame).size(), 1u);
  EXPECT_EQ(h.fwd.cached_packets(11), 1u);
  ASSERT_TRUE(h.fwd.remove_participant(11));
  EXPECT_EQ(h.fwd.cached_packets(11), 0u);
  EXPECT_TRUE(h.feedback(12, nack(Harness::streams_of(11).video, {1})).empty());
  EXPECT_EQ(h.fwd.counters().feedback_foreign, 1u);
  // A new participant given the same stream ids starts with an empty cache.
  ASSERT_TRUE(
      h.fwd.add_participant(1, 5, kAll, make_path(HopRole::kServer, 14), Harness::streams_of(11)));
  EXPECT_TRUE(h.feedback(12, nack(Harness::streams_of(11).video, {1})).empty());
  EXPECT_EQ(h.fwd.counters().nack_missed, 1u);
}

}  // namespace
}  // namespace conclave::sfu
