// Helpers shared by the src/media unit tests.
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::media::testing {

template <typename T>
Err error_of(const Result<T>& r) {
  return r.has_value() ? Err::kUsage : r.error().code;
}

// test_secret is a 32-byte stand-in for the TLS exporter output: bytes
// first, first + 1, ...
inline SecretBytes test_secret(uint8_t first = 0) {
  SecretBytes s(32);
  for (size_t i = 0; i < s.size(); ++i) {
    s.mutable_view()[i] = static_cast<uint8_t>(first + i);
  }
  return s;
}

inline Bytes hex(const char* h) { return from_hex(h).value(); }

}  // namespace conclave::media::testing
