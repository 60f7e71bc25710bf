// Tests for crypto/hmac.h, with RFC 4231 test case 2.
#include "crypto/hmac.h"

#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;
using testing::hex;

// RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
constexpr std::string_view kKey = "Jefe";
constexpr std::string_view kData = "what do ya want for nothing?";
constexpr std::string_view kSha256Tag =
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
constexpr std::string_view kSha384Tag =
    "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
    "8e2240ca5e69e2c78b3239ecfab21649";

// verifies: REQ-CRYPTO-003
TEST(Hmac, REQ_CRYPTO_003_known_answers) {
  auto t256 = hmac(HashAlg::kSha256, as_bytes(kKey), as_bytes(kData));
  ASSERT_TRUE(t256.has_value());
  EXPECT_EQ(to_hex(*t256), kSha256Tag);
  auto t384 = hmac(HashAlg::kSha384, as_bytes(kKey), as_bytes(kData));
  ASSERT_TRUE(t384.has_value());
  EXPECT_EQ(to_hex(*t384), kSha384Tag);
  auto t512 = hmac(HashAlg::kSha512, as_bytes(kKey), as_bytes(kData));
  ASSERT_TRUE(t512.has_value());
  EXPECT_EQ(to_hex(*t512),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

// verifies: REQ-CRYPTO-003
TEST(Hmac, REQ_CRYPTO_003_verify_accepts_the_right_tag) {
  EXPECT_TRUE(
      hmac_verify(HashAlg::kSha256, as_bytes(kKey), as_bytes(kData), hex(kSha256Tag)).has_value());
  EXPECT_TRUE(
      hmac_verify(HashAlg::kSha384, as_bytes(kKey), as_bytes(kData), hex(kSha384Tag)).has_value());
}

// verifies: REQ-CRYPTO-003
TEST(Hmac, REQ_CRYPTO_003_tampered_tag_is_rejected) {
  const Bytes good = hex(kSha256Tag);
  for (size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x01;
    SCOPED_TRACE(i);
    EXPECT_EQ(error_of(hmac_verify(HashAlg::kSha256, as_bytes(kKey), as_bytes(kData), bad)),
              Err::kAuthFailed);
  }
}

// verifies: REQ-CRYPTO-003
TEST(Hmac, REQ_CRYPTO_003_wrong_length_tag_is_rejected) {
  const Bytes good = hex(kSha256Tag);
  const Bytes truncated(good.begin(), good.begin() + 16);
  Bytes extended = good;
  extended.push_back(0);
  EXPECT_EQ(error_of(hmac_verify(HashAlg::kSha256, as_bytes(kKey), as_bytes(kData), truncated)),
            Err::kAuthFailed);
  EXPECT_EQ(error_of(hmac_verify(HashAlg::kSha256, as_bytes(kKey), as_bytes(kData), extended)),
            Err::kAuthFailed);
  EXPECT_EQ(error_of(hmac_verify(HashAlg::kSha256, as_bytes(kKey), as_bytes(kData), {})),
            Err::kAuthFailed);
}

// verifies: REQ-CRYPTO-003
TEST(Hmac, REQ_CRYPTO_003_wrong_key_or_data_is_rejected) {
  EXPECT_EQ(
      error_of(hmac_verify(HashAlg::kSha256, as_bytes("Jeff"), as_bytes(kData), hex(kSha256Tag))),
      Err::kAuthFailed);
  EXPECT_EQ(error_of(hmac_verify(HashAlg::kSha256, as_bytes(kKey), as_bytes("what do ya want"),
                                 hex(kSha256Tag))),
            Err::kAuthFailed);
}

}  // namespace
}  // namespace conclave::crypto
