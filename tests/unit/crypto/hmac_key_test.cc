// Tests for crypto/hmac_key.h: RFC 4231 test cases 2 (full tags) and 5
// (tags truncated to 128 bits), SHA-256 and SHA-512.
#include "crypto/hmac_key.h"

#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;
using testing::hex;

constexpr std::string_view kJefe = "Jefe";
constexpr std::string_view kJefeData = "what do ya want for nothing?";
constexpr std::string_view kJefeSha512 =
    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
    "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737";
constexpr std::string_view kTruncData = "Test With Truncation";
constexpr std::string_view kTruncSha256 = "a3b6167473100ee06e0c796c2955552b";
constexpr std::string_view kTruncSha512 = "415fad6271580a531d4179bc891d87a6";

Bytes sign(HmacKey& k, ByteView data) {
  Bytes tag(k.tag_len());
  const ByteView parts[] = {data};
  EXPECT_TRUE(k.sign(tag, parts).has_value());
  return tag;
}

// verifies: REQ-CRYPTO-012
TEST(HmacKey, full_sha512_tag) {
  auto k = HmacKey::create(HashAlg::kSha512, as_bytes(kJefe), 64);
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(to_hex(sign(*k, as_bytes(kJefeData))), kJefeSha512);
}

// verifies: REQ-CRYPTO-012
TEST(HmacKey, truncated_tags_are_the_prefix) {
  const Bytes key(20, 0x0c);
  auto k256 = HmacKey::create(HashAlg::kSha256, key, 16);
  auto k512 = HmacKey::create(HashAlg::kSha512, key, 16);
  ASSERT_TRUE(k256.has_value() && k512.has_value());
  EXPECT_EQ(to_hex(sign(*k256, as_bytes(kTruncData))), kTruncSha256);
  EXPECT_EQ(to_hex(sign(*k512, as_bytes(kTruncData))), kTruncSha512);
  // A 4-byte tag (SFrame suite 3) is the first 4 bytes.
  auto k4 = HmacKey::create(HashAlg::kSha256, key, 4);
  ASSERT_TRUE(k4.has_value());
  EXPECT_EQ(to_hex(sign(*k4, as_bytes(kTruncData))), kTruncSha256.substr(0, 8));
}

// verifies: REQ-CRYPTO-012
TEST(HmacKey, parts_are_concatenated_and_the_key_is_reused) {
  auto k = HmacKey::create(HashAlg::kSha512, as_bytes(kJefe), 64);
  ASSERT_TRUE(k.has_value());
  const ByteView data = as_bytes(kJefeData);
  const ByteView parts[] = {data.first(5), ByteView{}, data.subspan(5)};
  for (int i = 0; i < 3; ++i) {
    Bytes tag(64);
    ASSERT_TRUE(k->sign(tag, parts).has_value());
    EXPECT_EQ(to_hex(tag), kJefeSha512);
  }
}

// verifies: REQ-CRYPTO-012
TEST(HmacKey, verify_accepts_only_the_exact_truncated_tag) {
  const Bytes key(20, 0x0c);
  auto k = HmacKey::create(HashAlg::kSha256, key, 16);
  ASSERT_TRUE(k.has_value());
  const ByteView parts[] = {as_bytes(kTruncData)};
  EXPECT_TRUE(k->verify(hex(kTruncSha256), parts).has_value());
  Bytes bad = hex(kTruncSha256);
  bad[15] ^= 0x80;
  EXPECT_EQ(error_of(k->verify(bad, parts)), Err::kAuthFailed);
  // A shorter prefix of the right tag is not accepted: the key fixes the
  // length, not the input.
  EXPECT_EQ(error_of(k->verify(hex(kTruncSha256.substr(0, 8)), parts)), Err::kAuthFailed);
  EXPECT_EQ(error_of(k->verify(ByteView{}, parts)), Err::kAuthFailed);
}

// verifies: REQ-CRYPTO-012
TEST(HmacKey, rejects_tag_lengths_out_of_range) {
  EXPECT_EQ(error_of(HmacKey::create(HashAlg::kSha256, as_bytes(kJefe), 3)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(HmacKey::create(HashAlg::kSha256, as_bytes(kJefe), 33)),
            Err::kInvalidArgument);
  auto k = HmacKey::create(HashAlg::kSha256, as_bytes(kJefe), 10);
  ASSERT_TRUE(k.has_value());
  Bytes wrong(11);
  const ByteView parts[] = {as_bytes(kJefeData)};
  EXPECT_EQ(error_of(k->sign(wrong, parts)), Err::kInvalidArgument);
}

}  // namespace
}  // namespace conclave::crypto
