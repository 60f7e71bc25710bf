// Tests for crypto/sframe/cipher_suite.h: the registry mapping, the constants
// table, and the profile default.
#include "crypto/sframe/cipher_suite.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "crypto/sframe/mls_context.h"
#include "sframe_test_util.h"

namespace conclave::sframe {
namespace {

using testing::error_of;

// verifies: REQ-SFRAME-002
TEST(SframeCipherSuite, only_the_five_rfc_suites_are_accepted) {
  for (uint16_t v = 1; v <= 5; ++v) {
    auto s = cipher_suite_from_wire(v);
    ASSERT_TRUE(s.has_value()) << v;
    EXPECT_EQ(static_cast<uint16_t>(*s), v);
  }
  for (const uint16_t v : std::initializer_list<uint16_t>{0x0000, 0x0006, 0x0007, 0xf000, 0xffff}) {
    EXPECT_EQ(error_of(cipher_suite_from_wire(v)), Err::kUnsupported) << v;
  }
}

// verifies: REQ-SFRAME-002
TEST(SframeCipherSuite, constants_match_rfc_9605_table) {
  const SuiteParams p1 = suite_params(CipherSuite::kAes128CtrHmacSha256_80);
  EXPECT_EQ(p1.nk, 48u);
  EXPECT_EQ(p1.nka, 16u);
  EXPECT_EQ(p1.nt, 10u);
  EXPECT_EQ(suite_params(CipherSuite::kAes128CtrHmacSha256_64).nt, 8u);
  EXPECT_EQ(suite_params(CipherSuite::kAes128CtrHmacSha256_32).nt, 4u);
  const SuiteParams p4 = suite_params(CipherSuite::kAes128GcmSha256_128);
  EXPECT_EQ(p4.nk, 16u);
  EXPECT_EQ(p4.nt, 16u);
  EXPECT_EQ(p4.nh, 32u);
  const SuiteParams p5 = suite_params(CipherSuite::kAes256GcmSha512_128);
  EXPECT_EQ(p5.nk, 32u);
  EXPECT_EQ(p5.nh, 64u);
  EXPECT_EQ(p5.hash, crypto::HashAlg::kSha512);
}

// verifies: REQ-SFRAME-002
TEST(SframeCipherSuite, the_mls_context_defaults_to_the_profile_suite) {
  EXPECT_EQ(kProfileSuite, CipherSuite::kAes128GcmSha256_128);
  const MlsConfig c;
  EXPECT_EQ(c.suite, CipherSuite::kAes128GcmSha256_128);
  EXPECT_EQ(c.epoch_bits, 4u);
  auto ctx = MlsContext::create(c);
  ASSERT_TRUE(ctx.has_value());
  EXPECT_EQ((*ctx)->epoch_secret_len(), 16u);  // AEAD.Nk (RFC 9605 §5.2)
}

// verifies: REQ-SFRAME-002
TEST(SframeCipherSuite, frame_cipher_checks_the_key_length) {
  EXPECT_EQ(error_of(FrameCipher::create(CipherSuite::kAes128GcmSha256_128, Bytes(32))),
            Err::kInvalidArgument);
  EXPECT_EQ(error_of(FrameCipher::create(CipherSuite::kAes128CtrHmacSha256_80, Bytes(16))),
            Err::kInvalidArgument);
  EXPECT_TRUE(FrameCipher::create(CipherSuite::kAes256GcmSha512_128, Bytes(32)).has_value());
}

}  // namespace
}  // namespace conclave::sframe
