// Tests for crypto/hpke/dhkem.h. Known answers are taken from the RFC 9180
// Appendix A vectors (base mode of each KEM); tests/kat runs all of them.
#include "crypto/hpke/dhkem.h"

#include <gtest/gtest.h>

#include <array>

#include "../crypto_test_util.h"
#include "crypto/hpke/known_answer.h"

namespace conclave::crypto::hpke {
namespace {

using testing::error_of;
using testing::hex;
using testing::secret_hex;

struct KemKat {
  KemId kem;
  const char* ikm_r;
  const char* sk_r;  // as serialized by this implementation
  const char* pk_r;
  const char* ikm_e;
  const char* pk_e;
  const char* shared_secret;
};

const KemKat kKats[] = {
    // RFC 9180 A.1.1. The vector's skRm is 4612...8ac8; serialized X25519
    // keys are clamped (§7.1.2), which changes bits X25519 ignores.
    {KemId::kDhkemX25519HkdfSha256,
     "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
     "4012c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8a48",
     "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
     "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
     "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
     "fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc"},
    // RFC 9180 A.3.1.
    {KemId::kDhkemP256HkdfSha256,
     "668b37171f1072f3cf12ea8a236a45df23fc13b82af3609ad1e354f6ef817550",
     "f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2",
     "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a"
     "826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0",
     "4270e54ffd08d79d5928020af4686d8f6b7d35dbe470265f1f5aa22816ce860e",
     "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325a"
     "c98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4",
     "c0d26aeab536609a572b07695d933b589dcf363ff9d93c93adea537aeabb8cb8"},
};

constexpr KemId kKems[] = {KemId::kDhkemX25519HkdfSha256, KemId::kDhkemP256HkdfSha256};

// verifies: REQ-CRYPTO-007
TEST(Dhkem, REQ_CRYPTO_007_derive_key_pair_known_answers) {
  for (const KemKat& kat : kKats) {
    SCOPED_TRACE(to_string(kat.kem));
    auto pair = derive_key_pair(kat.kem, hex(kat.ikm_r));
    ASSERT_TRUE(pair.has_value());
    EXPECT_EQ(to_hex(serialize_private_key(*pair).view()), kat.sk_r);
    EXPECT_EQ(to_hex(pair->public_key().bytes()), kat.pk_r);
  }
}

// verifies: REQ-CRYPTO-007
TEST(Dhkem, REQ_CRYPTO_007_encap_and_decap_known_answers) {
  for (const KemKat& kat : kKats) {
    SCOPED_TRACE(to_string(kat.kem));
    auto recipient = derive_key_pair(kat.kem, hex(kat.ikm_r));
    auto ephemeral = derive_key_pair(kat.kem, hex(kat.ikm_e));
    ASSERT_TRUE(recipient.has_value());
    ASSERT_TRUE(ephemeral.has_value());
    auto sent = encap_with_ephemeral(recipient->public_key(), *ephemeral);
    ASSERT_TRUE(sent.has_value());
    EXPECT_EQ(to_hex(sent->enc), kat.pk_e);
    EXPECT_EQ(to_hex(sent->shared_secret.view()), kat.shared_secret);
    auto received = decap(sent->enc, *recipient);
    ASSERT_TRUE(received.has_value());
    EXPECT_EQ(to_hex(received->view()), kat.shared_secret);
  }
}

// verifies: REQ-CRYPTO-007
TEST(Dhkem, REQ_CRYPTO_007_random_encap_round_trips) {
  for (KemId kem : kKems) {
    SCOPED_TRACE(to_string(kem));
    auto recipient = generate_key_pair(kem);
    ASSERT_TRUE(recipient.has_value());
    auto sent = encap(recipient->public_key());
    ASSERT_TRUE(sent.has_value());
    EXPECT_EQ(sent->enc.size(), kem_enc_len(kem));
    EXPECT_EQ(sent->shared_secret.size(), kem_secret_len(kem));
    auto received = decap(sent->enc, *recipient);
    ASSERT_TRUE(received.has_value());
    EXPECT_TRUE(received->ct_equal(sent->shared_secret));
  }
}

// verifies: REQ-CRYPTO-007
TEST(Dhkem, REQ_CRYPTO_007_auth_encap_binds_the_sender_key) {
  for (KemId kem : kKems) {
    SCOPED_TRACE(to_string(kem));
    auto recipient = generate_key_pair(kem);
    auto sender = generate_key_pair(kem);
    auto other = generate_key_pair(kem);
    ASSERT_TRUE(recipient.has_value() && sender.has_value() && other.has_value());
    auto sent = auth_encap(recipient->public_key(), *sender);
    ASSERT_TRUE(sent.has_value());
    auto good = auth_decap(sent->enc, *recipient, sender->public_key());
    ASSERT_TRUE(good.has_value());
    EXPECT_TRUE(good->ct_equal(sent->shared_secret));
    auto wrong = auth_decap(sent->enc, *recipient, other->public_key());
    ASSERT_TRUE(wrong.has_value());
    EXPECT_FALSE(wrong->ct_equal(sent->shared_secret));
  }
}

// verifies: REQ-CRYPTO-006
TEST(Dhkem, REQ_CRYPTO_006_decap_rejects_malformed_enc) {
  for (KemId kem : kKems) {
    SCOPED_TRACE(to_string(kem));
    auto recipient = generate_key_pair(kem);
    ASSERT_TRUE(recipient.has_value());
    const Bytes enc = serialize_public_key(recipient->public_key());
    EXPECT_EQ(error_of(decap(ByteView(enc).first(enc.size() - 1), *recipient)),
              Err::kInvalidPublicKey);
    EXPECT_EQ(error_of(decap({}, *recipient)), Err::kInvalidPublicKey);
  }
  // X25519: a low-order point makes the DH output all zero.
  auto x = generate_key_pair(KemId::kDhkemX25519HkdfSha256);
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(error_of(decap(Bytes(32, 0), *x)), Err::kInvalidPublicKey);
  // P-256: a point off the curve, and the compressed form of a valid one.
  auto p = generate_key_pair(KemId::kDhkemP256HkdfSha256);
  ASSERT_TRUE(p.has_value());
  Bytes off_curve = serialize_public_key(p->public_key());
  off_curve[64] ^= 1;
  EXPECT_EQ(error_of(decap(off_curve, *p)), Err::kInvalidPublicKey);
  Bytes compressed = serialize_public_key(p->public_key());
  compressed.resize(33);
  compressed[0] = 0x02;
  EXPECT_EQ(error_of(decap(compressed, *p)), Err::kInvalidPublicKey);
}

// verifies: REQ-CRYPTO-006
TEST(Dhkem, REQ_CRYPTO_006_deserialize_public_key_validates) {
  EXPECT_TRUE(deserialize_public_key(KemId::kDhkemX25519HkdfSha256, Bytes(32, 9)).has_value());
  EXPECT_EQ(error_of(deserialize_public_key(KemId::kDhkemX25519HkdfSha256, Bytes(65, 4))),
            Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(deserialize_public_key(KemId::kDhkemP256HkdfSha256, Bytes(32, 9))),
            Err::kInvalidPublicKey);
  EXPECT_EQ(error_of(deserialize_public_key(KemId::kDhkemP256HkdfSha256, hex("00"))),
            Err::kInvalidPublicKey);
  auto ok = deserialize_public_key(KemId::kDhkemP256HkdfSha256, hex(kKats[1].pk_r));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(to_hex(serialize_public_key(*ok)), kKats[1].pk_r);
}

// verifies: REQ-CRYPTO-007
TEST(Dhkem, REQ_CRYPTO_007_private_key_serialization) {
  // DeserializePrivateKey clamps X25519 input (RFC 9180 §7.1.2): the
  // vector's unclamped skRm gives the same key as DeriveKeyPair.
  auto x = deserialize_private_key(
      KemId::kDhkemX25519HkdfSha256,
      secret_hex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8"));
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(to_hex(serialize_private_key(*x).view()), kKats[0].sk_r);
  EXPECT_EQ(to_hex(x->public_key().bytes()), kKats[0].pk_r);
  auto p = deserialize_private_key(KemId::kDhkemP256HkdfSha256, secret_hex(kKats[1].sk_r));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(to_hex(serialize_private_key(*p).view()), kKats[1].sk_r);
  EXPECT_EQ(to_hex(p->public_key().bytes()), kKats[1].pk_r);
}

TEST(Dhkem, invalid_private_keys_are_rejected) {
  EXPECT_EQ(error_of(deserialize_private_key(KemId::kDhkemX25519HkdfSha256, SecretBytes(31))),
            Err::kInvalidPrivateKey);
  EXPECT_EQ(error_of(deserialize_private_key(KemId::kDhkemP256HkdfSha256, SecretBytes(32))),
            Err::kInvalidPrivateKey);
  EXPECT_EQ(error_of(deserialize_private_key(
                KemId::kDhkemP256HkdfSha256,
                secret_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"))),
            Err::kInvalidPrivateKey);
}

TEST(Dhkem, derive_key_pair_needs_nsk_bytes_of_ikm) {
  for (KemId kem : kKems) {
    EXPECT_EQ(error_of(derive_key_pair(kem, Bytes(31, 1))), Err::kInvalidArgument);
    EXPECT_TRUE(derive_key_pair(kem, Bytes(32, 1)).has_value());
  }
}

TEST(Dhkem, keys_of_different_kems_do_not_mix) {
  auto x = generate_key_pair(KemId::kDhkemX25519HkdfSha256);
  auto p = generate_key_pair(KemId::kDhkemP256HkdfSha256);
  ASSERT_TRUE(x.has_value() && p.has_value());
  EXPECT_EQ(error_of(encap_with_ephemeral(x->public_key(), *p)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(auth_encap(x->public_key(), *p)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(auth_decap(Bytes(32, 9), *x, p->public_key())), Err::kInvalidArgument);
}

TEST(Dhkem, kem_from_wire) {
  EXPECT_TRUE(kem_from_wire(0x0010).has_value());
  EXPECT_TRUE(kem_from_wire(0x0020).has_value());
  for (uint16_t v : std::array<uint16_t, 5>{0x0000, 0x0011, 0x0012, 0x0021, 0xffff}) {
    EXPECT_EQ(error_of(kem_from_wire(v)), Err::kUnsupported);
  }
}

}  // namespace
}  // namespace conclave::crypto::hpke
