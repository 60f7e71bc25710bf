// Cryptographically secure random bytes.
//
// Every random value Conclave uses (keys, ephemeral HPKE keys, reuse guards)
// comes through random_bytes, which draws from BoringSSL's RNG and nothing
// else. In a fuzzing build (CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION) it is
// replaced by a deterministic generator; see rand.cc.
#pragma once

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::crypto {

// random_bytes fills `out` with random bytes. It fails with kCryptoInternal
// only if the RNG reports a failure, in which case `out` is zeroed.
[[nodiscard]] Result<void> random_bytes(MutableByteView out);

#if defined(CONCLAVE_FUZZING_UNSAFE_FOR_PRODUCTION)
// reset_fuzzing_rng restarts the deterministic generator, so that a fuzz
// target that calls it first sees the same stream for the same input. It
// exists only in fuzzing builds.
void reset_fuzzing_rng();
#endif

}  // namespace conclave::crypto
