// Buffer-overlap test for the in-place rules of the keyed contexts. Internal
// to src/crypto.
#pragma once

#include <cstdint>
#include <functional>

#include "core/bytes.h"

namespace conclave::crypto::internal {

// partially_overlaps is true when the two views share memory but do not start
// at the same byte: the aliasing that CTR mode and BoringSSL's AEADs forbid.
inline bool partially_overlaps(ByteView a, ByteView b) {
  if (a.empty() || b.empty()) {
    return false;
  }
  // std::less gives a total order over unrelated pointers, where the
  // built-in < would not.
  const std::less<const uint8_t*> before;
  return a.data() != b.data() && before(a.data(), b.data() + b.size()) &&
         before(b.data(), a.data() + a.size());
}

}  // namespace conclave::crypto::internal
