// Server against real clients over TLS 1.3 on 127.0.0.1: limits, timeouts,
// HTTPS routing and the exception boundary.
#include "net/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <stdexcept>

#include "crypto/tls/tls_engine.h"
#include "net/client.h"
#include "net/tls_stream.h"
#include "tests/unit/net/net_test_util.h"

namespace conclave::net {
namespace {

using namespace std::chrono_literals;
using testing::connect_ok;
using testing::receive_until_closed;
using testing::TestServer;

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

Bytes pattern(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<uint8_t>(i * 31 + 7);
  }
  return b;
}

// verifies: REQ-NET-001
TEST(Server, echoes_binary_messages_over_tls13_including_one_mebibyte) {
  TestServer ts;
  auto c = connect_ok(ts.client_options());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(ts.handler.wait_opened(1));
  for (size_t size : {size_t{1}, size_t{5000}, size_t{1} << 20}) {
    const Bytes m = pattern(size);
    ASSERT_TRUE(c->send(m));
    auto r = c->receive(3s);
    ASSERT_TRUE(r.has_value()) << last_error_text();
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ(**r, m);
  }
  c->close();
  EXPECT_TRUE(ts.handler.wait_closed(1));
}

// verifies: REQ-NET-003
TEST(Server, closes_a_connection_whose_message_exceeds_the_read_limit) {
  ServerLimits limits;
  limits.max_message_bytes = 1024;
  TestServer ts(limits);
  auto c = connect_ok(ts.client_options());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->send(pattern(1024)));
  auto ok = c->receive(3s);
  ASSERT_TRUE(ok.has_value() && ok->has_value());
  ASSERT_TRUE(c->send(pattern(1025)));
  EXPECT_TRUE(receive_until_closed(*c, 3s));
  EXPECT_EQ(c->close_code(), std::optional<uint16_t>(kCloseTooBig));
  EXPECT_TRUE(ts.handler.wait_closed(1));
  EXPECT_EQ(ts.handler.messages(), 1);
}

// RawWs is a WebSocket client on the internal stream, for what WsClient will
// not do (text messages, never reading).
struct RawWs {
  explicit RawWs(const ClientOptions& o)
      : ws(tcp::socket(ioc),
           *crypto::TlsEngine::new_client(
               *crypto::TlsClientConfig::create_pinned(*o.pinned_fingerprint), o.host)) {
    ws.next_layer().next_layer().connect(tcp::endpoint(asio::ip::make_address(o.host), o.port));
    detail::error_code ec;
    ws.next_layer().async_handshake([&](detail::error_code e) { ec = e; });
    run();
    EXPECT_FALSE(ec) << ec.message();
    ws.async_handshake(o.host, "/v1/signal", [&](detail::error_code e) { ec = e; });
    run();
    EXPECT_FALSE(ec) << ec.message();
  }
  void run() {
    ioc.run_for(3s);
    ioc.restart();
  }
  asio::io_context ioc;
  websocket::stream<detail::TlsStream> ws;
};

// verifies: REQ-NET-003
TEST(Server, closes_a_connection_that_sends_a_text_message) {
  TestServer ts;
  RawWs raw(ts.client_options());
  raw.ws.text(true);
  detail::error_code ec;
  raw.ws.async_write(asio::buffer(std::string("hello")),
                     [&](detail::error_code e, size_t) { ec = e; });
  raw.run();
  ASSERT_FALSE(ec);
  boost::beast::flat_buffer buf;
  raw.ws.async_read(buf, [&](detail::error_code e, size_t) { ec = e; });
  raw.run();
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(raw.ws.reason().code, kCloseUnsupportedData);
  EXPECT_TRUE(ts.handler.wait_closed(1));
  EXPECT_EQ(ts.handler.messages(), 0);
}

// verifies: REQ-NET-006
TEST(Server, drops_a_websocket_that_sends_no_first_message_in_time) {
  ServerLimits limits;
  limits.first_message_timeout = 1s;
  TestServer ts(limits);
  auto c = connect_ok(ts.client_options());
  ASSERT_NE(c, nullptr);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(receive_until_closed(*c, 3s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
  // Silently: no close frame, so no close code.
  EXPECT_EQ(c->close_code(), std::nullopt);
  EXPECT_TRUE(ts.handler.wait_closed(1));
}

// verifies: REQ-NET-006
TEST(Server, drops_a_connection_that_never_starts_tls) {
  ServerLimits limits;
  limits.handshake_timeout = 1s;
  TestServer ts(limits);
  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), ts.server->port()));
  std::array<uint8_t, 16> buf{};
  detail::error_code ec;
  const auto start = std::chrono::steady_clock::now();
  s.read_some(asio::buffer(buf), ec);  // blocks until the server drops us
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

// verifies: REQ-NET-006
TEST(Server, drops_a_websocket_that_goes_idle_and_does_not_answer_pings) {
  ServerLimits limits;
  limits.idle_timeout = 1s;
  TestServer ts(limits);
  RawWs raw(ts.client_options());
  raw.ws.binary(true);
  detail::error_code ec;
  raw.ws.async_write(asio::buffer(std::string("x")), [&](detail::error_code e, size_t) { ec = e; });
  raw.run();
  ASSERT_FALSE(ec);
  // From here the peer neither sends nor reads, so the server's ping goes
  // unanswered.
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(ts.handler.wait_closed(1, 4s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 500ms);
}

// verifies: REQ-NET-004
TEST(Server, closes_a_flooding_client_with_4008_and_spares_the_others) {
  ServerLimits limits;
  limits.messages_per_second = 20;
  limits.message_burst = 20;
  TestServer ts(limits);
  auto flooder = connect_ok(ts.client_options());
  auto calm = connect_ok(ts.client_options());
  ASSERT_NE(flooder, nullptr);
  ASSERT_NE(calm, nullptr);
  for (int i = 0; i < 200; ++i) {
    if (!flooder->send(pattern(16))) {
      break;
    }
  }
  EXPECT_TRUE(receive_until_closed(*flooder, 3s));
  EXPECT_EQ(flooder->close_code(), std::optional<uint16_t>(kCloseRateLimited));
  EXPECT_EQ(flooder->close_reason(), "rate limit");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(calm->send(pattern(8)));
    auto r = calm->receive(3s);
    ASSERT_TRUE(r.has_value() && r->has_value());
  }
}

// verifies: REQ-NET-005
TEST(Server, closes_a_peer_that_does_not_read_and_spares_the_others) {
  ServerLimits limits;
  limits.close_timeout = 200ms;
  TestServer ts(limits, 10ms);
  auto slow = connect_ok(ts.client_options());
  auto reader = connect_ok(ts.client_options());
  ASSERT_NE(slow, nullptr);
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(ts.handler.wait_opened(2));
  // Every tick, 512 KiB to the slow peer, which never reads, and a little
  // to the reader: isolation, not throughput, is under test.
  const Bytes chunk = pattern(size_t{64} << 10);
  const Bytes small = pattern(size_t{1} << 10);
  std::atomic<bool> flood{true};
  const ConnectionId slow_id = ts.handler.opened()[0];
  const ConnectionId reader_id = ts.handler.opened()[1];
  // The hook is set and cleared on the io thread, which reads it.
  ts.on_io([&] {
    ts.handler.on_tick_hook = [&] {
      if (!flood) {
        return;
      }
      for (int i = 0; i < 8; ++i) {
        ts.server->send(slow_id, chunk);
      }
      ts.server->send(reader_id, small);
    };
    return 0;
  });
  size_t received = 0;
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (ts.handler.closed().empty() && std::chrono::steady_clock::now() < end) {
    auto r = reader->receive(10ms);
    ASSERT_TRUE(r.has_value()) << last_error_text();
    received += r->has_value() ? 1u : 0u;
  }
  flood = false;
  ts.on_io([&] {
    ts.handler.on_tick_hook = nullptr;
    return 0;
  });
  ASSERT_EQ(ts.handler.closed().size(), 1u);
  EXPECT_EQ(ts.handler.closed()[0], slow_id);
  EXPECT_GT(received, 0u);
  // The reader is still served.
  while (true) {
    auto r = reader->receive(200ms);
    ASSERT_TRUE(r.has_value());
    if (!r->has_value()) {
      break;
    }
  }
  ASSERT_TRUE(reader->send(pattern(3)));
  auto echo = reader->receive(3s);
  ASSERT_TRUE(echo.has_value() && echo->has_value());
  EXPECT_EQ(**echo, pattern(3));
}

// verifies: REQ-NET-008
TEST(Server, limits_connections_per_address) {
  ServerLimits limits;
  limits.max_connections_per_address = 2;
  TestServer ts(limits);
  auto a = connect_ok(ts.client_options());
  auto b = connect_ok(ts.client_options());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  auto third = WsClient::connect(ts.client_options());
  ASSERT_FALSE(third.has_value());
  EXPECT_EQ(third.error().code, Err::kNetwork);
  a->close();
  ASSERT_TRUE(ts.handler.wait_closed(1));
  auto again = connect_ok(ts.client_options());
  EXPECT_NE(again, nullptr);
}

// verifies: REQ-NET-008
TEST(Server, limits_connections_in_total) {
  ServerLimits limits;
  limits.max_connections = 1;
  TestServer ts(limits);
  auto a = connect_ok(ts.client_options());
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(WsClient::connect(ts.client_options()).has_value());
}

TEST(Server, routes_https_requests_to_on_http_with_their_body) {
  TestServer ts;
  const Bytes body = pattern(100000);
  auto r =
      https_request(ts.client_options(), "POST", "/v1/blobs/abc?x=1", {{"X-Test", "yes"}}, body);
  ASSERT_TRUE(r.has_value()) << last_error_text();
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->content_type, "application/octet-stream");
  const std::string prefix = "POST /v1/blobs/abc?x=1 yes 127.0.0.1 ";
  ASSERT_EQ(r->body.size(), prefix.size() + body.size());
  EXPECT_EQ(std::string(r->body.begin(), r->body.begin() + static_cast<ptrdiff_t>(prefix.size())),
            prefix);
  EXPECT_TRUE(std::equal(body.begin(), body.end(),
                         r->body.begin() + static_cast<ptrdiff_t>(prefix.size())));
  auto get = https_request(ts.client_options(), "GET", "/health", {}, {});
  ASSERT_TRUE(get.has_value()) << last_error_text();
  EXPECT_EQ(get->status, 200u);
}

// verifies: REQ-NET-003
TEST(Server, refuses_an_https_body_over_the_limit_with_413) {
  ServerLimits limits;
  limits.max_http_body_bytes = 1024;
  TestServer ts(limits);
  auto ok = https_request(ts.client_options(), "PUT", "/v1/blobs/a", {}, pattern(1024));
  ASSERT_TRUE(ok.has_value()) << last_error_text();
  EXPECT_EQ(ok->status, 200u);
  auto big = https_request(ts.client_options(), "PUT", "/v1/blobs/a", {}, pattern(4096));
  ASSERT_TRUE(big.has_value()) << last_error_text();
  EXPECT_EQ(big->status, 413u);
}

TEST(Server, answers_an_upgrade_on_another_path_with_404) {
  TestServer ts;
  auto c = WsClient::connect(ts.client_options(), "/elsewhere");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Err::kNetwork);
  EXPECT_NE(last_error_text().find("404"), std::string::npos) << last_error_text();
}

// verifies: REQ-NET-001
TEST(Server, refuses_a_client_that_offers_only_tls12) {
  TestServer ts;
  // A TLS 1.2 ClientHello (RFC 5246 §7.4.1.2), no supported_versions
  // extension, so TLS 1.2 is the highest version offered.
  Bytes hello_body = {0x03, 0x03};                   // client_version TLS 1.2
  hello_body.insert(hello_body.end(), 32, 0x42);     // random
  hello_body.push_back(0x00);                        // session_id <0..32>
  for (int b : {0x00, 0x04, 0xc0, 0x2b, 0xc0, 0x2f,  // cipher_suites: ECDHE-ECDSA/RSA-AES128-GCM
                0x01, 0x00,                          // compression_methods: null
                0x00, 0x16,                          // extensions length 22
                0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,     // supported_groups: P-256
                0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                 // ec_point_formats
                0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03}) {  // signature_algorithms
    hello_body.push_back(static_cast<uint8_t>(b));
  }
  Bytes record = {0x16, 0x03, 0x01, 0x00, 0x00,  // handshake record, length patched below
                  0x01, 0x00, 0x00, 0x00};       // ClientHello, length patched below
  record.insert(record.end(), hello_body.begin(), hello_body.end());
  const size_t hs_len = hello_body.size();
  record[6] = static_cast<uint8_t>(hs_len >> 16);
  record[7] = static_cast<uint8_t>(hs_len >> 8);
  record[8] = static_cast<uint8_t>(hs_len);
  record[3] = static_cast<uint8_t>((hs_len + 4) >> 8);
  record[4] = static_cast<uint8_t>(hs_len + 4);

  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), ts.server->port()));
  asio::write(s, asio::buffer(record));
  std::array<uint8_t, 7> alert{};
  detail::error_code ec;
  asio::read(s, asio::buffer(alert), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(alert[0], 0x15);  // alert record
  EXPECT_EQ(alert[5], 2);     // fatal
  EXPECT_EQ(alert[6], 70);    // protocol_version (RFC 8446 §6.2)
  EXPECT_TRUE(ts.handler.opened().empty());
}

// verifies: REQ-NET-007
TEST(Server, a_throwing_handler_ends_only_its_connection) {
  TestServer ts;
  ts.handler.on_message_hook = [&](ConnectionId id, ByteView m) {
    if (!m.empty() && m[0] == 0xff) {
      throw std::runtime_error("handler bug");
    }
    ts.server->send(id, to_bytes(m));
  };
  auto bad = connect_ok(ts.client_options());
  auto good = connect_ok(ts.client_options());
  ASSERT_NE(bad, nullptr);
  ASSERT_NE(good, nullptr);
  ASSERT_TRUE(bad->send(Bytes{0xff}));
  EXPECT_TRUE(receive_until_closed(*bad, 3s));
  EXPECT_TRUE(ts.handler.wait_closed(1));
  ASSERT_TRUE(good->send(Bytes{1, 2}));
  auto r = good->receive(3s);
  ASSERT_TRUE(r.has_value() && r->has_value());
}

TEST(Server, close_sends_queued_messages_then_the_close_code_and_reason) {
  TestServer ts;
  ts.handler.on_message_hook = [&](ConnectionId id, ByteView) {
    ts.server->send(id, Bytes{1});
    ts.server->send(id, Bytes{2});
    ts.server->close(id, 4003, "excluded");
    ts.server->send(id, Bytes{3});  // ignored: closing
  };
  auto c = connect_ok(ts.client_options());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->send(Bytes{0}));
  auto first = c->receive(3s);
  auto second = c->receive(3s);
  ASSERT_TRUE(first.has_value() && first->has_value());
  ASSERT_TRUE(second.has_value() && second->has_value());
  EXPECT_EQ(**first, Bytes{1});
  EXPECT_EQ(**second, Bytes{2});
  auto end = c->receive(3s);
  ASSERT_FALSE(end.has_value());
  EXPECT_EQ(end.error().code, Err::kConnectionClosed);
  EXPECT_EQ(last_error_text(), "closed by server: 4003 excluded");
  EXPECT_EQ(c->close_code(), std::optional<uint16_t>(4003));
  EXPECT_TRUE(ts.handler.wait_closed(1));
  EXPECT_EQ(ts.handler.closed().size(), 1u);
}

TEST(Server, exports_the_same_keying_material_as_the_client) {
  TestServer ts;
  auto c = connect_ok(ts.client_options());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(ts.handler.wait_opened(1));
  const ConnectionId id = ts.handler.opened()[0];
  const Bytes context = {1, 2, 3};
  auto client_key = c->export_keying_material("EXPORTER-conclave-test", context, 32);
  auto server_key = ts.on_io(
      [&] { return ts.server->export_keying_material(id, "EXPORTER-conclave-test", context, 32); });
  ASSERT_TRUE(client_key.has_value());
  ASSERT_TRUE(server_key.has_value());
  EXPECT_EQ(client_key->size(), 32u);
  EXPECT_TRUE(client_key->ct_equal(*server_key));
  auto other = c->export_keying_material("EXPORTER-conclave-other", context, 32);
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->ct_equal(*client_key));
  EXPECT_FALSE(
      ts.on_io([&] { return ts.server->export_keying_material(999, "x", {}, 32); }).has_value());
}

TEST(Server, several_listeners_run_side_by_side) {
  TestServer a;
  TestServer b;
  EXPECT_NE(a.server->port(), b.server->port());
  auto ca = connect_ok(a.client_options());
  auto cb = connect_ok(b.client_options());
  ASSERT_NE(ca, nullptr);
  ASSERT_NE(cb, nullptr);
  ASSERT_TRUE(ca->send(Bytes{1}));
  ASSERT_TRUE(cb->send(Bytes{2}));
  auto ra = ca->receive(3s);
  auto rb = cb->receive(3s);
  ASSERT_TRUE(ra.has_value() && ra->has_value());
  ASSERT_TRUE(rb.has_value() && rb->has_value());
  EXPECT_EQ(**ra, Bytes{1});
  EXPECT_EQ(**rb, Bytes{2});
}

TEST(Server, listen_names_the_address_it_could_not_bind) {
  TestServer ts;
  testing::RecordingHandler handler;
  ListenOptions options;
  options.port = ts.server->port();
  options.cert_pem = testing::test_certificate().cert_pem;
  options.key_pem = testing::test_certificate().key_pem.clone();
  auto s = Server::listen(std::move(options), handler);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, Err::kNetwork);
  EXPECT_NE(last_error_text().find("127.0.0.1:" + std::to_string(ts.server->port())),
            std::string::npos)
      << last_error_text();
}

}  // namespace
}  // namespace conclave::net
