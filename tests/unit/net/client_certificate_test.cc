// Client certificates over real TLS 1.3 on 127.0.0.1: a listener with an
// organisation CA asks every client for a certificate, accepts clients
// without one, reports a verified device certificate to the layers above
// and refuses a certificate of any other CA.
#include <gtest/gtest.h>

#include <chrono>

#include "crypto/tls/device_certificate.h"
#include "net/client.h"
#include "net/server.h"
#include "tests/unit/net/net_test_util.h"

namespace conclave::net {
namespace {

using namespace std::chrono_literals;
using testing::connect_ok;
using testing::TestServer;

const crypto::CertificateAndKey& org_ca() {
  static const crypto::CertificateAndKey ca = *crypto::generate_org_ca("Net Test Org", 1);
  return ca;
}

uint64_t unix_now() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

struct Device {
  std::string cert_pem;
  std::shared_ptr<const SecretBytes> key_pem;
  Bytes der;
};

Device device_of(const crypto::CertificateAndKey& ca, std::string_view account) {
  crypto::DeviceRequest request = *crypto::generate_device_request(account);
  auto issued = crypto::issue_device_certificate(ca.cert_pem, ca.key_pem, request.csr_pem, account,
                                                 1, unix_now());
  EXPECT_TRUE(issued.has_value());
  Device d;
  d.cert_pem = issued->cert_pem;
  d.key_pem = std::make_shared<const SecretBytes>(std::move(request.key_pem));
  d.der = *crypto::certificate_der(d.cert_pem);
  return d;
}

ClientOptions with_device(ClientOptions o, const Device& d) {
  o.client_cert_pem = d.cert_pem;
  o.client_key_pem = d.key_pem;
  return o;
}

// CaServer is a TestServer whose listener has the organisation CA, and
// whose HTTP answer is the DER of the request's client certificate.
struct CaServer : TestServer {
  CaServer() : TestServer({}, 200ms, "127.0.0.1", org_ca().cert_pem) {
    handler.on_http_hook = [](const HttpRequest& request) {
      return HttpResponse{200, "application/octet-stream",
                          request.peer_certificate_der.value_or(Bytes{})};
    };
  }
};

// verifies: REQ-NET-009
TEST(ClientCertificate, client_without_certificate_connects_and_has_none) {
  CaServer ts;
  auto c = connect_ok(ts.client_options());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(ts.handler.wait_opened(1));
  const ConnectionId id = ts.handler.opened()[0];
  EXPECT_FALSE(ts.on_io([&] { return ts.server->peer_certificate(id); }).has_value());
  auto r = https_request(ts.client_options(), "GET", "/who", {}, {});
  ASSERT_TRUE(r.has_value()) << last_error_text();
  EXPECT_EQ(r->status, 200u);
  EXPECT_TRUE(r->body.empty());
}

// verifies: REQ-NET-009
TEST(ClientCertificate, server_sees_the_verified_device_certificate) {
  CaServer ts;
  const Device d = device_of(org_ca(), "alice");
  auto c = connect_ok(with_device(ts.client_options(), d));
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(ts.handler.wait_opened(1));
  const ConnectionId id = ts.handler.opened()[0];
  EXPECT_EQ(ts.on_io([&] { return ts.server->peer_certificate(id); }), d.der);
  // The session works as any other.
  ASSERT_TRUE(c->send(as_bytes("ping")).has_value());
  auto echo = c->receive(3s);
  ASSERT_TRUE(echo.has_value() && echo->has_value());
  EXPECT_EQ(**echo, to_bytes(as_bytes("ping")));
  // The same device over HTTPS: the handler sees its certificate.
  auto r = https_request(with_device(ts.client_options(), d), "GET", "/who", {}, {});
  ASSERT_TRUE(r.has_value()) << last_error_text();
  EXPECT_EQ(r->body, d.der);
}

// verifies: REQ-NET-009
TEST(ClientCertificate, certificate_of_another_ca_fails_with_a_clear_error) {
  CaServer ts;
  const crypto::CertificateAndKey other = *crypto::generate_org_ca("Other Org", 1);
  const ClientOptions o = with_device(ts.client_options(), device_of(other, "alice"));
  auto c = WsClient::connect(o);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Err::kAuthFailed);
  const std::string text = last_error_text();
  EXPECT_NE(text.find("refused our client certificate"), std::string::npos) << text;
  auto r = https_request(o, "GET", "/who", {}, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kAuthFailed);
  // Nothing reached the handler.
  EXPECT_TRUE(ts.handler.opened().empty());
}

TEST(ClientCertificate, listener_without_ca_reports_no_certificate) {
  TestServer ts;
  auto c = connect_ok(with_device(ts.client_options(), device_of(org_ca(), "alice")));
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(ts.handler.wait_opened(1));
  const ConnectionId id = ts.handler.opened()[0];
  EXPECT_FALSE(ts.on_io([&] { return ts.server->peer_certificate(id); }).has_value());
}

TEST(ClientCertificate, options_need_both_certificate_and_key_and_a_usable_ca) {
  TestServer ts;
  ClientOptions o = ts.client_options();
  o.client_cert_pem = device_of(org_ca(), "alice").cert_pem;
  EXPECT_EQ(WsClient::connect(o).error().code, Err::kInvalidArgument);
  ListenOptions bad;
  bad.cert_pem = testing::test_certificate().cert_pem;
  bad.key_pem = testing::test_certificate().key_pem.clone();
  bad.client_ca_pem = testing::test_certificate().cert_pem;  // not a CA
  EXPECT_FALSE(Server::listen(std::move(bad), ts.handler).has_value());
}

}  // namespace
}  // namespace conclave::net
