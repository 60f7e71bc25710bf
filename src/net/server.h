// Server: the TLS 1.3 listener of conclave-server. It accepts WebSocket
// sessions on one path (binary messages, one signaling Envelope each) and
// plain HTTPS requests on every other target, enforces the transport limits
// of spec/06-signaling-lobby.md "Sessions", and hands what passes to a
// ServerHandler. No Boost or BoringSSL type appears in this header.
//
// Threading: every ServerHandler callback, send(), close() and
// export_keying_material() run on the server's single io thread (the one
// inside run()); stop() and post() may be called from any thread. Several
// Server objects (a public and an admin listener) are independent: each has
// its own io loop and runs in the thread that calls its run().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "protocol/wire/signaling_limits.h"

namespace conclave::net {

using ConnectionId = uint64_t;

// WebSocket close codes the server sends (RFC 6455 §7.4; 4000-4999 are ours).
inline constexpr uint16_t kCloseNormal = 1000;
inline constexpr uint16_t kCloseUnsupportedData = 1003;  // a text message
inline constexpr uint16_t kCloseTooBig = 1009;           // over max_message_bytes
inline constexpr uint16_t kCloseRateLimited = 4008;
inline constexpr uint16_t kCloseSlowPeer = 4009;

// ServerLimits are implementation settings (spec/06 "Sessions": "not spec
// constants"); the defaults are the ones the spec suggests.
struct ServerLimits {
  size_t max_message_bytes = protocol::kMaxSignalingMessageLen;  // WebSocket read limit
  size_t max_http_body_bytes = size_t{64} << 20;                 // blob uploads
  size_t max_http_header_bytes = size_t{16} << 10;
  std::chrono::seconds first_message_timeout{10};  // WebSocket open -> first message
  std::chrono::seconds idle_timeout{60};           // no message and no pong
  // TCP accept -> TLS + HTTP request header (+ WebSocket upgrade) done. An
  // HTTP request body and an HTTP response each get idle_timeout.
  std::chrono::seconds handshake_timeout{10};
  // How long a close (our close frame, or an HTTP response) may take before
  // the socket is dropped.
  std::chrono::milliseconds close_timeout{5000};
  unsigned messages_per_second = 50, message_burst = 200;  // per connection; over -> 4008
  // Media packets on the WebSocket fallback (ServerHandler::is_media_message)
  // draw on their own bucket per connection; one over it is dropped and the
  // connection stays open (spec/07 "WebSocket fallback").
  unsigned media_messages_per_second = 400, media_message_burst = 200;
  unsigned max_connections_per_address = 20, max_connections = 4096;
  size_t send_queue_max_messages = 256, send_queue_max_bytes = size_t{8} << 20;  // over -> 4009
};

struct ListenOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0 = ephemeral
  std::string cert_pem;
  SecretBytes key_pem;
  ServerLimits limits;
  std::string websocket_path = "/v1/signal";
  // client_ca_pem: the organisation CA (PEM). Set, every TLS handshake asks
  // for a client certificate without requiring one; a client that presents
  // one must present a device certificate of this CA or its handshake fails
  // (crypto/tls/tls_engine.h). Unset, no client certificate is asked for.
  std::optional<std::string> client_ca_pem;
};

struct HttpRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  Bytes body;
  std::string peer_address;
  // peer_certificate_der: the client's device certificate (DER), verified
  // against ListenOptions::client_ca_pem; nullopt if it presented none.
  std::optional<Bytes> peer_certificate_der;
  // header is the value of the first header called `name` (case-insensitive).
  std::optional<std::string> header(std::string_view name) const;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  Bytes body;
};

// ServerHandler receives the server's events, all on its io thread. A
// callback that throws has its connection dropped (the exception stops at the
// connection's boundary); it must not block.
class ServerHandler {
 public:
  virtual ~ServerHandler() = default;
  virtual void on_open(ConnectionId id, const std::string& peer_address) = 0;
  // on_message receives one binary WebSocket message. A text message closes
  // the connection (1003) without reaching the handler.
  virtual void on_message(ConnectionId id, ByteView message) = 0;
  // is_media_message says whether `message` is a media packet on the
  // WebSocket fallback. Such messages take a token from the connection's
  // media budget instead of its signaling budget; without one the message
  // is dropped (on_media_rate_limited) instead of closing the connection.
  virtual bool is_media_message(ByteView /*message*/) { return false; }
  virtual void on_media_rate_limited(ConnectionId /*id*/) {}
  // on_close is called exactly once for each connection on_open announced,
  // whatever ended it; send() and close() ignore the id afterwards.
  virtual void on_close(ConnectionId id) = 0;
  // on_http answers any HTTPS request that is not a WebSocket upgrade.
  virtual HttpResponse on_http(const HttpRequest& request) = 0;
  virtual void on_tick() {}
};

class Server {
 public:
  // listen binds and listens now; errors name address:port and why (the
  // detail is static; last_error_text() in net/client.h has the words).
  static Result<std::unique_ptr<Server>> listen(ListenOptions options, ServerHandler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  // set_tick_period: default 200 ms; call before run() or on the io thread.
  void set_tick_period(std::chrono::milliseconds period);

  // send queues one binary message. Io thread only; an unknown or closed id
  // is ignored; a queue over its limits closes the connection as a slow peer.
  void send(ConnectionId id, Bytes message);
  // close sends the queued messages, then a WebSocket close with `code`.
  void close(ConnectionId id, uint16_t code, std::string_view reason);
  // export_keying_material is the TLS exporter (RFC 8446 §7.5) of the
  // connection's TLS session. It is key material, so it comes in SecretBytes.
  Result<SecretBytes> export_keying_material(ConnectionId id, std::string_view label,
                                             ByteView context, size_t length);
  // peer_certificate is the DER of the connection's client certificate,
  // verified against ListenOptions::client_ca_pem in the TLS handshake;
  // nullopt if the client presented none or the id is unknown or closed.
  // Io thread only.
  std::optional<Bytes> peer_certificate(ConnectionId id) const;

  // watch_readable calls `on_readable` on the io thread whenever descriptor
  // `fd` (a non-blocking datagram socket, such as the media plane's UDP
  // socket) has data to read; the callback reads until the socket would
  // block. The Server watches a duplicate of `fd`, so the caller keeps
  // ownership and may close its own descriptor at any time after stop().
  // A callback that throws is fenced like a posted function. Call before
  // run() or on the io thread. kNetwork if the descriptor cannot be watched.
  [[nodiscard]] Result<void> watch_readable(int fd, std::function<void()> on_readable);

  // run runs the io loop in the calling thread until stop(). Destroy the
  // Server only after run() has returned.
  void run();
  // stop makes run() return; thread-safe.
  void stop();
  // post runs `fn` on the io thread; thread-safe.
  void post(std::function<void()> fn);

  class Impl;
  explicit Server(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace conclave::net
