// Helpers shared by the MLS known-answer modules of the key schedule and the
// secret tree: suite selection and error text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "crypto/mls/cipher_suite.h"

namespace conclave::kat {

// mls_suite is the suite `value` names, or nullopt for a suite Conclave does
// not implement (such entries are reported as skipped, with
// kUnsupportedSuiteReason).
inline std::optional<mls::CipherSuite> mls_suite(uint64_t value) {
  if (value > 0xffff) {
    return std::nullopt;
  }
  auto suite = mls::CipherSuite::from_wire(static_cast<uint16_t>(value));
  if (!suite) {
    return std::nullopt;
  }
  return *suite;
}

inline std::string unsupported_suite_reason(uint64_t value) {
  return "cipher suite " + std::to_string(value) +
         " not supported (Conclave implements 0x0001 and 0x0002)";
}

// error_text renders a failed call for a report line.
inline std::string error_text(const char* what, const Error& e) {
  return std::string(what) + " failed: " + to_string(e.code) + " (" + e.detail + ")";
}

}  // namespace conclave::kat
