// Tests for crypto/hpke/interop_check.h: this HPKE and BoringSSL's
// interoperate in both directions (X25519 base mode, fresh keys each run).
#include "crypto/hpke/interop_check.h"

#include <gtest/gtest.h>

namespace conclave::crypto::hpke {
namespace {

// verifies: REQ-CRYPTO-007
TEST(HpkeCrossCheck, REQ_CRYPTO_007_interoperates_with_boringssl_evp_hpke) {
  for (int run = 0; run < 8; ++run) {
    const auto r = cross_check_with_boringssl();
    ASSERT_TRUE(r.has_value()) << r.error().detail;
  }
}

}  // namespace
}  // namespace conclave::crypto::hpke
