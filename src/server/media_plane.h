// MediaPlane: the server's media plane (spec/07-media-transport.md, "Server
// integration"). It owns the one UDP socket of all meetings and the SFU's
// Forwarder, opens a media path for each member session (keyed from that
// session's TLS exporter), keeps the floor table in step with the rooms'
// group mirrors, takes packets from UDP and from the signaling WebSocket
// (the fallback), and sends the Forwarder's output by UDP or on the
// WebSocket according to each receiver's bound address.
//
// It reads no clock and knows no socket but its own: the caller (the
// SignalingApp, on the signaling listener's io thread) passes the time, the
// TLS exporter of a connection and a way to send a signaling message. Every
// call runs on that one thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "media/dscp.h"
#include "media/limits.h"
#include "media/udp_socket.h"
#include "protocol/wire/signaling_wire.h"
#include "sfu/forwarder.h"
#include "store/config.h"

namespace conclave::server {

// MediaMember is one member session of a room as the media plane needs it:
// its connection, its leaf and the kinds of media the group mirror lets it
// send.
struct MediaMember {
  uint64_t connection = 0;
  uint32_t leaf = 0;
  sfu::Rights rights;
};

// MediaCounters count what the plane did, beyond the Forwarder's own
// counters. Numbers only: no address, no content (SF-19).
struct MediaCounters {
  uint64_t udp_datagrams_in = 0;
  uint64_t udp_truncated = 0;     // longer than kMaxPacketLen: dropped unread
  uint64_t ws_packets_in = 0;     // MediaPacket messages received
  uint64_t ws_foreign_path = 0;   // a WebSocket packet naming another session's path
  uint64_t ws_no_path = 0;        // a WebSocket packet from a session without a path
  uint64_t udp_copies_out = 0;    // datagrams handed to the kernel
  uint64_t ws_copies_out = 0;     // MediaPacket messages queued
  uint64_t udp_send_dropped = 0;  // copies the socket did not take (buffer full, error)
  uint64_t paths_opened = 0;
  uint64_t paths_closed = 0;
  uint64_t path_refused = 0;  // exporter or key derivation failed: no path
};

// implements: REQ-MEDIA-018, REQ-MEDIA-019, REQ-MEDIA-020, REQ-MEDIA-021, REQ-MEDIA-022,
// REQ-MEDIA-023, REQ-MEDIA-025, REQ-MEDIA-026
class MediaPlane {
 public:
  using ConnectionId = uint64_t;
  // Exporter is the TLS exporter of one signaling connection.
  using Exporter = std::function<Result<SecretBytes>(ConnectionId, std::string_view label,
                                                     ByteView context, size_t length)>;
  // SignalingSink queues one signaling message on a connection.
  using SignalingSink = std::function<void(ConnectionId, const protocol::SignalingMessage&)>;

  // open binds the UDP socket on `listen_address` (an IPv4 or IPv6 literal)
  // and config.udp_port (0: a free port). kInvalidArgument for a bad
  // address or DSCP value; kNetwork if the system refuses the socket.
  [[nodiscard]] static Result<std::unique_ptr<MediaPlane>> open(const store::MediaConfig& config,
                                                                const std::string& listen_address,
                                                                Exporter exporter,
                                                                SignalingSink sink);

  // Key lets open() use make_unique while nobody else can construct one.
 private:
  struct Key {};

 public:
  MediaPlane(Key, const store::MediaConfig& config, std::unique_ptr<media::UdpSocket> socket,
             uint16_t udp_port, Exporter exporter, SignalingSink sink);
  MediaPlane(const MediaPlane&) = delete;
  MediaPlane& operator=(const MediaPlane&) = delete;
  MediaPlane(MediaPlane&&) = delete;
  MediaPlane& operator=(MediaPlane&&) = delete;
  ~MediaPlane();

  uint16_t udp_port() const { return udp_port_; }
  int fd() const { return socket_->fd(); }
  // receive_buffer is the media socket's receive buffer as the kernel
  // granted it; kernel_drops the datagrams it dropped for lack of room.
  Result<size_t> receive_buffer() const { return socket_->receive_buffer(); }
  uint32_t kernel_drops() const { return socket_->kernel_drops(); }

  // sync makes the plane's paths of meeting `meeting_id` match `members`:
  // a member without a path gets one (and is sent MediaPath), a path whose
  // session is no longer a member is removed with its keys, and every
  // member's floor row is replaced by its current rights. Call it after
  // every change of the room; sync(meeting_id, {}) ends the meeting's media.
  void sync(const std::string& meeting_id, const std::vector<MediaMember>& members);

  // forget removes the path of `connection`, if any (the connection closed).
  void forget(ConnectionId connection);

  // on_readable drains the UDP socket (at most a bounded number of batches,
  // so signaling keeps its turn) and sends what the Forwarder answers.
  void on_readable(uint64_t now_ms);

  // on_signaling_packet handles one MediaPacket received on `connection`'s
  // WebSocket. A packet whose path id is not that connection's own path is
  // dropped before the Forwarder sees it.
  void on_signaling_packet(ConnectionId connection, ByteView packet, uint64_t now_ms);

  // Read access for metrics and tests.
  const MediaCounters& counters() const { return counters_; }
  const sfu::ForwardCounters& forward_counters() const { return forwarder_.counters(); }
  size_t path_count() const { return by_connection_.size(); }
  std::optional<uint32_t> path_of(ConnectionId connection) const;
  // transport_drops sums the drop counters of every live path.
  media::DropCounters transport_drops() const;

 private:
  struct PathRecord {
    uint32_t path_id = 0;
    std::string meeting_id;
  };
  // Slot is one receive buffer: a datagram longer than kMaxPacketLen is
  // truncated by the kernel and flagged, so one extra byte is not needed.
  using Slot = std::array<uint8_t, media::kMaxPacketLen>;

  void add_path(const std::string& meeting_id, const MediaMember& m);
  void remove_path(ConnectionId connection);
  Result<uint32_t> fresh_path_id() const;
  sfu::MeetingId meeting_number(const std::string& meeting_id);
  void send(std::vector<sfu::Outgoing>& out);

  media::DscpConfig dscp_;
  std::unique_ptr<media::UdpSocket> socket_;
  uint16_t udp_port_;
  uint16_t advertised_port_;  // what MediaPath tells clients
  Exporter exporter_;
  SignalingSink sink_;
  sfu::Forwarder forwarder_;
  std::map<ConnectionId, PathRecord> by_connection_;
  std::map<uint32_t, ConnectionId> by_path_;
  std::map<std::string, sfu::MeetingId> meeting_numbers_;
  sfu::MeetingId next_meeting_ = 1;
  uint32_t next_stream_ = 1;
  std::optional<uint8_t> socket_dscp_;
  std::vector<Slot> slots_;
  MediaCounters counters_;
};

}  // namespace conclave::server
