// unix_seconds: the wall clock in whole seconds since the Unix epoch, the
// time base of stored records, certificate and KeyPackage lifetimes.
#pragma once

#include <chrono>
#include <cstdint>

namespace conclave {

inline uint64_t unix_seconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace conclave
