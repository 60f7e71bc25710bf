// Tests for crypto/aes_ctr_hmac.h beyond the RFC 9605 vectors (tests/kat):
// round trips at every SFrame tag length, tampering, and the tag-before-
// decrypt order.
#include "crypto/aes_ctr_hmac.h"

#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;
using testing::hex;

Bytes test_key() {
  Bytes k(AesCtrHmacKey::kKeyLen);
  for (size_t i = 0; i < k.size(); ++i) {
    k[i] = static_cast<uint8_t>(i);
  }
  return k;
}

const Bytes kNonce = hex("101112131415161718191a1b");
const Bytes kAad = hex("4945544620534672616d65205747");

class AesCtrHmacTagLen : public ::testing::TestWithParam<size_t> {};

// verifies: REQ-CRYPTO-012
TEST_P(AesCtrHmacTagLen, round_trip_and_tamper) {
  auto k = AesCtrHmacKey::create(test_key(), GetParam());
  ASSERT_TRUE(k.has_value());
  const Bytes pt = hex("64726166742d696574662d736672616d652d656e63");
  Bytes ct(pt.size() + GetParam());
  ASSERT_EQ(*k->seal(ct, kNonce, kAad, pt), ct.size());
  Bytes out(ct.size());
  ASSERT_EQ(*k->open(out, kNonce, kAad, ct), pt.size());
  out.resize(pt.size());
  EXPECT_EQ(out, pt);
  for (size_t i = 0; i < ct.size(); ++i) {
    Bytes bad = ct;
    bad[i] ^= 1;
    Bytes sink(ct.size(), 0xaa);
    EXPECT_EQ(error_of(k->open(sink, kNonce, kAad, bad)), Err::kAuthFailed) << i;
    // The tag is checked before decryption: nothing was written.
    EXPECT_EQ(sink, Bytes(ct.size(), 0xaa)) << i;
  }
  Bytes aad = kAad;
  aad[0] ^= 1;
  EXPECT_EQ(error_of(k->open(out, kNonce, aad, ct)), Err::kAuthFailed);
  Bytes nonce = kNonce;
  nonce[11] ^= 1;
  EXPECT_EQ(error_of(k->open(out, nonce, kAad, ct)), Err::kAuthFailed);
  EXPECT_EQ(error_of(k->open(out, kNonce, kAad, ByteView(ct).first(GetParam() - 1))),
            Err::kAuthFailed);
}

INSTANTIATE_TEST_SUITE_P(SframeTagLengths, AesCtrHmacTagLen, ::testing::Values(4, 8, 10));

// verifies: REQ-CRYPTO-012
TEST(AesCtrHmac, rejects_bad_arguments) {
  EXPECT_EQ(error_of(AesCtrHmacKey::create(hex("00"), 10)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(AesCtrHmacKey::create(test_key(), 2)), Err::kInvalidArgument);
  auto k = AesCtrHmacKey::create(test_key(), 10);
  ASSERT_TRUE(k.has_value());
  Bytes pt(8);
  Bytes small(17);
  EXPECT_EQ(error_of(k->seal(small, kNonce, kAad, pt)), Err::kBufferTooSmall);
  Bytes out(18);
  EXPECT_EQ(error_of(k->seal(out, hex("00"), kAad, pt)), Err::kInvalidArgument);
}

}  // namespace
}  // namespace conclave::crypto
