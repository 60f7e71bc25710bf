#include "crypto/rand.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>

#include "core/secret_bytes.h"

namespace conclave::crypto {

#if !defined(CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION)

// implements: REQ-CRYPTO-009
Result<void> random_bytes(MutableByteView out) {
  if (out.empty()) {
    return {};
  }
  if (RAND_bytes(out.data(), out.size()) != 1) {
    secure_zero(out);
    return Error(Err::kCryptoInternal, "RAND_bytes failed");
  }
  return {};
}

#else  // CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION

// FUZZING BUILDS ONLY. NOT RANDOM. NEVER IN A RELEASE.
//
// Fuzz targets must be deterministic (STYLE.md STY-18), so in fuzzing mode
// random_bytes returns SHA-256(fixed label || u64 counter) blocks. Anything
// "generated" here is predictable by everyone. CMake refuses to configure
// this mode with a release build type, and the binary carries the marker
// symbol conclave_fuzzing_unsafe_for_production_marker (src/core/core.cc)
// that release checks look for.
namespace {

struct FuzzingRng {
  std::mutex mu;
  uint64_t counter = 0;
};

FuzzingRng& fuzzing_rng() {
  static FuzzingRng rng;
  return rng;
}

}  // namespace

void reset_fuzzing_rng() {
  FuzzingRng& rng = fuzzing_rng();
  const std::lock_guard<std::mutex> lock(rng.mu);
  rng.counter = 0;
}

// implements: REQ-CRYPTO-009
Result<void> random_bytes(MutableByteView out) {
  static constexpr char kLabel[] = "conclave fuzzing rng, not random";
  FuzzingRng& rng = fuzzing_rng();
  const std::lock_guard<std::mutex> lock(rng.mu);
  size_t done = 0;
  while (done < out.size()) {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, kLabel, sizeof(kLabel));
    std::array<uint8_t, 8> count{};
    for (size_t i = 0; i < count.size(); ++i) {
      count[i] = static_cast<uint8_t>(rng.counter >> (8 * (count.size() - 1 - i)));
    }
    SHA256_Update(&ctx, count.data(), count.size());
    std::array<uint8_t, SHA256_DIGEST_LENGTH> block{};
    SHA256_Final(block.data(), &ctx);
    ++rng.counter;
    const size_t n = std::min(block.size(), out.size() - done);
    for (size_t i = 0; i < n; ++i) {
      out[done + i] = block[i];
    }
    done += n;
  }
  return {};
}

#endif  // CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION

}  // namespace conclave::crypto
