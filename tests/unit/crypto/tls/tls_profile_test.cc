// The TLS 1.3 profile of the engine (REQ-NET-010, finding V-01): the server
// engine on a loopback socket against `openssl s_client` restricted to one
// cipher suite or group, and the groups our own client offers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/reader.h"
#include "crypto/tls/certificate.h"
#include "crypto/tls/tls_engine.h"

namespace conclave::crypto {
namespace {

const CertificateAndKey& cert() {
  static const CertificateAndKey c = *generate_self_signed("profile-test", {}, 1);
  return c;
}

// Fd closes a socket when it goes out of scope.
struct Fd {
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) {
      close(fd);
    }
  }
  int fd;
};

// handshake_with_openssl runs one server-engine handshake against
// `openssl s_client <args>` over a loopback TCP connection and returns the
// server's result: its error when it refused the client.
Result<void> handshake_with_openssl(const std::string& args) {
  Fd listener(socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t addr_len = sizeof(addr);
  if (listener.fd < 0 || bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), addr_len) != 0 ||
      listen(listener.fd, 1) != 0 ||
      getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) {
    return Error(Err::kUsage, "loopback listener failed");
  }
  const std::string cmd =
      "timeout 30 openssl s_client -connect 127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) +
      " -tls1_3 " + args + " </dev/null >/dev/null 2>&1 &";
  if (std::system(cmd.c_str()) != 0) {
    return Error(Err::kUsage, "could not start openssl s_client");
  }
  pollfd pl{listener.fd, POLLIN, 0};
  if (poll(&pl, 1, 20000) != 1) {
    return Error(Err::kUsage, "openssl s_client did not connect");
  }
  Fd conn(accept(listener.fd, nullptr, nullptr));
  auto config = TlsServerConfig::create(cert().cert_pem, cert().key_pem);
  if (conn.fd < 0 || !config) {
    return Error(Err::kUsage, "accept or server configuration failed");
  }
  auto server = TlsEngine::new_server(std::move(*config));
  if (!server) {
    return server.error();
  }
  for (;;) {
    auto status = (*server)->handshake();
    const Bytes out = (*server)->take_output();
    if (!out.empty() && send(conn.fd, out.data(), out.size(), MSG_NOSIGNAL) < 0) {
      return Error(Err::kUsage, "send failed");
    }
    if (!status) {
      return status.error();
    }
    if (*status == TlsEngine::Status::kDone) {
      return {};
    }
    pollfd pc{conn.fd, POLLIN, 0};
    std::array<uint8_t, 4096> buf{};
    const ssize_t n = poll(&pc, 1, 20000) == 1 ? recv(conn.fd, buf.data(), buf.size(), 0) : -1;
    if (n <= 0) {
      return Error(Err::kUsage, "openssl s_client went away");
    }
    (*server)->put_input(ByteView(buf.data(), static_cast<size_t>(n)));
  }
}

// verifies: REQ-NET-010
TEST(TlsProfile, server_accepts_openssl_defaults_and_each_profile_suite_and_group) {
  EXPECT_TRUE(handshake_with_openssl("").has_value());
  EXPECT_TRUE(handshake_with_openssl("-ciphersuites TLS_AES_128_GCM_SHA256").has_value());
  EXPECT_TRUE(handshake_with_openssl("-ciphersuites TLS_AES_256_GCM_SHA384").has_value());
  EXPECT_TRUE(handshake_with_openssl("-groups P-256").has_value());
  EXPECT_TRUE(handshake_with_openssl("-groups X25519").has_value());
}

// verifies: REQ-NET-010
TEST(TlsProfile, server_refuses_a_client_offering_only_chacha20_poly1305) {
  auto r = handshake_with_openssl("-ciphersuites TLS_CHACHA20_POLY1305_SHA256");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kNetwork);
}

// verifies: REQ-NET-010
TEST(TlsProfile, server_refuses_a_client_preferring_chacha20_poly1305) {
  auto r =
      handshake_with_openssl("-ciphersuites TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kNetwork);
}

// verifies: REQ-NET-010
TEST(TlsProfile, server_refuses_a_client_offering_only_p384) {
  auto r = handshake_with_openssl("-groups P-384");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kNetwork);
}

// prefixed reads an opaque vector with a `len_bytes`-byte length prefix.
bool prefixed(Reader& r, int len_bytes, ByteView* out) {
  uint8_t n8 = 0;
  uint16_t n16 = 0;
  if (len_bytes == 1) {
    return r.u8(&n8) && r.bytes(n8, out);
  }
  return r.u16(&n16) && r.bytes(n16, out);
}

// supported_groups lists the NamedGroups of the supported_groups extension
// (RFC 8446 §4.2.7) in a ClientHello record:
//   struct { ContentType type; ProtocolVersion version; uint16 length; } (record)
//   struct { HandshakeType msg_type; uint24 length; ... } (handshake)
//   struct { ProtocolVersion legacy_version; Random random;
//            opaque legacy_session_id<0..32>;
//            CipherSuite cipher_suites<2..2^16-2>;
//            opaque legacy_compression_methods<1..2^8-1>;
//            Extension extensions<8..2^16-1>; } ClientHello;
std::vector<uint16_t> supported_groups(const Bytes& record) {
  Reader r(record);
  ByteView skip;
  ByteView extensions;
  uint8_t type = 0;
  uint8_t msg_type = 0;
  EXPECT_TRUE(r.u8(&type) && type == 22 && r.bytes(4, &skip) && r.u8(&msg_type) && msg_type == 1 &&
              r.bytes(3 + 2 + 32, &skip) && prefixed(r, 1, &skip) && prefixed(r, 2, &skip) &&
              prefixed(r, 1, &skip) && prefixed(r, 2, &extensions));
  Reader ext(extensions);
  std::vector<uint16_t> groups;
  uint16_t ext_type = 0;
  ByteView body;
  while (ext.u16(&ext_type) && prefixed(ext, 2, &body)) {
    if (ext_type != 0x000a) {
      continue;
    }
    Reader g(body);
    ByteView list;
    EXPECT_TRUE(prefixed(g, 2, &list));
    Reader l(list);
    uint16_t group = 0;
    while (l.u16(&group)) {
      groups.push_back(group);
    }
  }
  return groups;
}

// verifies: REQ-NET-010
TEST(TlsProfile, client_offers_only_p256_then_x25519) {
  auto config = TlsClientConfig::create_pinned(*certificate_fingerprint(cert().cert_pem));
  ASSERT_TRUE(config.has_value());
  auto client = TlsEngine::new_client(std::move(*config), "127.0.0.1");
  ASSERT_TRUE(client.has_value());
  auto status = (*client)->handshake();
  ASSERT_TRUE(status.has_value());
  ASSERT_EQ(*status, TlsEngine::Status::kWantInput);
  // secp256r1 (23) then x25519 (29).
  EXPECT_EQ(supported_groups((*client)->take_output()), (std::vector<uint16_t>{0x0017, 0x001d}));
}

}  // namespace
}  // namespace conclave::crypto
