// Tests for crypto/hkdf.h: RFC 5869 Appendix A.1 and A.3 (SHA-256), and a
// SHA-384 value computed independently with Python's hmac module.
#include "crypto/hkdf.h"

#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;
using testing::hex;

const Bytes kIkm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
const Bytes kSalt = hex("000102030405060708090a0b0c");
const Bytes kInfo = hex("f0f1f2f3f4f5f6f7f8f9");

// verifies: REQ-CRYPTO-003
TEST(Hkdf, REQ_CRYPTO_003_rfc5869_case_1) {
  auto prk = hkdf_extract(HashAlg::kSha256, kSalt, kIkm);
  ASSERT_TRUE(prk.has_value());
  EXPECT_EQ(to_hex(prk->view()),
            "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  auto okm = hkdf_expand(HashAlg::kSha256, prk->view(), kInfo, 42);
  ASSERT_TRUE(okm.has_value());
  EXPECT_EQ(to_hex(okm->view()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
            "34007208d5b887185865");
}

// verifies: REQ-CRYPTO-003
TEST(Hkdf, REQ_CRYPTO_003_rfc5869_case_3_empty_salt_and_info) {
  auto prk = hkdf_extract(HashAlg::kSha256, {}, kIkm);
  ASSERT_TRUE(prk.has_value());
  EXPECT_EQ(to_hex(prk->view()),
            "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
  auto okm = hkdf_expand(HashAlg::kSha256, prk->view(), {}, 42);
  ASSERT_TRUE(okm.has_value());
  EXPECT_EQ(to_hex(okm->view()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
            "9d201395faa4b61a96c8");
}

// verifies: REQ-CRYPTO-003
TEST(Hkdf, REQ_CRYPTO_003_sha384) {
  auto prk = hkdf_extract(HashAlg::kSha384, kSalt, kIkm);
  ASSERT_TRUE(prk.has_value());
  EXPECT_EQ(to_hex(prk->view()),
            "704b39990779ce1dc548052c7dc39f303570dd13fb39f7acc564680bef80e8de"
            "c70ee9a7e1f3e293ef68eceb072a5ade");
  auto okm = hkdf_expand(HashAlg::kSha384, prk->view(), kInfo, 42);
  ASSERT_TRUE(okm.has_value());
  EXPECT_EQ(to_hex(okm->view()),
            "9b5097a86038b805309076a44b3a9f38063e25b516dcbf369f394cfab43685f7"
            "48b6457763e4f0204fc5");
}

// verifies: REQ-CRYPTO-003
TEST(Hkdf, REQ_CRYPTO_003_sha512) {
  auto prk = hkdf_extract(HashAlg::kSha512, kSalt, kIkm);
  ASSERT_TRUE(prk.has_value());
  EXPECT_EQ(to_hex(prk->view()),
            "665799823737ded04a88e47e54a5890bb2c3d247c7a4254a8e61350723590a26"
            "c36238127d8661b88cf80ef802d57e2f7cebcf1e00e083848be19929c61b4237");
  auto okm = hkdf_expand(HashAlg::kSha512, prk->view(), kInfo, 42);
  ASSERT_TRUE(okm.has_value());
  EXPECT_EQ(to_hex(okm->view()),
            "832390086cda71fb47625bb5ceb168e4c8e26a1a16ed34d9fc7fe92c14815793"
            "38da362cb8d9f925d7cb");
}

// verifies: REQ-CRYPTO-003
TEST(Hkdf, REQ_CRYPTO_003_extract_from_parts_equals_extract_from_concatenation) {
  const Bytes a = hex("0b0b0b0b0b0b0b");
  const Bytes b = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  const ByteView parts[] = {a, {}, b};
  auto split = hkdf_extract(HashAlg::kSha256, kSalt, parts);
  auto whole = hkdf_extract(HashAlg::kSha256, kSalt, kIkm);
  ASSERT_TRUE(split.has_value());
  ASSERT_TRUE(whole.has_value());
  EXPECT_TRUE(split->ct_equal(*whole));
}

// verifies: REQ-CRYPTO-003
TEST(Hkdf, REQ_CRYPTO_003_expand_refuses_more_than_255_hash_lengths) {
  const SecretBytes prk(32);
  EXPECT_TRUE(hkdf_expand(HashAlg::kSha256, prk.view(), {}, 255 * 32).has_value());
  EXPECT_EQ(error_of(hkdf_expand(HashAlg::kSha256, prk.view(), {}, 255 * 32 + 1)),
            Err::kInvalidArgument);
  const SecretBytes prk384(48);
  EXPECT_EQ(error_of(hkdf_expand(HashAlg::kSha384, prk384.view(), {}, 255 * 48 + 1)),
            Err::kInvalidArgument);
}

// verifies: REQ-CRYPTO-003
TEST(Hkdf, REQ_CRYPTO_003_expand_refuses_a_prk_shorter_than_the_hash) {
  const SecretBytes short_prk(31);
  EXPECT_EQ(error_of(hkdf_expand(HashAlg::kSha256, short_prk.view(), {}, 16)),
            Err::kInvalidArgument);
}

TEST(Hkdf, expand_of_zero_bytes_is_empty) {
  const SecretBytes prk(32);
  auto okm = hkdf_expand(HashAlg::kSha256, prk.view(), {}, 0);
  ASSERT_TRUE(okm.has_value());
  EXPECT_TRUE(okm->empty());
}

}  // namespace
}  // namespace conclave::crypto
