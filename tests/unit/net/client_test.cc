// WsClient and https_request: server authentication and error reporting.
#include "net/client.h"

#include <gtest/gtest.h>

#include "crypto/tls/certificate.h"
#include "tests/unit/net/net_test_util.h"

namespace conclave::net {
namespace {

using namespace std::chrono_literals;
using testing::connect_ok;
using testing::TestServer;

// verifies: REQ-NET-002
TEST(WsClient, refuses_a_server_whose_certificate_does_not_match_the_pin) {
  TestServer ts;
  ClientOptions o = ts.client_options();
  Bytes wrong = *o.pinned_fingerprint;
  wrong[0] ^= 0x01;
  o.pinned_fingerprint = wrong;
  auto c = WsClient::connect(o);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Err::kAuthFailed);
  const std::string text = last_error_text();
  EXPECT_NE(text.find(crypto::fingerprint_hex(wrong)), std::string::npos) << text;
  EXPECT_NE(text.find(crypto::fingerprint_hex(*ts.client_options().pinned_fingerprint)),
            std::string::npos)
      << text;
  EXPECT_TRUE(ts.handler.opened().empty());
  // The same for a single HTTPS request.
  auto r = https_request(o, "GET", "/", {}, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kAuthFailed);
}

// verifies: REQ-NET-002
TEST(WsClient, verifies_the_server_against_a_ca_certificate_and_host_name) {
  TestServer ts;
  ClientOptions o = ts.client_options();
  o.pinned_fingerprint.reset();
  o.ca_pem = testing::test_certificate().cert_pem;  // self-signed: its own CA
  auto c = connect_ok(o);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->send(Bytes{7}));
  auto r = c->receive(3s);
  ASSERT_TRUE(r.has_value() && r->has_value());
}

// verifies: REQ-NET-002
TEST(WsClient, refuses_a_server_not_issued_by_the_given_ca) {
  TestServer ts;
  auto other = crypto::generate_self_signed("someone-else", {}, 1);
  ASSERT_TRUE(other.has_value());
  ClientOptions o = ts.client_options();
  o.pinned_fingerprint.reset();
  o.ca_pem = other->cert_pem;
  auto c = WsClient::connect(o);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Err::kAuthFailed);
  EXPECT_NE(last_error_text().find("CA"), std::string::npos) << last_error_text();
}

// verifies: REQ-NET-002
TEST(WsClient, refuses_a_ca_issued_certificate_for_another_host) {
  // 127.0.0.2 is loopback too, but the certificate names only 127.0.0.1.
  TestServer ts({}, std::chrono::milliseconds(200), "127.0.0.2");
  ClientOptions o = ts.client_options();
  o.pinned_fingerprint.reset();
  o.ca_pem = testing::test_certificate().cert_pem;
  auto c = WsClient::connect(o);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Err::kAuthFailed);
}

TEST(WsClient, needs_exactly_one_way_to_authenticate_the_server) {
  TestServer ts;
  ClientOptions both = ts.client_options();
  both.ca_pem = testing::test_certificate().cert_pem;
  EXPECT_EQ(WsClient::connect(both).error().code, Err::kInvalidArgument);
  ClientOptions neither = ts.client_options();
  neither.pinned_fingerprint.reset();
  EXPECT_EQ(WsClient::connect(neither).error().code, Err::kInvalidArgument);
  ClientOptions short_pin = ts.client_options();
  short_pin.pinned_fingerprint = Bytes(16, 0);
  EXPECT_EQ(WsClient::connect(short_pin).error().code, Err::kInvalidArgument);
}

TEST(WsClient, reports_a_refused_connection_with_the_address) {
  uint16_t port = 0;
  {
    TestServer ts;
    port = ts.server->port();
  }
  ClientOptions o;
  o.port = port;
  o.pinned_fingerprint = Bytes(32, 0);
  auto c = WsClient::connect(o);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Err::kNetwork);
  EXPECT_NE(last_error_text().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << last_error_text();
}

TEST(WsClient, send_and_receive_fail_after_close) {
  TestServer ts;
  auto c = connect_ok(ts.client_options());
  ASSERT_NE(c, nullptr);
  c->close();
  EXPECT_FALSE(c->send(Bytes{1}).has_value());
  auto r = c->receive(100ms);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kConnectionClosed);
  c->close();  // idempotent
  EXPECT_TRUE(ts.handler.wait_closed(1));
}

TEST(WsClient, receive_times_out_with_nullopt) {
  TestServer ts;
  auto c = connect_ok(ts.client_options());
  ASSERT_NE(c, nullptr);
  auto r = c->receive(50ms);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_value());
}

}  // namespace
}  // namespace conclave::net
