#include "crypto/tls/tls_engine.h"

#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/err.h>
#include <openssl/pool.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "crypto/hash.h"
#include "crypto/tls/certificate.h"
#include "crypto/tls/device_certificate.h"
#include "crypto/tls/pem_bio.h"

namespace conclave::crypto {

namespace {

// BoringSSL's read/write lengths are ints; larger buffers go in pieces.
constexpr size_t kMaxChunk = size_t{1} << 30;

// reason_text is BoringSSL's reason for the last error on this thread, and
// clears the thread's error queue (one thread serves many connections).
std::string reason_text() {
  const uint32_t code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  std::string out = reason != nullptr ? reason : "unknown reason";
  ERR_clear_error();
  return out;
}

// The product profile's TLS 1.3 parameters (spec/11-crypto-primitives.md#tls):
// AES-GCM cipher suites, ECDHE over P-256 (preferred) or X25519.
constexpr uint16_t kTlsAes128GcmSha256 = 0x1301;
constexpr uint16_t kTlsAes256GcmSha384 = 0x1302;
constexpr const char* kProfileGroups = "P-256:X25519";

bool is_profile_cipher_suite(uint16_t suite) {
  return suite == kTlsAes128GcmSha256 || suite == kTlsAes256GcmSha384;
}

// offers_tls13 reports whether the ClientHello's supported_versions
// extension (RFC 8446 §4.2.1) lists TLS 1.3.
bool offers_tls13(const SSL_CLIENT_HELLO* hello) {
  const uint8_t* data = nullptr;
  size_t len = 0;
  if (!SSL_early_callback_ctx_extension_get(hello, TLSEXT_TYPE_supported_versions, &data, &len)) {
    return false;
  }
  CBS ext;
  CBS versions;
  CBS_init(&ext, data, len);
  if (!CBS_get_u8_length_prefixed(&ext, &versions)) {
    return false;
  }
  uint16_t version = 0;
  while (CBS_get_u16(&versions, &version)) {
    if (version == TLS1_3_VERSION) {
      return true;
    }
  }
  return false;
}

// implements: REQ-NET-010
// offers_profile_cipher_suite runs on a server before BoringSSL chooses the
// cipher suite: a ClientHello that offers no AES-GCM suite fails the
// handshake here, with an alert, instead of getting ChaCha20-Poly1305.
// BoringSSL's TLS 1.3 suite list is fixed in this snapshot (the cipher-list
// functions do not apply to TLS 1.3 and there is no compliance-policy API),
// so this callback and the check after the handshake are the only levers.
ssl_select_cert_result_t offers_profile_cipher_suite(const SSL_CLIENT_HELLO* hello) {
  // A ClientHello that cannot negotiate TLS 1.3 is left to BoringSSL's
  // version check, which answers protocol_version (REQ-NET-001): it would
  // never reach a TLS 1.3 suite, and the alert tells the client why.
  if (!offers_tls13(hello)) {
    return ssl_select_cert_success;
  }
  CBS suites;
  CBS_init(&suites, hello->cipher_suites, hello->cipher_suites_len);
  uint16_t suite = 0;
  while (CBS_get_u16(&suites, &suite)) {
    if (is_profile_cipher_suite(suite)) {
      return ssl_select_cert_success;
    }
  }
  return ssl_select_cert_error;
}

// implements: REQ-NET-001, REQ-NET-010
// new_tls13_ctx is an SSL_CTX that speaks TLS 1.3 and nothing else, with no
// session tickets (no resumption: every connection is a full handshake), and
// only the profile's key-exchange groups. On a server it also refuses
// ClientHellos without an AES-GCM suite (the callback is not used by clients).
bssl::UniquePtr<SSL_CTX> new_tls13_ctx() {
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  if (!ctx || !SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION) ||
      !SSL_CTX_set_max_proto_version(ctx.get(), TLS1_3_VERSION) ||
      !SSL_CTX_set_num_tickets(ctx.get(), 0) ||
      !SSL_CTX_set1_curves_list(ctx.get(), kProfileGroups)) {
    return nullptr;
  }
  SSL_CTX_set_select_certificate_cb(ctx.get(), offers_profile_cipher_suite);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  return ctx;
}

// is_certificate_alert: the peer's alert says it refused our certificate.
bool is_certificate_alert(uint32_t packed_error) {
  if (ERR_GET_LIB(packed_error) != ERR_LIB_SSL) {
    return false;
  }
  switch (ERR_GET_REASON(packed_error)) {
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
      return true;
    default:
      return false;
  }
}

// use_certificate_and_key installs a PEM chain (leaf first) and the leaf's
// PEM private key in `ctx`.
Result<void> use_certificate_and_key(SSL_CTX* ctx, std::string_view cert_pem,
                                     const SecretBytes& key_pem) {
  CONCLAVE_TRY_ASSIGN(std::vector<bssl::UniquePtr<X509>> chain,
                      tls_internal::read_certificates(cert_pem));
  CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<EVP_PKEY> key, tls_internal::read_private_key(key_pem));
  if (!SSL_CTX_use_certificate(ctx, chain[0].get())) {
    ERR_clear_error();
    return Error(Err::kInvalidArgument, "certificate not usable");
  }
  for (size_t i = 1; i < chain.size(); ++i) {
    if (!SSL_CTX_add1_chain_cert(ctx, chain[i].get())) {
      ERR_clear_error();
      return Error(Err::kInvalidArgument, "certificate chain not usable");
    }
  }
  if (!SSL_CTX_use_PrivateKey(ctx, key.get()) || !SSL_CTX_check_private_key(ctx)) {
    ERR_clear_error();
    return Error(Err::kInvalidPrivateKey, "private key does not match the certificate");
  }
  return {};
}

uint64_t unix_now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  return seconds > 0 ? static_cast<uint64_t>(seconds) : 0;
}

bool is_ip_literal(std::string_view host) {
  return !host.empty() && (host.find(':') != std::string_view::npos ||
                           std::all_of(host.begin(), host.end(),
                                       [](char c) { return (c >= '0' && c <= '9') || c == '.'; }));
}

}  // namespace

struct TlsServerConfig::Impl {
  bssl::UniquePtr<SSL_CTX> ctx;
  std::optional<std::string> client_ca_pem;  // set: client certificates are asked for
};

struct TlsClientConfig::Impl {
  bssl::UniquePtr<SSL_CTX> ctx;
  std::optional<Bytes> pin;  // set: pinning; unset: CA verification
  bool presents_certificate = false;
};

struct TlsEngine::Impl {
  std::shared_ptr<const TlsServerConfig> server_config;  // keeps the SSL_CTX alive
  std::shared_ptr<const TlsClientConfig> client_config;
  bssl::UniquePtr<SSL> ssl;
  BIO* in = nullptr;   // owned by `ssl`
  BIO* out = nullptr;  // owned by `ssl`
  bool done = false;
  bool verify_failed = false;
  std::string failure;
  std::optional<Bytes> verified_client_der;  // server with a client CA only

  Error fail(Err code, const char* detail, std::string text) {
    failure = std::move(text);
    return Error(code, detail);
  }
};

TlsServerConfig::TlsServerConfig(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsServerConfig::~TlsServerConfig() = default;
TlsClientConfig::TlsClientConfig(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsClientConfig::~TlsClientConfig() = default;
TlsEngine::TlsEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsEngine::~TlsEngine() = default;

namespace {

// implements: REQ-NET-009
// verify_client_device runs on a server with a client CA when the client
// presented a certificate (BoringSSL does not call it for an empty one, so
// a client without a certificate still connects). The leaf must be a device
// certificate of the CA now; only then is it recorded for the layers above.
// Further certificates the client sent are ignored: the chain is leaf -> CA.
ssl_verify_result_t verify_client_device(SSL* ssl, uint8_t* out_alert) {
  auto* engine = static_cast<TlsEngine::Impl*>(SSL_get_app_data(ssl));
  const STACK_OF(CRYPTO_BUFFER)* chain = SSL_get0_peer_certificates(ssl);
  if (engine == nullptr || chain == nullptr || sk_CRYPTO_BUFFER_num(chain) == 0) {
    *out_alert = SSL_AD_INTERNAL_ERROR;
    return ssl_verify_invalid;
  }
  const CRYPTO_BUFFER* leaf = sk_CRYPTO_BUFFER_value(chain, 0);
  const ByteView der(CRYPTO_BUFFER_data(leaf), CRYPTO_BUFFER_len(leaf));
  std::string why;
  const Result<DeviceIdentity> identity = verify_device_certificate(
      der, *engine->server_config->impl().client_ca_pem, unix_now(), &why);
  if (!identity) {
    *out_alert =
        identity.error().code == Err::kDecode ? SSL_AD_DECODE_ERROR : SSL_AD_BAD_CERTIFICATE;
    engine->verify_failed = true;
    engine->failure = "client certificate rejected: " + why;
    return ssl_verify_invalid;
  }
  engine->verified_client_der = to_bytes(der);
  return ssl_verify_ok;
}

}  // namespace

Result<std::shared_ptr<const TlsServerConfig>> TlsServerConfig::create(
    std::string_view cert_pem, const SecretBytes& key_pem,
    std::optional<std::string_view> client_ca_pem) {
  auto impl = std::make_unique<Impl>();
  impl->ctx = new_tls13_ctx();
  if (!impl->ctx) {
    return Error(Err::kCryptoInternal, "SSL_CTX setup failed");
  }
  CONCLAVE_TRY(use_certificate_and_key(impl->ctx.get(), cert_pem, key_pem));
  if (client_ca_pem) {
    CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<X509> ca,
                        tls_internal::read_first_certificate(*client_ca_pem));
    if (X509_check_ca(ca.get()) == 0) {
      return Error(Err::kInvalidArgument, "client CA is not a CA certificate");
    }
    // The CertificateRequest names the CA, so a client holding several
    // certificates knows which one to present.
    if (!SSL_CTX_add_client_CA(impl->ctx.get(), ca.get())) {
      ERR_clear_error();
      return Error(Err::kCryptoInternal, "SSL_CTX_add_client_CA failed");
    }
    impl->client_ca_pem = std::string(*client_ca_pem);
    // SSL_VERIFY_PEER without SSL_VERIFY_FAIL_IF_NO_PEER_CERT: ask, do not
    // require (open-profile meetings share the listener).
    SSL_CTX_set_custom_verify(impl->ctx.get(), SSL_VERIFY_PEER, verify_client_device);
  }
  return std::shared_ptr<const TlsServerConfig>(std::make_shared<TlsServerConfig>(std::move(impl)));
}

namespace {

// implements: REQ-NET-002
// verify_pin accepts the server exactly when the SHA-256 of its leaf
// certificate equals the pinned fingerprint. Chain, names and dates are not
// looked at: the pin names the one certificate the operator gave out.
ssl_verify_result_t verify_pin(SSL* ssl, uint8_t* out_alert) {
  auto* engine = static_cast<TlsEngine::Impl*>(SSL_get_app_data(ssl));
  const STACK_OF(CRYPTO_BUFFER)* chain = SSL_get0_peer_certificates(ssl);
  if (engine == nullptr || chain == nullptr || sk_CRYPTO_BUFFER_num(chain) == 0) {
    *out_alert = SSL_AD_CERTIFICATE_REQUIRED;
    if (engine != nullptr) {
      engine->verify_failed = true;
      engine->failure = "server sent no certificate";
    }
    return ssl_verify_invalid;
  }
  const CRYPTO_BUFFER* leaf = sk_CRYPTO_BUFFER_value(chain, 0);
  const Bytes seen =
      hash(HashAlg::kSha256, ByteView(CRYPTO_BUFFER_data(leaf), CRYPTO_BUFFER_len(leaf)));
  const Bytes& expected = *engine->client_config->impl().pin;
  if (!equal(seen, expected)) {
    *out_alert = SSL_AD_BAD_CERTIFICATE;
    engine->verify_failed = true;
    engine->failure = "server certificate fingerprint " + fingerprint_hex(seen) +
                      " does not match the pinned fingerprint " + fingerprint_hex(expected);
    return ssl_verify_invalid;
  }
  return ssl_verify_ok;
}

}  // namespace

namespace {

Result<std::unique_ptr<TlsClientConfig::Impl>> new_client_impl(
    const std::optional<ClientCertificate>& client_certificate) {
  auto impl = std::make_unique<TlsClientConfig::Impl>();
  impl->ctx = new_tls13_ctx();
  if (!impl->ctx) {
    return Error(Err::kCryptoInternal, "SSL_CTX setup failed");
  }
  if (client_certificate) {
    CONCLAVE_TRY(use_certificate_and_key(impl->ctx.get(), client_certificate->cert_pem,
                                         client_certificate->key_pem));
    impl->presents_certificate = true;
  }
  return impl;
}

}  // namespace

Result<std::shared_ptr<const TlsClientConfig>> TlsClientConfig::create_pinned(
    ByteView sha256_fingerprint, std::optional<ClientCertificate> client_certificate) {
  CONCLAVE_REQUIRE(sha256_fingerprint.size() == kCertificateFingerprintLen, Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(std::unique_ptr<Impl> impl, new_client_impl(client_certificate));
  impl->pin = to_bytes(sha256_fingerprint);
  SSL_CTX_set_custom_verify(impl->ctx.get(), SSL_VERIFY_PEER, verify_pin);
  return std::shared_ptr<const TlsClientConfig>(std::make_shared<TlsClientConfig>(std::move(impl)));
}

Result<std::shared_ptr<const TlsClientConfig>> TlsClientConfig::create_with_ca(
    std::string_view ca_pem, std::optional<ClientCertificate> client_certificate) {
  CONCLAVE_TRY_ASSIGN(std::vector<bssl::UniquePtr<X509>> cas,
                      tls_internal::read_certificates(ca_pem));
  CONCLAVE_TRY_ASSIGN(std::unique_ptr<Impl> impl, new_client_impl(client_certificate));
  X509_STORE* store = SSL_CTX_get_cert_store(impl->ctx.get());
  for (const auto& ca : cas) {
    if (!X509_STORE_add_cert(store, ca.get())) {
      ERR_clear_error();
      return Error(Err::kInvalidArgument, "CA certificate not usable");
    }
  }
  // implements: REQ-NET-002
  SSL_CTX_set_verify(impl->ctx.get(), SSL_VERIFY_PEER, nullptr);
  return std::shared_ptr<const TlsClientConfig>(std::make_shared<TlsClientConfig>(std::move(impl)));
}

namespace {

Result<std::unique_ptr<TlsEngine::Impl>> new_impl(SSL_CTX* ctx) {
  auto impl = std::make_unique<TlsEngine::Impl>();
  impl->ssl.reset(SSL_new(ctx));
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (!impl->ssl || in == nullptr || out == nullptr) {
    BIO_free(in);
    BIO_free(out);
    ERR_clear_error();
    return Error(Err::kCryptoInternal, "SSL_new failed");
  }
  // An empty input BIO means "wait for more", not end of stream.
  BIO_set_mem_eof_return(in, -1);
  SSL_set_bio(impl->ssl.get(), in, out);
  impl->in = in;
  impl->out = out;
  SSL_set_app_data(impl->ssl.get(), impl.get());
  return impl;
}

}  // namespace

Result<std::unique_ptr<TlsEngine>> TlsEngine::new_server(
    std::shared_ptr<const TlsServerConfig> config) {
  CONCLAVE_REQUIRE(config != nullptr, Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(std::unique_ptr<Impl> impl, new_impl(config->impl().ctx.get()));
  impl->server_config = std::move(config);
  SSL_set_accept_state(impl->ssl.get());
  return std::make_unique<TlsEngine>(std::move(impl));
}

Result<std::unique_ptr<TlsEngine>> TlsEngine::new_client(
    std::shared_ptr<const TlsClientConfig> config, std::string_view host) {
  CONCLAVE_REQUIRE(config != nullptr, Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(std::unique_ptr<Impl> impl, new_impl(config->impl().ctx.get()));
  const std::string host_str(host);
  SSL* ssl = impl->ssl.get();
  if (!is_ip_literal(host) && !host.empty() && !SSL_set_tlsext_host_name(ssl, host_str.c_str())) {
    ERR_clear_error();
    return Error(Err::kInvalidArgument, "host name not usable for SNI");
  }
  if (!config->impl().pin) {
    // With a CA, the certificate must also name the host we meant to reach.
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    const int ok = is_ip_literal(host)
                       ? X509_VERIFY_PARAM_set1_ip_asc(param, host_str.c_str())
                       : X509_VERIFY_PARAM_set1_host(param, host_str.data(), host_str.size());
    if (!ok) {
      ERR_clear_error();
      return Error(Err::kInvalidArgument, "host name not usable for verification");
    }
  }
  impl->client_config = std::move(config);
  SSL_set_connect_state(ssl);
  return std::make_unique<TlsEngine>(std::move(impl));
}

Result<TlsEngine::Status> TlsEngine::handshake() {
  Impl& s = *impl_;
  if (s.done) {
    return Status::kDone;
  }
  const int rc = SSL_do_handshake(s.ssl.get());
  if (rc == 1) {
    // Belt and braces: the context allows nothing else (REQ-NET-001).
    CONCLAVE_ASSERT(SSL_version(s.ssl.get()) == TLS1_3_VERSION);
    // implements: REQ-NET-010
    // BoringSSL follows the client's order (or prefers ChaCha20-Poly1305
    // without AES hardware), so a peer that offers AES-GCM but prefers
    // ChaCha20-Poly1305 still gets it; such a connection is not used. The
    // same check protects our client from a server that picks it.
    const uint16_t suite = SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(s.ssl.get()));
    if (!is_profile_cipher_suite(suite)) {
      SSL_send_fatal_alert(s.ssl.get(), SSL_AD_HANDSHAKE_FAILURE);
      return s.fail(Err::kNetwork, "TLS cipher suite outside the profile",
                    "TLS cipher suite outside the profile: " +
                        std::string(SSL_CIPHER_get_name(SSL_get_current_cipher(s.ssl.get()))));
    }
    s.done = true;
    return Status::kDone;
  }
  const int err = SSL_get_error(s.ssl.get(), rc);
  if (err == SSL_ERROR_WANT_READ) {
    return Status::kWantInput;
  }
  if (s.verify_failed) {
    ERR_clear_error();
    return Error(Err::kAuthFailed, s.server_config != nullptr ? "client certificate rejected"
                                                              : "server certificate rejected");
  }
  const long verify = SSL_get_verify_result(s.ssl.get());
  if (s.client_config != nullptr && verify != X509_V_OK) {
    ERR_clear_error();
    s.failure = std::string("server certificate does not verify against the given CA: ") +
                X509_verify_cert_error_string(verify);
    return Error(Err::kAuthFailed, "server certificate rejected");
  }
  return s.fail(Err::kNetwork, "TLS handshake failed", "TLS handshake failed: " + reason_text());
}

bool TlsEngine::handshake_done() const { return impl_->done; }

void TlsEngine::put_input(ByteView ciphertext) {
  while (!ciphertext.empty()) {
    const size_t n = std::min(ciphertext.size(), kMaxChunk);
    // A memory BIO only fails to grow when memory runs out.
    CONCLAVE_ASSERT(BIO_write(impl_->in, ciphertext.data(), static_cast<int>(n)) ==
                    static_cast<int>(n));
    ciphertext = ciphertext.subspan(n);
  }
}

bool TlsEngine::has_output() const { return BIO_pending(impl_->out) > 0; }

Bytes TlsEngine::take_output() {
  Bytes out(BIO_pending(impl_->out));
  if (!out.empty()) {
    const int n =
        BIO_read(impl_->out, out.data(), static_cast<int>(std::min(out.size(), kMaxChunk)));
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  return out;
}

Result<size_t> TlsEngine::read(MutableByteView out) {
  Impl& s = *impl_;
  CONCLAVE_REQUIRE(s.done, Err::kUsage);
  if (out.empty()) {
    return size_t{0};
  }
  const int rc =
      SSL_read(s.ssl.get(), out.data(), static_cast<int>(std::min(out.size(), kMaxChunk)));
  if (rc > 0) {
    return static_cast<size_t>(rc);
  }
  switch (SSL_get_error(s.ssl.get(), rc)) {
    case SSL_ERROR_WANT_READ:
      return size_t{0};
    case SSL_ERROR_ZERO_RETURN:
      return Error(Err::kConnectionClosed, "peer sent close_notify");
    default:
      if (s.client_config != nullptr && s.client_config->impl().presents_certificate &&
          is_certificate_alert(ERR_peek_last_error())) {
        return s.fail(Err::kAuthFailed, "client certificate refused by the server",
                      "the server refused our client certificate (" + reason_text() + ")");
      }
      return s.fail(Err::kNetwork, "TLS record error", "TLS record error: " + reason_text());
  }
}

Result<void> TlsEngine::write(ByteView plaintext) {
  Impl& s = *impl_;
  CONCLAVE_REQUIRE(s.done, Err::kUsage);
  while (!plaintext.empty()) {
    const size_t n = std::min(plaintext.size(), kMaxChunk);
    const int rc = SSL_write(s.ssl.get(), plaintext.data(), static_cast<int>(n));
    if (rc <= 0) {
      if (SSL_get_error(s.ssl.get(), rc) == SSL_ERROR_ZERO_RETURN) {
        return Error(Err::kConnectionClosed, "connection closed");
      }
      return s.fail(Err::kNetwork, "TLS write failed", "TLS write failed: " + reason_text());
    }
    plaintext = plaintext.subspan(static_cast<size_t>(rc));
  }
  return {};
}

void TlsEngine::close_notify() {
  if (impl_->done) {
    (void)SSL_shutdown(impl_->ssl.get());
    ERR_clear_error();
  }
}

Result<SecretBytes> TlsEngine::export_keying_material(std::string_view label, ByteView context,
                                                      size_t length) const {
  const Impl& s = *impl_;
  CONCLAVE_REQUIRE(s.done, Err::kUsage);
  CONCLAVE_REQUIRE(length > 0 && length <= 255 * 64, Err::kInvalidArgument);
  SecretBytes out(length);
  //= RFC 8446 §7.5
  //# The exporter value is computed as:
  //#
  //# TLS-Exporter(label, context_value, key_length) =
  //#     HKDF-Expand-Label(Derive-Secret(Secret, label, ""),
  //#                       "exporter", Hash(context_value), key_length)
  if (!SSL_export_keying_material(s.ssl.get(), out.mutable_view().data(), length, label.data(),
                                  label.size(), context.data(), context.size(), 1)) {
    ERR_clear_error();
    return Error(Err::kCryptoInternal, "SSL_export_keying_material failed");
  }
  return out;
}

std::optional<Bytes> TlsEngine::peer_certificate_fingerprint() const {
  const STACK_OF(CRYPTO_BUFFER)* chain = SSL_get0_peer_certificates(impl_->ssl.get());
  if (chain == nullptr || sk_CRYPTO_BUFFER_num(chain) == 0) {
    return std::nullopt;
  }
  const CRYPTO_BUFFER* leaf = sk_CRYPTO_BUFFER_value(chain, 0);
  return hash(HashAlg::kSha256, ByteView(CRYPTO_BUFFER_data(leaf), CRYPTO_BUFFER_len(leaf)));
}

std::optional<Bytes> TlsEngine::peer_certificate_der() const {
  if (!impl_->done) {
    return std::nullopt;
  }
  return impl_->verified_client_der;
}

const std::string& TlsEngine::failure_text() const { return impl_->failure; }

}  // namespace conclave::crypto
