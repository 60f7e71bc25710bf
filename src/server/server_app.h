// conclave-server's application: the signaling listener's sessions and
// meeting rooms, its small HTTPS API (login, meetings, encrypted blobs), and
// the admin listener (health, metrics, administration). It owns no socket:
// net::Server calls it (spec/06-signaling-lobby.md, docs/operations.md).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "net/server.h"
#include "server/media_plane.h"
#include "server/meeting_room.h"
#include "store/config.h"
#include "store/store.h"

namespace conclave::server {

// Metrics are counters for the Prometheus text on the admin listener;
// never names, content or keys.
struct Metrics {
  std::atomic<uint64_t> connections_opened{0};
  std::atomic<uint64_t> hello_refused{0};
  std::atomic<uint64_t> messages_in{0};
  std::atomic<uint64_t> messages_refused{0};
  std::atomic<uint64_t> relays_out{0};
  std::atomic<uint64_t> commits_won{0};
  std::atomic<uint64_t> admissions{0};
  std::atomic<uint64_t> exclusions{0};
  std::atomic<uint64_t> blob_bytes_stored{0};
  // The media plane (spec/07 "Server integration"), copied from its
  // counters after every media call.
  std::atomic<uint64_t> media_paths{0};  // a gauge
  std::atomic<uint64_t> media_udp_in{0};
  std::atomic<uint64_t> media_ws_in{0};
  std::atomic<uint64_t> media_udp_out{0};
  std::atomic<uint64_t> media_ws_out{0};
  std::atomic<uint64_t> media_keepalives_answered{0};
  std::atomic<uint64_t> media_dropped_malformed{0};  // length, header, truncated datagram
  std::atomic<uint64_t> media_dropped_unknown_path{
      0};                                            // or another session's path on the WebSocket
  std::atomic<uint64_t> media_dropped_transport{0};  // replay, sequence limit, authentication
  std::atomic<uint64_t> media_dropped_no_floor{0};
  std::atomic<uint64_t> media_not_selected{0};
  std::atomic<uint64_t> media_receiver_unbound{0};
  std::atomic<uint64_t> media_send_dropped{0};
  std::atomic<uint64_t> media_dropped_wrong_stream{0};  // another member's stream id, or wrong kind
  std::atomic<uint64_t> media_feedback_in{0};
  std::atomic<uint64_t> media_dropped_feedback_foreign{0};
  std::atomic<uint64_t> media_pli_forwarded{0};
  std::atomic<uint64_t> media_pli_rate_limited{0};
  std::atomic<uint64_t> media_retransmitted{0};
  std::atomic<uint64_t> media_udp_kernel_drops{0};
  std::atomic<uint64_t> media_nack_missed{0};
  std::atomic<uint64_t> media_nack_rate_limited{0};
  std::atomic<uint64_t> media_ws_rate_limited{0};  // over the WebSocket media budget
};

// SignalingApp serves the main listener: WebSocket sessions and /v1/ HTTPS.
// Its callbacks run on that listener's io thread; `store_mutex` serialises
// the store with the admin listener.
class SignalingApp final : public net::ServerHandler {
 public:
  SignalingApp(store::ServerConfig config, store::Store& store, std::mutex& store_mutex,
               Metrics& metrics, std::string public_address);
  // attach gives the app the listener it answers through (set once, before run).
  void attach(net::Server* server) { server_ = server; }
  // set_public_address sets HOST:PORT for invitation links (known once listening).
  void set_public_address(std::string address) { public_address_ = std::move(address); }
  // set_org_ca gives the organisation CA certificate (PEM) that device
  // certificates must chain to (the secret profile); set once, before run.
  void set_org_ca(std::string pem) { org_ca_pem_ = std::move(pem); }
  // open_media binds the media plane's UDP socket ([media] in the config,
  // on [server] listen_address) and has the listener watch it; call after
  // attach() and before run(). Returns the UDP port.
  [[nodiscard]] Result<uint16_t> open_media();
  // media is the media plane once open (tests read its counters on the io
  // thread); null before.
  const MediaPlane* media() const { return media_.get(); }

  void on_open(net::ConnectionId id, const std::string& peer_address) override;
  void on_message(net::ConnectionId id, ByteView message) override;
  bool is_media_message(ByteView message) override;
  void on_media_rate_limited(net::ConnectionId id) override;
  void on_close(net::ConnectionId id) override;
  net::HttpResponse on_http(const net::HttpRequest& request) override;
  void on_tick() override;

  // Read by the admin listener's thread.
  std::atomic<size_t> live_meetings{0};
  std::atomic<size_t> live_sessions{0};

 private:
  struct Connection {
    std::string peer;
    std::optional<std::string> meeting;  // set once Hello was accepted
  };

  void hello(net::ConnectionId id, Connection& c, const protocol::Hello& h);
  const char* device_refusal(net::ConnectionId id, uint64_t now, JoinIdentity& who);
  bool invitation_throttled(const std::string& meeting_id);
  void flush(const std::string& meeting_id, Outbox& out);
  net::HttpResponse login(const net::HttpRequest& r);
  net::HttpResponse create_meeting(const net::HttpRequest& r);
  net::HttpResponse meeting_action(const net::HttpRequest& r, const std::string& meeting_id,
                                   const std::string& action);
  net::HttpResponse upload_blob(const net::HttpRequest& r);
  net::HttpResponse download_blob(const net::HttpRequest& r, const std::string& blob_id);
  std::optional<int64_t> bearer_user(const net::HttpRequest& r);
  MeetingRoom* room_for_blob(const net::HttpRequest& r);
  void audit(const std::string& meeting_id, const AuditRecord& a);
  void drop_room(const std::string& meeting_id);
  // sync_media brings the media plane in step with the room's members and
  // their floor, after anything that may have changed them.
  void sync_media(const std::string& meeting_id);
  void publish_media_metrics();

  store::ServerConfig config_;
  store::Store& store_;
  std::mutex& store_mutex_;
  Metrics& metrics_;
  std::string public_address_;  // HOST:PORT for invitation links
  std::string org_ca_pem_;      // the secret profile's device CA
  net::Server* server_ = nullptr;
  std::map<net::ConnectionId, Connection> connections_;
  std::map<std::string, std::unique_ptr<MeetingRoom>> rooms_;
  std::map<std::string, uint64_t> blob_bytes_;  // per meeting
  // Failed invitation checks of the last minute, per meeting (REQ-SIG-052).
  std::map<std::string, std::deque<Clock::time_point>> invitation_failures_;
  std::unique_ptr<MediaPlane> media_;
  // Meetings the host ended: their media stops at once, although their
  // sessions may linger until they leave.
  std::set<std::string> media_ended_;
};

// AdminApp serves the admin listener (loopback by default): /healthz,
// /metrics, and /admin/v1/ for an administrator's login token.
class AdminApp final : public net::ServerHandler {
 public:
  AdminApp(store::Store& store, std::mutex& store_mutex, const Metrics& metrics,
           const SignalingApp& signaling);
  void on_open(net::ConnectionId, const std::string&) override {}
  void on_message(net::ConnectionId, ByteView) override {}
  void on_close(net::ConnectionId) override {}
  net::HttpResponse on_http(const net::HttpRequest& request) override;

 private:
  store::Store& store_;
  std::mutex& store_mutex_;
  const Metrics& metrics_;
  const SignalingApp& signaling_;
};

}  // namespace conclave::server
