// Helpers shared by the SFrame unit tests.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

namespace conclave::sframe::testing {

inline Bytes hex(std::string_view s) {
  auto r = from_hex(s);
  CONCLAVE_ASSERT(r.has_value());
  return std::move(r).value();
}

// pattern returns `n` bytes seeded by `seed` (test keys and payloads).
inline Bytes pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<uint8_t>(seed + 7 * i);
  }
  return b;
}

inline SecretBytes secret(size_t n, uint8_t seed) { return SecretBytes::copy_of(pattern(n, seed)); }

template <typename T>
Err error_of(const Result<T>& r) {
  return r.has_value() ? Err::kUsage : r.error().code;
}

}  // namespace conclave::sframe::testing
