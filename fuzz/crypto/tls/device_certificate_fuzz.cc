// Targets: crypto::verify_device_certificate, crypto::issue_device_certificate
// Requirements: REQ-CRYPTO-013
//
// The input is, at once, a device certificate as it arrives in a TLS
// handshake or an MLS X.509 credential (DER) and a certificate request as a
// device uploads it (PEM text). Verification runs against a fixed CA (the
// committed test CA of tests/data/device_certificate, at a fixed time inside
// its validity), so the committed seeds reach every check. Issuance runs with
// a CA generated once per process. Properties: verification either fails or
// names a printable account of at most 64 characters, a 65-byte P-256 key
// and the SHA-256 of the input; an issued certificate verifies against its
// CA and names the requested account. The input decides every branch (the
// RNG only changes key, serial and signature bytes).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "crypto/hash.h"
#include "crypto/tls/device_certificate.h"
#include "fuzz/fuzz_check.h"

namespace {

namespace crypto = conclave::crypto;

// tests/data/device_certificate/ca.pem (made by make.sh there).
constexpr std::string_view kFixedCaPem = R"(-----BEGIN CERTIFICATE-----
MIIBgDCCASegAwIBAgIBATAKBggqhkjOPQQDAjAWMRQwEgYDVQQDDAtUZXN0LU9y
Zy1DQTAeFw0yNjExMjcxMDAzMTBaFw0zNjEyMDQxMDAzMTBaMBYxFDASBgNVBAMM
C1Rlc3QtT3JnLUNBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEH67y9FW9cCNe
oHobdl9l527/095FiFfbtZrlpRgmKp5CD3InO+F7ToezcpnuCvOmR7h5lhx+s8QS
KOnYNrkgUaNmMGQwHQYDVR0OBBYEFGdJ80FRNrD3TdNkJTgV0ZQgUp2jMB8GA1Ud
IwQYMBaAFGdJ80FRNrD3TdNkJTgV0ZQgUp2jMBIGA1UdEwEB/wQIMAYBAf8CAQEw
DgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0cAMEQCICLqGHzrC3zm6bhPwyuZ
DNCFiaJUoLsAuDKRSby5fO7mAiAB4nB5OGM4t/c/fa2RQ+N9rN3Wn+1sisWsa6Fn
Adm/Sw==
-----END CERTIFICATE-----
)";
// 2027-06-01T00:00:00Z, inside the fixed CA's validity.
constexpr uint64_t kFixedTime = 1811808000;
constexpr std::string_view kAccount = "fuzz.device";

const crypto::CertificateAndKey& issuing_ca() {
  static const crypto::CertificateAndKey ca = [] {
    auto r = crypto::generate_org_ca("Fuzz Org", 2);
    CONCLAVE_FUZZ_CHECK(r.has_value());
    return std::move(*r);
  }();
  return ca;
}

bool is_printable(std::string_view s) {
  for (const char c : s) {
    if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const conclave::ByteView input(data, size);

  std::string why;
  auto id = crypto::verify_device_certificate(input, kFixedCaPem, kFixedTime, &why);
  if (id.has_value()) {
    CONCLAVE_FUZZ_CHECK(!id->account.empty() && id->account.size() <= 64);
    CONCLAVE_FUZZ_CHECK(is_printable(id->account));
    CONCLAVE_FUZZ_CHECK(id->signature_public_key.size() == 65);
    CONCLAVE_FUZZ_CHECK(id->fingerprint == crypto::hash(crypto::HashAlg::kSha256, input));
  } else {
    CONCLAVE_FUZZ_CHECK(!why.empty());
    CONCLAVE_FUZZ_CHECK(id.error().code == conclave::Err::kDecode ||
                        id.error().code == conclave::Err::kAuthFailed);
  }

  const std::string csr(data, data + size);
  const uint64_t now =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  auto issued = crypto::issue_device_certificate(issuing_ca().cert_pem, issuing_ca().key_pem, csr,
                                                 kAccount, 1, now);
  if (issued.has_value()) {
    auto der = crypto::certificate_der(issued->cert_pem);
    CONCLAVE_FUZZ_CHECK(der.has_value());
    auto device = crypto::verify_device_certificate(*der, issuing_ca().cert_pem, now);
    CONCLAVE_FUZZ_CHECK(device.has_value() && device->account == kAccount);
    CONCLAVE_FUZZ_CHECK(device->fingerprint == issued->fingerprint);
  } else {
    const conclave::Err e = issued.error().code;
    CONCLAVE_FUZZ_CHECK(e == conclave::Err::kDecode || e == conclave::Err::kAuthFailed ||
                        e == conclave::Err::kUnsupported);
  }
  return 0;
}
