// Helpers shared by the MLS known-answer modules: suite selection, error
// text, and the loop over a file's entries that skips unsupported suites.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "crypto/mls/cipher_suite.h"
#include "vector_report.h"

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

// run_suite_entries runs `check(suite, fields)`, which returns "" or the
// entry's first problem, on every entry of an MLS vector file. Entries of a
// suite Conclave does not implement are reported as skipped, with the reason.
template <typename Check>
FileReport run_suite_entries(const nlohmann::json& entries, Check&& check) {
  FileReport report;
  for (size_t i = 0; i < entries.size(); ++i) {
    Fields f(entries[i], "entry " + std::to_string(i));
    const uint64_t suite_value = f.u64("cipher_suite");
    if (!f.ok()) {
      report.fail(f.path(), f.error());
      continue;
    }
    const std::string where = f.path() + " (cipher suite " + std::to_string(suite_value) + ")";
    const std::optional<mls::CipherSuite> suite = mls_suite(suite_value);
    if (!suite) {
      report.skip(where, unsupported_suite_reason(suite_value));
      continue;
    }
    const std::string problem = check(*suite, f);
    if (problem.empty()) {
      report.pass();
    } else {
      report.fail(where, problem);
    }
  }
  return report;
}

}  // namespace conclave::kat
