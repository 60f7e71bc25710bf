// Helpers shared by the crypto unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::crypto::testing {

// hex decodes a hex literal written in a test; a typo aborts the test run.
inline Bytes hex(std::string_view s) {
  auto r = from_hex(s);
  CONCLAVE_ASSERT(r.has_value());
  return std::move(r).value();
}

// secret_hex decodes a hex literal into SecretBytes (test keys).
inline SecretBytes secret_hex(std::string_view s) { return SecretBytes::copy_of(hex(s)); }

// error_of returns the error code of a failed result, or kUsage with a test
// failure if the result succeeded.
template <typename T>
Err error_of(const Result<T>& r) {
  if (r.has_value()) {
    ADD_FAILURE() << "expected an error, got success";
    return Err::kUsage;
  }
  return r.error().code;
}

}  // namespace conclave::crypto::testing
