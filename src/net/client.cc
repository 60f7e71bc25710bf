#include "net/client.h"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "crypto/tls/tls_engine.h"
#include "net/tls_stream.h"

namespace conclave::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using detail::error_code;
using detail::TlsStream;

namespace {

// The inbox pauses reading above these; a caller that does not receive()
// then pushes back on the server through TCP.
constexpr size_t kInboxMaxMessages = 64;
constexpr size_t kInboxMaxBytes = size_t{16} << 20;
// How long close() and export_keying_material() wait for the io thread.
constexpr std::chrono::seconds kCloseWait{3};

Result<std::shared_ptr<const crypto::TlsClientConfig>> tls_config(const ClientOptions& o) {
  if (o.pinned_fingerprint.has_value() == o.ca_pem.has_value()) {
    detail::set_last_error_text("give exactly one of a pinned fingerprint and a CA certificate");
    return Error(Err::kInvalidArgument, "exactly one of pinned_fingerprint and ca_pem");
  }
  if (o.client_cert_pem.has_value() != (o.client_key_pem != nullptr)) {
    detail::set_last_error_text("give both a client certificate and its key, or neither");
    return Error(Err::kInvalidArgument, "client_cert_pem and client_key_pem go together");
  }
  std::optional<crypto::ClientCertificate> device;
  if (o.client_cert_pem) {
    device = crypto::ClientCertificate{*o.client_cert_pem, o.client_key_pem->clone()};
  }
  auto config =
      o.pinned_fingerprint
          ? crypto::TlsClientConfig::create_pinned(*o.pinned_fingerprint, std::move(device))
          : crypto::TlsClientConfig::create_with_ca(*o.ca_pem, std::move(device));
  if (!config) {
    if (o.client_cert_pem && (config.error().code == Err::kInvalidPrivateKey ||
                              config.error().code == Err::kInvalidArgument)) {
      detail::set_last_error_text("the client certificate and key are not usable together");
    } else {
      detail::set_last_error_text(o.pinned_fingerprint
                                      ? "the pinned fingerprint is not a SHA-256 digest"
                                      : "the CA certificate is not a usable PEM certificate");
    }
  }
  return config;
}

// printable keeps a peer-chosen string safe to log: printable ASCII only.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

// run_until_done runs `ioc` on this thread until `*done`; if `timeout` passes
// first, `on_timeout` cancels the operation (which then completes with an
// error) and *timed_out is set.
template <class OnTimeout>
void run_until_done(asio::io_context& ioc, const bool* done,
                    std::chrono::steady_clock::duration timeout, bool* timed_out,
                    OnTimeout on_timeout) {
  asio::steady_timer timer(ioc);
  timer.expires_after(timeout);
  timer.async_wait([&](error_code ec) {
    if (!ec && !*done) {
      *timed_out = true;
      on_timeout();
    }
  });
  while (!*done && ioc.run_one() > 0) {
  }
  timer.cancel();
  ioc.poll();
  ioc.restart();
}

// connect_error turns a failed connection setup into an Error and the words.
Error connect_error(const ClientOptions& o, const TlsStream& stream, error_code ec, bool timed_out,
                    const char* stage) {
  const std::string where = o.host + ":" + std::to_string(o.port);
  if (timed_out) {
    detail::set_last_error_text(std::string(stage) + " " + where + ": timed out");
    return Error(Err::kTimeout, "connection setup timed out");
  }
  if (const auto& tls = stream.last_error(); tls.has_value()) {
    detail::set_last_error_text(where + ": " + stream.engine().failure_text());
    return *tls;
  }
  detail::set_last_error_text(std::string(stage) + " " + where + ": " + ec.message());
  return Error(Err::kNetwork, "connection setup failed");
}

// open_tls resolves, connects and completes the TLS handshake of `stream`
// within options.connect_timeout. It runs `ioc` on the calling thread.
Result<void> open_tls(asio::io_context& ioc, const ClientOptions& o, TlsStream& stream) {
  bool done = false;
  bool timed_out = false;
  error_code result;
  const char* stage = "resolve";
  tcp::resolver resolver(ioc);
  resolver.async_resolve(
      o.host, std::to_string(o.port), [&](error_code ec, tcp::resolver::results_type r) {
        if (ec) {
          result = ec;
          done = true;
          return;
        }
        stage = "connect to";
        asio::async_connect(stream.next_layer(), r, [&](error_code ec2, const tcp::endpoint&) {
          if (ec2) {
            result = ec2;
            done = true;
            return;
          }
          stage = "TLS handshake with";
          stream.async_handshake([&](error_code ec3) {
            result = ec3;
            done = true;
          });
        });
      });
  run_until_done(ioc, &done, o.connect_timeout, &timed_out, [&] {
    resolver.cancel();
    error_code ignored;
    stream.next_layer().close(ignored);
  });
  if (result || timed_out) {
    return connect_error(o, stream, result, timed_out, stage);
  }
  return {};
}

Result<std::unique_ptr<crypto::TlsEngine>> new_engine(const ClientOptions& o) {
  CONCLAVE_TRY_ASSIGN(std::shared_ptr<const crypto::TlsClientConfig> config, tls_config(o));
  return crypto::TlsEngine::new_client(std::move(config), o.host);
}

}  // namespace

class WsClient::Impl {
 public:
  explicit Impl(std::unique_ptr<crypto::TlsEngine> engine)
      : ws(tcp::socket(ioc), std::move(engine)) {}

  ~Impl() { stop_thread(); }

  void start() {
    read_next();
    thread_ = std::thread([this] {
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (...) {
          // The connection's one exception boundary on the client side: the
          // session is over, the waiting caller is told.
          mark_closed();
        }
      }
    });
  }

  // io thread
  void read_next() {
    reading_ = true;
    ws.async_read(rbuf_, [this](error_code ec, size_t) { on_read(ec); });
  }

  void on_read(error_code ec) {
    reading_ = false;
    if (ec) {
      std::lock_guard lock(mu_);
      if (ec == websocket::error::closed) {
        close_code_ = static_cast<uint16_t>(ws.reason().code);
        close_reason_ =
            printable(std::string_view(ws.reason().reason.data(), ws.reason().reason.size()));
      }
      closed_ = true;
      cv_.notify_all();
      return;
    }
    if (!ws.got_binary()) {
      // Signaling is binary only, in both directions.
      rbuf_.clear();
      ws.async_close(websocket::close_code::bad_payload, [](error_code) {});
      return mark_closed();
    }
    const auto data = rbuf_.cdata();
    bool pause = false;
    {
      std::lock_guard lock(mu_);
      const auto* p = static_cast<const uint8_t*>(data.data());
      inbox_.emplace_back(p, p + data.size());
      inbox_bytes_ += data.size();
      pause = inbox_.size() >= kInboxMaxMessages || inbox_bytes_ >= kInboxMaxBytes;
      paused_ = pause;
      cv_.notify_all();
    }
    rbuf_.clear();
    if (!pause) {
      read_next();
    }
  }

  void mark_closed() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

  void write_next() {
    if (writing_ || outbox_.empty()) {
      return;
    }
    writing_ = true;
    ws.async_write(asio::buffer(outbox_.front()), [this](error_code ec, size_t) {
      writing_ = false;
      outbox_.pop_front();
      if (ec) {
        outbox_.clear();
        return;  // the read side reports the end of the connection
      }
      write_next();
    });
  }

  Result<void> send(ByteView message) {
    {
      std::lock_guard lock(mu_);
      if (closed_ || closing_) {
        detail::set_last_error_text(describe_close_locked());
        return Error(Err::kConnectionClosed, "connection closed");
      }
    }
    asio::post(ioc, [this, m = to_bytes(message)]() mutable {
      outbox_.push_back(std::move(m));
      write_next();
    });
    return {};
  }

  Result<std::optional<Bytes>> receive(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !inbox_.empty() || closed_; });
    if (!inbox_.empty()) {
      Bytes m = std::move(inbox_.front());
      inbox_.pop_front();
      inbox_bytes_ -= m.size();
      if (paused_) {
        paused_ = false;
        asio::post(ioc, [this] {
          if (!reading_ && !closed_flag()) {
            read_next();
          }
        });
      }
      return std::optional<Bytes>(std::move(m));
    }
    if (closed_) {
      detail::set_last_error_text(describe_close_locked());
      return Error(Err::kConnectionClosed, close_code_ ? "closed by server" : "connection lost");
    }
    return std::optional<Bytes>();
  }

  bool closed_flag() {
    std::lock_guard lock(mu_);
    return closed_;
  }

  std::string describe_close_locked() const {
    if (close_code_) {
      return "closed by server: " + std::to_string(*close_code_) +
             (close_reason_.empty() ? "" : " " + close_reason_);
    }
    return closed_ ? "connection lost" : "connection closing";
  }

  void close() {
    {
      std::lock_guard lock(mu_);
      if (!closed_ && !closing_) {
        closing_ = true;
        asio::post(ioc, [this] {
          ws.async_close(websocket::close_code::normal, [this](error_code) { mark_closed(); });
        });
      }
      // wait for the closing handshake, briefly
    }
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, kCloseWait, [&] { return closed_; });
    }
    stop_thread();
  }

  void stop_thread() {
    ioc.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  Result<SecretBytes> export_keying_material(std::string_view label, ByteView context,
                                             size_t length) {
    if (!thread_.joinable()) {
      return Error(Err::kConnectionClosed, "connection closed");
    }
    auto promise = std::make_shared<std::promise<Result<SecretBytes>>>();
    std::future<Result<SecretBytes>> future = promise->get_future();
    asio::post(ioc, [this, promise, label = std::string(label), context = to_bytes(context),
                     length] {
      promise->set_value(ws.next_layer().engine().export_keying_material(label, context, length));
    });
    if (future.wait_for(kCloseWait) != std::future_status::ready) {
      return Error(Err::kTimeout, "io thread did not answer");
    }
    return future.get();
  }

  std::optional<uint16_t> close_code() const {
    std::lock_guard lock(mu_);
    return close_code_;
  }
  std::string close_reason() const {
    std::lock_guard lock(mu_);
    return close_reason_;
  }

  asio::io_context ioc{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{asio::make_work_guard(ioc)};
  websocket::stream<TlsStream> ws;

 private:
  beast::flat_buffer rbuf_;
  std::thread thread_;
  // io thread only
  bool reading_ = false;
  bool writing_ = false;
  std::deque<Bytes> outbox_;
  // shared with callers, under mu_
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Bytes> inbox_;
  size_t inbox_bytes_ = 0;
  bool paused_ = false;
  bool closed_ = false;
  bool closing_ = false;
  std::optional<uint16_t> close_code_;
  std::string close_reason_;
};

WsClient::WsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WsClient::~WsClient() { close(); }

Result<std::unique_ptr<WsClient>> WsClient::connect(const ClientOptions& options,
                                                    std::string_view path) {
  CONCLAVE_TRY_ASSIGN(std::unique_ptr<crypto::TlsEngine> engine, new_engine(options));
  auto impl = std::make_unique<Impl>(std::move(engine));
  CONCLAVE_TRY(open_tls(impl->ioc, options, impl->ws.next_layer()));

  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = options.connect_timeout;    // also the closing handshake
  timeouts.idle_timeout = websocket::stream_base::none();  // the server pings; Beast answers
  timeouts.keep_alive_pings = false;
  impl->ws.set_option(timeouts);
  impl->ws.read_message_max(options.max_message_bytes);
  impl->ws.binary(true);
  impl->ws.auto_fragment(false);

  bool done = false;
  bool timed_out = false;
  error_code result;
  websocket::response_type response;
  impl->ws.async_handshake(response, options.host + ":" + std::to_string(options.port), path,
                           [&](error_code ec) {
                             result = ec;
                             done = true;
                           });
  run_until_done(impl->ioc, &done, options.connect_timeout, &timed_out, [&] {
    error_code ignored;
    impl->ws.next_layer().next_layer().close(ignored);
  });
  if (timed_out || result) {
    const std::string where = options.host + ":" + std::to_string(options.port) + std::string(path);
    if (timed_out) {
      detail::set_last_error_text("WebSocket upgrade at " + where + ": timed out");
      return Error(Err::kTimeout, "WebSocket upgrade timed out");
    }
    if (const auto& tls = impl->ws.next_layer().last_error();
        tls.has_value() && tls->code == Err::kAuthFailed) {
      // A TLS failure after the handshake, such as the server refusing our
      // client certificate (TLS 1.3 tells the client only now).
      detail::set_last_error_text("WebSocket upgrade at " + where + ": " +
                                  impl->ws.next_layer().engine().failure_text());
      return *tls;
    }
    detail::set_last_error_text("WebSocket upgrade at " + where + " refused: " +
                                (response.result_int() != 0
                                     ? "HTTP " + std::to_string(response.result_int())
                                     : result.message()));
    return Error(Err::kNetwork, "WebSocket upgrade refused");
  }
  impl->start();
  return std::make_unique<WsClient>(std::move(impl));
}

Result<void> WsClient::send(ByteView message) { return impl_->send(message); }
Result<std::optional<Bytes>> WsClient::receive(std::chrono::milliseconds timeout) {
  return impl_->receive(timeout);
}
std::optional<uint16_t> WsClient::close_code() const { return impl_->close_code(); }
std::string WsClient::close_reason() const { return impl_->close_reason(); }
void WsClient::close() { impl_->close(); }
Result<SecretBytes> WsClient::export_keying_material(std::string_view label, ByteView context,
                                                     size_t length) {
  return impl_->export_keying_material(label, context, length);
}

Result<HttpResult> https_request(const ClientOptions& options, std::string_view method,
                                 std::string_view target,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 ByteView body) {
  CONCLAVE_TRY_ASSIGN(std::unique_ptr<crypto::TlsEngine> engine, new_engine(options));
  asio::io_context ioc{1};
  TlsStream stream(tcp::socket(ioc), std::move(engine));
  CONCLAVE_TRY(open_tls(ioc, options, stream));

  http::request<http::vector_body<uint8_t>> request;
  request.version(11);
  const http::verb verb = http::string_to_verb(beast::string_view(method.data(), method.size()));
  if (verb == http::verb::unknown) {
    request.method_string(beast::string_view(method.data(), method.size()));
  } else {
    request.method(verb);
  }
  request.target(beast::string_view(target.data(), target.size()));
  request.set(http::field::host, options.host + ":" + std::to_string(options.port));
  request.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) {
    request.insert(name, value);
  }
  request.body() = to_bytes(body);
  request.prepare_payload();

  http::response_parser<http::vector_body<uint8_t>> parser;
  parser.body_limit(options.max_response_body_bytes);
  beast::flat_buffer buffer;
  bool done = false;
  bool timed_out = false;
  error_code result;
  http::async_write(stream, request, [&](error_code ec, size_t) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    http::async_read(stream, buffer, parser, [&](error_code ec2, size_t) {
      result = ec2;
      done = true;
    });
  });
  run_until_done(ioc, &done, options.request_timeout, &timed_out, [&] {
    error_code ignored;
    stream.next_layer().close(ignored);
  });
  const std::string where = options.host + ":" + std::to_string(options.port);
  if (timed_out) {
    detail::set_last_error_text("HTTPS request to " + where + ": timed out");
    return Error(Err::kTimeout, "HTTPS request timed out");
  }
  if (result) {
    if (const auto& tls = stream.last_error(); tls.has_value() && tls->code == Err::kAuthFailed) {
      detail::set_last_error_text("HTTPS request to " + where + ": " +
                                  stream.engine().failure_text());
      return *tls;
    }
    detail::set_last_error_text("HTTPS request to " + where + ": " + result.message());
    return Error(Err::kNetwork, "HTTPS request failed");
  }
  HttpResult out;
  auto& response = parser.get();
  out.status = response.result_int();
  out.content_type = std::string(response[http::field::content_type]);
  out.body = std::move(response.body());
  // Best effort close_notify; the answer is in hand either way.
  done = false;
  stream.async_shutdown([&](error_code) { done = true; });
  run_until_done(ioc, &done, std::chrono::seconds(1), &timed_out, [&] {
    error_code ignored;
    stream.next_layer().close(ignored);
  });
  return out;
}

}  // namespace conclave::net
