#include "net/server.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <deque>
#include <exception>
#include <unordered_map>

#include <unistd.h>

#include "crypto/tls/tls_engine.h"
#include "net/http_request.h"
#include "net/last_error.h"
#include "net/tls_stream.h"

namespace conclave::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using detail::error_code;
using detail::TlsStream;

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return std::nullopt;
}

namespace {

// TokenBucket: `rate` tokens a second, at most `burst` saved up; it starts
// full.
// implements: REQ-NET-004, REQ-SIG-057
class TokenBucket {
 public:
  explicit TokenBucket(unsigned burst)
      : tokens_(static_cast<double>(burst)), last_refill_(std::chrono::steady_clock::now()) {}

  // take spends one token if there is one.
  bool take(unsigned rate, unsigned burst) {
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - last_refill_).count();
    last_refill_ = now;
    tokens_ = std::min(static_cast<double>(burst), tokens_ + elapsed * static_cast<double>(rate));
    if (tokens_ < 1.0) {
      return false;
    }
    tokens_ -= 1.0;
    return true;
  }

 private:
  double tokens_;
  std::chrono::steady_clock::time_point last_refill_;
};

class Connection;

// Bytes discarded after an HTTP error response, so the client reads the
// response instead of a connection reset caused by its unread request body.
constexpr size_t kLingerReadChunk = size_t{16} << 10;
// Pause after a failed accept (for instance out of file descriptors), so the
// loop does not spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

class Server::Impl {
 public:
  Impl(ListenOptions options, ServerHandler& handler,
       std::shared_ptr<const crypto::TlsServerConfig> tls)
      : options_(std::move(options)),
        handler_(handler),
        tls_(std::move(tls)),
        work_(asio::make_work_guard(ioc_)),
        acceptor_(ioc_),
        tick_timer_(ioc_),
        accept_retry_(ioc_) {}
  ~Impl();

  Result<void> open();
  void start_accept();
  void start_tick();

  void send(ConnectionId id, Bytes message);
  void close(ConnectionId id, uint16_t code, std::string_view reason);
  Result<SecretBytes> export_keying_material(ConnectionId id, std::string_view label,
                                             ByteView context, size_t length);
  std::optional<Bytes> peer_certificate(ConnectionId id) const;
  Result<void> watch_readable(int fd, std::function<void()> on_readable);
  void run();
  void stop() { ioc_.stop(); }
  void post(std::function<void()> fn);

  // forget drops a finished connection from the books.
  void forget(ConnectionId id, const std::string& peer);
  // notify_close tells the handler, from a fresh handler of its own, that an
  // opened connection is gone (never from inside a call of the handler).
  void notify_close(ConnectionId id);

  const ServerLimits& limits() const { return options_.limits; }
  const std::string& websocket_path() const { return options_.websocket_path; }
  ServerHandler& handler() { return handler_; }
  asio::io_context& ioc() { return ioc_; }
  uint16_t port() const { return port_; }
  void set_tick_period(std::chrono::milliseconds p) { tick_period_ = p; }

 private:
  std::shared_ptr<Connection> find_open(ConnectionId id);
  void on_accept(error_code ec, tcp::socket socket);
  // Watched is one descriptor of watch_readable and its callback.
  struct Watched {
    explicit Watched(asio::io_context& ioc) : descriptor(ioc) {}
    asio::posix::stream_descriptor descriptor;
    std::function<void()> on_readable;
  };
  void arm(Watched& w);

  ListenOptions options_;
  ServerHandler& handler_;
  std::shared_ptr<const crypto::TlsServerConfig> tls_;
  // Destroyed after every member below, which all use it.
  asio::io_context ioc_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  asio::steady_timer tick_timer_;
  asio::steady_timer accept_retry_;
  std::chrono::milliseconds tick_period_{200};
  std::vector<std::unique_ptr<Watched>> watched_;
  uint16_t port_ = 0;
  ConnectionId next_id_ = 1;
  std::unordered_map<ConnectionId, std::shared_ptr<Connection>> connections_;
  std::unordered_map<std::string, unsigned> per_address_;
};

namespace {

// Connection is one accepted TCP connection: TLS handshake, one HTTP request,
// then either an HTTP response or a WebSocket session.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl& server, ConnectionId id, std::string peer, tcp::socket socket,
             std::unique_ptr<crypto::TlsEngine> engine)
      : server_(server),
        limits_(server.limits()),
        id_(id),
        peer_(std::move(peer)),
        ws_(std::move(socket), std::move(engine)),
        deadline_(server.ioc()),
        signaling_budget_(limits_.message_burst),
        media_budget_(limits_.media_message_burst) {}

  const std::string& peer() const { return peer_; }
  bool is_open() const { return phase_ == Phase::kOpen; }

  void start() {
    fenced([&] {
      arm_deadline(limits_.handshake_timeout, Phase::kHttp);
      ws_.next_layer().async_handshake([self = shared_from_this()](error_code ec) {
        self->fenced([&] { self->on_handshake(ec); });
      });
    });
  }

  void send(Bytes message) {
    fenced([&] {
      if (phase_ != Phase::kOpen) {
        return;
      }
      // implements: REQ-NET-005
      if (queue_.size() + 1 > limits_.send_queue_max_messages ||
          queued_bytes_ + message.size() > limits_.send_queue_max_bytes) {
        start_close(kCloseSlowPeer, "slow peer", /*drop_queue=*/true);
        return;
      }
      queued_bytes_ += message.size();
      queue_.push_back(std::move(message));
      write_next();
    });
  }

  void close(uint16_t code, std::string_view reason) {
    fenced([&] { start_close(code, std::string(reason), /*drop_queue=*/false); });
  }

  // implements: REQ-NET-009
  // peer_certificate is the client certificate the engine verified.
  std::optional<Bytes> peer_certificate() const {
    return ws_.next_layer().engine().peer_certificate_der();
  }

  Result<SecretBytes> export_keying_material(std::string_view label, ByteView context,
                                             size_t length) {
    return ws_.next_layer().engine().export_keying_material(label, context, length);
  }

  // finish ends the connection at once: the socket is closed, pending
  // operations complete with errors and do nothing, the books are updated
  // and, if the handler knew the connection, on_close is queued.
  void finish() {
    if (phase_ == Phase::kFinished) {
      return;
    }
    phase_ = Phase::kFinished;
    ++deadline_generation_;
    error_code ignored;
    deadline_.cancel();
    ws_.next_layer().next_layer().close(ignored);
    queue_.clear();
    server_.forget(id_, peer_);
    if (opened_) {
      server_.notify_close(id_);
    }
  }

 private:
  enum class Phase { kHandshake, kHttp, kOpen, kClosing, kFinished };

  // implements: REQ-NET-007
  // fenced is the connection's one exception boundary: every completion
  // handler and every call into the connection runs through it. Beast, Asio
  // and the ServerHandler may throw (allocation failure, a handler's bug);
  // whatever it is ends this connection only, never the server.
  template <class F>
  void fenced(F&& f) {
    try {
      f();
    } catch (...) {
      finish();
    }
  }

  // arm_deadline ends the connection after `after` unless the phase has
  // moved past `while_phase_at_most` or the deadline was re-armed.
  template <class Duration>
  void arm_deadline(Duration after, Phase while_phase_at_most) {
    const uint64_t generation = ++deadline_generation_;
    deadline_.expires_after(after);
    deadline_.async_wait(
        [self = shared_from_this(), generation, while_phase_at_most](error_code ec) {
          self->fenced([&] {
            if (ec || generation != self->deadline_generation_) {
              return;
            }
            if (static_cast<int>(self->phase_) <= static_cast<int>(while_phase_at_most)) {
              self->finish();
            }
          });
        });
  }

  void on_handshake(error_code ec) {
    if (ec) {
      return finish();
    }
    phase_ = Phase::kHttp;
    parser_.emplace();
    detail::limit_request_parser(*parser_, limits_);
    http::async_read_header(ws_.next_layer(), buffer_, *parser_,
                            [self = shared_from_this()](error_code e, size_t) {
                              self->fenced([&] { self->on_header(e); });
                            });
  }

  // on_header: the handshake deadline ends with the request header. A body
  // (a blob upload) may take longer: it has the idle timeout instead.
  void on_header(error_code ec) {
    if (ec || parser_->is_done() || websocket::is_upgrade(parser_->get())) {
      return on_request(ec);
    }
    arm_deadline(limits_.idle_timeout, Phase::kHttp);
    http::async_read(ws_.next_layer(), buffer_, *parser_,
                     [self = shared_from_this()](error_code e, size_t) {
                       self->fenced([&] { self->on_request(e); });
                     });
  }

  void on_request(error_code ec) {
    if (phase_ == Phase::kFinished) {
      return;
    }
    if (ec) {
      if (std::optional<HttpResponse> answer = detail::http_error_response(ec)) {
        return respond(std::move(*answer));
      }
      return finish();
    }
    const auto& req = parser_->get();
    if (websocket::is_upgrade(req)) {
      const std::string_view target(req.target().data(), req.target().size());
      if (target.substr(0, target.find('?')) != server_.websocket_path()) {
        return respond(HttpResponse{404, "text/plain", to_bytes(as_bytes("not found\n"))});
      }
      return accept_websocket();
    }
    HttpRequest request = detail::to_http_request(*parser_, peer_);
    request.peer_certificate_der = peer_certificate();
    respond(server_.handler().on_http(request));
  }

  void respond(HttpResponse r) {
    response_.emplace();
    response_->version(11);
    response_->result(r.status);
    response_->set(http::field::content_type, r.content_type);
    response_->set(http::field::connection, "close");
    response_->body() = std::move(r.body);
    response_->prepare_payload();
    // A large response (a blob download) gets the idle timeout to be sent;
    // the lingering close after it gets close_timeout.
    arm_deadline(limits_.idle_timeout, Phase::kHttp);
    http::async_write(ws_.next_layer(), *response_,
                      [self = shared_from_this()](error_code ec, size_t) {
                        self->fenced([&] { self->after_response(ec); });
                      });
  }

  // after_response ends an HTTP exchange: close_notify, our half of TCP
  // closed, then the rest of the request read and dropped until the client
  // closes or the close deadline passes.
  void after_response(error_code ec) {
    if (ec || phase_ == Phase::kFinished) {
      return finish();
    }
    ws_.next_layer().async_close_notify([self = shared_from_this()](error_code e) {
      self->fenced([&] {
        if (e || self->phase_ == Phase::kFinished) {
          return self->finish();
        }
        error_code ignored;
        self->ws_.next_layer().next_layer().shutdown(tcp::socket::shutdown_send, ignored);
        self->arm_deadline(self->limits_.close_timeout, Phase::kHttp);
        self->linger();
      });
    });
  }

  void linger() {
    linger_buf_.resize(kLingerReadChunk);
    ws_.next_layer().next_layer().async_read_some(
        asio::buffer(linger_buf_), [self = shared_from_this()](error_code ec, size_t) {
          self->fenced([&] {
            if (ec || self->phase_ == Phase::kFinished) {
              return self->finish();
            }
            self->linger();
          });
        });
  }

  void accept_websocket() {
    websocket::stream_base::timeout timeouts;
    timeouts.handshake_timeout = limits_.handshake_timeout;  // also the closing handshake
    // implements: REQ-NET-006
    timeouts.idle_timeout = limits_.idle_timeout;  // pings at half of it; no answer -> closed
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    // implements: REQ-NET-003
    ws_.read_message_max(limits_.max_message_bytes);
    ws_.binary(true);
    ws_.auto_fragment(false);
    ws_.async_accept(parser_->release(), [self = shared_from_this()](error_code ec) {
      self->fenced([&] { self->on_accept(ec); });
    });
    parser_.reset();
  }

  void on_accept(error_code ec) {
    if (ec || phase_ == Phase::kFinished) {
      return finish();
    }
    phase_ = Phase::kOpen;
    opened_ = true;
    buffer_.clear();
    // implements: REQ-NET-006
    arm_deadline(limits_.first_message_timeout, Phase::kOpen);
    read_message();
    server_.handler().on_open(id_, peer_);
  }

  void read_message() {
    ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, size_t) {
      self->fenced([&] { self->on_read(ec); });
    });
  }

  void on_read(error_code ec) {
    if (phase_ == Phase::kFinished) {
      return;
    }
    if (ec) {
      return finish();
    }
    if (phase_ == Phase::kClosing) {
      buffer_.clear();
      return read_message();  // drain until the peer answers our close
    }
    if (!got_first_) {
      got_first_ = true;
      ++deadline_generation_;
      deadline_.cancel();
    }
    if (!ws_.got_binary()) {
      buffer_.clear();
      start_close(kCloseUnsupportedData, "binary messages only", /*drop_queue=*/true);
      return read_message();
    }
    const auto data = buffer_.cdata();
    const ByteView message(static_cast<const uint8_t*>(data.data()), data.size());
    // implements: REQ-SIG-057
    // Media on the fallback has its own budget, so that audio and video do
    // not trip the signaling limit and signaling stays limited as before.
    if (server_.handler().is_media_message(message)) {
      if (!media_budget_.take(limits_.media_messages_per_second, limits_.media_message_burst)) {
        buffer_.clear();
        server_.handler().on_media_rate_limited(id_);
        return read_message();
      }
    } else if (!signaling_budget_.take(limits_.messages_per_second, limits_.message_burst)) {
      buffer_.clear();
      start_close(kCloseRateLimited, "rate limit", /*drop_queue=*/true);
      return read_message();
    }
    server_.handler().on_message(id_, message);
    buffer_.clear();
    // Even after the handler closed the connection: the read loop sees the
    // close handshake through.
    if (phase_ != Phase::kFinished) {
      read_message();
    }
  }

  void write_next() {
    if (writing_ || phase_ == Phase::kFinished) {
      return;
    }
    if (queue_.empty()) {
      if (phase_ == Phase::kClosing && pending_close_) {
        send_close();
      }
      return;
    }
    writing_ = true;
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](error_code ec, size_t) {
                      self->fenced([&] { self->on_write(ec); });
                    });
  }

  void on_write(error_code ec) {
    writing_ = false;
    if (phase_ == Phase::kFinished) {
      return;
    }
    if (ec) {
      return finish();
    }
    queued_bytes_ -= queue_.front().size();
    queue_.pop_front();
    write_next();
  }

  void start_close(uint16_t code, std::string reason, bool drop_queue) {
    if (phase_ != Phase::kOpen) {
      return;
    }
    phase_ = Phase::kClosing;
    if (drop_queue) {
      // The message being written stays: its buffer is in use.
      while (queue_.size() > (writing_ ? 1u : 0u)) {
        queued_bytes_ -= queue_.back().size();
        queue_.pop_back();
      }
    }
    pending_close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    arm_deadline(limits_.close_timeout, Phase::kClosing);
    // The handler hears of it now: from here on the connection takes no
    // messages in either direction.
    server_.notify_close(id_);
    opened_ = false;
    write_next();
  }

  void send_close() {
    writing_ = true;
    const websocket::close_reason reason = *pending_close_;
    pending_close_.reset();
    ws_.async_close(reason, [self = shared_from_this()](error_code) {
      self->fenced([&] {
        self->writing_ = false;
        self->finish();
      });
    });
  }

  Server::Impl& server_;
  const ServerLimits& limits_;
  const ConnectionId id_;
  const std::string peer_;
  websocket::stream<TlsStream> ws_;
  beast::flat_buffer buffer_;
  std::optional<detail::RequestParser> parser_;
  std::optional<http::response<http::vector_body<uint8_t>>> response_;
  Bytes linger_buf_;
  asio::steady_timer deadline_;
  uint64_t deadline_generation_ = 0;
  Phase phase_ = Phase::kHandshake;
  bool opened_ = false;  // the handler was told of it and not yet of its end
  bool got_first_ = false;
  std::deque<Bytes> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  std::optional<websocket::close_reason> pending_close_;
  TokenBucket signaling_budget_;
  TokenBucket media_budget_;
};

}  // namespace

Server::Impl::~Impl() {
  error_code ignored;
  acceptor_.close(ignored);
  // Handlers still queued are destroyed with the io_context, unrun: the
  // ServerHandler hears nothing more.
  connections_.clear();
}

Result<void> Server::Impl::open() {
  error_code ec;
  const asio::ip::address address = asio::ip::make_address(options_.address, ec);
  const std::string where = options_.address + ":" + std::to_string(options_.port);
  if (ec) {
    detail::set_last_error_text("listen on " + where + ": not an IP address");
    return Error(Err::kInvalidArgument, "listen address is not an IP address");
  }
  const tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor_.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    detail::set_last_error_text("listen on " + where + ": " + ec.message());
    return Error(Err::kNetwork, "cannot listen on the address and port");
  }
  port_ = acceptor_.local_endpoint(ec).port();
  return {};
}

void Server::Impl::start_accept() {
  acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
    try {
      on_accept(ec, std::move(socket));
    } catch (...) {
      // Allocation failure while setting up a connection: that connection
      // is lost, the listener goes on.
      start_accept();
    }
  });
}

void Server::Impl::on_accept(error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
    return;
  }
  if (ec) {
    accept_retry_.expires_after(kAcceptRetryDelay);
    accept_retry_.async_wait([this](error_code e) {
      if (!e) {
        start_accept();
      }
    });
    return;
  }
  start_accept();
  error_code peer_ec;
  const tcp::endpoint remote = socket.remote_endpoint(peer_ec);
  if (peer_ec) {
    return;  // already gone
  }
  std::string peer = remote.address().to_string();
  // implements: REQ-NET-008
  // Over a connection limit the socket is closed before any TLS work.
  unsigned& from_peer = per_address_[peer];
  if (connections_.size() >= options_.limits.max_connections ||
      from_peer >= options_.limits.max_connections_per_address) {
    if (from_peer == 0) {
      per_address_.erase(peer);
    }
    socket.close(peer_ec);
    return;
  }
  Result<std::unique_ptr<crypto::TlsEngine>> engine = crypto::TlsEngine::new_server(tls_);
  if (!engine) {
    if (from_peer == 0) {
      per_address_.erase(peer);
    }
    return;
  }
  ++from_peer;
  const ConnectionId id = next_id_++;
  auto connection =
      std::make_shared<Connection>(*this, id, peer, std::move(socket), std::move(*engine));
  connections_.emplace(id, connection);
  connection->start();
}

void Server::Impl::forget(ConnectionId id, const std::string& peer) {
  auto it = per_address_.find(peer);
  if (it != per_address_.end() && --it->second == 0) {
    per_address_.erase(it);
  }
  connections_.erase(id);
}

void Server::Impl::notify_close(ConnectionId id) {
  asio::post(ioc_, [this, id] {
    try {
      handler_.on_close(id);
    } catch (...) {
      // The connection is already gone; nothing is left to drop.
    }
  });
}

std::shared_ptr<Connection> Server::Impl::find_open(ConnectionId id) {
  auto it = connections_.find(id);
  if (it == connections_.end() || !it->second->is_open()) {
    return nullptr;
  }
  return it->second;
}

void Server::Impl::send(ConnectionId id, Bytes message) {
  if (auto c = find_open(id)) {
    c->send(std::move(message));
  }
}

void Server::Impl::close(ConnectionId id, uint16_t code, std::string_view reason) {
  if (auto c = find_open(id)) {
    c->close(code, reason);
  }
}

Result<SecretBytes> Server::Impl::export_keying_material(ConnectionId id, std::string_view label,
                                                         ByteView context, size_t length) {
  auto c = find_open(id);
  if (!c) {
    return Error(Err::kConnectionClosed, "no open connection with this id");
  }
  return c->export_keying_material(label, context, length);
}

std::optional<Bytes> Server::Impl::peer_certificate(ConnectionId id) const {
  auto it = connections_.find(id);
  if (it == connections_.end() || !it->second->is_open()) {
    return std::nullopt;
  }
  return it->second->peer_certificate();
}

void Server::Impl::start_tick() {
  tick_timer_.expires_after(tick_period_);
  tick_timer_.async_wait([this](error_code ec) {
    if (ec) {
      return;
    }
    try {
      handler_.on_tick();
    } catch (...) {
      // A failing tick is the handler's problem; the next one comes anyway.
    }
    start_tick();
  });
}

Result<void> Server::Impl::watch_readable(int fd, std::function<void()> on_readable) {
  const int copy = ::dup(fd);
  if (copy < 0) {
    return Error(Err::kNetwork, "cannot duplicate the descriptor to watch");
  }
  auto w = std::make_unique<Watched>(ioc_);
  error_code ec;
  w->descriptor.assign(copy, ec);
  if (ec) {
    ::close(copy);
    return Error(Err::kNetwork, "cannot watch the descriptor");
  }
  w->on_readable = std::move(on_readable);
  arm(*w);
  watched_.push_back(std::move(w));
  return {};
}

void Server::Impl::arm(Watched& w) {
  // Watched objects live until the Impl is destroyed, after the io loop has
  // stopped, so the reference stays valid for every completion that runs.
  w.descriptor.async_wait(asio::posix::stream_descriptor::wait_read, [this, &w](error_code ec) {
    if (ec) {
      return;
    }
    try {
      w.on_readable();
    } catch (...) {
      // Fenced like posted work: one failed read must not stop the loop.
    }
    arm(w);
  });
}

void Server::Impl::run() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (...) {
      // Every connection handler is fenced; this catches what is left (a
      // posted function) so the server keeps serving.
    }
  }
}

void Server::Impl::post(std::function<void()> fn) {
  asio::post(ioc_, [fn = std::move(fn)] {
    try {
      fn();
    } catch (...) {
      // Posted work is the caller's; its failure must not stop the loop.
    }
  });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::listen(ListenOptions options, ServerHandler& handler) {
  std::optional<std::string_view> client_ca;
  if (options.client_ca_pem) {
    client_ca = *options.client_ca_pem;
  }
  Result<std::shared_ptr<const crypto::TlsServerConfig>> tls =
      crypto::TlsServerConfig::create(options.cert_pem, options.key_pem, client_ca);
  if (!tls) {
    detail::set_last_error_text(
        client_ca ? "server certificate and key, or the client CA certificate, are not usable"
                  : "server certificate and key are not usable");
    return tls.error();
  }
  CONCLAVE_REQUIRE(!options.websocket_path.empty() && options.websocket_path[0] == '/',
                   Err::kInvalidArgument);
  auto impl = std::make_unique<Impl>(std::move(options), handler, std::move(*tls));
  CONCLAVE_TRY(impl->open());
  impl->start_accept();
  impl->start_tick();
  return std::make_unique<Server>(std::move(impl));
}

uint16_t Server::port() const { return impl_->port(); }
void Server::set_tick_period(std::chrono::milliseconds period) { impl_->set_tick_period(period); }
void Server::send(ConnectionId id, Bytes message) { impl_->send(id, std::move(message)); }
void Server::close(ConnectionId id, uint16_t code, std::string_view reason) {
  impl_->close(id, code, reason);
}
Result<SecretBytes> Server::export_keying_material(ConnectionId id, std::string_view label,
                                                   ByteView context, size_t length) {
  return impl_->export_keying_material(id, label, context, length);
}
std::optional<Bytes> Server::peer_certificate(ConnectionId id) const {
  return impl_->peer_certificate(id);
}
Result<void> Server::watch_readable(int fd, std::function<void()> on_readable) {
  return impl_->watch_readable(fd, std::move(on_readable));
}
void Server::run() { impl_->run(); }
void Server::stop() { impl_->stop(); }
void Server::post(std::function<void()> fn) { impl_->post(std::move(fn)); }

}  // namespace conclave::net
