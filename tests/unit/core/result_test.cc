#include "core/result.h"

#include <gtest/gtest.h>

#include <string>

#include "core/bytes.h"

namespace conclave {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) {
    return Error(Err::kInvalidArgument, "odd");
  }
  return v / 2;
}

Result<int> quarter(int v) {
  CONCLAVE_TRY_ASSIGN(int h, half(v));
  CONCLAVE_TRY_ASSIGN(int q, half(h));
  return q;
}

// verifies: REQ-WIRE-007
TEST(Result, REQ_WIRE_007_every_code_has_a_category_and_a_name) {
  EXPECT_EQ(category(Err::kTruncated), ErrCategory::kDecode);
  EXPECT_EQ(category(Err::kUnexpectedMessage), ErrCategory::kProtocol);
  EXPECT_EQ(category(Err::kAuthFailed), ErrCategory::kCrypto);
  EXPECT_EQ(category(Err::kBufferTooSmall), ErrCategory::kUsage);
  EXPECT_EQ(category(Err::kTimeout), ErrCategory::kNetwork);
  for (Err e : {Err::kDecode, Err::kTrailingData, Err::kNonMinimalVarint, Err::kProtocol,
                Err::kAuthFailed, Err::kInvalidPublicKey, Err::kUsage, Err::kValueTooLarge,
                Err::kNetwork, Err::kTimeout, Err::kConnectionClosed}) {
    EXPECT_NE(std::string(to_string(e)), "unknown error");
  }
}

TEST(Result, try_assign_propagates_the_first_error) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);  // 6 -> 3 -> odd
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kInvalidArgument);
  EXPECT_STREQ(r.error().detail, "odd");
}

TEST(Hex, round_trip_and_errors) {
  auto b = from_hex("00ffA0");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(to_hex(*b), "00ffa0");
  auto odd = from_hex("abc");
  ASSERT_FALSE(odd.has_value());
  auto bad = from_hex("zz");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().offset, 0u);
}

}  // namespace
}  // namespace conclave
