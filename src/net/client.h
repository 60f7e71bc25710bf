// WsClient and https_request: the client side of src/net, used by the
// command-line tools and the client library. TLS 1.3 only; the server is
// authenticated by a pinned certificate fingerprint or a CA (REQ-NET-002).
// No Boost or BoringSSL type appears in this header.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "net/last_error.h"
#include "protocol/wire/signaling_limits.h"

namespace conclave::net {

// ClientOptions: exactly one of pinned_fingerprint (SHA-256 of the server
// certificate's DER, see crypto/tls/certificate.h) and ca_pem must be set.
// client_cert_pem and client_key_pem are both set or both unset.
struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::optional<Bytes> pinned_fingerprint;
  std::optional<std::string> ca_pem;
  // The device certificate (PEM) and its private key (PEM) presented when
  // the server asks for a client certificate (the secret profile). The key
  // is shared, not copied, so ClientOptions stays copyable; it is wiped when
  // the last copy goes.
  std::optional<std::string> client_cert_pem;
  std::shared_ptr<const SecretBytes> client_key_pem;
  std::chrono::seconds connect_timeout{10};  // TCP connect + TLS + WebSocket upgrade
  size_t max_message_bytes = protocol::kMaxSignalingMessageLen;
  // https_request only: the exchange after connecting, and the largest body.
  std::chrono::seconds request_timeout{60};
  size_t max_response_body_bytes = size_t{64} << 20;
};

// WsClient is a WebSocket session over TLS 1.3 with a blocking API, backed by
// a background io thread. Received messages wait in a bounded inbox; while it
// is full the client stops reading from the socket, so a caller that does not
// receive() slows the server down instead of growing memory.
class WsClient {
 public:
  // connect opens the session. Errors: kAuthFailed (server certificate does
  // not match: last_error_text() names the expected and the seen
  // fingerprint or the CA verification result; or the server refused our
  // client certificate), kTimeout, kNetwork (refused, TLS failure, upgrade
  // refused), kInvalidArgument (options).
  static Result<std::unique_ptr<WsClient>> connect(const ClientOptions& options,
                                                   std::string_view path = "/v1/signal");
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // send queues one binary message; thread-safe. kConnectionClosed once the
  // connection is closed.
  Result<void> send(ByteView message);
  // receive waits up to `timeout` for the next message: the message, nullopt
  // on timeout, or kConnectionClosed once the connection is closed and every
  // message before the close was received. last_error_text() then reads
  // e.g. "closed by server: 4003 excluded"; close_code() and close_reason()
  // hold the parts.
  Result<std::optional<Bytes>> receive(std::chrono::milliseconds timeout);
  // close_code is the WebSocket close code the server sent, if it sent one.
  std::optional<uint16_t> close_code() const;
  // close_reason is the server's close reason, printable ASCII only.
  std::string close_reason() const;
  // close performs the closing handshake (code 1000), waiting at most a few
  // seconds, and stops the io thread. Idempotent.
  void close();
  // export_keying_material is the TLS exporter (RFC 8446 §7.5) of this
  // connection's TLS session. It is key material, so it comes in SecretBytes.
  Result<SecretBytes> export_keying_material(std::string_view label, ByteView context,
                                             size_t length);

  class Impl;
  explicit WsClient(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

struct HttpResult {
  unsigned status = 0;
  std::string content_type;
  Bytes body;
};

// https_request sends one HTTPS request on a fresh TLS 1.3 connection (same
// verification as WsClient) and returns the response. Errors as for connect.
Result<HttpResult> https_request(const ClientOptions& options, std::string_view method,
                                 std::string_view target,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 ByteView body);

}  // namespace conclave::net
