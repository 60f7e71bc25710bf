// The meeting security code: a known answer computed here independently of
// security_code(), and equality for equal authenticators.
#include "client/security_code.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "crypto/hash.h"

namespace conclave::client {
namespace {

// expected_code recomputes the derivation step by step: SHA-256 over the
// label and the authenticator, first five bytes as a 40-bit big-endian
// number, modulo 10^12, twelve digits in groups of four.
std::string expected_code(ByteView authenticator) {
  Bytes input = to_bytes(as_bytes(std::string_view("conclave security code v1")));
  for (const uint8_t b : authenticator) {
    input.push_back(b);
  }
  const Bytes d = crypto::hash(crypto::HashAlg::kSha256, input);
  const uint64_t n40 = (uint64_t{d[0]} << 32) | (uint64_t{d[1]} << 24) | (uint64_t{d[2]} << 16) |
                       (uint64_t{d[3]} << 8) | uint64_t{d[4]};
  const uint64_t n = n40 % 1000000000000ULL;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04llu %04llu %04llu",
                static_cast<unsigned long long>(n / 100000000ULL),
                static_cast<unsigned long long>((n / 10000ULL) % 10000ULL),
                static_cast<unsigned long long>(n % 10000ULL));
  return buf;
}

// verifies: REQ-CLIENT-001
TEST(SecurityCode, MatchesTheDerivation) {
  for (const size_t len : {size_t{0}, size_t{1}, size_t{32}, size_t{48}, size_t{64}}) {
    Bytes auth(len);
    for (size_t i = 0; i < len; ++i) {
      auth[i] = static_cast<uint8_t>(i * 37 + len);
    }
    SCOPED_TRACE(len);
    EXPECT_EQ(security_code(auth), expected_code(auth));
  }
}

// verifies: REQ-CLIENT-001
TEST(SecurityCode, KnownAnswerForAllZeroAuthenticator) {
  // SHA-256("conclave security code v1" || 32 zero bytes) computed with the
  // test's own derivation; the format is 3 groups of 4 digits.
  const Bytes zero(32, 0);
  const std::string code = security_code(zero);
  EXPECT_EQ(code, expected_code(zero));
  ASSERT_EQ(code.size(), 14u);
  EXPECT_EQ(code[4], ' ');
  EXPECT_EQ(code[9], ' ');
}

// verifies: REQ-CLIENT-001
TEST(SecurityCode, EqualOnlyForEqualAuthenticators) {
  const Bytes a(32, 0x11);
  Bytes b = a;
  EXPECT_EQ(security_code(a), security_code(b));
  b[31] ^= 1;
  EXPECT_NE(security_code(a), security_code(b));
}

}  // namespace
}  // namespace conclave::client
