// Tests for crypto/public_key.h: every malformed key form is rejected.
#include "crypto/public_key.h"

#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;
using testing::hex;

// The P-256 base point G (SEC 2 §2.4.2), uncompressed.
constexpr std::string_view kGx = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
constexpr std::string_view kGy = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

Bytes point(std::string_view tag, std::string_view x, std::string_view y) {
  std::string s(tag);
  s += x;
  s += y;
  return hex(s);
}

// verifies: REQ-CRYPTO-006
TEST(PublicKey, REQ_CRYPTO_006_p256_accepts_valid_points) {
  EXPECT_TRUE(validate_p256_public_key(point("04", kGx, kGy)).has_value());
  // (0, y): a valid point with a zero x-coordinate.
  EXPECT_TRUE(validate_p256_public_key(
                  point("04", "0000000000000000000000000000000000000000000000000000000000000000",
                        "66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4"))
                  .has_value());
}

// verifies: REQ-CRYPTO-006
TEST(PublicKey, REQ_CRYPTO_006_p256_off_curve_point_is_rejected) {
  Bytes bad = point("04", kGx, kGy);
  bad.back() ^= 0x01;
  EXPECT_EQ(error_of(validate_p256_public_key(bad)), Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(validate_p256_public_key(point("04", kGx, kGx))), Err::kInvalidPublicKey);
}

// verifies: REQ-CRYPTO-006
TEST(PublicKey, REQ_CRYPTO_006_p256_coordinate_out_of_range_is_rejected) {
  // x = 0 + p, with the y of the valid point (0, y): on the curve modulo p,
  // but x is not reduced, so the encoding is not canonical.
  EXPECT_EQ(error_of(validate_p256_public_key(
                point("04", "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
                      "66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4"))),
            Err::kInvalidPublicKey);
}

// verifies: REQ-CRYPTO-006
TEST(PublicKey, REQ_CRYPTO_006_p256_wrong_length_is_rejected) {
  const Bytes g = point("04", kGx, kGy);
  EXPECT_EQ(error_of(validate_p256_public_key(ByteView(g).first(64))), Err::kInvalidPublicKey);
  Bytes longer = g;
  longer.push_back(0);
  EXPECT_EQ(error_of(validate_p256_public_key(longer)), Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(validate_p256_public_key({})), Err::kInvalidPublicKey);
  // Raw X || Y without the 0x04 tag.
  EXPECT_EQ(error_of(validate_p256_public_key(ByteView(g).subspan(1))), Err::kInvalidPublicKey);
}

// verifies: REQ-CRYPTO-006
TEST(PublicKey, REQ_CRYPTO_006_p256_infinity_encoding_is_rejected) {
  EXPECT_EQ(error_of(validate_p256_public_key(hex("00"))), Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(validate_p256_public_key(Bytes(65, 0))), Err::kInvalidPublicKey);
}

// verifies: REQ-CRYPTO-006
TEST(PublicKey, REQ_CRYPTO_006_p256_compressed_and_hybrid_encodings_are_rejected) {
  // G's y is odd, so its compressed form is 03 || x.
  EXPECT_EQ(error_of(validate_p256_public_key(hex(std::string("03") + std::string(kGx)))),
            Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(validate_p256_public_key(hex(std::string("02") + std::string(kGx)))),
            Err::kInvalidPublicKey);
  // Hybrid (0x06/0x07) and compressed tags on a 65-byte body.
  for (const char* tag : {"02", "03", "06", "07", "05"}) {
    SCOPED_TRACE(tag);
    EXPECT_EQ(error_of(validate_p256_public_key(point(tag, kGx, kGy))), Err::kInvalidPublicKey);
  }
}

// verifies: REQ-CRYPTO-006
TEST(PublicKey, REQ_CRYPTO_006_x25519_needs_exactly_32_bytes) {
  EXPECT_TRUE(validate_x25519_public_key(Bytes(32, 9)).has_value());
  EXPECT_EQ(error_of(validate_x25519_public_key(Bytes(31, 9))), Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(validate_x25519_public_key(Bytes(33, 9))), Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(validate_x25519_public_key({})), Err::kInvalidPublicKey);
}

// verifies: REQ-CRYPTO-006
TEST(PublicKey, REQ_CRYPTO_006_ed25519_needs_exactly_32_bytes) {
  EXPECT_TRUE(validate_ed25519_public_key(Bytes(32, 1)).has_value());
  EXPECT_EQ(error_of(validate_ed25519_public_key(Bytes(31, 1))), Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(validate_ed25519_public_key(Bytes(64, 1))), Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(validate_ed25519_public_key({})), Err::kInvalidPublicKey);
}

}  // namespace
}  // namespace conclave::crypto
