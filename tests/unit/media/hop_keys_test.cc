// Tests for media/hop_keys.h: the derivation from the exporter output against
// keys computed independently (RFC 5869 HKDF-Expand with Python's hmac
// module), the nonce and AAD construction, and wrong-key and wrong-direction
// failures.
#include "media/hop_keys.h"

#include <gtest/gtest.h>

#include "crypto/aead.h"
#include "media/limits.h"
#include "media_test_util.h"

namespace conclave::media {
namespace {

using testing::error_of;
using testing::hex;
using testing::test_secret;

// HKDF-Expand-SHA256(PRK = 00 01 .. 1f, label, L), computed outside Conclave:
//   import hmac, hashlib
//   hmac.new(bytes(range(32)), label + b"\x01", hashlib.sha256).digest()[:L]
constexpr const char* kC2sKey = "b26cfc0223dae847f5242104fe73492e";
constexpr const char* kC2sIv = "21bcf1da6bf74aeb7bc10e5e";
constexpr const char* kS2cKey = "be30b146f1bbcc54009c1860252ca8bd";
constexpr const char* kS2cIv = "cdab4f4d60f3ef76b85de104";

// nonce_for is iv XOR (0^4 || uint64 seq), written out independently of the
// library's Nonce helper.
Bytes nonce_for(const char* iv_hex, uint64_t seq) {
  Bytes n = hex(iv_hex);
  for (size_t i = 0; i < 8; ++i) {
    n[11 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
  }
  return n;
}

// verifies: REQ-MEDIA-003
TEST(HopKeys, exporter_context_is_prefix_and_big_endian_path_id) {
  const auto ctx = hop_exporter_context(0x0a0b0c0d);
  Bytes want = to_bytes(as_bytes("conclave hop v1"));
  for (int b : {0x0a, 0x0b, 0x0c, 0x0d}) {
    want.push_back(static_cast<uint8_t>(b));
  }
  EXPECT_EQ(Bytes(ctx.begin(), ctx.end()), want);
  EXPECT_EQ(kHopExporterLabel, "EXPERIMENTAL-conclave-media-hop");
  EXPECT_EQ(kHopSecretLen, 32u);
}

// verifies: REQ-MEDIA-003
// verifies: REQ-MEDIA-004
TEST(HopKeys, client_seals_with_the_c2s_key_and_iv) {
  auto client = HopCipher::derive(HopRole::kClient, test_secret());
  ASSERT_TRUE(client.has_value());
  const Bytes aad = hex("0101000001020304000000000000002a");
  const Bytes plaintext = to_bytes(as_bytes("hop layer plaintext"));
  Bytes sealed(plaintext.size() + crypto::kAeadTagLen);
  ASSERT_EQ(client->seal(sealed, 42, aad, plaintext).value(), sealed.size());
  auto opened = crypto::aead_open(crypto::AeadAlg::kAes128Gcm, hex(kC2sKey), nonce_for(kC2sIv, 42),
                                  aad, sealed);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, plaintext);
}

// verifies: REQ-MEDIA-003
// verifies: REQ-MEDIA-004
TEST(HopKeys, server_seals_with_the_s2c_key_and_iv_and_opens_c2s) {
  auto server = HopCipher::derive(HopRole::kServer, test_secret());
  ASSERT_TRUE(server.has_value());
  const Bytes aad = hex("0102000001020304ffffffffffffff00");
  const Bytes plaintext = hex("00");
  const uint64_t seq = 0xffffffffffffff00;
  Bytes sealed(plaintext.size() + crypto::kAeadTagLen);
  ASSERT_TRUE(server->seal(sealed, seq, aad, plaintext).has_value());
  auto opened = crypto::aead_open(crypto::AeadAlg::kAes128Gcm, hex(kS2cKey), nonce_for(kS2cIv, seq),
                                  aad, sealed);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, plaintext);

  auto c2s = crypto::aead_seal(crypto::AeadAlg::kAes128Gcm, hex(kC2sKey), nonce_for(kC2sIv, 9), aad,
                               plaintext);
  ASSERT_TRUE(c2s.has_value());
  Bytes out(plaintext.size());
  ASSERT_EQ(server->open(out, 9, aad, *c2s).value(), plaintext.size());
  EXPECT_EQ(out, plaintext);
}

// verifies: REQ-MEDIA-003
// verifies: REQ-MEDIA-004
TEST(HopKeys, wrong_direction_wrong_secret_wrong_seq_and_wrong_aad_fail_alike) {
  auto client = HopCipher::derive(HopRole::kClient, test_secret());
  auto server = HopCipher::derive(HopRole::kServer, test_secret());
  auto other_server = HopCipher::derive(HopRole::kServer, test_secret(1));
  ASSERT_TRUE(client && server && other_server);
  const Bytes aad = hex("0101000000000001000000000000000a");
  const Bytes plaintext = hex("0102030405060708");
  Bytes sealed(plaintext.size() + crypto::kAeadTagLen);
  ASSERT_TRUE(client->seal(sealed, 10, aad, plaintext).has_value());
  Bytes out(plaintext.size(), 0x55);

  ASSERT_TRUE(server->open(out, 10, aad, sealed).has_value());
  // The sender's own end opens with the other direction's key: a reflected
  // packet fails.
  EXPECT_EQ(error_of(client->open(out, 10, aad, sealed)), Err::kAuthFailed);
  EXPECT_EQ(error_of(other_server->open(out, 10, aad, sealed)), Err::kAuthFailed);
  EXPECT_EQ(error_of(server->open(out, 11, aad, sealed)), Err::kAuthFailed);
  Bytes bad_aad = aad;
  bad_aad[15] ^= 1;
  EXPECT_EQ(error_of(server->open(out, 10, bad_aad, sealed)), Err::kAuthFailed);
  for (size_t i = 0; i < sealed.size(); ++i) {
    Bytes bad = sealed;
    bad[i] ^= 0x80;
    EXPECT_EQ(error_of(server->open(out, 10, aad, bad)), Err::kAuthFailed) << i;
  }
  EXPECT_EQ(error_of(server->open(out, 10, aad, ByteView(sealed).first(crypto::kAeadTagLen - 1))),
            Err::kAuthFailed);
  // No unauthenticated byte is released.
  EXPECT_EQ(out, Bytes(plaintext.size(), 0));
}

// verifies: REQ-MEDIA-003
TEST(HopKeys, secret_must_be_exactly_kHopSecretLen) {
  for (size_t n : {0u, 16u, 31u, 33u, 64u}) {
    SecretBytes s(n);
    EXPECT_EQ(error_of(HopCipher::derive(HopRole::kClient, s)), Err::kInvalidArgument) << n;
  }
}

TEST(HopKeys, to_string_names_both_roles) {
  EXPECT_STREQ(to_string(HopRole::kClient), "client");
  EXPECT_STREQ(to_string(HopRole::kServer), "server");
}

}  // namespace
}  // namespace conclave::media
