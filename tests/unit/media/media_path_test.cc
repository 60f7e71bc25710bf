// Tests for media/media_path.h: round trips in both directions, the order of
// checks and the drop counters, replay and reordering, wrong-key and
// wrong-direction packets, path binding, NAT rebinding and the WebSocket
// fallback, and the sequence limit.
#include "media/media_path.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/writer.h"
#include "media/limits.h"
#include "media_test_util.h"

namespace conclave::media {

// MediaPathTestAccess moves a path's sending number (friend of MediaPath).
class MediaPathTestAccess {
 public:
  static void set_send_seq(MediaPath& p, uint64_t seq) { p.send_seq_ = seq; }
};

namespace {

using testing::error_of;
using testing::hex;
using testing::test_secret;

constexpr uint32_t kPathId = 0x00c0ffee;
const PeerAddress kAddrA = PeerAddress::ipv4({192, 0, 2, 1}, 40000);
const PeerAddress kAddrB = PeerAddress::ipv4({198, 51, 100, 7}, 51000);
const PeerAddress kAddrC =
    PeerAddress::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 40000);

struct Pair {
  MediaPath client;
  MediaPath server;
};

Pair make_pair(uint32_t path_id = kPathId) {
  auto c = MediaPath::create(HopRole::kClient, path_id, test_secret());
  auto s = MediaPath::create(HopRole::kServer, path_id, test_secret());
  CONCLAVE_ASSERT(c.has_value() && s.has_value());
  return Pair{std::move(*c), std::move(*s)};
}

MediaHeader video_header(uint32_t seq = 1) {
  MediaHeader h;
  h.stream_id = 77;
  h.kind = MediaKind::kVideo;
  h.flags = kFlagKeyframe | kFlagFrameStart;
  h.layer = 0x10;
  h.stream_seq = seq;
  return h;
}

const Bytes kFrame = hex("9f0001020304050607080910111213141516171819");

Bytes seal_media(MediaPath& from, const MediaHeader& h = video_header(), ByteView frame = kFrame) {
  Bytes out(kMaxPacketLen);
  auto n = from.seal_media(out, h, frame);
  CONCLAVE_ASSERT(n.has_value());
  out.resize(*n);
  return out;
}

Bytes seal_keepalive(MediaPath& from) {
  Bytes out(kMinPacketLen);
  auto n = from.seal_keepalive(out);
  CONCLAVE_ASSERT(n.has_value() && *n == kMinPacketLen);
  return out;
}

Result<Received> open(MediaPath& at, ByteView packet, const PeerAddress& from, Bytes* buf) {
  buf->assign(kMaxPacketLen, 0);
  return at.open(*buf, packet, from);
}

// verifies: REQ-MEDIA-004
// verifies: REQ-MEDIA-008
TEST(MediaPath, client_media_reaches_the_server_and_binds_the_path) {
  Pair p = make_pair();
  const Bytes pkt = seal_media(p.client);
  EXPECT_EQ(pkt.size(), kHopHeaderLen + kMediaHeaderLen + kFrame.size() + kHopTagLen);
  EXPECT_FALSE(p.server.peer().has_value());
  Bytes buf;
  auto rx = open(p.server, pkt, kAddrA, &buf);
  ASSERT_TRUE(rx.has_value());
  EXPECT_EQ(rx->header.type, PacketType::kMedia);
  EXPECT_EQ(rx->header.path_id, kPathId);
  EXPECT_EQ(rx->header.hop_seq, 0u);
  EXPECT_TRUE(rx->path_bound);
  ASSERT_TRUE(rx->media.has_value());
  EXPECT_EQ(rx->media->header.stream_id, 77u);
  EXPECT_TRUE(rx->media->header.keyframe());
  EXPECT_EQ(to_bytes(rx->media->sframe), kFrame);
  ASSERT_TRUE(p.server.peer().has_value());
  EXPECT_EQ(*p.server.peer(), kAddrA);
  EXPECT_EQ(p.client.next_send_seq(), 1u);
}

// verifies: REQ-MEDIA-004
TEST(MediaPath, the_hop_layer_hides_media_header_and_sframe_bytes) {
  Pair p = make_pair();
  const Bytes pkt = seal_media(p.client);
  // The clear part is the hop header only.
  const Bytes header = hex("0101000000c0ffee0000000000000000");
  EXPECT_EQ(Bytes(pkt.begin(), pkt.begin() + kHopHeaderLen), header);
  const Bytes rest(pkt.begin() + kHopHeaderLen + kMediaHeaderLen, pkt.end() - kHopTagLen);
  EXPECT_NE(rest, kFrame);
}

// verifies: REQ-MEDIA-008
TEST(MediaPath, server_sends_nothing_until_bound_then_client_opens) {
  Pair p = make_pair();
  Bytes out(kMaxPacketLen);
  EXPECT_EQ(error_of(p.server.seal_keepalive(out)), Err::kUnexpectedMessage);
  EXPECT_EQ(error_of(p.server.seal_media(out, video_header(), kFrame)), Err::kUnexpectedMessage);
  EXPECT_EQ(p.server.next_send_seq(), 0u);
  // The client may send first (it always does).
  Bytes buf;
  ASSERT_TRUE(open(p.server, seal_keepalive(p.client), kAddrA, &buf).has_value());
  const Bytes down = seal_media(p.server);
  auto rx = open(p.client, down, kAddrA, &buf);
  ASSERT_TRUE(rx.has_value());
  EXPECT_EQ(rx->header.hop_seq, 0u);
  EXPECT_EQ(to_bytes(rx->media->sframe), kFrame);
  const Bytes ka = seal_keepalive(p.server);
  auto rk = open(p.client, ka, kAddrA, &buf);
  ASSERT_TRUE(rk.has_value());
  EXPECT_EQ(rk->header.type, PacketType::kKeepalive);
  EXPECT_FALSE(rk->media.has_value());
}

// verifies: REQ-MEDIA-004
TEST(MediaPath, open_works_in_place) {
  Pair p = make_pair();
  Bytes pkt = seal_media(p.client);
  const ByteView packet(pkt);
  auto rx = p.server.open(MutableByteView(pkt).subspan(kHopHeaderLen), packet, kAddrA);
  ASSERT_TRUE(rx.has_value());
  EXPECT_EQ(to_bytes(rx->media->sframe), kFrame);
  EXPECT_EQ(rx->media->sframe.data(), pkt.data() + kHopHeaderLen + kMediaHeaderLen);
}

// verifies: REQ-MEDIA-006
// verifies: REQ-MEDIA-007
TEST(MediaPath, duplicates_are_dropped_and_reordering_accepted) {
  Pair p = make_pair();
  std::array<Bytes, 5> pkts;
  for (auto& pkt : pkts) {
    pkt = seal_media(p.client);
  }
  Bytes buf;
  for (size_t i : {0u, 3u, 1u, 4u, 2u}) {
    ASSERT_TRUE(open(p.server, pkts[i], kAddrA, &buf).has_value()) << i;
  }
  for (size_t i = 0; i < pkts.size(); ++i) {
    EXPECT_EQ(error_of(open(p.server, pkts[i], kAddrA, &buf)), Err::kReplayed) << i;
  }
  EXPECT_EQ(p.server.drops().replayed, pkts.size());
  EXPECT_EQ(p.server.drops().total(), pkts.size());
}

// verifies: REQ-MEDIA-006
TEST(MediaPath, packets_below_the_window_are_dropped) {
  Pair p = make_pair();
  const Bytes old = seal_media(p.client);
  MediaPathTestAccess::set_send_seq(p.client, kHopReplayWindow);
  const Bytes edge = seal_media(p.client);  // hop_seq kHopReplayWindow
  Bytes buf;
  ASSERT_TRUE(open(p.server, edge, kAddrA, &buf).has_value());
  EXPECT_EQ(error_of(open(p.server, old, kAddrA, &buf)), Err::kReplayed);
  EXPECT_EQ(p.server.drops().replayed, 1u);
}

// Flipping any bit of a packet gets it dropped — as malformed where the
// header check catches it, otherwise as an authentication failure — and
// changes nothing: the genuine packet is accepted afterwards.
// verifies: REQ-MEDIA-004
// verifies: REQ-MEDIA-007
TEST(MediaPath, every_modified_byte_is_dropped_without_state_change) {
  Pair p = make_pair();
  const Bytes pkt = seal_media(p.client);
  Bytes buf;
  uint64_t expected_drops = 0;
  for (size_t i = 0; i < pkt.size(); ++i) {
    for (uint8_t bit : {uint8_t{0x01}, uint8_t{0x80}}) {
      Bytes bad = pkt;
      bad[i] ^= bit;
      auto rx = open(p.server, bad, kAddrB, &buf);
      ASSERT_FALSE(rx.has_value()) << i;
      ++expected_drops;
      const Err e = rx.error().code;
      EXPECT_TRUE(e == Err::kAuthFailed || e == Err::kUnsupported || e == Err::kInvalidValue ||
                  e == Err::kUnknownKeyId || e == Err::kSequenceExhausted || e == Err::kLengthLimit)
          << i << " " << to_string(e);
    }
  }
  EXPECT_EQ(p.server.drops().total(), expected_drops);
  EXPECT_FALSE(p.server.peer().has_value());
  auto rx = open(p.server, pkt, kAddrA, &buf);
  ASSERT_TRUE(rx.has_value());
  EXPECT_EQ(*p.server.peer(), kAddrA);
}

// verifies: REQ-MEDIA-004
// verifies: REQ-MEDIA-007
TEST(MediaPath, wrong_direction_wrong_path_and_wrong_key_fail) {
  Pair p = make_pair();
  Bytes buf;
  ASSERT_TRUE(open(p.server, seal_keepalive(p.client), kAddrA, &buf).has_value());
  // A server packet reflected back to the server (hop_seq 1: number 0 of
  // the other direction is already in the window and would be caught as a
  // replay first).
  (void)seal_media(p.server);
  const Bytes down = seal_media(p.server);
  EXPECT_EQ(error_of(open(p.server, down, kAddrB, &buf)), Err::kAuthFailed);
  // A client packet reflected back to the client.
  const Bytes up = seal_media(p.client);
  EXPECT_EQ(error_of(open(p.client, up, kAddrA, &buf)), Err::kAuthFailed);
  // Another path's packet (other id): dropped before any cryptography.
  Pair other = make_pair(kPathId + 1);
  const Bytes foreign = seal_media(other.client);
  EXPECT_EQ(error_of(open(p.server, foreign, kAddrB, &buf)), Err::kUnknownKeyId);
  // Same path id, keys from another TLS session.
  auto stranger = MediaPath::create(HopRole::kClient, kPathId, test_secret(0x40));
  ASSERT_TRUE(stranger.has_value());
  MediaPathTestAccess::set_send_seq(*stranger, 5000);
  const Bytes forged = seal_media(*stranger);
  EXPECT_EQ(error_of(open(p.server, forged, kAddrB, &buf)), Err::kAuthFailed);
  EXPECT_EQ(p.server.drops().auth_failed, 2u);
  EXPECT_EQ(p.server.drops().unknown_path, 1u);
  EXPECT_EQ(p.client.drops().auth_failed, 1u);
  EXPECT_EQ(*p.server.peer(), kAddrA);
  // The forged number 5000 did not move the window: the client's own packet
  // 5000 is still accepted.
  MediaPathTestAccess::set_send_seq(p.client, 5000);
  EXPECT_TRUE(open(p.server, seal_keepalive(p.client), kAddrA, &buf).has_value());
}

// verifies: REQ-MEDIA-007
TEST(MediaPath, garbage_of_every_length_is_dropped_and_never_binds) {
  Pair p = make_pair();
  Bytes buf;
  for (size_t n = 0; n <= kMaxPacketLen + 1; ++n) {
    Bytes junk(n, 0x5a);
    if (n >= kHopHeaderLen) {
      // A plausible header: right version, type, path id.
      const Bytes h = hex("0101000000c0ffee0000000000000001");
      std::copy(h.begin(), h.end(), junk.begin());
    }
    EXPECT_FALSE(open(p.server, junk, kAddrB, &buf).has_value()) << n;
  }
  // Lengths 0..31 and 1453 are malformed; every length in between reaches
  // the AEAD and fails there.
  EXPECT_EQ(p.server.drops().malformed, kMinPacketLen + 1);
  EXPECT_EQ(p.server.drops().auth_failed, kMaxPacketLen - kMinPacketLen + 1);
  EXPECT_EQ(p.server.drops().malformed + p.server.drops().auth_failed, kMaxPacketLen + 2);
  // Nothing bound: the server has nobody to answer.
  EXPECT_FALSE(p.server.peer().has_value());
  Bytes out(kMaxPacketLen);
  EXPECT_EQ(error_of(p.server.seal_keepalive(out)), Err::kUnexpectedMessage);
}

// An authenticated media packet whose media header is malformed is dropped
// as malformed and does not consume its number.
// verifies: REQ-MEDIA-007
TEST(MediaPath, authenticated_but_malformed_media_payload_is_dropped) {
  Pair p = make_pair();
  auto cipher = HopCipher::derive(HopRole::kClient, test_secret());
  ASSERT_TRUE(cipher.has_value());
  auto build = [&](ByteView plaintext) {
    Bytes pkt(kHopHeaderLen + plaintext.size() + kHopTagLen);
    Writer w(MutableByteView(pkt).first(kHopHeaderLen));
    write_hop_header(w, HopHeader{PacketType::kMedia, kPathId, 0});
    EXPECT_TRUE(w.finish_fixed().has_value());
    auto n = cipher->seal(MutableByteView(pkt).subspan(kHopHeaderLen), 0,
                          ByteView(pkt).first(kHopHeaderLen), plaintext);
    EXPECT_TRUE(n.has_value());
    return pkt;
  };
  Bytes buf;
  // Empty plaintext, a short header, an unknown kind, a header without a frame.
  for (const Bytes& plaintext : {Bytes{}, hex("0000004d02"), hex("0000004d0300000000000001ff"),
                                 hex("0000004d0200000000000001")}) {
    EXPECT_EQ(category(open(p.server, build(plaintext), kAddrA, &buf).error().code),
              ErrCategory::kDecode);
  }
  EXPECT_EQ(p.server.drops().malformed, 4u);
  EXPECT_FALSE(p.server.peer().has_value());
  // hop_seq 0 was not consumed by the malformed packets.
  EXPECT_TRUE(open(p.server, seal_keepalive(p.client), kAddrA, &buf).has_value());
}

// verifies: REQ-MEDIA-008
TEST(MediaPath, nat_rebinding_moves_the_path_only_on_the_newest_authenticated_packet) {
  Pair p = make_pair();
  Bytes buf;
  const Bytes p0 = seal_keepalive(p.client);
  const Bytes p1 = seal_keepalive(p.client);
  const Bytes p2 = seal_keepalive(p.client);
  const Bytes p3 = seal_keepalive(p.client);
  ASSERT_TRUE(open(p.server, p0, kAddrA, &buf)->path_bound);
  // Same address: no move.
  EXPECT_FALSE(open(p.server, p2, kAddrA, &buf)->path_bound);
  // An older (reordered) packet from elsewhere is accepted but moves nothing.
  auto late = open(p.server, p1, kAddrB, &buf);
  ASSERT_TRUE(late.has_value());
  EXPECT_FALSE(late->path_bound);
  EXPECT_EQ(*p.server.peer(), kAddrA);
  // A forged packet from elsewhere moves nothing.
  Bytes forged = p3;
  forged.back() ^= 1;
  EXPECT_FALSE(open(p.server, forged, kAddrC, &buf).has_value());
  EXPECT_EQ(*p.server.peer(), kAddrA);
  // A replay of an accepted packet from elsewhere moves nothing.
  EXPECT_FALSE(open(p.server, p2, kAddrC, &buf).has_value());
  EXPECT_EQ(*p.server.peer(), kAddrA);
  // The newest authenticated packet from a new address moves the path.
  auto moved = open(p.server, p3, kAddrC, &buf);
  ASSERT_TRUE(moved.has_value());
  EXPECT_TRUE(moved->path_bound);
  EXPECT_EQ(*p.server.peer(), kAddrC);
}

// verifies: REQ-MEDIA-009
TEST(MediaPath, websocket_packets_share_keys_window_and_binding) {
  Pair p = make_pair();
  Bytes buf;
  const Bytes udp0 = seal_media(p.client);
  const Bytes ws1 = seal_media(p.client);
  const Bytes udp2 = seal_keepalive(p.client);
  ASSERT_TRUE(open(p.server, udp0, kAddrA, &buf).has_value());
  // UDP blocked: the client falls back to the WebSocket with the same path.
  auto rx = open(p.server, ws1, PeerAddress::signaling(), &buf);
  ASSERT_TRUE(rx.has_value());
  EXPECT_TRUE(rx->path_bound);
  EXPECT_EQ(*p.server.peer(), PeerAddress::signaling());
  // The same bytes again over UDP are a replay: one window for both carriers.
  EXPECT_EQ(error_of(open(p.server, ws1, kAddrA, &buf)), Err::kReplayed);
  // Back to UDP with the next packet.
  ASSERT_TRUE(open(p.server, udp2, kAddrB, &buf)->path_bound);
  EXPECT_EQ(*p.server.peer(), kAddrB);
}

// verifies: REQ-MEDIA-005
TEST(MediaPath, sender_stops_at_the_sequence_limit) {
  Pair p = make_pair();
  MediaPathTestAccess::set_send_seq(p.client, kHopSequenceLimit - 1);
  const Bytes last = seal_keepalive(p.client);
  Bytes out(kMaxPacketLen);
  EXPECT_EQ(error_of(p.client.seal_keepalive(out)), Err::kSequenceExhausted);
  EXPECT_EQ(error_of(p.client.seal_media(out, video_header(), kFrame)), Err::kSequenceExhausted);
  EXPECT_EQ(p.client.next_send_seq(), kHopSequenceLimit);
  Bytes buf;
  auto rx = open(p.server, last, kAddrA, &buf);
  ASSERT_TRUE(rx.has_value());
  EXPECT_EQ(rx->header.hop_seq, kHopSequenceLimit - 1);
}

// A packet numbered at or above the limit is dropped before the AEAD: it is
// counted as a sequence-limit drop even though its tag is garbage.
// verifies: REQ-MEDIA-005
// verifies: REQ-MEDIA-007
TEST(MediaPath, receiver_drops_numbers_at_the_limit_before_cryptography) {
  Pair p = make_pair();
  Bytes buf;
  for (uint64_t seq : {kHopSequenceLimit, kHopSequenceLimit + 1, ~uint64_t{0}}) {
    Bytes pkt(kMinPacketLen, 0);
    Writer w(MutableByteView(pkt).first(kHopHeaderLen));
    write_hop_header(w, HopHeader{PacketType::kKeepalive, kPathId, seq});
    ASSERT_TRUE(w.finish_fixed().has_value());
    EXPECT_EQ(error_of(open(p.server, pkt, kAddrA, &buf)), Err::kSequenceExhausted);
  }
  EXPECT_EQ(p.server.drops().sequence_limit, 3u);
  EXPECT_EQ(p.server.drops().auth_failed, 0u);
}

// Forged packets are checked against the replay window before the AEAD:
// a replayed number is counted as replayed, never reaching authentication.
// verifies: REQ-MEDIA-006
// verifies: REQ-MEDIA-007
TEST(MediaPath, replay_check_runs_before_the_aead) {
  Pair p = make_pair();
  Bytes buf;
  const Bytes pkt = seal_keepalive(p.client);
  ASSERT_TRUE(open(p.server, pkt, kAddrA, &buf).has_value());
  Bytes forged = pkt;
  forged.back() ^= 1;
  EXPECT_EQ(error_of(open(p.server, forged, kAddrA, &buf)), Err::kReplayed);
  EXPECT_EQ(p.server.drops().auth_failed, 0u);
  EXPECT_EQ(p.server.drops().replayed, 1u);
}

// verifies: REQ-MEDIA-002
// verifies: REQ-MEDIA-005
TEST(MediaPath, seal_rejects_bad_input_without_consuming_a_number) {
  Pair p = make_pair();
  Bytes out(kMaxPacketLen);
  MediaHeader audio;
  audio.kind = MediaKind::kAudio;
  audio.flags = kFlagKeyframe;
  EXPECT_EQ(error_of(p.client.seal_media(out, audio, kFrame)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(p.client.seal_media(out, video_header(), {})), Err::kInvalidArgument);
  const size_t max_frame = kMaxPacketLen - kHopHeaderLen - kMediaHeaderLen - kHopTagLen;
  const Bytes big(max_frame + 1, 0x11);
  EXPECT_EQ(error_of(p.client.seal_media(out, video_header(), big)), Err::kValueTooLarge);
  Bytes small(kMinPacketLen - 1);
  EXPECT_EQ(error_of(p.client.seal_keepalive(small)), Err::kBufferTooSmall);
  EXPECT_EQ(p.client.next_send_seq(), 0u);
  // The largest frame fits exactly.
  const Bytes largest(max_frame, 0x22);
  EXPECT_EQ(p.client.seal_media(out, video_header(), largest).value(), kMaxPacketLen);
}

TEST(MediaPath, open_with_a_short_output_is_a_usage_error_and_not_a_drop) {
  Pair p = make_pair();
  const Bytes pkt = seal_media(p.client);
  Bytes out(4);
  EXPECT_EQ(error_of(p.server.open(out, pkt, kAddrA)), Err::kBufferTooSmall);
  EXPECT_EQ(p.server.drops().total(), 0u);
  Bytes buf;
  EXPECT_TRUE(open(p.server, pkt, kAddrA, &buf).has_value());
}

TEST(MediaPath, create_rejects_path_id_zero_and_bad_secrets) {
  EXPECT_EQ(error_of(MediaPath::create(HopRole::kServer, 0, test_secret())), Err::kInvalidArgument);
  EXPECT_EQ(error_of(MediaPath::create(HopRole::kServer, 1, SecretBytes(16))),
            Err::kInvalidArgument);
}

// The seeds of the media_packet fuzz target were sealed by
// fuzz/media/make_media_seeds.py with Python's hmac and the cryptography
// package, independently of this code, under the exporter secret 00..1f and
// path id 0x00c0ffee. Every valid_* seed must open at a server path: a
// known-answer test of the key derivation, nonce, AAD and packet layout.
// verifies: REQ-MEDIA-001
// verifies: REQ-MEDIA-003
// verifies: REQ-MEDIA-004
TEST(MediaPath, opens_packets_sealed_by_an_independent_implementation) {
  const std::filesystem::path dir =
      std::filesystem::path(CONCLAVE_SOURCE_DIR) / "fuzz" / "corpus" / "media_packet";
  size_t valid = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    std::ifstream f(entry.path(), std::ios::binary);
    const Bytes pkt((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto server = MediaPath::create(HopRole::kServer, kPathId, test_secret());
    ASSERT_TRUE(server.has_value());
    Bytes buf;
    auto rx = open(*server, pkt, kAddrA, &buf);
    if (name.rfind("valid_", 0) == 0) {
      ++valid;
      EXPECT_TRUE(rx.has_value()) << name;
    } else {
      EXPECT_FALSE(rx.has_value()) << name;
    }
  }
  EXPECT_EQ(valid, 8u);
}

// verifies: REQ-MEDIA-027
TEST(MediaPath, feedback_round_trips_in_both_directions) {
  Pair p = make_pair();
  Bytes buf;
  ASSERT_TRUE(open(p.server, seal_keepalive(p.client), kAddrA, &buf).has_value());
  const Feedback nack{77, FeedbackType::kNack, {3, 4, 9}};
  const Feedback pli{78, FeedbackType::kPli, {}};
  for (const Feedback& fb : {nack, pli}) {
    Bytes up(kHopHeaderLen + kMaxFeedbackLen + kHopTagLen);
    auto n = p.client.seal_feedback(up, fb);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, kHopHeaderLen + feedback_len(fb) + kHopTagLen);
    up.resize(*n);
    auto rx = open(p.server, up, kAddrA, &buf);
    ASSERT_TRUE(rx.has_value());
    EXPECT_EQ(rx->header.type, PacketType::kFeedback);
    EXPECT_FALSE(rx->media.has_value());
    ASSERT_TRUE(rx->feedback.has_value());
    EXPECT_EQ(*rx->feedback, fb);

    Bytes down(kHopHeaderLen + kMaxFeedbackLen + kHopTagLen);
    n = p.server.seal_feedback(down, fb);
    ASSERT_TRUE(n.has_value());
    down.resize(*n);
    rx = open(p.client, down, PeerAddress::signaling(), &buf);
    ASSERT_TRUE(rx.has_value());
    ASSERT_TRUE(rx->feedback.has_value());
    EXPECT_EQ(*rx->feedback, fb);
  }
  // A media packet carries no feedback, a keepalive neither.
  auto rx = open(p.server, seal_media(p.client), kAddrA, &buf);
  ASSERT_TRUE(rx.has_value());
  EXPECT_FALSE(rx->feedback.has_value());
}

// verifies: REQ-MEDIA-027
TEST(MediaPath, seal_feedback_rejects_unencodable_feedback_without_consuming_a_number) {
  Pair p = make_pair();
  Bytes out(kMaxPacketLen);
  EXPECT_EQ(error_of(p.client.seal_feedback(out, Feedback{1, FeedbackType::kNack, {}})),
            Err::kInvalidArgument);
  EXPECT_EQ(error_of(p.client.seal_feedback(out, Feedback{1, FeedbackType::kPli, {1}})),
            Err::kInvalidArgument);
  EXPECT_EQ(error_of(p.client.seal_feedback(
                out, Feedback{1, FeedbackType::kNack, std::vector<uint32_t>(kMaxNackSeqs + 1)})),
            Err::kInvalidArgument);
  EXPECT_EQ(error_of(p.client.seal_feedback(MutableByteView(out).first(kMinPacketLen),
                                            Feedback{1, FeedbackType::kPli, {}})),
            Err::kBufferTooSmall);
  EXPECT_EQ(p.client.next_send_seq(), 0u);
  // The server sends no feedback on an unbound path.
  EXPECT_EQ(error_of(p.server.seal_feedback(out, Feedback{1, FeedbackType::kPli, {}})),
            Err::kUnexpectedMessage);
}

// verifies: REQ-MEDIA-027
TEST(MediaPath, authenticated_but_malformed_feedback_is_dropped) {
  Pair p = make_pair();
  auto cipher = HopCipher::derive(HopRole::kClient, test_secret());
  ASSERT_TRUE(cipher.has_value());
  uint64_t seq = 0;
  auto build = [&](ByteView plaintext) {
    Bytes pkt(kHopHeaderLen + plaintext.size() + kHopTagLen);
    Writer w(MutableByteView(pkt).first(kHopHeaderLen));
    write_hop_header(w, HopHeader{PacketType::kFeedback, kPathId, seq});
    EXPECT_TRUE(w.finish_fixed().has_value());
    auto n = cipher->seal(MutableByteView(pkt).subspan(kHopHeaderLen), seq,
                          ByteView(pkt).first(kHopHeaderLen), plaintext);
    EXPECT_TRUE(n.has_value());
    ++seq;
    return pkt;
  };
  Bytes buf;
  // Unknown type, a PLI with a value, a trailing byte, a NACK without values.
  for (const Bytes& plaintext : {hex("0000004d030000"), hex("0000004d01000400000001"),
                                 hex("0000004d01000000"), hex("0000004d020000")}) {
    EXPECT_EQ(category(open(p.server, build(plaintext), kAddrA, &buf).error().code),
              ErrCategory::kDecode);
  }
  EXPECT_EQ(p.server.drops().malformed, 4u);
  EXPECT_FALSE(p.server.peer().has_value());
}

TEST(DropReason, classifies_errors_and_names_reasons) {
  EXPECT_EQ(drop_reason(Error(Err::kTruncated)), DropReason::kMalformed);
  EXPECT_EQ(drop_reason(Error(Err::kUnsupported)), DropReason::kMalformed);
  EXPECT_EQ(drop_reason(Error(Err::kUnknownKeyId)), DropReason::kUnknownPath);
  EXPECT_EQ(drop_reason(Error(Err::kSequenceExhausted)), DropReason::kSequenceLimit);
  EXPECT_EQ(drop_reason(Error(Err::kReplayed)), DropReason::kReplayed);
  EXPECT_EQ(drop_reason(Error(Err::kAuthFailed)), DropReason::kAuthFailed);
  EXPECT_FALSE(drop_reason(Error(Err::kBufferTooSmall)).has_value());
  for (DropReason r : {DropReason::kMalformed, DropReason::kUnknownPath, DropReason::kSequenceLimit,
                       DropReason::kReplayed, DropReason::kAuthFailed}) {
    EXPECT_STRNE(to_string(r), "unknown");
  }
}

}  // namespace
}  // namespace conclave::media
