// Tests for crypto/hpke/labeled_kdf.h: the labelled inputs are byte-exact
// RFC 9180 §4 encodings.
#include "crypto/hpke/labeled_kdf.h"

#include <gtest/gtest.h>

#include "../crypto_test_util.h"
#include "crypto/hkdf.h"

namespace conclave::crypto::hpke {
namespace {

using testing::error_of;
using testing::hex;

// verifies: REQ-CRYPTO-007
TEST(LabeledKdf, REQ_CRYPTO_007_suite_ids) {
  // "KEM" = 4b454d; "HPKE" = 48504b45.
  EXPECT_EQ(to_hex(kem_suite_id(0x0020)), "4b454d0020");
  EXPECT_EQ(to_hex(kem_suite_id(0x0010)), "4b454d0010");
  EXPECT_EQ(to_hex(hpke_suite_id(0x0010, 0x0001, 0x0001)), "48504b45001000010001");
}

// verifies: REQ-CRYPTO-007
TEST(LabeledKdf, REQ_CRYPTO_007_labeled_extract_prefixes_version_suite_and_label) {
  const Bytes sid = kem_suite_id(0x0020);
  const Bytes salt = hex("0102");
  const Bytes ikm = hex("aabbcc");
  auto got = labeled_extract(HashAlg::kSha256, sid, salt, "dkp_prk", ikm);
  // concat("HPKE-v1", suite_id, "dkp_prk", ikm), written out.
  auto want = hkdf_extract(HashAlg::kSha256, salt,
                           hex("48504b452d7631"  // "HPKE-v1"
                               "4b454d0020"      // suite_id
                               "646b705f70726b"  // "dkp_prk"
                               "aabbcc"));       // ikm
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(want.has_value());
  EXPECT_TRUE(got->ct_equal(*want));
}

// verifies: REQ-CRYPTO-007
TEST(LabeledKdf, REQ_CRYPTO_007_labeled_expand_prefixes_length_version_suite_and_label) {
  const Bytes sid = hpke_suite_id(0x0020, 0x0001, 0x0001);
  const SecretBytes prk(32);
  auto got = labeled_expand(HashAlg::kSha256, sid, prk.view(), "key", hex("0102"), 16);
  auto want = hkdf_expand(HashAlg::kSha256, prk.view(),
                          hex("0010"                  // I2OSP(16, 2)
                              "48504b452d7631"        // "HPKE-v1"
                              "48504b45002000010001"  // suite_id
                              "6b6579"                // "key"
                              "0102"),                // info
                          16);
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(want.has_value());
  EXPECT_TRUE(got->ct_equal(*want));
}

// verifies: REQ-CRYPTO-007
TEST(LabeledKdf, REQ_CRYPTO_007_labeled_expand_length_limits) {
  const Bytes sid = kem_suite_id(0x0020);
  const SecretBytes prk(32);
  EXPECT_EQ(error_of(labeled_expand(HashAlg::kSha256, sid, prk.view(), "x", {}, 255 * 32 + 1)),
            Err::kInvalidArgument);
  EXPECT_EQ(error_of(labeled_expand(HashAlg::kSha256, sid, prk.view(), "x", {}, 70000)),
            Err::kInvalidArgument);
}

}  // namespace
}  // namespace conclave::crypto::hpke
