// Tests for crypto/dh.h. X25519 known answer: RFC 7748 §6.1.
#include "crypto/dh.h"

#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;
using testing::hex;
using testing::secret_hex;

constexpr std::string_view kAlicePriv =
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
constexpr std::string_view kAlicePub =
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
constexpr std::string_view kBobPriv =
    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
constexpr std::string_view kBobPub =
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
constexpr std::string_view kShared =
    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

TEST(Dh, x25519_rfc7748_known_answer) {
  auto alice_pub = dh_public_key(DhGroup::kX25519, secret_hex(kAlicePriv));
  ASSERT_TRUE(alice_pub.has_value());
  EXPECT_EQ(to_hex(*alice_pub), kAlicePub);
  auto bob_pub = dh_public_key(DhGroup::kX25519, secret_hex(kBobPriv));
  ASSERT_TRUE(bob_pub.has_value());
  EXPECT_EQ(to_hex(*bob_pub), kBobPub);
  auto k1 = dh(DhGroup::kX25519, secret_hex(kAlicePriv), hex(kBobPub));
  auto k2 = dh(DhGroup::kX25519, secret_hex(kBobPriv), hex(kAlicePub));
  ASSERT_TRUE(k1.has_value());
  ASSERT_TRUE(k2.has_value());
  EXPECT_EQ(to_hex(k1->view()), kShared);
  EXPECT_EQ(to_hex(k2->view()), kShared);
}

TEST(Dh, fresh_keys_agree_in_both_groups) {
  for (DhGroup g : {DhGroup::kX25519, DhGroup::kP256}) {
    SCOPED_TRACE(to_string(g));
    auto a = dh_generate_private_key(g);
    auto b = dh_generate_private_key(g);
    ASSERT_TRUE(a.has_value());
    ASSERT_TRUE(b.has_value());
    auto a_pub = dh_public_key(g, *a);
    auto b_pub = dh_public_key(g, *b);
    ASSERT_TRUE(a_pub.has_value());
    ASSERT_TRUE(b_pub.has_value());
    EXPECT_EQ(a_pub->size(), dh_public_key_len(g));
    auto k1 = dh(g, *a, *b_pub);
    auto k2 = dh(g, *b, *a_pub);
    ASSERT_TRUE(k1.has_value());
    ASSERT_TRUE(k2.has_value());
    EXPECT_EQ(k1->size(), dh_shared_secret_len(g));
    EXPECT_TRUE(k1->ct_equal(*k2));
  }
}

// verifies: REQ-CRYPTO-006
TEST(Dh, REQ_CRYPTO_006_x25519_low_order_points_give_an_error_not_zeros) {
  // Points of small order on Curve25519 or its twist (RFC 7748 §6.1 asks
  // to reject the all-zero output they produce): 0, 1, a point of order 8,
  // and p - 1 (order 2).
  const char* low_order[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  };
  for (const char* point : low_order) {
    SCOPED_TRACE(point);
    EXPECT_EQ(error_of(dh(DhGroup::kX25519, secret_hex(kAlicePriv), hex(point))),
              Err::kInvalidPublicKey);
  }
}

// verifies: REQ-CRYPTO-006
TEST(Dh, REQ_CRYPTO_006_wrong_length_peer_keys_are_rejected) {
  EXPECT_EQ(error_of(dh(DhGroup::kX25519, secret_hex(kAlicePriv), hex(kBobPub.substr(2)))),
            Err::kInvalidPublicKey);
  auto p256 = dh_generate_private_key(DhGroup::kP256);
  ASSERT_TRUE(p256.has_value());
  EXPECT_EQ(error_of(dh(DhGroup::kP256, *p256, hex(kBobPub))), Err::kInvalidPublicKey);
}

// verifies: REQ-CRYPTO-006
TEST(Dh, REQ_CRYPTO_006_p256_off_curve_peer_is_rejected) {
  auto sk = dh_generate_private_key(DhGroup::kP256);
  ASSERT_TRUE(sk.has_value());
  auto pk = dh_public_key(DhGroup::kP256, *sk);
  ASSERT_TRUE(pk.has_value());
  Bytes bad = *pk;
  bad[64] ^= 1;
  EXPECT_EQ(error_of(dh(DhGroup::kP256, *sk, bad)), Err::kInvalidPublicKey);
}

TEST(Dh, invalid_private_keys_are_rejected) {
  EXPECT_EQ(error_of(dh_public_key(DhGroup::kX25519, SecretBytes(31))), Err::kInvalidPrivateKey);
  EXPECT_EQ(error_of(dh_public_key(DhGroup::kP256, SecretBytes(32))), Err::kInvalidPrivateKey);
  // The group order n itself is out of range.
  EXPECT_EQ(error_of(dh_public_key(
                DhGroup::kP256,
                secret_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"))),
            Err::kInvalidPrivateKey);
  // n - 1 is the largest valid scalar.
  EXPECT_TRUE(dh_public_key(DhGroup::kP256,
                            secret_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2"
                                       "fc632550"))
                  .has_value());
}

}  // namespace
}  // namespace conclave::crypto
