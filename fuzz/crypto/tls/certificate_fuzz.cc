// Targets: crypto::parse_fingerprint, crypto::certificate_fingerprint
// Requirements: REQ-NET-002
//
// The input is text: a fingerprint as an operator types it on a command line,
// or a PEM certificate as one arrives in a configuration file. Properties: an
// accepted fingerprint has 32 bytes and prints back to the input (colon form,
// ignoring case) or to the plain hex input; certificate_fingerprint either
// fails or gives 32 bytes. Deterministic: no clock, no RNG.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "crypto/tls/certificate.h"
#include "fuzz/fuzz_check.h"

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace crypto = conclave::crypto;
  const std::string text(data, data + size);

  auto fp = crypto::parse_fingerprint(text);
  if (fp.has_value()) {
    CONCLAVE_FUZZ_CHECK(fp->size() == crypto::kCertificateFingerprintLen);
    const std::string printed = crypto::fingerprint_hex(*fp);
    const bool colons = text.find(':') != std::string::npos;
    if (colons) {
      CONCLAVE_FUZZ_CHECK(printed == upper(text));
    } else {
      CONCLAVE_FUZZ_CHECK(upper(conclave::to_hex(*fp)) == upper(text));
    }
    auto again = crypto::parse_fingerprint(printed);
    CONCLAVE_FUZZ_CHECK(again.has_value() && *again == *fp);
  }

  auto cert_fp = crypto::certificate_fingerprint(text);
  if (cert_fp.has_value()) {
    CONCLAVE_FUZZ_CHECK(cert_fp->size() == crypto::kCertificateFingerprintLen);
  }
  return 0;
}
