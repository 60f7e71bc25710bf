// Tests for crypto/signature.h. Known answers: RFC 8032 §7.1 tests 1 and 2
// (Ed25519); the RFC 6979 §A.2.5 P-256 key with its SHA-256 signature of
// "sample", DER-encoded (ECDSA verification does not depend on how the
// nonce was chosen).
#include "crypto/signature.h"

#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;
using testing::hex;
using testing::secret_hex;

struct Ed25519Kat {
  const char* seed;
  const char* pub;
  const char* message;
  const char* signature;
};

const Ed25519Kat kEd25519Kats[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

constexpr std::string_view kEcdsaPriv =
    "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
constexpr std::string_view kEcdsaPub =
    "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
// SEQUENCE { INTEGER r, INTEGER s }; both need a 0x00 pad (high bit set).
constexpr std::string_view kEcdsaSampleSig =
    "3046"
    "022100efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
    "022100f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";

constexpr SignatureScheme kSchemes[] = {SignatureScheme::kEd25519,
                                        SignatureScheme::kEcdsaP256Sha256};

// verifies: REQ-CRYPTO-004
TEST(Signature, REQ_CRYPTO_004_ed25519_known_answers) {
  for (const Ed25519Kat& kat : kEd25519Kats) {
    SCOPED_TRACE(kat.pub);
    const SecretBytes seed = secret_hex(kat.seed);
    auto pub = signature_public_key(SignatureScheme::kEd25519, seed);
    ASSERT_TRUE(pub.has_value());
    EXPECT_EQ(to_hex(*pub), kat.pub);
    auto sig = sign(SignatureScheme::kEd25519, seed, hex(kat.message));
    ASSERT_TRUE(sig.has_value());
    EXPECT_EQ(to_hex(*sig), kat.signature);
    EXPECT_TRUE(
        verify(SignatureScheme::kEd25519, hex(kat.pub), hex(kat.message), hex(kat.signature))
            .has_value());
  }
}

// verifies: REQ-CRYPTO-005
TEST(Signature, REQ_CRYPTO_005_ecdsa_known_answer) {
  auto pub = signature_public_key(SignatureScheme::kEcdsaP256Sha256, secret_hex(kEcdsaPriv));
  ASSERT_TRUE(pub.has_value());
  EXPECT_EQ(to_hex(*pub), kEcdsaPub);
  EXPECT_TRUE(verify(SignatureScheme::kEcdsaP256Sha256, hex(kEcdsaPub), as_bytes("sample"),
                     hex(kEcdsaSampleSig))
                  .has_value());
}

// verifies: REQ-CRYPTO-004, REQ-CRYPTO-005
TEST(Signature, REQ_CRYPTO_004_005_generate_sign_verify_round_trip) {
  for (SignatureScheme scheme : kSchemes) {
    SCOPED_TRACE(to_string(scheme));
    auto pair = generate_signature_key_pair(scheme);
    ASSERT_TRUE(pair.has_value());
    auto derived = signature_public_key(scheme, pair->private_key);
    ASSERT_TRUE(derived.has_value());
    EXPECT_EQ(*derived, pair->public_key);
    const Bytes msg = hex("00010203");
    auto sig = sign(scheme, pair->private_key, msg);
    ASSERT_TRUE(sig.has_value());
    EXPECT_TRUE(verify(scheme, pair->public_key, msg, *sig).has_value());
  }
}

// verifies: REQ-CRYPTO-005
TEST(Signature, REQ_CRYPTO_005_ecdsa_signatures_are_der_and_keys_uncompressed) {
  auto pair = generate_signature_key_pair(SignatureScheme::kEcdsaP256Sha256);
  ASSERT_TRUE(pair.has_value());
  ASSERT_EQ(pair->public_key.size(), 65u);
  EXPECT_EQ(pair->public_key[0], 0x04);
  EXPECT_EQ(pair->private_key.size(), 32u);
  auto sig = sign(SignatureScheme::kEcdsaP256Sha256, pair->private_key, as_bytes("m"));
  ASSERT_TRUE(sig.has_value());
  ASSERT_GE(sig->size(), 8u);
  EXPECT_EQ((*sig)[0], 0x30);  // SEQUENCE
  EXPECT_EQ((*sig)[1], sig->size() - 2);
}

// verifies: REQ-CRYPTO-004, REQ-CRYPTO-005
TEST(Signature, REQ_CRYPTO_004_005_tampered_message_or_signature_is_rejected) {
  for (SignatureScheme scheme : kSchemes) {
    SCOPED_TRACE(to_string(scheme));
    auto pair = generate_signature_key_pair(scheme);
    ASSERT_TRUE(pair.has_value());
    const Bytes msg = hex("48656c6c6f");
    auto sig = sign(scheme, pair->private_key, msg);
    ASSERT_TRUE(sig.has_value());
    Bytes bad_msg = msg;
    bad_msg[0] ^= 1;
    EXPECT_EQ(error_of(verify(scheme, pair->public_key, bad_msg, *sig)), Err::kAuthFailed);
    for (size_t i = 0; i < sig->size(); ++i) {
      Bytes bad_sig = *sig;
      bad_sig[i] ^= 0x10;
      SCOPED_TRACE(i);
      EXPECT_EQ(error_of(verify(scheme, pair->public_key, msg, bad_sig)), Err::kAuthFailed);
    }
    EXPECT_EQ(error_of(verify(scheme, pair->public_key, msg, {})), Err::kAuthFailed);
  }
}

// verifies: REQ-CRYPTO-004, REQ-CRYPTO-005
TEST(Signature, REQ_CRYPTO_004_005_wrong_key_is_rejected) {
  for (SignatureScheme scheme : kSchemes) {
    SCOPED_TRACE(to_string(scheme));
    auto a = generate_signature_key_pair(scheme);
    auto b = generate_signature_key_pair(scheme);
    ASSERT_TRUE(a.has_value());
    ASSERT_TRUE(b.has_value());
    auto sig = sign(scheme, a->private_key, as_bytes("x"));
    ASSERT_TRUE(sig.has_value());
    EXPECT_EQ(error_of(verify(scheme, b->public_key, as_bytes("x"), *sig)), Err::kAuthFailed);
  }
}

// verifies: REQ-CRYPTO-004
TEST(Signature, REQ_CRYPTO_004_ed25519_wrong_length_signature_is_rejected) {
  const Ed25519Kat& kat = kEd25519Kats[1];
  Bytes sig = hex(kat.signature);
  sig.push_back(0);
  EXPECT_EQ(error_of(verify(SignatureScheme::kEd25519, hex(kat.pub), hex(kat.message), sig)),
            Err::kAuthFailed);
  sig.resize(63);
  EXPECT_EQ(error_of(verify(SignatureScheme::kEd25519, hex(kat.pub), hex(kat.message), sig)),
            Err::kAuthFailed);
}

// verifies: REQ-CRYPTO-005
TEST(Signature, REQ_CRYPTO_005_ecdsa_non_strict_der_is_rejected) {
  const Bytes good = hex(kEcdsaSampleSig);
  // Trailing byte after the SEQUENCE.
  Bytes trailing = good;
  trailing.push_back(0);
  // Long-form length where the short form is required: 30 81 46 ...
  Bytes long_form = {0x30, 0x81};
  long_form.insert(long_form.end(), good.begin() + 1, good.end());
  // An extra (non-minimal) leading zero in r: 02 22 00 00 ef ...
  Bytes padded_r =
      hex("3047"
          "02220000efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
          "022100f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
  // Raw r || s (the IEEE P1363 form) instead of DER.
  Bytes raw =
      hex("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
          "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
  for (const Bytes& sig : {trailing, long_form, padded_r, raw}) {
    SCOPED_TRACE(to_hex(sig));
    EXPECT_EQ(error_of(verify(SignatureScheme::kEcdsaP256Sha256, hex(kEcdsaPub), as_bytes("sample"),
                              sig)),
              Err::kAuthFailed);
  }
}

// verifies: REQ-CRYPTO-006
TEST(Signature, REQ_CRYPTO_006_malformed_public_keys_are_rejected_before_verifying) {
  const Ed25519Kat& kat = kEd25519Kats[0];
  Bytes short_pub = hex(kat.pub);
  short_pub.pop_back();
  EXPECT_EQ(error_of(verify(SignatureScheme::kEd25519, short_pub, {}, hex(kat.signature))),
            Err::kInvalidPublicKey);
  Bytes off_curve = hex(kEcdsaPub);
  off_curve[40] ^= 1;
  EXPECT_EQ(error_of(verify(SignatureScheme::kEcdsaP256Sha256, off_curve, as_bytes("sample"),
                            hex(kEcdsaSampleSig))),
            Err::kInvalidPublicKey);
  Bytes compressed = hex(kEcdsaPub);
  compressed.resize(33);
  compressed[0] = 0x03;
  EXPECT_EQ(error_of(validate_signature_public_key(SignatureScheme::kEcdsaP256Sha256, compressed)),
            Err::kInvalidPublicKey);
  EXPECT_TRUE(
      validate_signature_public_key(SignatureScheme::kEcdsaP256Sha256, hex(kEcdsaPub)).has_value());
}

// verifies: REQ-CRYPTO-004, REQ-CRYPTO-005
TEST(Signature, REQ_CRYPTO_004_005_invalid_private_keys_are_rejected) {
  EXPECT_EQ(error_of(sign(SignatureScheme::kEd25519, SecretBytes(31), as_bytes("x"))),
            Err::kInvalidPrivateKey);
  EXPECT_EQ(error_of(sign(SignatureScheme::kEcdsaP256Sha256, SecretBytes(32), as_bytes("x"))),
            Err::kInvalidPrivateKey);
  EXPECT_EQ(error_of(signature_public_key(
                SignatureScheme::kEcdsaP256Sha256,
                secret_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"))),
            Err::kInvalidPrivateKey);
}

}  // namespace
}  // namespace conclave::crypto
