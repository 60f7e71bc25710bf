#include "crypto/tls/device_certificate.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "crypto/hash.h"
#include "crypto/rand.h"
#include "crypto/signature.h"
#include "crypto/tls/pem_bio.h"

namespace conclave::crypto {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
// A certificate issued a moment ago must already be valid on a device whose
// clock runs a little behind the CA's.
constexpr int64_t kBackdateSeconds = 60;
constexpr size_t kSerialLen = 16;
// RFC 5280 Appendix A: ub-common-name INTEGER ::= 64.
constexpr size_t kMaxCommonNameLen = 64;
constexpr size_t kP256PointLen = 65;
constexpr size_t kP256ScalarLen = 32;

Error internal(const char* what) {
  ERR_clear_error();
  return Error(Err::kCryptoInternal, what);
}

// set_why stores the reason for a failed verification, if the caller asked.
void set_why(std::string* why, std::string text) {
  if (why != nullptr) {
    *why = std::move(text);
  }
}

// is_printable_name: 1..64 printable ASCII characters, so a name can be
// shown in logs, rosters and the CLI without escaping. Account names
// ([a-z0-9._-]) always are.
bool is_printable_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxCommonNameLen) {
    return false;
  }
  for (const char c : name) {
    if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

// is_organisation_name: 1..64 bytes of UTF-8 text without control
// characters (an organisation may well be "Müller GmbH").
bool is_organisation_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxCommonNameLen) {
    return false;
  }
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return false;
    }
  }
  return true;
}

bool is_p256(const EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_id(key) != EVP_PKEY_EC) {
    return false;
  }
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key);
  return ec != nullptr && EC_KEY_get0_group(ec) != nullptr &&
         EC_GROUP_get_curve_name(EC_KEY_get0_group(ec)) == NID_X9_62_prime256v1;
}

Result<bssl::UniquePtr<EVP_PKEY>> new_p256_key() {
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  if (!ec || !EC_KEY_generate_key(ec.get())) {
    return internal("P-256 key generation failed");
  }
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  if (!key || !EVP_PKEY_assign_EC_KEY(key.get(), ec.get())) {
    return internal("EVP_PKEY_assign_EC_KEY failed");
  }
  ec.release();  // owned by `key` now
  return key;
}

Result<SecretBytes> key_to_pem(EVP_PKEY* key) {
  tls_internal::MemBio bio;
  if (!bio ||
      !PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    return internal("PEM_write_bio_PKCS8PrivateKey failed");
  }
  // The BIO's buffer is cleared when it is freed (tls_internal::MemBio).
  return SecretBytes::copy_of(bio.contents());
}

Result<std::string> cert_to_pem(X509* cert) {
  tls_internal::MemBio bio;
  if (!bio || !PEM_write_bio_X509(bio.get(), cert)) {
    return internal("PEM_write_bio_X509 failed");
  }
  const ByteView pem = bio.contents();
  return std::string(pem.begin(), pem.end());
}

Result<Bytes> cert_to_der(X509* cert) {
  uint8_t* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) {
    return internal("i2d_X509 failed");
  }
  bssl::UniquePtr<uint8_t> owned(der);
  return to_bytes(ByteView(der, static_cast<size_t>(len)));
}

// random_serial is a positive 127-bit serial number (RFC 5280 §4.1.2.2: at
// most 20 octets, positive, unique per issuer; random, so it also carries
// the entropy CA/B practice asks of serials).
Result<bssl::UniquePtr<ASN1_INTEGER>> random_serial() {
  std::array<uint8_t, kSerialLen> raw{};
  CONCLAVE_TRY(random_bytes(raw));
  raw[0] &= 0x7f;
  raw[0] |= 0x01;  // never zero, always 16 octets
  bssl::UniquePtr<BIGNUM> bn(BN_bin2bn(raw.data(), raw.size(), nullptr));
  if (!bn) {
    return internal("BN_bin2bn failed");
  }
  bssl::UniquePtr<ASN1_INTEGER> serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial) {
    return internal("BN_to_ASN1_INTEGER failed");
  }
  return serial;
}

// serial_hex is the serial number as lower-case hex of its magnitude.
std::string serial_hex(const X509* cert) {
  bssl::UniquePtr<BIGNUM> bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (!bn) {
    ERR_clear_error();
    return {};
  }
  Bytes raw(BN_num_bytes(bn.get()));
  BN_bn2bin(bn.get(), raw.data());
  return to_hex(raw);
}

// posix_time converts an ASN1_TIME to seconds since the epoch; nullopt if it
// lies before the epoch or does not parse.
std::optional<uint64_t> posix_time(const ASN1_TIME* t) {
  bssl::UniquePtr<ASN1_TIME> epoch(ASN1_TIME_set(nullptr, 0));
  int days = 0;
  int seconds = 0;
  if (!epoch || !ASN1_TIME_diff(&days, &seconds, epoch.get(), t)) {
    ERR_clear_error();
    return std::nullopt;
  }
  const int64_t total = int64_t{days} * kSecondsPerDay + seconds;
  if (total < 0) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(total);
}

bool set_posix_time(ASN1_TIME* out, int64_t t) {
  if (t < 0 || t > std::numeric_limits<time_t>::max()) {
    return false;
  }
  return ASN1_TIME_set(out, static_cast<time_t>(t)) != nullptr;
}

bool add_common_name(X509_NAME* name, std::string_view cn) {
  return X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                    reinterpret_cast<const uint8_t*>(cn.data()),
                                    static_cast<int>(cn.size()), -1, 0) != 0;
}

// add_ext adds one extension written in OpenSSL's configuration syntax; the
// context names issuer and subject for the key identifiers.
bool add_ext(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  bssl::UniquePtr<X509_EXTENSION> ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1);
}

// common_names collects every subject CN of `cert` as UTF-8; false if one
// does not convert.
bool common_names(const X509* cert, std::vector<std::string>* out) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  int pos = -1;
  while ((pos = X509_NAME_get_index_by_NID(subject, NID_commonName, pos)) >= 0) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, pos));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len < 0) {
      ERR_clear_error();
      return false;
    }
    bssl::UniquePtr<uint8_t> owned(utf8);
    out->emplace_back(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
  }
  return true;
}

// p256_point is the 65-byte uncompressed SEC1 point of a P-256 key.
std::optional<Bytes> p256_point(const EVP_PKEY* key) {
  if (!is_p256(key)) {
    return std::nullopt;
  }
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key);
  const EC_POINT* point = EC_KEY_get0_public_key(ec);
  if (point == nullptr) {
    return std::nullopt;
  }
  Bytes out(kP256PointLen);
  if (EC_POINT_point2oct(EC_KEY_get0_group(ec), point, POINT_CONVERSION_UNCOMPRESSED, out.data(),
                         out.size(), nullptr) != kP256PointLen) {
    ERR_clear_error();
    return std::nullopt;
  }
  return out;
}

}  // namespace

Result<CertificateAndKey> generate_org_ca(std::string_view organisation, uint32_t days) {
  CONCLAVE_REQUIRE(is_organisation_name(organisation) && days > 0, Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<EVP_PKEY> key, new_p256_key());

  bssl::UniquePtr<X509> cert(X509_new());
  if (!cert || !X509_set_version(cert.get(), X509_VERSION_3)) {
    return internal("X509_new failed");
  }
  CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<ASN1_INTEGER> serial, random_serial());
  if (!X509_set_serialNumber(cert.get(), serial.get())) {
    return internal("X509_set_serialNumber failed");
  }
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(days), 0, nullptr)) {
    return internal("X509_gmtime_adj failed");
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (!add_common_name(subject, organisation) || !X509_set_issuer_name(cert.get(), subject) ||
      !X509_set_pubkey(cert.get(), key.get())) {
    return internal("CA name or key not settable");
  }
  // pathlen 0: the CA certifies devices only, never another CA.
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  if (!add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      !add_ext(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !add_ext(cert.get(), &ctx, NID_subject_key_identifier, "hash")) {
    return internal("CA extensions failed");
  }
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) {
    return internal("X509_sign failed");
  }
  CertificateAndKey out;
  CONCLAVE_TRY_ASSIGN(out.cert_pem, cert_to_pem(cert.get()));
  CONCLAVE_TRY_ASSIGN(out.key_pem, key_to_pem(key.get()));
  return out;
}

Result<DeviceRequest> generate_device_request(std::string_view account) {
  CONCLAVE_REQUIRE(is_printable_name(account), Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<EVP_PKEY> key, new_p256_key());
  bssl::UniquePtr<X509_REQ> req(X509_REQ_new());
  if (!req || !X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) ||
      !add_common_name(X509_REQ_get_subject_name(req.get()), account) ||
      !X509_REQ_set_pubkey(req.get(), key.get()) ||
      !X509_REQ_sign(req.get(), key.get(), EVP_sha256())) {
    return internal("certificate request failed");
  }
  DeviceRequest out;
  {
    tls_internal::MemBio bio;
    if (!bio || !PEM_write_bio_X509_REQ(bio.get(), req.get())) {
      return internal("PEM_write_bio_X509_REQ failed");
    }
    const ByteView pem = bio.contents();
    out.csr_pem.assign(pem.begin(), pem.end());
  }
  CONCLAVE_TRY_ASSIGN(out.key_pem, key_to_pem(key.get()));
  return out;
}

Result<IssuedDevice> issue_device_certificate(std::string_view ca_cert_pem,
                                              const SecretBytes& ca_key_pem,
                                              std::string_view csr_pem, std::string_view account,
                                              uint32_t days, uint64_t now) {
  CONCLAVE_REQUIRE(is_printable_name(account) && days > 0, Err::kInvalidArgument);
  CONCLAVE_REQUIRE(now <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / 2),
                   Err::kInvalidArgument);

  // The CA: the operator's own files; a mismatch is a configuration error.
  Result<bssl::UniquePtr<X509>> ca = tls_internal::read_first_certificate(ca_cert_pem);
  Result<bssl::UniquePtr<EVP_PKEY>> ca_key = tls_internal::read_private_key(ca_key_pem);
  if (!ca || !ca_key) {
    return Error(Err::kInvalidArgument, "CA certificate or key does not parse");
  }
  if (X509_check_ca(ca->get()) == 0 || !X509_check_private_key(ca->get(), ca_key->get())) {
    ERR_clear_error();
    return Error(Err::kInvalidArgument, "CA key is not the key of a CA certificate");
  }
  const std::optional<uint64_t> ca_not_after = posix_time(X509_get0_notAfter(ca->get()));
  if (!ca_not_after) {
    return Error(Err::kInvalidArgument, "CA certificate has no usable notAfter");
  }

  // The request: untrusted bytes from the device.
  if (csr_pem.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Error(Err::kDecode, "certificate request too large");
  }
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size())));
  if (!bio) {
    return internal("BIO_new_mem_buf failed");
  }
  bssl::UniquePtr<X509_REQ> req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) {
    ERR_clear_error();
    return Error(Err::kDecode, "no PEM certificate request found");
  }
  bssl::UniquePtr<EVP_PKEY> device_key(X509_REQ_get_pubkey(req.get()));
  if (!device_key) {
    ERR_clear_error();
    return Error(Err::kDecode, "certificate request key does not parse");
  }
  if (!is_p256(device_key.get())) {
    return Error(Err::kUnsupported, "certificate request key is not ECDSA P-256");
  }
  // Proof of possession: the device signed its own request.
  if (X509_REQ_verify(req.get(), device_key.get()) != 1) {
    ERR_clear_error();
    return Error(Err::kAuthFailed, "certificate request signature does not verify");
  }

  const int64_t not_before = static_cast<int64_t>(now) - kBackdateSeconds;
  const int64_t not_after =
      std::min(static_cast<int64_t>(now) + int64_t{days} * kSecondsPerDay,
               static_cast<int64_t>(std::min<uint64_t>(*ca_not_after, INT64_MAX)));
  if (not_after <= static_cast<int64_t>(now)) {
    return Error(Err::kInvalidArgument, "the CA certificate has expired");
  }

  bssl::UniquePtr<X509> cert(X509_new());
  if (!cert || !X509_set_version(cert.get(), X509_VERSION_3)) {
    return internal("X509_new failed");
  }
  CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<ASN1_INTEGER> serial, random_serial());
  if (!X509_set_serialNumber(cert.get(), serial.get()) ||
      !set_posix_time(X509_getm_notBefore(cert.get()), std::max<int64_t>(not_before, 0)) ||
      !set_posix_time(X509_getm_notAfter(cert.get()), not_after)) {
    return internal("serial or validity not settable");
  }
  // The request's own subject is ignored: the administrator names the account.
  if (!add_common_name(X509_get_subject_name(cert.get()), account) ||
      !X509_set_issuer_name(cert.get(), X509_get_subject_name(ca->get())) ||
      !X509_set_pubkey(cert.get(), device_key.get())) {
    return internal("device name or key not settable");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca->get(), cert.get(), nullptr, nullptr, 0);
  if (!add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_ext(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature") ||
      !add_ext(cert.get(), &ctx, NID_ext_key_usage, "clientAuth") ||
      !add_ext(cert.get(), &ctx, NID_subject_key_identifier, "hash") ||
      !add_ext(cert.get(), &ctx, NID_authority_key_identifier, "keyid")) {
    return internal("device extensions failed");
  }
  if (!X509_sign(cert.get(), ca_key->get(), EVP_sha256())) {
    return internal("X509_sign failed");
  }

  IssuedDevice out;
  CONCLAVE_TRY_ASSIGN(out.cert_pem, cert_to_pem(cert.get()));
  CONCLAVE_TRY_ASSIGN(const Bytes der, cert_to_der(cert.get()));
  out.fingerprint = hash(HashAlg::kSha256, der);
  out.serial_hex = serial_hex(cert.get());
  out.not_after = static_cast<uint64_t>(not_after);
  return out;
}

// implements: REQ-CRYPTO-013
Result<DeviceIdentity> verify_device_certificate(ByteView cert_der, std::string_view ca_cert_pem,
                                                 uint64_t now, std::string* why) {
  if (cert_der.size() > static_cast<size_t>(std::numeric_limits<long>::max())) {
    set_why(why, "not a DER certificate");
    return Error(Err::kDecode, "not a DER certificate");
  }
  const uint8_t* p = cert_der.data();
  bssl::UniquePtr<X509> leaf(d2i_X509(nullptr, &p, static_cast<long>(cert_der.size())));
  if (!leaf || p != cert_der.data() + cert_der.size()) {
    ERR_clear_error();
    set_why(why, leaf ? "bytes after the DER certificate" : "not a DER certificate");
    return Error(Err::kDecode, "not a DER certificate");
  }
  Result<bssl::UniquePtr<X509>> ca = tls_internal::read_first_certificate(ca_cert_pem);
  if (!ca) {
    set_why(why, "the organisation CA certificate does not parse");
    return Error(Err::kInvalidArgument, "CA certificate does not parse");
  }
  if (now > static_cast<uint64_t>(std::numeric_limits<time_t>::max())) {
    set_why(why, "the verification time is out of range");
    return Error(Err::kInvalidArgument, "time out of range");
  }
  const auto reject = [why](std::string text) {
    set_why(why, std::move(text));
    return Error(Err::kAuthFailed, "device certificate rejected");
  };

  // A CA (or any self-signed v1 certificate, which X509_check_ca also
  // counts) is never a device, even if it is the organisation CA itself.
  if (X509_check_ca(leaf.get()) != 0) {
    return reject("the certificate is a CA certificate, not a device certificate");
  }

  // The store holds the CA alone and no untrusted certificate is offered,
  // so the only chain X509_verify_cert can build is leaf -> CA; the length
  // is checked again below all the same.
  bssl::UniquePtr<X509_STORE> store(X509_STORE_new());
  bssl::UniquePtr<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  if (!store || !ctx || !X509_STORE_add_cert(store.get(), ca->get()) ||
      !X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), /*untrusted=*/nullptr)) {
    return internal("X509_STORE setup failed");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(now));
  if (!X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT)) {
    return internal("X509_STORE_CTX_set_purpose failed");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return reject(std::string("the certificate does not verify against the organisation CA: ") +
                  X509_verify_cert_error_string(err));
  }
  const STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  if (chain == nullptr || sk_X509_num(chain) != 2) {
    return reject("the chain is not exactly device certificate -> organisation CA");
  }

  // The purpose check accepts a certificate without keyUsage or
  // extendedKeyUsage; a device certificate must carry both.
  const uint32_t flags = X509_get_extension_flags(leaf.get());
  if ((flags & EXFLAG_KUSAGE) == 0 ||
      (X509_get_key_usage(leaf.get()) & KU_DIGITAL_SIGNATURE) == 0) {
    return reject("the certificate's keyUsage lacks digitalSignature");
  }
  if ((flags & EXFLAG_XKUSAGE) == 0 ||
      (X509_get_extended_key_usage(leaf.get()) & XKU_SSL_CLIENT) == 0) {
    return reject("the certificate's extendedKeyUsage lacks clientAuth");
  }
  std::vector<std::string> names;
  if (!common_names(leaf.get(), &names) || names.size() != 1) {
    return reject("the certificate's subject does not have exactly one common name");
  }
  if (!is_printable_name(names[0])) {
    return reject("the certificate's common name is not 1 to 64 printable characters");
  }
  const bssl::UniquePtr<EVP_PKEY> leaf_key(X509_get_pubkey(leaf.get()));
  const std::optional<Bytes> point = p256_point(leaf_key.get());
  if (!point ||
      !validate_signature_public_key(SignatureScheme::kEcdsaP256Sha256, *point).has_value()) {
    ERR_clear_error();
    return reject("the certificate's key is not an ECDSA P-256 key");
  }
  const std::optional<uint64_t> not_after = posix_time(X509_get0_notAfter(leaf.get()));
  if (!not_after) {
    return reject("the certificate's notAfter is not usable");
  }

  DeviceIdentity id;
  id.account = std::move(names[0]);
  id.signature_public_key = *point;
  id.fingerprint = hash(HashAlg::kSha256, cert_der);
  id.serial_hex = serial_hex(leaf.get());
  id.not_after = *not_after;
  set_why(why, "");
  return id;
}

Result<Bytes> certificate_der(std::string_view cert_pem) {
  CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<X509> cert,
                      tls_internal::read_first_certificate(cert_pem));
  return cert_to_der(cert.get());
}

Result<SecretBytes> device_signature_key(const SecretBytes& key_pem) {
  CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<EVP_PKEY> key, tls_internal::read_private_key(key_pem));
  if (!is_p256(key.get())) {
    return Error(Err::kInvalidPrivateKey, "device key is not an ECDSA P-256 key");
  }
  const BIGNUM* scalar = EC_KEY_get0_private_key(EVP_PKEY_get0_EC_KEY(key.get()));
  SecretBytes out(kP256ScalarLen);
  if (scalar == nullptr || !BN_bn2bin_padded(out.mutable_view().data(), out.size(), scalar)) {
    return Error(Err::kInvalidPrivateKey, "device key has no private scalar");
  }
  return out;
}

}  // namespace conclave::crypto
