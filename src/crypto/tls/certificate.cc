#include "crypto/tls/certificate.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/obj.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cctype>

#include "crypto/hash.h"
#include "crypto/rand.h"
#include "crypto/tls/pem_bio.h"

namespace conclave::crypto {

namespace {

constexpr long kSecondsPerDay = 86400;
// Clocks of client and server differ a little: a certificate made a moment
// ago must already be valid on a client whose clock runs behind.
constexpr long kBackdateSeconds = 60;
constexpr size_t kSerialLen = 16;

Error internal(const char* what) { return Error(Err::kCryptoInternal, what); }

// add_dns appends a DNS name to `names`; false if BoringSSL fails.
bool add_dns(GENERAL_NAMES* names, std::string_view dns) {
  bssl::UniquePtr<GENERAL_NAME> name(GENERAL_NAME_new());
  bssl::UniquePtr<ASN1_IA5STRING> value(ASN1_IA5STRING_new());
  if (!name || !value || !ASN1_STRING_set(value.get(), dns.data(), static_cast<int>(dns.size()))) {
    return false;
  }
  GENERAL_NAME_set0_value(name.get(), GEN_DNS, value.release());
  if (!sk_GENERAL_NAME_push(names, name.get())) {
    return false;
  }
  name.release();
  return true;
}

bool add_ipv4_loopback(GENERAL_NAMES* names) {
  static constexpr std::array<uint8_t, 4> kLoopback{127, 0, 0, 1};
  bssl::UniquePtr<GENERAL_NAME> name(GENERAL_NAME_new());
  bssl::UniquePtr<ASN1_OCTET_STRING> value(ASN1_OCTET_STRING_new());
  if (!name || !value || !ASN1_OCTET_STRING_set(value.get(), kLoopback.data(), kLoopback.size())) {
    return false;
  }
  GENERAL_NAME_set0_value(name.get(), GEN_IPADD, value.release());
  if (!sk_GENERAL_NAME_push(names, name.get())) {
    return false;
  }
  name.release();
  return true;
}

// random_serial is a positive 127-bit serial number (RFC 5280 §4.1.2.2: at
// most 20 octets, positive, unique per issuer).
Result<bssl::UniquePtr<ASN1_INTEGER>> random_serial() {
  std::array<uint8_t, kSerialLen> raw{};
  CONCLAVE_TRY(random_bytes(raw));
  raw[0] &= 0x7f;
  raw[0] |= 0x01;  // never zero
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

bool is_hex_digit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

Result<CertificateAndKey> generate_self_signed(std::string_view common_name,
                                               const std::vector<std::string>& dns_names,
                                               uint32_t days) {
  CONCLAVE_REQUIRE(!common_name.empty() && days > 0, Err::kInvalidArgument);
  for (const std::string& n : dns_names) {
    CONCLAVE_REQUIRE(!n.empty(), Err::kInvalidArgument);
  }

  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  if (!ec || !EC_KEY_generate_key(ec.get())) {
    return internal("P-256 key generation failed");
  }
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  if (!key || !EVP_PKEY_assign_EC_KEY(key.get(), ec.get())) {
    return internal("EVP_PKEY_assign_EC_KEY failed");
  }
  ec.release();  // owned by `key` now

  bssl::UniquePtr<X509> cert(X509_new());
  if (!cert || !X509_set_version(cert.get(), X509_VERSION_3)) {
    return internal("X509_new failed");
  }
  CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<ASN1_INTEGER> serial, random_serial());
  if (!X509_set_serialNumber(cert.get(), serial.get())) {
    return internal("X509_set_serialNumber failed");
  }
  const long validity = static_cast<long>(days) * kSecondsPerDay;
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity)) {
    return internal("X509_gmtime_adj failed");
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (!X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8,
                                  reinterpret_cast<const uint8_t*>(common_name.data()),
                                  static_cast<int>(common_name.size()), -1, 0) ||
      !X509_set_issuer_name(cert.get(), subject)) {
    return internal("X509_NAME_add_entry failed");
  }

  bssl::UniquePtr<GENERAL_NAMES> names(sk_GENERAL_NAME_new_null());
  bool ok = names && add_dns(names.get(), "localhost") && add_ipv4_loopback(names.get());
  for (const std::string& n : dns_names) {
    ok = ok && add_dns(names.get(), n);
  }
  if (!ok ||
      !X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT)) {
    return internal("subjectAltName failed");
  }
  if (!X509_set_pubkey(cert.get(), key.get()) || !X509_sign(cert.get(), key.get(), EVP_sha256())) {
    return internal("X509_sign failed");
  }

  CertificateAndKey out;
  {
    tls_internal::MemBio bio;
    if (!bio || !PEM_write_bio_X509(bio.get(), cert.get())) {
      return internal("PEM_write_bio_X509 failed");
    }
    const ByteView pem = bio.contents();
    out.cert_pem.assign(pem.begin(), pem.end());
  }
  {
    tls_internal::MemBio bio;
    if (!bio || !PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                               nullptr)) {
      return internal("PEM_write_bio_PKCS8PrivateKey failed");
    }
    // The BIO's buffer is cleared when it is freed (tls_internal::MemBio).
    out.key_pem = SecretBytes::copy_of(bio.contents());
  }
  return out;
}

Result<Bytes> certificate_fingerprint(std::string_view cert_pem) {
  CONCLAVE_TRY_ASSIGN(const bssl::UniquePtr<X509> cert,
                      tls_internal::read_first_certificate(cert_pem));
  uint8_t* der = nullptr;
  const int der_len = i2d_X509(cert.get(), &der);
  if (der_len <= 0) {
    return internal("i2d_X509 failed");
  }
  bssl::UniquePtr<uint8_t> owned(der);
  return hash(HashAlg::kSha256, ByteView(der, static_cast<size_t>(der_len)));
}

std::string fingerprint_hex(ByteView fp) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(fp.size() * 3);
  for (size_t i = 0; i < fp.size(); ++i) {
    if (i != 0) {
      out.push_back(':');
    }
    out.push_back(kDigits[fp[i] >> 4]);
    out.push_back(kDigits[fp[i] & 0x0f]);
  }
  return out;
}

Result<Bytes> parse_fingerprint(std::string_view text) {
  // Either "AB:CD:..." (a colon after every pair but the last) or plain hex.
  const bool colons = text.find(':') != std::string_view::npos;
  std::string digits;
  digits.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (colons && i % 3 == 2) {
      if (c != ':') {
        return Error(Err::kDecode, "fingerprint: expected ':' between hex pairs", i);
      }
      continue;
    }
    if (!is_hex_digit(c)) {
      return Error(Err::kDecode, "fingerprint: not a hex digit", i);
    }
    digits.push_back(c);
  }
  if (colons && (text.size() % 3 != 2)) {
    return Error(Err::kDecode, "fingerprint: incomplete hex pair", text.size());
  }
  if (digits.size() != 2 * kCertificateFingerprintLen) {
    return Error(Err::kLengthLimit, "fingerprint: a SHA-256 fingerprint has 32 bytes");
  }
  return from_hex(digits);
}

}  // namespace conclave::crypto
