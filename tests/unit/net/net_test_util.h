// A real TLS 1.3 server on 127.0.0.1 (ephemeral port, generated certificate)
// running in its own thread, with a handler that echoes and records events.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/tls/certificate.h"
#include "net/client.h"
#include "net/server.h"

namespace conclave::net::testing {

// test_certificate is generated once per test binary (key generation is the
// slow part of a test).
inline const crypto::CertificateAndKey& test_certificate() {
  static const crypto::CertificateAndKey cert = [] {
    auto r = crypto::generate_self_signed("conclave-test", {"conclave.test"}, 1);
    if (!r) {
      std::abort();
    }
    return std::move(*r);
  }();
  return cert;
}

class RecordingHandler : public ServerHandler {
 public:
  Server* server = nullptr;
  // on_message_hook replaces the default echo when set.
  std::function<void(ConnectionId, ByteView)> on_message_hook;
  std::function<void()> on_tick_hook;
  // on_http_hook replaces the default HTTP echo when set.
  std::function<HttpResponse(const HttpRequest&)> on_http_hook;

  void on_open(ConnectionId id, const std::string& peer) override {
    std::lock_guard lock(mu_);
    opened_.push_back(id);
    last_peer_ = peer;
    cv_.notify_all();
  }
  void on_message(ConnectionId id, ByteView message) override {
    messages_.fetch_add(1);
    if (on_message_hook) {
      on_message_hook(id, message);
    } else {
      server->send(id, to_bytes(message));
    }
  }
  void on_close(ConnectionId id) override {
    std::lock_guard lock(mu_);
    closed_.push_back(id);
    cv_.notify_all();
  }
  HttpResponse on_http(const HttpRequest& request) override {
    if (on_http_hook) {
      return on_http_hook(request);
    }
    std::string text = request.method + " " + request.target + " " +
                       request.header("x-test").value_or("-") + " " + request.peer_address + " ";
    Bytes body(text.begin(), text.end());
    body.insert(body.end(), request.body.begin(), request.body.end());
    return HttpResponse{200, "application/octet-stream", body};
  }
  void on_tick() override {
    if (on_tick_hook) {
      on_tick_hook();
    }
  }

  std::vector<ConnectionId> opened() {
    std::lock_guard lock(mu_);
    return opened_;
  }
  std::vector<ConnectionId> closed() {
    std::lock_guard lock(mu_);
    return closed_;
  }
  int messages() const { return messages_.load(); }
  bool wait_opened(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return opened_.size() >= n; });
  }
  bool wait_closed(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return closed_.size() >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ConnectionId> opened_;
  std::vector<ConnectionId> closed_;
  std::string last_peer_;
  std::atomic<int> messages_{0};
};

class TestServer {
 public:
  explicit TestServer(ServerLimits limits = {},
                      std::chrono::milliseconds tick = std::chrono::milliseconds(200),
                      std::string address = "127.0.0.1",
                      std::optional<std::string> client_ca_pem = std::nullopt)
      : address_(std::move(address)) {
    ListenOptions options;
    options.address = address_;
    options.client_ca_pem = std::move(client_ca_pem);
    options.cert_pem = test_certificate().cert_pem;
    options.key_pem = test_certificate().key_pem.clone();
    options.limits = limits;
    auto s = Server::listen(std::move(options), handler);
    if (!s) {
      ADD_FAILURE() << "listen failed: " << last_error_text();
      std::abort();
    }
    server = std::move(*s);
    server->set_tick_period(tick);
    handler.server = server.get();
    thread_ = std::thread([this] { server->run(); });
  }
  ~TestServer() {
    server->stop();
    thread_.join();
  }

  ClientOptions client_options() const {
    ClientOptions o;
    o.host = address_;
    o.port = server->port();
    o.pinned_fingerprint = *crypto::certificate_fingerprint(test_certificate().cert_pem);
    o.connect_timeout = std::chrono::seconds(5);
    return o;
  }

  // on_io runs `fn` on the server's io thread and returns its result.
  template <class F>
  auto on_io(F fn) -> decltype(fn()) {
    std::promise<decltype(fn())> p;
    auto f = p.get_future();
    server->post([&] { p.set_value(fn()); });
    return f.get();
  }

  RecordingHandler handler;
  std::unique_ptr<Server> server;

 private:
  std::string address_;
  std::thread thread_;
};

inline std::unique_ptr<WsClient> connect_ok(const ClientOptions& o) {
  auto c = WsClient::connect(o);
  if (!c) {
    ADD_FAILURE() << "connect failed: " << to_string(c.error().code) << ": " << last_error_text();
    return nullptr;
  }
  return std::move(*c);
}

// receive_until_closed reads until the connection closes (true) or `timeout`.
inline bool receive_until_closed(WsClient& c, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    auto r = c.receive(std::chrono::milliseconds(50));
    if (!r) {
      return true;
    }
  }
  return false;
}

}  // namespace conclave::net::testing
