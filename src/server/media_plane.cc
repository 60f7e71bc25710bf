#include "server/media_plane.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <span>
#include <utility>

#include "core/reader.h"
#include "crypto/rand.h"
#include "media/hop_keys.h"
#include "media/media_path.h"
#include "media/packet.h"

namespace conclave::server {
namespace {

// The signaling limits restate the media transport's packet bounds (the
// protocol library does not link the media transport); they must agree.
static_assert(protocol::kMinMediaPacketLen == media::kMinPacketLen);
static_assert(protocol::kMaxMediaPacketLen == media::kMaxPacketLen);

// Batches one readiness event drains before the io loop serves signaling
// again; the socket stays readable, so the rest comes on the next turn.
constexpr size_t kMaxBatchesPerWake = 16;
// Fresh path ids drawn before giving up (a collision among 2^32 ids is rare).
constexpr int kPathIdAttempts = 8;

Result<media::PeerAddress> parse_address(const std::string& text, uint16_t port) {
  std::array<uint8_t, 4> v4{};
  if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) {
    return media::PeerAddress::ipv4(v4, port);
  }
  std::array<uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) {
    return media::PeerAddress::ipv6(v6, port);
  }
  return Error(Err::kInvalidArgument, "media: listen address is not an IP literal");
}

}  // namespace

Result<std::unique_ptr<MediaPlane>> MediaPlane::open(const store::MediaConfig& config,
                                                     const std::string& listen_address,
                                                     Exporter exporter, SignalingSink sink) {
  const media::DscpConfig dscp{config.dscp_audio, config.dscp_video, config.dscp_keepalive};
  CONCLAVE_TRY(media::validate_dscp_config(dscp));
  CONCLAVE_TRY_ASSIGN(const media::PeerAddress local,
                      parse_address(listen_address, config.udp_port));
  CONCLAVE_TRY_ASSIGN(std::unique_ptr<media::UdpSocket> socket, media::UdpSocket::bind(local));
  CONCLAVE_TRY_ASSIGN(const media::PeerAddress bound, socket->local_address());
  // Bursts (a keyframe from every sender at once) must fit between two
  // reads; what still overflows is counted, not silent (V-09).
  // implements: REQ-MEDIA-034
  if (config.receive_buffer_bytes != 0) {
    CONCLAVE_TRY(socket->set_receive_buffer(config.receive_buffer_bytes));
  }
  CONCLAVE_TRY(socket->count_kernel_drops());
  return std::make_unique<MediaPlane>(Key{}, config, std::move(socket), bound.port,
                                      std::move(exporter), std::move(sink));
}

MediaPlane::MediaPlane(Key, const store::MediaConfig& config,
                       std::unique_ptr<media::UdpSocket> socket, uint16_t udp_port,
                       Exporter exporter, SignalingSink sink)
    : dscp_{config.dscp_audio, config.dscp_video, config.dscp_keepalive},
      socket_(std::move(socket)),
      udp_port_(udp_port),
      advertised_port_(config.advertised_port != 0 ? config.advertised_port : udp_port),
      exporter_(std::move(exporter)),
      sink_(std::move(sink)),
      forwarder_(sfu::ForwarderConfig{config.last_n_audio, config.active_window_ms}),
      slots_(media::kMaxUdpBatch) {}

MediaPlane::~MediaPlane() = default;

std::optional<uint32_t> MediaPlane::path_of(ConnectionId connection) const {
  auto it = by_connection_.find(connection);
  if (it == by_connection_.end()) {
    return std::nullopt;
  }
  return it->second.path_id;
}

media::DropCounters MediaPlane::transport_drops() const {
  media::DropCounters sum;
  for (const auto& [path_id, conn] : by_path_) {
    if (const media::DropCounters* d = forwarder_.path_drops(path_id)) {
      sum.malformed += d->malformed;
      sum.unknown_path += d->unknown_path;
      sum.sequence_limit += d->sequence_limit;
      sum.replayed += d->replayed;
      sum.auth_failed += d->auth_failed;
    }
  }
  return sum;
}

sfu::MeetingId MediaPlane::meeting_number(const std::string& meeting_id) {
  auto [it, inserted] = meeting_numbers_.try_emplace(meeting_id, next_meeting_);
  if (inserted) {
    ++next_meeting_;
  }
  return it->second;
}

// A path id is random so that it says nothing about how many sessions the
// server has served, never 0 (the packet codec refuses it) and unique among
// the live paths, which share one UDP port.
// implements: REQ-MEDIA-019
Result<uint32_t> MediaPlane::fresh_path_id() const {
  for (int i = 0; i < kPathIdAttempts; ++i) {
    std::array<uint8_t, 4> b{};
    CONCLAVE_TRY(crypto::random_bytes(MutableByteView(b.data(), b.size())));
    const uint32_t id =
        (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
    if (id != 0 && by_path_.count(id) == 0) {
      return id;
    }
  }
  return Error(Err::kCryptoInternal, "media: no fresh path id");
}

// implements: REQ-MEDIA-018, REQ-MEDIA-019, REQ-MEDIA-028
void MediaPlane::add_path(const std::string& meeting_id, const MediaMember& m) {
  auto path_id = fresh_path_id();
  if (!path_id) {
    counters_.path_refused++;
    return;
  }
  // Both ends derive the path's keys from this connection's TLS exporter
  // (spec/07 "Hop keys"); the secret lives only until the keys exist.
  const auto context = media::hop_exporter_context(*path_id);
  auto secret = exporter_(m.connection, media::kHopExporterLabel, context, media::kHopSecretLen);
  if (!secret) {
    counters_.path_refused++;
    return;
  }
  auto path = media::MediaPath::create(media::HopRole::kServer, *path_id, *secret);
  secret = SecretBytes();  // wiped now, not at the end of the scope
  if (!path) {
    counters_.path_refused++;
    return;
  }
  // Stream ids are unique on this server, so a receiver can tell senders'
  // streams apart; they wrap without ever being 0. The forwarder learns
  // them so that a member can send on its own streams only.
  if (next_stream_ > UINT32_MAX - 2) {
    next_stream_ = 1;
  }
  const sfu::Streams streams{next_stream_, next_stream_ + 1};
  if (!forwarder_.add_participant(meeting_number(meeting_id), m.leaf, m.rights,
                                  std::move(path).value(), streams)) {
    counters_.path_refused++;
    return;
  }
  protocol::MediaPathInfo info;
  info.path_id = *path_id;
  info.audio_stream_id = streams.audio;
  info.video_stream_id = streams.video;
  // implements: REQ-MEDIA-033
  info.udp_port = advertised_port_;
  next_stream_ += 2;
  by_connection_[m.connection] = PathRecord{*path_id, meeting_id};
  by_path_[*path_id] = m.connection;
  counters_.paths_opened++;
  sink_(m.connection, info);
}

// implements: REQ-MEDIA-020
void MediaPlane::remove_path(ConnectionId connection) {
  auto it = by_connection_.find(connection);
  if (it == by_connection_.end()) {
    return;
  }
  // The Forwarder wipes the path's keys with it; nothing is sent to or
  // accepted from its path id afterwards.
  (void)forwarder_.remove_participant(it->second.path_id);
  by_path_.erase(it->second.path_id);
  by_connection_.erase(it);
  counters_.paths_closed++;
}

void MediaPlane::forget(ConnectionId connection) { remove_path(connection); }

// implements: REQ-MEDIA-020, REQ-MEDIA-021
void MediaPlane::sync(const std::string& meeting_id, const std::vector<MediaMember>& members) {
  std::set<ConnectionId> current;
  for (const MediaMember& m : members) {
    current.insert(m.connection);
  }
  std::vector<ConnectionId> gone;
  for (const auto& [conn, rec] : by_connection_) {
    if (rec.meeting_id == meeting_id && current.count(conn) == 0) {
      gone.push_back(conn);
    }
  }
  for (ConnectionId c : gone) {
    remove_path(c);
  }
  for (const MediaMember& m : members) {
    auto it = by_connection_.find(m.connection);
    if (it == by_connection_.end()) {
      add_path(meeting_id, m);
      continue;
    }
    if (forwarder_.rights(it->second.path_id) != m.rights) {
      (void)forwarder_.set_rights(it->second.path_id, m.rights);
    }
  }
  if (members.empty()) {
    meeting_numbers_.erase(meeting_id);
  }
}

// implements: REQ-MEDIA-022, REQ-MEDIA-025
void MediaPlane::on_readable(uint64_t now_ms) {
  std::array<media::RecvSlot, media::kMaxUdpBatch> recv{};
  for (size_t i = 0; i < recv.size(); ++i) {
    recv[i].buf = MutableByteView(slots_[i].data(), slots_[i].size());
  }
  for (size_t batch = 0; batch < kMaxBatchesPerWake; ++batch) {
    auto n = socket_->recv_batch(recv);
    if (!n || *n == 0) {
      return;
    }
    std::vector<sfu::Outgoing> out;
    for (size_t i = 0; i < *n; ++i) {
      counters_.udp_datagrams_in++;
      if (recv[i].truncated) {
        counters_.udp_truncated++;
        continue;
      }
      // A datagram can never claim the signaling connection as its source:
      // the socket only reports IP addresses.
      auto copies =
          forwarder_.on_packet(ByteView(recv[i].buf.data(), recv[i].len), recv[i].from, now_ms);
      std::move(copies.begin(), copies.end(), std::back_inserter(out));
    }
    send(out);
  }
}

// implements: REQ-MEDIA-023
void MediaPlane::on_signaling_packet(ConnectionId connection, ByteView packet, uint64_t now_ms) {
  counters_.ws_packets_in++;
  auto it = by_connection_.find(connection);
  if (it == by_connection_.end()) {
    counters_.ws_no_path++;
    return;
  }
  // A session may use the WebSocket for its own path only: the signaling
  // source address stands for "this connection", so another path's packet
  // (even a genuine one copied from the network) would move that path onto
  // a connection that does not own it. Cheap check before any cryptography.
  Reader r(packet);
  auto header = media::parse_hop_header(r);
  if (header && header->path_id != it->second.path_id) {
    counters_.ws_foreign_path++;
    return;
  }
  // A malformed header goes on to the Forwarder, which counts it.
  auto out = forwarder_.on_packet(packet, media::PeerAddress::signaling(), now_ms);
  send(out);
}

// send hands each copy to its receiver's bound address: UDP datagrams in
// batches per DSCP class (the socket marks a whole batch with one
// codepoint), WebSocket copies as MediaPacket messages on the receiver's own
// signaling connection.
// implements: REQ-MEDIA-022, REQ-MEDIA-024
void MediaPlane::send(std::vector<sfu::Outgoing>& out) {
  if (out.empty()) {
    return;
  }
  std::vector<media::SendItem> items;
  items.reserve(out.size());
  // Each distinct codepoint once, so classes sharing one are sent once.
  std::vector<uint8_t> classes;
  for (const uint8_t d : {dscp_.audio, dscp_.video, dscp_.keepalive}) {
    if (std::find(classes.begin(), classes.end(), d) == classes.end()) {
      classes.push_back(d);
    }
  }
  for (const uint8_t dscp : classes) {
    items.clear();
    for (const sfu::Outgoing& o : out) {
      if (o.to.kind == media::PeerAddress::Kind::kSignaling) {
        continue;
      }
      const media::PacketType type = o.keepalive  ? media::PacketType::kKeepalive
                                     : o.feedback ? media::PacketType::kFeedback
                                                  : media::PacketType::kMedia;
      if (media::dscp_for(dscp_, type, o.kind) != dscp) {
        continue;
      }
      items.push_back(media::SendItem{ByteView(o.packet.data(), o.packet.size()), o.to});
    }
    if (items.empty()) {
      continue;
    }
    if (socket_dscp_ != dscp) {
      if (socket_->set_dscp(dscp)) {
        socket_dscp_ = dscp;
      }
    }
    size_t sent = 0;
    while (sent < items.size()) {
      auto n = socket_->send_batch(std::span<const media::SendItem>(items).subspan(sent));
      if (!n || *n == 0) {
        break;  // send buffer full or an error: real-time media is not queued
      }
      sent += *n;
    }
    counters_.udp_copies_out += sent;
    counters_.udp_send_dropped += items.size() - sent;
  }
  for (sfu::Outgoing& o : out) {
    if (o.to.kind != media::PeerAddress::Kind::kSignaling) {
      continue;
    }
    auto conn = by_path_.find(o.path_id);
    if (conn == by_path_.end()) {
      continue;
    }
    counters_.ws_copies_out++;
    sink_(conn->second, protocol::MediaPacketMessage{std::move(o.packet)});
  }
}

}  // namespace conclave::server
