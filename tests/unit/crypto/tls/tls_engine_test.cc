// TlsEngine: client and server engines talking through memory only.
#include "crypto/tls/tls_engine.h"

#include <gtest/gtest.h>

#include <chrono>

#include "crypto/tls/certificate.h"
#include "crypto/tls/device_certificate.h"

namespace conclave::crypto {
namespace {

const CertificateAndKey& cert() {
  static const CertificateAndKey c = *generate_self_signed("engine-test", {}, 1);
  return c;
}

struct Pair {
  std::unique_ptr<TlsEngine> client;
  std::unique_ptr<TlsEngine> server;

  // shuttle moves output both ways until neither side has any.
  void shuttle() {
    while (client->has_output() || server->has_output()) {
      if (client->has_output()) {
        server->put_input(client->take_output());
      }
      if (server->has_output()) {
        client->put_input(server->take_output());
      }
    }
  }

  // handshake runs both sides to the end: the client's error, or success.
  Result<void> handshake() {
    for (int round = 0; round < 10; ++round) {
      auto c = client->handshake();
      if (!c) {
        return c.error();
      }
      auto s = server->handshake();
      shuttle();
      if (!s) {
        // The client learns of it from the alert on its next step.
        continue;
      }
      if (*c == TlsEngine::Status::kDone && *s == TlsEngine::Status::kDone) {
        return {};
      }
    }
    return Error(Err::kNetwork, "handshake did not finish");
  }
};

Pair new_pair(std::shared_ptr<const TlsClientConfig> client_config,
              std::string_view host = "127.0.0.1") {
  auto server_config = TlsServerConfig::create(cert().cert_pem, cert().key_pem);
  EXPECT_TRUE(server_config.has_value());
  return Pair{*TlsEngine::new_client(std::move(client_config), host),
              *TlsEngine::new_server(std::move(*server_config))};
}

// verifies: REQ-NET-001
TEST(TlsEngine, pinned_client_and_server_exchange_data_and_export_equal_keys) {
  Pair p = new_pair(*TlsClientConfig::create_pinned(*certificate_fingerprint(cert().cert_pem)));
  ASSERT_TRUE(p.handshake().has_value()) << p.client->failure_text();
  ASSERT_TRUE(p.client->write(as_bytes("ping")).has_value());
  p.shuttle();
  std::array<uint8_t, 16> buf{};
  auto n = p.server->read(buf);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(*n)), "ping");
  EXPECT_EQ(*p.server->read(buf), 0u);  // nothing more: wants input

  auto a = p.client->export_keying_material("EXPORTER-test", as_bytes("ctx"), 32);
  auto b = p.server->export_keying_material("EXPORTER-test", as_bytes("ctx"), 32);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_TRUE(a->ct_equal(*b));
  EXPECT_EQ(*p.client->peer_certificate_fingerprint(), *certificate_fingerprint(cert().cert_pem));

  p.client->close_notify();
  p.shuttle();
  auto closed = p.server->read(buf);
  ASSERT_FALSE(closed.has_value());
  EXPECT_EQ(closed.error().code, Err::kConnectionClosed);
}

// verifies: REQ-NET-002
TEST(TlsEngine, pin_mismatch_fails_with_auth_failed_and_names_both_fingerprints) {
  Bytes pin = *certificate_fingerprint(cert().cert_pem);
  pin[31] ^= 0x80;
  Pair p = new_pair(*TlsClientConfig::create_pinned(pin));
  auto r = p.handshake();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kAuthFailed);
  EXPECT_NE(p.client->failure_text().find(fingerprint_hex(pin)), std::string::npos);
  EXPECT_NE(
      p.client->failure_text().find(fingerprint_hex(*certificate_fingerprint(cert().cert_pem))),
      std::string::npos);
}

// verifies: REQ-NET-002
TEST(TlsEngine, ca_client_checks_the_host_name) {
  auto ok = new_pair(*TlsClientConfig::create_with_ca(cert().cert_pem), "localhost");
  EXPECT_TRUE(ok.handshake().has_value()) << ok.client->failure_text();
  auto wrong = new_pair(*TlsClientConfig::create_with_ca(cert().cert_pem), "example.org");
  auto r = wrong.handshake();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kAuthFailed);
}

TEST(TlsEngine, server_config_rejects_a_key_of_another_certificate) {
  auto other = generate_self_signed("other", {}, 1);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(TlsServerConfig::create(cert().cert_pem, other->key_pem).error().code,
            Err::kInvalidPrivateKey);
  EXPECT_EQ(TlsServerConfig::create("", cert().key_pem).error().code, Err::kDecode);
}

TEST(TlsEngine, refuses_application_data_and_export_before_the_handshake) {
  Pair p = new_pair(*TlsClientConfig::create_pinned(*certificate_fingerprint(cert().cert_pem)));
  EXPECT_EQ(p.client->write(as_bytes("x")).error().code, Err::kUsage);
  EXPECT_EQ(p.client->export_keying_material("l", {}, 32).error().code, Err::kUsage);
}

TEST(TlsEngine, garbage_from_the_peer_is_a_network_error) {
  Pair p = new_pair(*TlsClientConfig::create_pinned(*certificate_fingerprint(cert().cert_pem)));
  p.server->put_input(as_bytes("GET / HTTP/1.1\r\n\r\n"));
  auto r = p.server->handshake();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kNetwork);
  EXPECT_FALSE(p.server->failure_text().empty());
}

// Client certificates (the secret profile): a server with an organisation CA.

const CertificateAndKey& org_ca() {
  static const CertificateAndKey c = *generate_org_ca("Engine Org", 1);
  return c;
}

uint64_t unix_now() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// device_of makes a device key and has `ca` certify it for `account`.
ClientCertificate device_of(const CertificateAndKey& ca, std::string_view account) {
  DeviceRequest request = *generate_device_request(account);
  auto issued =
      issue_device_certificate(ca.cert_pem, ca.key_pem, request.csr_pem, account, 1, unix_now());
  EXPECT_TRUE(issued.has_value());
  return ClientCertificate{issued->cert_pem, std::move(request.key_pem)};
}

Pair new_ca_pair(std::optional<ClientCertificate> device) {
  auto server_config =
      TlsServerConfig::create(cert().cert_pem, cert().key_pem, std::string_view(org_ca().cert_pem));
  EXPECT_TRUE(server_config.has_value());
  auto client_config =
      TlsClientConfig::create_pinned(*certificate_fingerprint(cert().cert_pem), std::move(device));
  EXPECT_TRUE(client_config.has_value());
  return Pair{*TlsEngine::new_client(std::move(*client_config), "127.0.0.1"),
              *TlsEngine::new_server(std::move(*server_config))};
}

// verifies: REQ-NET-009
TEST(TlsEngine, server_with_client_ca_accepts_a_client_without_certificate) {
  Pair p = new_ca_pair(std::nullopt);
  ASSERT_TRUE(p.handshake().has_value()) << p.client->failure_text();
  EXPECT_TRUE(p.server->handshake_done());
  EXPECT_FALSE(p.server->peer_certificate_der().has_value());
}

// verifies: REQ-NET-009
TEST(TlsEngine, server_with_client_ca_reports_the_verified_device_certificate) {
  ClientCertificate device = device_of(org_ca(), "alice");
  const Bytes der = *certificate_der(device.cert_pem);
  Pair p = new_ca_pair(std::move(device));
  EXPECT_FALSE(p.server->peer_certificate_der().has_value());
  ASSERT_TRUE(p.handshake().has_value()) << p.client->failure_text();
  ASSERT_TRUE(p.server->handshake_done()) << p.server->failure_text();
  EXPECT_EQ(p.server->peer_certificate_der(), der);
  EXPECT_FALSE(p.client->peer_certificate_der().has_value());
  ASSERT_TRUE(p.client->write(as_bytes("hi")).has_value());
  p.shuttle();
  std::array<uint8_t, 4> buf{};
  EXPECT_EQ(*p.server->read(buf), 2u);
}

// verifies: REQ-NET-009
TEST(TlsEngine, server_with_client_ca_refuses_a_certificate_of_another_ca) {
  const CertificateAndKey other = *generate_org_ca("Other Org", 1);
  Pair p = new_ca_pair(device_of(other, "alice"));
  // TLS 1.3: the client is done before the server has seen its certificate.
  std::optional<Error> server_error;
  for (int round = 0; round < 10 && !server_error; ++round) {
    (void)p.client->handshake();
    auto s = p.server->handshake();
    if (!s) {
      server_error = s.error();
    }
    p.shuttle();
  }
  ASSERT_TRUE(server_error.has_value());
  EXPECT_EQ(server_error->code, Err::kAuthFailed);
  EXPECT_NE(p.server->failure_text().find("client certificate rejected"), std::string::npos)
      << p.server->failure_text();
  EXPECT_FALSE(p.server->peer_certificate_der().has_value());
  std::array<uint8_t, 4> buf{};
  auto r = p.client->read(buf);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kAuthFailed);
  EXPECT_NE(p.client->failure_text().find("refused our client certificate"), std::string::npos)
      << p.client->failure_text();
}

TEST(TlsEngine, server_without_client_ca_ignores_client_certificates) {
  auto client_config = TlsClientConfig::create_pinned(*certificate_fingerprint(cert().cert_pem),
                                                      device_of(org_ca(), "alice"));
  ASSERT_TRUE(client_config.has_value());
  Pair p = new_pair(std::move(*client_config));
  ASSERT_TRUE(p.handshake().has_value()) << p.client->failure_text();
  EXPECT_FALSE(p.server->peer_certificate_der().has_value());
}

TEST(TlsEngine, client_certificate_settings_are_checked_when_configured) {
  EXPECT_EQ(
      TlsServerConfig::create(cert().cert_pem, cert().key_pem, std::string_view("")).error().code,
      Err::kDecode);
  EXPECT_EQ(
      TlsServerConfig::create(cert().cert_pem, cert().key_pem, std::string_view(cert().cert_pem))
          .error()
          .code,
      Err::kInvalidArgument);
  ClientCertificate mismatched = device_of(org_ca(), "alice");
  mismatched.key_pem = org_ca().key_pem.clone();
  EXPECT_EQ(TlsClientConfig::create_with_ca(cert().cert_pem, std::move(mismatched)).error().code,
            Err::kInvalidPrivateKey);
}

}  // namespace
}  // namespace conclave::crypto
