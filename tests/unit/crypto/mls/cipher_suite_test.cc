// Tests for crypto/mls/cipher_suite.h: suite table, the byte layout of each
// labelled structure, and round trips and failures of the labelled
// operations for both suites. tests/kat runs the official crypto-basics
// vectors.
#include "crypto/mls/cipher_suite.h"

#include <gtest/gtest.h>

#include <array>

#include "../crypto_test_util.h"
#include "crypto/hkdf.h"

namespace conclave::mls {
namespace {

using crypto::testing::error_of;
using crypto::testing::hex;

const CipherSuite kSuite1(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
const CipherSuite kSuite2(CipherSuiteId::kP256Aes128GcmSha256P256);
const CipherSuite kSuites[] = {kSuite1, kSuite2};

// verifies: REQ-CRYPTO-011
TEST(CipherSuite, REQ_CRYPTO_011_from_wire_accepts_only_suites_1_and_2) {
  auto s1 = CipherSuite::from_wire(0x0001);
  auto s2 = CipherSuite::from_wire(0x0002);
  ASSERT_TRUE(s1.has_value() && s2.has_value());
  EXPECT_EQ(s1->id(), CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
  EXPECT_EQ(s2->id(), CipherSuiteId::kP256Aes128GcmSha256P256);
  for (uint16_t v :
       std::array<uint16_t, 8>{0x0000, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x0a0a, 0xffff}) {
    SCOPED_TRACE(v);
    EXPECT_EQ(error_of(CipherSuite::from_wire(v)), Err::kUnsupported);
  }
}

// verifies: REQ-CRYPTO-011
TEST(CipherSuite, REQ_CRYPTO_011_parameters) {
  EXPECT_STREQ(kSuite1.name(), "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
  EXPECT_STREQ(kSuite2.name(), "MLS_128_DHKEMP256_AES128GCM_SHA256_P256");
  for (const CipherSuite& s : kSuites) {
    EXPECT_EQ(s.nh(), 32u);
    EXPECT_EQ(s.nk(), 16u);
    EXPECT_EQ(s.nn(), 12u);
    EXPECT_EQ(s.hash_alg(), crypto::HashAlg::kSha256);
    EXPECT_EQ(s.aead_alg(), crypto::AeadAlg::kAes128Gcm);
  }
  EXPECT_EQ(kSuite1.wire_value(), 1);
  EXPECT_EQ(kSuite2.wire_value(), 2);
  EXPECT_EQ(kSuite1.signature_scheme(), crypto::SignatureScheme::kEd25519);
  EXPECT_EQ(kSuite2.signature_scheme(), crypto::SignatureScheme::kEcdsaP256Sha256);
  EXPECT_EQ(kSuite1.hpke_suite().kem, crypto::hpke::KemId::kDhkemX25519HkdfSha256);
  EXPECT_EQ(kSuite2.hpke_suite().kem, crypto::hpke::KemId::kDhkemP256HkdfSha256);
}

// verifies: REQ-CRYPTO-011
TEST(CipherSuite, REQ_CRYPTO_011_expand_with_label_encodes_kdf_label) {
  const SecretBytes secret = SecretBytes::copy_of(Bytes(32, 0x11));
  auto got = kSuite2.expand_with_label(secret, "key", as_bytes("ctx"), 16);
  auto want = crypto::hkdf_expand(crypto::HashAlg::kSha256, secret.view(),
                                  hex("0010"                      // uint16 length
                                      "0b4d4c5320312e30206b6579"  // V("MLS 1.0 key")
                                      "03637478"),                // V("ctx")
                                  16);
  ASSERT_TRUE(got.has_value() && want.has_value());
  EXPECT_TRUE(got->ct_equal(*want));
}

// verifies: REQ-CRYPTO-011
TEST(CipherSuite, REQ_CRYPTO_011_derive_secret_and_tree_secret) {
  const SecretBytes secret = SecretBytes::copy_of(Bytes(32, 0x22));
  for (const CipherSuite& s : kSuites) {
    auto d = s.derive_secret(secret, "init");
    auto e = s.expand_with_label(secret, "init", {}, 32);
    ASSERT_TRUE(d.has_value() && e.has_value());
    EXPECT_TRUE(d->ct_equal(*e));
    // The generation is a big-endian uint32 context.
    auto t = s.derive_tree_secret(secret, "nonce", 0xa0a0b0c0, 12);
    auto u = s.expand_with_label(secret, "nonce", hex("a0a0b0c0"), 12);
    ASSERT_TRUE(t.has_value() && u.has_value());
    EXPECT_EQ(t->size(), 12u);
    EXPECT_TRUE(t->ct_equal(*u));
  }
}

// verifies: REQ-CRYPTO-011
TEST(CipherSuite, REQ_CRYPTO_011_ref_hash_uses_the_label_as_given) {
  auto got = kSuite1.ref_hash("MLS 1.0 Proposal Reference", hex("0102"));
  ASSERT_TRUE(got.has_value());
  // V(label) || V(value), hashed.
  const Bytes input =
      hex("1a4d4c5320312e302050726f706f73616c205265666572656e6365"
          "020102");
  EXPECT_EQ(*got, kSuite1.hash(input));
}

// verifies: REQ-CRYPTO-011
TEST(CipherSuite, REQ_CRYPTO_011_expand_with_label_length_must_fit_uint16) {
  const SecretBytes secret = SecretBytes::copy_of(Bytes(32, 0x22));
  EXPECT_EQ(error_of(kSuite1.expand_with_label(secret, "x", {}, 65536)), Err::kInvalidArgument);
}

// verifies: REQ-CRYPTO-011
TEST(CipherSuite, REQ_CRYPTO_011_sign_and_verify_with_label) {
  for (const CipherSuite& s : kSuites) {
    SCOPED_TRACE(s.name());
    auto pair = crypto::generate_signature_key_pair(s.signature_scheme());
    ASSERT_TRUE(pair.has_value());
    const Bytes content = hex("c0ffee");
    auto sig = s.sign_with_label(pair->private_key, "LeafNodeTBS", content);
    ASSERT_TRUE(sig.has_value());
    EXPECT_TRUE(s.verify_with_label(pair->public_key, "LeafNodeTBS", content, *sig).has_value());
    // The label is bound: another label, or the bare content, fails.
    EXPECT_EQ(error_of(s.verify_with_label(pair->public_key, "GroupInfoTBS", content, *sig)),
              Err::kAuthFailed);
    EXPECT_EQ(error_of(crypto::verify(s.signature_scheme(), pair->public_key, content, *sig)),
              Err::kAuthFailed);
    EXPECT_EQ(error_of(s.verify_with_label(pair->public_key, "LeafNodeTBS", hex("c0ffef"), *sig)),
              Err::kAuthFailed);
    // SignContent is what is actually signed.
    const Bytes sign_content =
        hex("134d4c5320312e30204c6561664e6f6465544253"  // V("MLS 1.0 LeafNodeTBS")
            "03c0ffee");                                // V(content)
    EXPECT_TRUE(
        crypto::verify(s.signature_scheme(), pair->public_key, sign_content, *sig).has_value());
  }
}

// verifies: REQ-CRYPTO-011
TEST(CipherSuite, REQ_CRYPTO_011_encrypt_and_decrypt_with_label) {
  for (const CipherSuite& s : kSuites) {
    SCOPED_TRACE(s.name());
    auto key = crypto::hpke::generate_key_pair(s.hpke_suite().kem);
    ASSERT_TRUE(key.has_value());
    const Bytes pt = hex("00112233445566778899");
    auto ct = s.encrypt_with_label(key->public_key().bytes(), "Welcome", as_bytes("ctx"), pt);
    ASSERT_TRUE(ct.has_value());
    EXPECT_EQ(ct->kem_output.size(), crypto::hpke::kem_enc_len(s.hpke_suite().kem));
    EXPECT_EQ(ct->ciphertext.size(), pt.size() + 16);
    auto back =
        s.decrypt_with_label(*key, "Welcome", as_bytes("ctx"), ct->kem_output, ct->ciphertext);
    ASSERT_TRUE(back.has_value());
    EXPECT_TRUE(equal(back->view(), pt));
    EXPECT_EQ(error_of(s.decrypt_with_label(*key, "UpdatePathNode", as_bytes("ctx"), ct->kem_output,
                                            ct->ciphertext)),
              Err::kAuthFailed);
    EXPECT_EQ(error_of(s.decrypt_with_label(*key, "Welcome", as_bytes("ctY"), ct->kem_output,
                                            ct->ciphertext)),
              Err::kAuthFailed);
    // EncryptContext is the HPKE info; the aad is empty.
    const Bytes info =
        hex("0f4d4c5320312e302057656c636f6d65"  // V("MLS 1.0 Welcome")
            "03637478");                        // V("ctx")
    auto raw = crypto::hpke::open(s.hpke_suite(), ct->kem_output, *key, info, {}, ct->ciphertext);
    ASSERT_TRUE(raw.has_value());
    EXPECT_TRUE(equal(raw->view(), pt));
  }
}

// verifies: REQ-CRYPTO-006, REQ-CRYPTO-011
TEST(CipherSuite, REQ_CRYPTO_006_encrypt_with_label_validates_the_public_key) {
  EXPECT_EQ(error_of(kSuite1.encrypt_with_label(Bytes(31, 9), "Welcome", {}, hex("00"))),
            Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(kSuite2.encrypt_with_label(Bytes(32, 9), "Welcome", {}, hex("00"))),
            Err::kInvalidPublicKey);
  Bytes bad_point(65, 0);
  bad_point[0] = 0x04;
  EXPECT_EQ(error_of(kSuite2.encrypt_with_label(bad_point, "Welcome", {}, hex("00"))),
            Err::kInvalidPublicKey);
  // A low-order X25519 key is caught by the all-zero DH check.
  EXPECT_EQ(error_of(kSuite1.encrypt_with_label(Bytes(32, 0), "Welcome", {}, hex("00"))),
            Err::kInvalidPublicKey);
}

// verifies: REQ-CRYPTO-011
TEST(CipherSuite, REQ_CRYPTO_011_verify_with_label_rejects_malformed_keys) {
  EXPECT_EQ(error_of(kSuite1.verify_with_label(Bytes(33, 1), "L", {}, Bytes(64, 0))),
            Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(kSuite2.verify_with_label(Bytes(32, 1), "L", {}, Bytes(70, 0))),
            Err::kInvalidPublicKey);
}

TEST(CipherSuite, mac_and_extract) {
  const Bytes key(32, 0x0b);
  auto tag = kSuite1.mac(key, as_bytes("data"));
  ASSERT_TRUE(tag.has_value());
  EXPECT_TRUE(kSuite1.verify_mac(key, as_bytes("data"), *tag).has_value());
  Bytes bad = *tag;
  bad[0] ^= 1;
  EXPECT_EQ(error_of(kSuite1.verify_mac(key, as_bytes("data"), bad)), Err::kAuthFailed);
  auto prk = kSuite2.extract({}, key);
  ASSERT_TRUE(prk.has_value());
  EXPECT_EQ(prk->size(), 32u);
}

TEST(CipherSuite, hpke_key_helpers) {
  for (const CipherSuite& s : kSuites) {
    auto pair = s.derive_hpke_key_pair(Bytes(32, 7));
    ASSERT_TRUE(pair.has_value());
    auto pub = s.hpke_public_key(pair->public_key().bytes());
    ASSERT_TRUE(pub.has_value());
    auto again = s.hpke_private_key(crypto::hpke::serialize_private_key(*pair));
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(equal(again->public_key().bytes(), pair->public_key().bytes()));
  }
}

}  // namespace
}  // namespace conclave::mls
