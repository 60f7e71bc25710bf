// The server's media plane end to end (spec/07-media-transport.md "Server
// integration", "WebSocket fallback"): the real server on 127.0.0.1 with its
// real UDP socket and TLS 1.3 signaling, members that take their path from
// the MediaPath message and key it from their own TLS exporter, and
// off-path senders that try garbage, forgeries and replays. Each test names
// the threat it exercises.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <future>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "crypto/mls/roles.h"
#include "media/hop_keys.h"
#include "media/limits.h"
#include "media/media_path.h"
#include "media/packet.h"
#include "media/udp_socket.h"
#include "tests/adversarial/server_fixture.h"

namespace conclave::adversarial {
namespace {

const media::PeerAddress kLoopback = media::PeerAddress::ipv4({127, 0, 0, 1}, 0);

// MediaClient is one member's media end: its client-role path keyed from
// its own TLS connection, and the UDP sockets it sends from (a second one
// plays a NAT rebinding).
class MediaClient {
 public:
  // attach waits for the peer's MediaPath message and derives the path.
  static std::unique_ptr<MediaClient> attach(Peer& peer, uint16_t server_port) {
    auto info = peer.wait<protocol::MediaPathInfo>();
    if (!info) {
      ADD_FAILURE() << peer.name() << ": no MediaPath";
      return nullptr;
    }
    const auto context = media::hop_exporter_context(info->path_id);
    auto secret =
        peer.ws().export_keying_material(media::kHopExporterLabel, context, media::kHopSecretLen);
    if (!secret) {
      ADD_FAILURE() << peer.name() << ": exporter failed";
      return nullptr;
    }
    auto path = media::MediaPath::create(media::HopRole::kClient, info->path_id, *secret);
    if (!path) {
      ADD_FAILURE() << peer.name() << ": path keys";
      return nullptr;
    }
    auto c = std::unique_ptr<MediaClient>(new MediaClient(*info, std::move(path).value()));
    c->server_ = media::PeerAddress::ipv4({127, 0, 0, 1}, server_port);
    if (!c->add_socket()) {
      return nullptr;
    }
    return c;
  }

  const protocol::MediaPathInfo& info() const { return info_; }
  media::MediaPath& path() { return path_; }
  media::UdpSocket& socket(size_t i = 0) { return *sockets_.at(i); }

  bool add_socket() {
    auto s = media::UdpSocket::bind(kLoopback);
    if (!s) {
      ADD_FAILURE() << "udp bind: " << s.error().detail;
      return false;
    }
    sockets_.push_back(std::move(s).value());
    return true;
  }

  // audio / video seal a media packet of this member's stream around `frame`
  // (opaque here: the server never reads it).
  Bytes audio(std::string_view frame) { return seal(media::MediaKind::kAudio, frame); }
  Bytes video(std::string_view frame) { return seal(media::MediaKind::kVideo, frame); }
  // video_on seals a video packet that claims stream `stream_id`.
  Bytes video_on(uint32_t stream_id, std::string_view frame) {
    return seal(media::MediaKind::kVideo, frame, stream_id);
  }
  Bytes feedback(const media::Feedback& fb) {
    Bytes out(media::kMaxPacketLen);
    auto n = path_.seal_feedback(out, fb);
    EXPECT_TRUE(n.has_value());
    out.resize(n ? *n : 0);
    return out;
  }
  Bytes keepalive() {
    Bytes out(media::kMinPacketLen);
    auto n = path_.seal_keepalive(out);
    EXPECT_TRUE(n.has_value());
    out.resize(n ? *n : 0);
    return out;
  }

  bool send_udp(ByteView packet, size_t socket_index = 0) {
    const media::SendItem item{packet, server_};
    auto n = sockets_.at(socket_index)->send_batch(std::span<const media::SendItem>(&item, 1));
    return n.has_value() && *n == 1;
  }

  // recv_udp returns the next datagram on socket `i` within `timeout`.
  std::optional<Bytes> recv_udp(size_t i = 0, Millis timeout = 2000ms) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    std::array<uint8_t, 2048> buf{};
    for (;;) {
      std::array<media::RecvSlot, 1> slot{};
      slot[0].buf = MutableByteView(buf.data(), buf.size());
      auto n = sockets_.at(i)->recv_batch(slot);
      if (n && *n == 1) {
        return Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(slot[0].len));
      }
      if (std::chrono::steady_clock::now() >= end) {
        return std::nullopt;
      }
      std::this_thread::sleep_for(2ms);
    }
  }

  // Opened is what an authenticated packet from the server carried.
  struct Opened {
    media::HopHeader header;
    std::optional<media::MediaHeader> media;
    Bytes sframe;
    std::optional<media::Feedback> feedback;
  };
  std::optional<Opened> open(ByteView packet, const media::PeerAddress& from) {
    Bytes out(packet.size());
    auto r = path_.open(out, packet, from);
    if (!r) {
      return std::nullopt;
    }
    Opened o;
    o.header = r->header;
    if (r->media) {
      o.media = r->media->header;
      o.sframe = to_bytes(r->media->sframe);
    }
    o.feedback = r->feedback;
    return o;
  }
  // recv_media waits for a datagram and opens it as from the server.
  std::optional<Opened> recv_media(size_t i = 0, Millis timeout = 2000ms) {
    auto p = recv_udp(i, timeout);
    if (!p) {
      return std::nullopt;
    }
    return open(*p, server_);
  }
  // bind sends a keepalive from socket `i` and expects the server's answer
  // there: the path is then bound to that socket.
  bool bind(size_t i = 0) {
    if (!send_udp(keepalive(), i)) {
      return false;
    }
    auto answer = recv_media(i);
    return answer.has_value() && answer->header.type == media::PacketType::kKeepalive;
  }

 private:
  MediaClient(protocol::MediaPathInfo info, media::MediaPath path)
      : info_(info), path_(std::move(path)) {}

  Bytes seal(media::MediaKind kind, std::string_view frame, uint32_t stream_id = 0) {
    media::MediaHeader h;
    h.kind = kind;
    h.stream_id = stream_id != 0                     ? stream_id
                  : kind == media::MediaKind::kAudio ? info_.audio_stream_id
                                                     : info_.video_stream_id;
    h.flags = media::kFlagFrameStart | media::kFlagFrameEnd;
    h.stream_seq = stream_seq_++;
    Bytes out(media::kMaxPacketLen);
    auto n = path_.seal_media(out, h, as_bytes(frame));
    EXPECT_TRUE(n.has_value());
    out.resize(n ? *n : 0);
    return out;
  }

  protocol::MediaPathInfo info_;
  media::MediaPath path_;
  media::PeerAddress server_;
  std::vector<std::unique_ptr<media::UdpSocket>> sockets_;
  uint32_t stream_seq_ = 0;
};

class Media : public ServerFixture {
 protected:
  // grant_floor has the host commit may_speak for `who`; every peer of
  // `members` processes the commit.
  bool grant_floor(Peer& host, Peer& who, const std::vector<Peer*>& members) {
    const uint64_t e = host.group->epoch();
    auto grant = mls::roles_change(host.group->context().extensions, [&](mls::ConclaveRoles& r) {
      return mls::set_entry(r, who.signature_key, 0, mls::kRightMaySpeak);
    });
    if (!grant) {
      return false;
    }
    mls::CommitOptions co;
    co.inline_proposals = {*grant};
    auto c = host.group->commit(co);
    if (!c || !host.send(protocol::MlsMessage{e, mls_bytes(c->commit)})) {
      return false;
    }
    for (Peer* p : members) {
      if (!p->pump(e + 1)) {
        return false;
      }
    }
    return true;
  }

  // on_io runs `fn` on the server's io thread (where the media plane lives).
  template <class Fn>
  auto on_io(Fn fn) {
    std::promise<decltype(fn())> p;
    auto f = p.get_future();
    server_->post([&] { p.set_value(fn()); });
    return f.get();
  }
  uint64_t metric(const std::atomic<uint64_t>& m) const { return m.load(); }
};

// Nothing arrives on `c`'s socket `i` within a short wait.
void expect_silence(MediaClient& c, size_t i = 0) {
  auto p = c.recv_udp(i, 300ms);
  EXPECT_FALSE(p.has_value()) << "unexpected datagram of " << (p ? p->size() : 0) << " bytes";
}

// Every member gets its own path on the server's UDP port, keyed from its
// own TLS connection; a member's audio reaches the others re-sealed on
// their paths, with the same media header and SFrame bytes, and never
// returns to its sender or leaves its meeting (T-03, T-28).
// verifies: REQ-MEDIA-018
// verifies: REQ-MEDIA-019
// verifies: REQ-MEDIA-022
// verifies: REQ-SIG-053
// verifies: REQ-SIG-056
TEST_F(Media, MembersGetPathsAndUdpMediaIsForwardedResealed) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto carol = member("carol", meeting_a_, *host, {host.get(), bob.get()});
  ASSERT_NE(carol, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  auto bm = MediaClient::attach(*bob, media_port_);
  auto cm = MediaClient::attach(*carol, media_port_);
  ASSERT_TRUE(hm && bm && cm);
  EXPECT_EQ(hm->info().udp_port, media_port_);
  EXPECT_NE(hm->info().path_id, bm->info().path_id);
  EXPECT_NE(bm->info().path_id, cm->info().path_id);
  EXPECT_NE(hm->info().audio_stream_id, bm->info().audio_stream_id);
  // A second meeting on the same port sees nothing of the first.
  auto other = this->host(meeting_b_);
  ASSERT_NE(other, nullptr);
  auto om = MediaClient::attach(*other, media_port_);
  ASSERT_NE(om, nullptr);
  ASSERT_TRUE(hm->bind() && bm->bind() && cm->bind() && om->bind());

  const Bytes packet = hm->audio("opaque sframe frame");
  ASSERT_TRUE(hm->send_udp(packet));
  for (MediaClient* r : {bm.get(), cm.get()}) {
    auto got = r->recv_media();
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->header.path_id, r->info().path_id);
    ASSERT_TRUE(got->media.has_value());
    EXPECT_EQ(got->media->stream_id, hm->info().audio_stream_id);
    EXPECT_EQ(got->media->kind, media::MediaKind::kAudio);
    EXPECT_EQ(got->sframe, to_bytes(as_bytes(std::string_view("opaque sframe frame"))));
  }
  expect_silence(*hm);
  expect_silence(*om);
  EXPECT_EQ(on_io([&] { return app_->media()->path_count(); }), 4u);
}

// A member without the floor (a guest the moderator has not granted
// may_speak, spec/04 "Roles and policy") is not forwarded, audio or video;
// once the host's commit grants it the floor, its audio is (T-03).
// verifies: REQ-MEDIA-021
TEST_F(Media, MemberWithoutFloorIsNotForwardedUntilGranted) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  auto bm = MediaClient::attach(*bob, media_port_);
  ASSERT_TRUE(hm && bm);
  ASSERT_TRUE(hm->bind() && bm->bind());
  const uint64_t no_floor = metric(metrics_.media_dropped_no_floor);
  ASSERT_TRUE(bm->send_udp(bm->audio("bob speaks")));
  ASSERT_TRUE(bm->send_udp(bm->video("bob shows")));
  expect_silence(*hm);
  EXPECT_EQ(metric(metrics_.media_dropped_no_floor), no_floor + 2);

  ASSERT_TRUE(grant_floor(*host, *bob, {host.get(), bob.get()}));
  ASSERT_TRUE(host->barrier());  // the server has applied the commit
  ASSERT_TRUE(bm->send_udp(bm->audio("bob may speak")));
  auto got = hm->recv_media();
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(got->media.has_value());
  EXPECT_EQ(got->media->stream_id, bm->info().audio_stream_id);
}

// Off-path senders get nothing back and change nothing: garbage of every
// size, a forgery on a live path id, an unknown path id, and a replay of a
// genuine packet from another address (T-04, T-28). Drops are counted, and
// the meeting carries on.
// verifies: REQ-MEDIA-025
TEST_F(Media, GarbageForgeriesAndReplaysGetNoReplyAndBreakNothing) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  auto bm = MediaClient::attach(*bob, media_port_);
  ASSERT_TRUE(hm && bm);
  ASSERT_TRUE(hm->bind() && bm->bind());
  const Bytes genuine = hm->audio("first");
  ASSERT_TRUE(hm->send_udp(genuine));
  ASSERT_TRUE(bm->recv_media().has_value());

  // The attacker has its own socket and knows the path ids (they are in
  // clear on the network).
  ASSERT_TRUE(bm->add_socket());  // socket 1: the attacker's
  const uint64_t malformed = metric(metrics_.media_dropped_malformed);
  const uint64_t unknown = metric(metrics_.media_dropped_unknown_path);
  const uint64_t transport = metric(metrics_.media_dropped_transport);
  for (size_t len : {size_t{0}, size_t{1}, size_t{31}, size_t{32}, size_t{100}, size_t{1452},
                     size_t{1453}, size_t{2000}}) {
    Bytes junk(len, 0xA5);
    ASSERT_TRUE(bm->send_udp(junk, 1));
  }
  Bytes forged = genuine;
  forged.back() = static_cast<uint8_t>(forged.back() ^ 0x01);  // the tag fails
  forged[15] = 0x7f;                                           // and a fresh hop_seq
  ASSERT_TRUE(bm->send_udp(forged, 1));
  Bytes unknown_path = genuine;
  unknown_path[4] = static_cast<uint8_t>(unknown_path[4] ^ 0xff);
  ASSERT_TRUE(bm->send_udp(unknown_path, 1));
  ASSERT_TRUE(bm->send_udp(genuine, 1));  // replayed from elsewhere
  expect_silence(*bm, 1);                 // no answer, no keepalive, nothing
  expect_silence(*bm, 0);                 // the replay was not forwarded again
  expect_silence(*hm, 0);
  EXPECT_GE(metric(metrics_.media_dropped_malformed), malformed + 6);
  EXPECT_GE(metric(metrics_.media_dropped_unknown_path), unknown + 1);
  EXPECT_GE(metric(metrics_.media_dropped_transport), transport + 2);

  // The path did not move to the attacker: the next packet reaches bob's
  // own socket.
  ASSERT_TRUE(hm->send_udp(hm->audio("second")));
  auto got = bm->recv_media(0);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->sframe, to_bytes(as_bytes(std::string_view("second"))));
  expect_silence(*bm, 1);
}

// One member on the WebSocket fallback and one on UDP exchange media: the
// same packets, the same path state, the signaling connection as the
// address; a session cannot put a packet on another session's path through
// its WebSocket (T-04).
// verifies: REQ-MEDIA-023
// verifies: REQ-SIG-054
// verifies: REQ-SIG-055
TEST_F(Media, WebSocketFallbackMemberAndUdpMemberExchangeMedia) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  auto bm = MediaClient::attach(*bob, media_port_);
  ASSERT_TRUE(hm && bm);
  ASSERT_TRUE(grant_floor(*host, *bob, {host.get(), bob.get()}));
  ASSERT_TRUE(host->barrier());
  const auto ws = media::PeerAddress::signaling();

  // The host binds its path to its WebSocket with a keepalive there.
  ASSERT_TRUE(host->send(protocol::MediaPacketMessage{hm->keepalive()}));
  auto ka = host->wait<protocol::MediaPacketMessage>();
  ASSERT_TRUE(ka.has_value());
  auto opened = hm->open(ka->packet, ws);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->header.type, media::PacketType::kKeepalive);
  ASSERT_TRUE(bm->bind());

  // WebSocket -> UDP.
  ASSERT_TRUE(host->send(protocol::MediaPacketMessage{hm->audio("from the websocket")}));
  auto at_bob = bm->recv_media();
  ASSERT_TRUE(at_bob.has_value());
  EXPECT_EQ(at_bob->sframe, to_bytes(as_bytes(std::string_view("from the websocket"))));
  // UDP -> WebSocket.
  ASSERT_TRUE(bm->send_udp(bm->video("from udp")));
  auto at_host = host->wait<protocol::MediaPacketMessage>();
  ASSERT_TRUE(at_host.has_value());
  auto v = hm->open(at_host->packet, ws);
  ASSERT_TRUE(v.has_value());
  ASSERT_TRUE(v->media.has_value());
  EXPECT_EQ(v->media->kind, media::MediaKind::kVideo);
  EXPECT_EQ(v->sframe, to_bytes(as_bytes(std::string_view("from udp"))));

  // A genuine packet of the host's path sent on bob's WebSocket is refused
  // before any cryptography: it would move the host's path onto a
  // connection that does not own it.
  const uint64_t unknown = metric(metrics_.media_dropped_unknown_path);
  ASSERT_TRUE(bob->send(protocol::MediaPacketMessage{hm->audio("hijack")}));
  ASSERT_TRUE(bob->barrier());
  EXPECT_EQ(metric(metrics_.media_dropped_unknown_path), unknown + 1);
  expect_silence(*bm);
  // The host's path stays on its WebSocket and in sequence.
  ASSERT_TRUE(host->send(protocol::MediaPacketMessage{hm->audio("still mine")}));
  auto again = bm->recv_media();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->sframe, to_bytes(as_bytes(std::string_view("still mine"))));
}

// After an exclusion the excluded member's path is gone: its packets are
// for an unknown path and nothing more is sent to it (T-13).
// verifies: REQ-MEDIA-020
TEST_F(Media, ExcludedMemberPathIsGone) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto carol = member("carol", meeting_a_, *host, {host.get(), bob.get()});
  ASSERT_NE(carol, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  auto bm = MediaClient::attach(*bob, media_port_);
  auto cm = MediaClient::attach(*carol, media_port_);
  ASSERT_TRUE(hm && bm && cm);
  ASSERT_TRUE(grant_floor(*host, *carol, {host.get(), bob.get(), carol.get()}));
  ASSERT_TRUE(host->barrier());
  ASSERT_TRUE(hm->bind() && bm->bind() && cm->bind());
  ASSERT_TRUE(cm->send_udp(cm->audio("carol before")));
  ASSERT_TRUE(bm->recv_media().has_value());
  ASSERT_TRUE(hm->recv_media().has_value());

  const uint64_t epoch = host->group->epoch();
  const uint32_t carol_leaf = carol->group->own_leaf().value();
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Remove{carol_leaf}});
  auto out = host->group->commit(co);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(host->send(protocol::Exclude{carol_leaf, epoch, mls_bytes(out->commit)}));
  ASSERT_TRUE(host->pump(epoch + 1));
  ASSERT_TRUE(bob->pump(epoch + 1));
  EXPECT_TRUE(carol->wait_closed());
  EXPECT_EQ(on_io([&] { return app_->media()->path_count(); }), 2u);

  const uint64_t unknown = metric(metrics_.media_dropped_unknown_path);
  ASSERT_TRUE(cm->send_udp(cm->audio("carol after")));
  expect_silence(*bm);
  expect_silence(*hm);
  EXPECT_EQ(metric(metrics_.media_dropped_unknown_path), unknown + 1);
  ASSERT_TRUE(hm->send_udp(hm->audio("without carol")));
  ASSERT_TRUE(bm->recv_media().has_value());
  expect_silence(*cm);
}

// The host ends the meeting: every path of it goes at once, although the
// sessions linger until they leave.
// verifies: REQ-MEDIA-020
TEST_F(Media, MeetingEndRemovesItsPaths) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  auto bm = MediaClient::attach(*bob, media_port_);
  ASSERT_TRUE(hm && bm);
  ASSERT_TRUE(hm->bind() && bm->bind());
  auto r = http("POST", "/v1/meetings/" + meeting_a_.id + "/end",
                {{"Authorization", "Bearer " + to_hex(host_token_)}}, {});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(on_io([&] { return app_->media()->path_count(); }), 0u);
  ASSERT_TRUE(hm->send_udp(hm->audio("after the end")));
  expect_silence(*bm);
  expect_silence(*hm);
}

// A NAT rebinding: the same path from a second UDP socket moves the path
// with its first authenticated packet; later packets go to the new socket
// only (T-04).
// verifies: REQ-MEDIA-022
TEST_F(Media, NatRebindingMovesThePathToTheNewSocket) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  auto bm = MediaClient::attach(*bob, media_port_);
  ASSERT_TRUE(hm && bm);
  ASSERT_TRUE(hm->bind() && bm->bind(0));
  ASSERT_TRUE(hm->send_udp(hm->audio("to the old mapping")));
  ASSERT_TRUE(bm->recv_media(0).has_value());

  ASSERT_TRUE(bm->add_socket());
  ASSERT_TRUE(bm->bind(1));  // the keepalive answer comes to the new socket
  ASSERT_TRUE(hm->send_udp(hm->audio("to the new mapping")));
  auto got = bm->recv_media(1);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->sframe, to_bytes(as_bytes(std::string_view("to the new mapping"))));
  expect_silence(*bm, 0);
}

// The admin listener's metrics carry the media plane's counters (numbers,
// no addresses).
// verifies: REQ-MEDIA-026
TEST_F(Media, MetricsExposeMediaCounters) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  ASSERT_NE(hm, nullptr);
  ASSERT_TRUE(hm->bind());
  Bytes junk(40, 0);
  ASSERT_TRUE(hm->send_udp(junk));
  expect_silence(*hm);
  auto r = http("GET", "/metrics", {}, {}, true);
  ASSERT_TRUE(r.has_value());
  const std::string text = text_of(r->body);
  EXPECT_NE(text.find("conclave_media_paths 1"), std::string::npos) << text;
  EXPECT_NE(text.find("conclave_media_keepalives_answered_total 1"), std::string::npos);
  EXPECT_NE(text.find("conclave_media_dropped_malformed_total 1"), std::string::npos);
  EXPECT_EQ(text.find("127.0.0.1"), std::string::npos);
}

// Feedback over UDP: a receiver's NACK is answered from the server's cache
// with the packet re-sealed on the receiver's own path, its PLI reaches the
// stream's sender only, and a member that puts another member's stream id
// on its video is not forwarded (T-03, T-28).
// verifies: REQ-MEDIA-028
// verifies: REQ-MEDIA-029
// verifies: REQ-MEDIA-031
TEST_F(Media, NackIsAnsweredPliReachesTheSenderAndSpoofedStreamsAreDropped) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto carol = member("carol", meeting_a_, *host, {host.get(), bob.get()});
  ASSERT_NE(carol, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  auto bm = MediaClient::attach(*bob, media_port_);
  auto cm = MediaClient::attach(*carol, media_port_);
  ASSERT_TRUE(hm && bm && cm);
  ASSERT_TRUE(grant_floor(*host, *bob, {host.get(), bob.get(), carol.get()}));
  ASSERT_TRUE(host->barrier());
  ASSERT_TRUE(hm->bind() && bm->bind() && cm->bind());

  // The host's video packet 0 reaches bob and carol; bob "lost" it.
  ASSERT_TRUE(hm->send_udp(hm->video("keyframe part")));
  ASSERT_TRUE(bm->recv_media().has_value());
  ASSERT_TRUE(cm->recv_media().has_value());
  const uint32_t host_video = hm->info().video_stream_id;
  ASSERT_TRUE(
      bm->send_udp(bm->feedback(media::Feedback{host_video, media::FeedbackType::kNack, {0, 77}})));
  auto again = bm->recv_media();
  ASSERT_TRUE(again.has_value());
  ASSERT_TRUE(again->media.has_value());
  EXPECT_EQ(again->media->stream_id, host_video);
  EXPECT_EQ(again->media->stream_seq, 0u);
  EXPECT_EQ(again->sframe, to_bytes(as_bytes(std::string_view("keyframe part"))));
  expect_silence(*bm);  // seq 77 was never sent: nothing for it
  expect_silence(*cm);
  expect_silence(*hm);
  EXPECT_EQ(metric(metrics_.media_retransmitted), 1u);
  EXPECT_EQ(metric(metrics_.media_nack_missed), 1u);

  // Carol asks for a keyframe: only the host hears of it.
  ASSERT_TRUE(
      cm->send_udp(cm->feedback(media::Feedback{host_video, media::FeedbackType::kPli, {}})));
  auto pli = hm->recv_media();
  ASSERT_TRUE(pli.has_value());
  EXPECT_EQ(pli->header.type, media::PacketType::kFeedback);
  ASSERT_TRUE(pli->feedback.has_value());
  EXPECT_EQ(pli->feedback->type, media::FeedbackType::kPli);
  EXPECT_EQ(pli->feedback->stream_id, host_video);
  expect_silence(*bm);
  EXPECT_EQ(metric(metrics_.media_pli_forwarded), 1u);

  // Bob, who has the floor, dresses his video as the host's stream.
  const uint64_t wrong = metric(metrics_.media_dropped_wrong_stream);
  ASSERT_TRUE(bm->send_udp(bm->video_on(host_video, "not the host")));
  expect_silence(*hm);
  expect_silence(*cm);
  EXPECT_EQ(metric(metrics_.media_dropped_wrong_stream), wrong + 1);
  // His own stream still works.
  ASSERT_TRUE(bm->send_udp(bm->video("bob's own")));
  auto own = cm->recv_media();
  ASSERT_TRUE(own.has_value());
  ASSERT_TRUE(own->media.has_value());
  EXPECT_EQ(own->media->stream_id, bm->info().video_stream_id);
}

// Feedback travels on the WebSocket fallback too: a PLI sent as a
// mediaPacket reaches the sender, whose path is bound to its WebSocket,
// as a mediaPacket (T-28).
// verifies: REQ-MEDIA-029
TEST_F(Media, FeedbackTravelsOnTheWebSocketFallback) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  auto bm = MediaClient::attach(*bob, media_port_);
  ASSERT_TRUE(hm && bm);
  const auto ws = media::PeerAddress::signaling();
  ASSERT_TRUE(host->send(protocol::MediaPacketMessage{hm->keepalive()}));
  ASSERT_TRUE(host->wait<protocol::MediaPacketMessage>().has_value());
  ASSERT_TRUE(bob->send(protocol::MediaPacketMessage{bm->keepalive()}));
  ASSERT_TRUE(bob->wait<protocol::MediaPacketMessage>().has_value());
  const media::Feedback pli{hm->info().video_stream_id, media::FeedbackType::kPli, {}};
  const Bytes packet = bm->feedback(pli);
  EXPECT_LT(packet.size(), media::kMinPacketLen + 16);  // small, yet within the adapter's bounds
  ASSERT_TRUE(bob->send(protocol::MediaPacketMessage{packet}));
  auto got = host->wait<protocol::MediaPacketMessage>();
  ASSERT_TRUE(got.has_value());
  auto opened = hm->open(got->packet, ws);
  ASSERT_TRUE(opened.has_value());
  ASSERT_TRUE(opened->feedback.has_value());
  EXPECT_EQ(*opened->feedback, pli);
}

// Media on the WebSocket fallback has its own budget: a burst of 400
// mediaPackets, twice the signaling burst, does not close the connection,
// and signaling on it still works afterwards (T-17).
// verifies: REQ-SIG-057
TEST_F(Media, WebSocketMediaBurstDoesNotTripTheSignalingLimit) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto hm = MediaClient::attach(*host, media_port_);
  ASSERT_NE(hm, nullptr);
  ASSERT_TRUE(host->send(protocol::MediaPacketMessage{hm->keepalive()}));
  ASSERT_TRUE(host->wait<protocol::MediaPacketMessage>().has_value());
  const uint64_t in = metric(metrics_.media_ws_in);
  const uint64_t limited = metric(metrics_.media_ws_rate_limited);
  // The host is alone: its audio goes nowhere, so nothing comes back.
  constexpr size_t kBurst = 400;
  static_assert(kBurst > net::ServerLimits{}.message_burst);
  for (size_t i = 0; i < kBurst; ++i) {
    ASSERT_TRUE(host->send(protocol::MediaPacketMessage{hm->audio("a")}));
  }
  ASSERT_TRUE(host->barrier());
  EXPECT_FALSE(host->closed());
  EXPECT_EQ(
      (metric(metrics_.media_ws_in) - in) + (metric(metrics_.media_ws_rate_limited) - limited),
      kBurst);
}

}  // namespace
}  // namespace conclave::adversarial
