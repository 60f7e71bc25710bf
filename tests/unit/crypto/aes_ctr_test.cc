// Tests for crypto/aes_ctr.h, with the CTR-AES128 example of NIST SP 800-38A
// Appendix F.5.1 (its counter block crosses a byte carry: ...feff -> ...ff00).
#include "crypto/aes_ctr.h"

#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;
using testing::hex;

constexpr std::string_view kKey = "2b7e151628aed2a6abf7158809cf4f3c";
constexpr std::string_view kCounter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
constexpr std::string_view kPlain =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
constexpr std::string_view kCipher =
    "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
    "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee";

// verifies: REQ-CRYPTO-012
TEST(AesCtr, sp800_38a_known_answer_both_directions) {
  auto k = AesCtrKey::create(hex(kKey));
  ASSERT_TRUE(k.has_value());
  const Bytes pt = hex(kPlain);
  Bytes ct(pt.size());
  ASSERT_TRUE(k->apply(ct, hex(kCounter), pt).has_value());
  EXPECT_EQ(to_hex(ct), kCipher);
  Bytes back(ct.size());
  ASSERT_TRUE(k->apply(back, hex(kCounter), ct).has_value());
  EXPECT_EQ(back, pt);
}

// verifies: REQ-CRYPTO-012
TEST(AesCtr, in_place_and_partial_blocks) {
  auto k = AesCtrKey::create(hex(kKey));
  ASSERT_TRUE(k.has_value());
  Bytes buf = hex(kPlain);
  buf.resize(21);  // one block and a partial one
  ASSERT_TRUE(k->apply(buf, hex(kCounter), buf).has_value());
  EXPECT_EQ(to_hex(buf), std::string(kCipher.substr(0, 42)));
}

// verifies: REQ-CRYPTO-012
TEST(AesCtr, rejects_bad_arguments) {
  EXPECT_EQ(error_of(AesCtrKey::create(hex("00"))), Err::kInvalidArgument);
  auto k = AesCtrKey::create(hex(kKey));
  ASSERT_TRUE(k.has_value());
  Bytes in(32);
  Bytes out(31);
  EXPECT_EQ(error_of(k->apply(out, hex(kCounter), in)), Err::kBufferTooSmall);
  Bytes ok(32);
  EXPECT_EQ(error_of(k->apply(ok, hex("00"), in)), Err::kInvalidArgument);
  Bytes both(40);
  EXPECT_EQ(error_of(k->apply(MutableByteView(both).subspan(1, 32), hex(kCounter),
                              ByteView(both).first(32))),
            Err::kInvalidArgument);
}

}  // namespace
}  // namespace conclave::crypto
