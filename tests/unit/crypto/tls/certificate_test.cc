#include "crypto/tls/certificate.h"

#include <gtest/gtest.h>

namespace conclave::crypto {
namespace {

TEST(Certificate, generates_a_self_signed_p256_certificate_and_key) {
  auto c = generate_self_signed("conclave", {"conclave.example"}, 30);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->cert_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  const std::string key(c->key_pem.view().begin(), c->key_pem.view().end());
  EXPECT_EQ(key.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  auto fp = certificate_fingerprint(c->cert_pem);
  ASSERT_TRUE(fp.has_value());
  EXPECT_EQ(fp->size(), kCertificateFingerprintLen);
  // Fresh key and serial every time.
  auto d = generate_self_signed("conclave", {}, 30);
  ASSERT_TRUE(d.has_value());
  EXPECT_NE(*certificate_fingerprint(d->cert_pem), *fp);
}

TEST(Certificate, rejects_empty_names_and_zero_days) {
  EXPECT_EQ(generate_self_signed("", {}, 1).error().code, Err::kInvalidArgument);
  EXPECT_EQ(generate_self_signed("x", {""}, 1).error().code, Err::kInvalidArgument);
  EXPECT_EQ(generate_self_signed("x", {}, 0).error().code, Err::kInvalidArgument);
}

TEST(Certificate, fingerprint_needs_a_pem_certificate) {
  EXPECT_EQ(certificate_fingerprint("").error().code, Err::kDecode);
  EXPECT_EQ(
      certificate_fingerprint("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
          .error()
          .code,
      Err::kDecode);
}

TEST(Certificate, fingerprint_hex_and_parse_fingerprint_round_trip) {
  Bytes fp(32);
  for (size_t i = 0; i < fp.size(); ++i) {
    fp[i] = static_cast<uint8_t>(i * 9 + 0xa0);
  }
  const std::string text = fingerprint_hex(fp);
  EXPECT_EQ(text.size(), 95u);
  EXPECT_EQ(text.substr(0, 9), "A0:A9:B2:");
  auto parsed = parse_fingerprint(text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, fp);
  std::string lower = text;
  for (char& ch : lower) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  EXPECT_EQ(*parse_fingerprint(lower), fp);
  EXPECT_EQ(*parse_fingerprint(to_hex(fp)), fp);
}

TEST(Certificate, parse_fingerprint_rejects_malformed_text) {
  const std::string good = fingerprint_hex(Bytes(32, 0xab));
  EXPECT_EQ(parse_fingerprint("").error().code, Err::kLengthLimit);
  EXPECT_EQ(parse_fingerprint(good.substr(0, 92)).error().code, Err::kLengthLimit);  // 31 bytes
  EXPECT_EQ(parse_fingerprint(good + ":AB").error().code, Err::kLengthLimit);        // 33 bytes
  EXPECT_EQ(parse_fingerprint(good + ":").error().code, Err::kDecode);
  EXPECT_EQ(parse_fingerprint(good.substr(0, 94)).error().code, Err::kDecode);  // half a pair
  std::string bad_sep = good;
  bad_sep[2] = '-';
  EXPECT_EQ(parse_fingerprint(bad_sep).error().code, Err::kDecode);
  std::string bad_digit = good;
  bad_digit[0] = 'G';
  EXPECT_EQ(parse_fingerprint(bad_digit).error().code, Err::kDecode);
  EXPECT_EQ(parse_fingerprint(std::string(63, 'a')).error().code, Err::kLengthLimit);
  EXPECT_EQ(parse_fingerprint("A:BC" + good.substr(4)).error().code, Err::kDecode);
}

}  // namespace
}  // namespace conclave::crypto
