// Tests for crypto/totp.h: RFC 6238 Appendix B (SHA-1 rows) and RFC 4648 §10.
#include "crypto/totp.h"

#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
constexpr std::string_view kSeed = "12345678901234567890";

struct Row {
  uint64_t time;
  const char* totp8;
};
constexpr Row kRows[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

// verifies: REQ-STORE-003
TEST(Totp, rfc6238_appendix_b_sha1) {
  for (const auto& row : kRows) {
    auto eight = totp_code(as_bytes(kSeed), row.time, 8);
    ASSERT_TRUE(eight.has_value());
    EXPECT_EQ(*eight, row.totp8) << row.time;
    // The 6-digit code is the same number modulo 10^6: the last six digits.
    auto six = totp_code(as_bytes(kSeed), row.time);
    ASSERT_TRUE(six.has_value());
    EXPECT_EQ(*six, std::string(row.totp8).substr(2)) << row.time;
  }
}

// verifies: REQ-STORE-003
TEST(Totp, verify_accepts_the_window_and_returns_the_step) {
  const uint64_t t = 1111111111;
  auto code = totp_code(as_bytes(kSeed), t);
  ASSERT_TRUE(code.has_value());
  auto step = verify_totp(as_bytes(kSeed), *code, t);
  ASSERT_TRUE(step.has_value());
  EXPECT_EQ(*step, t / 30);
  // One step of drift either way is accepted, two are not.
  EXPECT_TRUE(verify_totp(as_bytes(kSeed), *code, t + 30).has_value());
  EXPECT_TRUE(verify_totp(as_bytes(kSeed), *code, t - 30).has_value());
  EXPECT_EQ(error_of(verify_totp(as_bytes(kSeed), *code, t + 90)), Err::kAuthFailed);
  EXPECT_EQ(error_of(verify_totp(as_bytes(kSeed), *code, t - 90)), Err::kAuthFailed);
}

// verifies: REQ-STORE-003
TEST(Totp, verify_refuses_wrong_and_malformed_codes) {
  const uint64_t t = 59;
  EXPECT_EQ(error_of(verify_totp(as_bytes(kSeed), "287083", t)), Err::kAuthFailed);
  EXPECT_EQ(error_of(verify_totp(as_bytes(kSeed), "28708", t)), Err::kAuthFailed);
  EXPECT_EQ(error_of(verify_totp(as_bytes(kSeed), "94287082", t)), Err::kAuthFailed);
  EXPECT_EQ(error_of(verify_totp(as_bytes(kSeed), "", t)), Err::kAuthFailed);
  EXPECT_TRUE(verify_totp(as_bytes(kSeed), "287082", t).has_value());
}

// verifies: REQ-STORE-003
TEST(Totp, secret_is_twenty_random_bytes) {
  auto a = generate_totp_secret();
  auto b = generate_totp_secret();
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->size(), kTotpSecretLen);
  EXPECT_FALSE(a->ct_equal(*b));
}

TEST(Base32, rfc4648_vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base32_encode(as_bytes(plain)), encoded);
    auto back = base32_decode(encoded);
    ASSERT_TRUE(back.has_value()) << encoded;
    EXPECT_EQ(std::string(back->begin(), back->end()), plain);
  }
  // Padded and lower-case forms decode too.
  auto padded = base32_decode("MZXW6YTBOI======");
  ASSERT_TRUE(padded.has_value());
  EXPECT_EQ(std::string(padded->begin(), padded->end()), "foobar");
  auto lower = base32_decode("mzxw6ytboi");
  ASSERT_TRUE(lower.has_value());
  EXPECT_EQ(std::string(lower->begin(), lower->end()), "foobar");
}

TEST(Base32, rejects_malformed_text) {
  // "MZ" = 01100 11001: the two bits after the first byte are unused and non-zero.
  for (const char* bad : {"M", "MZX", "MZXW6Y", "MZ1Q", "MY=", "MZ======", "MZXQ====X", "MZ"}) {
    EXPECT_EQ(error_of(base32_decode(bad)), Err::kDecode) << bad;
  }
  EXPECT_TRUE(base32_decode("MY").has_value());
}

}  // namespace
}  // namespace conclave::crypto
