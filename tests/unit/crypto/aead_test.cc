// Tests for crypto/aead.h. Known answers are test cases 2 and 16 of the
// original GCM specification (McGrew and Viega), checked with Python's
// `cryptography` package.
#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <array>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;
using testing::hex;

struct Kat {
  AeadAlg alg;
  const char* key;
  const char* nonce;
  const char* aad;
  const char* plaintext;
  const char* sealed;  // ciphertext || tag
};

const Kat kKats[] = {
    // GCM test case 2: zero key, zero nonce, one zero block.
    {AeadAlg::kAes128Gcm, "00000000000000000000000000000000", "000000000000000000000000", "",
     "00000000000000000000000000000000",
     "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf"},
    // GCM test case 16: AES-256, 60-byte plaintext, 20-byte aad.
    {AeadAlg::kAes256Gcm, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f66276fc6ece"
     "0f4e1768cddf8853bb2d551b"},
};

const Bytes kKey128 = hex("000102030405060708090a0b0c0d0e0f");
const Bytes kNonce = hex("101112131415161718191a1b");
const Bytes kAad = hex("a0a1a2a3");
const Bytes kPlaintext = hex("48656c6c6f2c20436f6e636c61766521");

Bytes seal_ok(const AeadKey& key, ByteView nonce, ByteView aad, ByteView pt) {
  Bytes out(pt.size() + kAeadTagLen);
  auto n = key.seal(out, nonce, aad, pt);
  EXPECT_TRUE(n.has_value());
  return out;
}

// verifies: REQ-CRYPTO-002
TEST(Aead, REQ_CRYPTO_002_known_answers_seal_and_open) {
  for (const Kat& kat : kKats) {
    SCOPED_TRACE(to_string(kat.alg));
    auto sealed =
        aead_seal(kat.alg, hex(kat.key), hex(kat.nonce), hex(kat.aad), hex(kat.plaintext));
    ASSERT_TRUE(sealed.has_value());
    EXPECT_EQ(to_hex(*sealed), kat.sealed);
    auto opened = aead_open(kat.alg, hex(kat.key), hex(kat.nonce), hex(kat.aad), hex(kat.sealed));
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(to_hex(*opened), kat.plaintext);
  }
}

// verifies: REQ-CRYPTO-002
TEST(Aead, REQ_CRYPTO_002_keyed_context_round_trips_many_messages) {
  auto key = AeadKey::create(AeadAlg::kAes128Gcm, kKey128);
  ASSERT_TRUE(key.has_value());
  for (size_t len : std::array<size_t, 6>{0, 1, 15, 16, 17, 1200}) {
    SCOPED_TRACE(len);
    const Bytes pt(len, 0x5a);
    const Bytes ct = seal_ok(*key, kNonce, kAad, pt);
    Bytes out(len);
    auto n = key->open(out, kNonce, kAad, ct);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, len);
    EXPECT_EQ(out, pt);
  }
}

// verifies: REQ-CRYPTO-002
TEST(Aead, REQ_CRYPTO_002_full_16_byte_tags) {
  for (AeadAlg alg : {AeadAlg::kAes128Gcm, AeadAlg::kAes256Gcm}) {
    const Bytes key(aead_key_len(alg), 7);
    auto sealed = aead_seal(alg, key, kNonce, {}, kPlaintext);
    ASSERT_TRUE(sealed.has_value());
    EXPECT_EQ(sealed->size(), kPlaintext.size() + 16);
  }
}

// verifies: REQ-CRYPTO-002
TEST(Aead, REQ_CRYPTO_002_in_place_seal_and_open) {
  auto key = AeadKey::create(AeadAlg::kAes128Gcm, kKey128);
  ASSERT_TRUE(key.has_value());
  Bytes buf = kPlaintext;
  buf.resize(kPlaintext.size() + kAeadTagLen);
  auto n = key->seal(buf, kNonce, kAad, ByteView(buf.data(), kPlaintext.size()));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(buf, seal_ok(*key, kNonce, kAad, kPlaintext));
  auto m = key->open(buf, kNonce, kAad, buf);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*m)), kPlaintext);
}

// verifies: REQ-CRYPTO-002
TEST(Aead, REQ_CRYPTO_002_tampered_ciphertext_is_rejected) {
  auto key = AeadKey::create(AeadAlg::kAes128Gcm, kKey128);
  ASSERT_TRUE(key.has_value());
  const Bytes ct = seal_ok(*key, kNonce, kAad, kPlaintext);
  for (size_t i = 0; i < kPlaintext.size(); ++i) {
    Bytes bad = ct;
    bad[i] ^= 0x80;
    Bytes out(kPlaintext.size());
    SCOPED_TRACE(i);
    EXPECT_EQ(error_of(key->open(out, kNonce, kAad, bad)), Err::kAuthFailed);
  }
}

// verifies: REQ-CRYPTO-002
TEST(Aead, REQ_CRYPTO_002_tampered_tag_is_rejected) {
  auto key = AeadKey::create(AeadAlg::kAes256Gcm, Bytes(32, 1));
  ASSERT_TRUE(key.has_value());
  const Bytes ct = seal_ok(*key, kNonce, kAad, kPlaintext);
  for (size_t i = kPlaintext.size(); i < ct.size(); ++i) {
    Bytes bad = ct;
    bad[i] ^= 0x01;
    Bytes out(kPlaintext.size());
    SCOPED_TRACE(i);
    EXPECT_EQ(error_of(key->open(out, kNonce, kAad, bad)), Err::kAuthFailed);
  }
}

// verifies: REQ-CRYPTO-002
TEST(Aead, REQ_CRYPTO_002_truncated_tag_is_rejected) {
  auto key = AeadKey::create(AeadAlg::kAes128Gcm, kKey128);
  ASSERT_TRUE(key.has_value());
  const Bytes ct = seal_ok(*key, kNonce, kAad, kPlaintext);
  // Dropping tag bytes never yields a valid shorter-tag ciphertext.
  for (size_t cut = 1; cut <= ct.size(); ++cut) {
    const ByteView shorter(ct.data(), ct.size() - cut);
    Bytes out(ct.size());
    SCOPED_TRACE(cut);
    EXPECT_EQ(error_of(key->open(out, kNonce, kAad, shorter)), Err::kAuthFailed);
  }
}

// verifies: REQ-CRYPTO-002
TEST(Aead, REQ_CRYPTO_002_wrong_key_nonce_or_aad_is_rejected) {
  auto key = AeadKey::create(AeadAlg::kAes128Gcm, kKey128);
  auto other = AeadKey::create(AeadAlg::kAes128Gcm, Bytes(16, 0xee));
  ASSERT_TRUE(key.has_value());
  ASSERT_TRUE(other.has_value());
  const Bytes ct = seal_ok(*key, kNonce, kAad, kPlaintext);
  Bytes out(kPlaintext.size());
  EXPECT_EQ(error_of(other->open(out, kNonce, kAad, ct)), Err::kAuthFailed);
  Bytes nonce2 = kNonce;
  nonce2[11] ^= 1;
  EXPECT_EQ(error_of(key->open(out, nonce2, kAad, ct)), Err::kAuthFailed);
  EXPECT_EQ(error_of(key->open(out, kNonce, hex("a0a1a2a4"), ct)), Err::kAuthFailed);
  EXPECT_EQ(error_of(key->open(out, kNonce, {}, ct)), Err::kAuthFailed);
}

// verifies: REQ-CRYPTO-002
TEST(Aead, REQ_CRYPTO_002_failed_open_releases_no_plaintext) {
  auto key = AeadKey::create(AeadAlg::kAes128Gcm, kKey128);
  ASSERT_TRUE(key.has_value());
  Bytes ct = seal_ok(*key, kNonce, kAad, kPlaintext);
  ct.back() ^= 1;  // the tag fails; the ciphertext body still decrypts
  Bytes out(kPlaintext.size(), 0xcc);
  EXPECT_EQ(error_of(key->open(out, kNonce, kAad, ct)), Err::kAuthFailed);
  EXPECT_EQ(out, Bytes(kPlaintext.size(), 0));
}

// verifies: REQ-CRYPTO-002
TEST(Aead, REQ_CRYPTO_002_one_shot_open_failures_are_auth_failed) {
  auto ct = aead_seal(AeadAlg::kAes128Gcm, kKey128, kNonce, kAad, kPlaintext);
  ASSERT_TRUE(ct.has_value());
  Bytes bad = *ct;
  bad[0] ^= 1;
  EXPECT_EQ(error_of(aead_open(AeadAlg::kAes128Gcm, kKey128, kNonce, kAad, bad)), Err::kAuthFailed);
  EXPECT_EQ(error_of(aead_open(AeadAlg::kAes128Gcm, kKey128, kNonce, kAad, hex("0011"))),
            Err::kAuthFailed);
  EXPECT_EQ(error_of(aead_open(AeadAlg::kAes128Gcm, kKey128, kNonce, kAad, {})), Err::kAuthFailed);
}

TEST(Aead, usage_errors_are_reported_as_such) {
  EXPECT_EQ(error_of(AeadKey::create(AeadAlg::kAes128Gcm, Bytes(32, 0))), Err::kInvalidArgument);
  EXPECT_EQ(error_of(AeadKey::create(AeadAlg::kAes256Gcm, Bytes(16, 0))), Err::kInvalidArgument);
  auto key = AeadKey::create(AeadAlg::kAes128Gcm, kKey128);
  ASSERT_TRUE(key.has_value());
  Bytes small(kPlaintext.size() + kAeadTagLen - 1);
  EXPECT_EQ(error_of(key->seal(small, kNonce, {}, kPlaintext)), Err::kBufferTooSmall);
  Bytes out(kPlaintext.size() + kAeadTagLen);
  EXPECT_EQ(error_of(key->seal(out, hex("00"), {}, kPlaintext)), Err::kInvalidArgument);
  const Bytes ct = seal_ok(*key, kNonce, {}, kPlaintext);
  Bytes tiny(kPlaintext.size() - 1);
  EXPECT_EQ(error_of(key->open(tiny, kNonce, {}, ct)), Err::kBufferTooSmall);
}

TEST(Aead, partially_overlapping_buffers_are_refused) {
  auto key = AeadKey::create(AeadAlg::kAes128Gcm, kKey128);
  ASSERT_TRUE(key.has_value());
  Bytes buf(64, 0);
  const ByteView in(buf.data(), 16);
  const MutableByteView out(buf.data() + 1, 40);
  EXPECT_EQ(error_of(key->seal(out, kNonce, {}, in)), Err::kInvalidArgument);
}

TEST(Aead, a_moved_from_key_refuses_to_work) {
  auto key = AeadKey::create(AeadAlg::kAes128Gcm, kKey128);
  ASSERT_TRUE(key.has_value());
  AeadKey moved = std::move(*key);
  Bytes out(kPlaintext.size() + kAeadTagLen);
  EXPECT_TRUE(moved.seal(out, kNonce, {}, kPlaintext).has_value());
  EXPECT_EQ(error_of(key->seal(out, kNonce, {}, kPlaintext)), Err::kInvalidArgument);  // NOLINT
}

}  // namespace
}  // namespace conclave::crypto
