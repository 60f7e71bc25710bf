// TlsEngine: client and server engines talking through memory only.
#include "crypto/tls/tls_engine.h"

#include <gtest/gtest.h>

#include "crypto/tls/certificate.h"

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

}  // namespace
}  // namespace conclave::crypto
