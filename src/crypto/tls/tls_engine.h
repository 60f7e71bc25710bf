// TlsEngine: a TLS 1.3 connection as a byte-in, byte-out state machine.
//
// Why an engine and not boost::asio::ssl::stream: the cryptographic boundary
// is this folder (REQ-CRYPTO-001), and an engine over BoringSSL memory BIOs
// needs neither sockets nor Boost here, nor BoringSSL in src/net. src/net
// moves the bytes (net/tls_stream.h, an Asio stream that Beast runs over);
// this unit owns every TLS decision: version, cipher suites, certificate
// verification, keying-material export. No BoringSSL type crosses this header.
//
// An engine is not thread-safe; its owner serialises every call.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::crypto {

// ClientCertificate is what a client presents when the server asks for a
// certificate: a PEM chain (its device certificate first) and the PEM
// private key of the first certificate.
struct ClientCertificate {
  std::string cert_pem;
  SecretBytes key_pem;
};

// TlsServerConfig is the shared, immutable configuration of a TLS 1.3 server:
// its certificate chain and private key and, optionally, the organisation CA
// that client certificates are verified against.
class TlsServerConfig {
 public:
  // create checks that `key_pem` is the private key of the first certificate
  // of `cert_pem`. kDecode / kInvalidPrivateKey / kInvalidArgument otherwise.
  //
  // With `client_ca_pem` (the organisation CA, PEM), every handshake asks for
  // a client certificate without requiring one, because meetings of other
  // profiles share the listener. A client that presents one must present a
  // device certificate of that CA (verify_device_certificate in
  // crypto/tls/device_certificate.h, at the time of the handshake) or the
  // handshake fails. kDecode if `client_ca_pem` holds no certificate,
  // kInvalidArgument if it is not a CA certificate.
  static Result<std::shared_ptr<const TlsServerConfig>> create(
      std::string_view cert_pem, const SecretBytes& key_pem,
      std::optional<std::string_view> client_ca_pem = std::nullopt);
  ~TlsServerConfig();
  TlsServerConfig(const TlsServerConfig&) = delete;
  TlsServerConfig& operator=(const TlsServerConfig&) = delete;

  struct Impl;
  explicit TlsServerConfig(std::unique_ptr<Impl> impl);
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// TlsClientConfig says how a client authenticates the server: by the SHA-256
// fingerprint of its certificate (pinning, for self-signed servers), or by a
// chain to a CA certificate plus the host name. With `client_certificate`
// the client presents that certificate when the server asks for one
// (kDecode / kInvalidPrivateKey if it is not a certificate and its key).
class TlsClientConfig {
 public:
  static Result<std::shared_ptr<const TlsClientConfig>> create_pinned(
      ByteView sha256_fingerprint,
      std::optional<ClientCertificate> client_certificate = std::nullopt);
  static Result<std::shared_ptr<const TlsClientConfig>> create_with_ca(
      std::string_view ca_pem, std::optional<ClientCertificate> client_certificate = std::nullopt);
  ~TlsClientConfig();
  TlsClientConfig(const TlsClientConfig&) = delete;
  TlsClientConfig& operator=(const TlsClientConfig&) = delete;

  struct Impl;
  explicit TlsClientConfig(std::unique_ptr<Impl> impl);
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// TlsEngine drives one TLS 1.3 connection. Ciphertext from the peer goes in
// through put_input; ciphertext for the peer comes out through take_output,
// which the owner sends in order after every call.
class TlsEngine {
 public:
  enum class Status {
    kDone,       // the operation completed
    kWantInput,  // more ciphertext from the peer is needed first
  };

  static Result<std::unique_ptr<TlsEngine>> new_server(
      std::shared_ptr<const TlsServerConfig> config);
  // new_client verifies the server as `config` says; with a CA, `host` (a DNS
  // name or an IP literal) must be in the certificate.
  static Result<std::unique_ptr<TlsEngine>> new_client(
      std::shared_ptr<const TlsClientConfig> config, std::string_view host);
  ~TlsEngine();
  TlsEngine(const TlsEngine&) = delete;
  TlsEngine& operator=(const TlsEngine&) = delete;

  // handshake advances the handshake. kAuthFailed if the server certificate
  // does not verify, or on a server with a client CA if the client's
  // certificate does not (failure_text() says what was expected and seen),
  // kNetwork for any other handshake failure, such as a peer that does not
  // offer TLS 1.3. In TLS 1.3 the client finishes its handshake before the
  // server has checked the client certificate: a client whose certificate
  // the server refuses learns it from the alert on its first read.
  Result<Status> handshake();
  bool handshake_done() const;

  // put_input appends ciphertext received from the peer.
  void put_input(ByteView ciphertext);
  bool has_output() const;
  // take_output removes and returns all ciphertext waiting to be sent.
  Bytes take_output();

  // read decrypts application data into `out`: the number of bytes (> 0), or
  // 0 when more input is needed. kConnectionClosed once the peer sent
  // close_notify; kAuthFailed on a client that presented a certificate when
  // the server answers with a certificate alert (it refused the
  // certificate); kNetwork on any other TLS error (an alert is queued for the
  // peer).
  Result<size_t> read(MutableByteView out);
  // write encrypts all of `plaintext` into the output. kConnectionClosed
  // after close_notify, kNetwork on error.
  Result<void> write(ByteView plaintext);
  // close_notify queues a close_notify alert.
  void close_notify();

  // export_keying_material is the TLS 1.3 exporter (RFC 8446 §7.5) for
  // `label` and `context`; kUsage before the handshake is done.
  Result<SecretBytes> export_keying_material(std::string_view label, ByteView context,
                                             size_t length) const;
  // peer_certificate_fingerprint is the SHA-256 of the peer's leaf certificate,
  // if it sent one.
  std::optional<Bytes> peer_certificate_fingerprint() const;
  // peer_certificate_der is, on a server with a client CA, the DER of the
  // client's leaf certificate once it has been verified against that CA;
  // nullopt if the client presented none, before the handshake is done, and
  // always on a client.
  std::optional<Bytes> peer_certificate_der() const;

  // failure_text describes the last failure in words for logs and the CLI
  // (fingerprints, verification results, BoringSSL's reason); empty if none.
  const std::string& failure_text() const;

  // Impl is defined in tls_engine.cc only, so nothing outside can build one.
  struct Impl;
  explicit TlsEngine(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace conclave::crypto
