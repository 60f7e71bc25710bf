// A self-test that checks this HPKE implementation against an independent
// one: BoringSSL's EVP_HPKE, which covers only DHKEM(X25519, HKDF-SHA256) in
// base mode (the reason hpke.cc exists at all; see src/crypto/README.md).
#pragma once

#include "core/result.h"

namespace conclave::crypto::hpke {

// cross_check_with_boringssl runs base mode with DHKEM(X25519,
// HKDF-SHA256), HKDF-SHA256 and AES-128-GCM in both directions: BoringSSL
// seals and this implementation opens, then the reverse, for several
// messages, and compares exported secrets. Any disagreement is
// kCryptoInternal. It uses fresh random keys, so it also exercises inputs
// the fixed vectors do not.
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<void> cross_check_with_boringssl();

}  // namespace conclave::crypto::hpke
