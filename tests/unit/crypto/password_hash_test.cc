// Tests for crypto/password_hash.h. Small Argon2id parameters keep the
// suite fast; one test runs the production defaults.
#include "crypto/password_hash.h"

#include <argon2.h>
#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::error_of;

constexpr PasswordHashParams kFast{64, 1, 1};

// verifies: REQ-STORE-001
TEST(PasswordHash, defaults_are_rfc9106_second_option) {
  const PasswordHashParams d;
  EXPECT_EQ(d.memory_kib, 65536u);
  EXPECT_EQ(d.iterations, 3u);
  EXPECT_EQ(d.parallelism, 1u);
  auto phc = hash_password("correct horse");
  ASSERT_TRUE(phc.has_value());
  EXPECT_EQ(phc->rfind("$argon2id$v=19$m=65536,t=3,p=1$", 0), 0u) << *phc;
  // 16-byte salt and 32-byte tag: 22 and 43 unpadded base64 characters.
  const size_t tag_sep = phc->rfind('$');
  const size_t salt_sep = phc->rfind('$', tag_sep - 1);
  EXPECT_EQ(tag_sep - salt_sep - 1, 22u);
  EXPECT_EQ(phc->size() - tag_sep - 1, 43u);
  auto ok = verify_password("correct horse", *phc);
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(*ok);
}

// verifies: REQ-STORE-001
TEST(PasswordHash, verifies_right_and_refuses_wrong_password) {
  auto phc = hash_password("s3cret", kFast);
  ASSERT_TRUE(phc.has_value());
  EXPECT_EQ(phc->rfind("$argon2id$v=19$m=64,t=1,p=1$", 0), 0u);
  auto good = verify_password("s3cret", *phc);
  ASSERT_TRUE(good.has_value());
  EXPECT_TRUE(*good);
  for (const char* wrong : {"s3cre", "s3cret ", "S3cret", ""}) {
    auto bad = verify_password(wrong, *phc);
    ASSERT_TRUE(bad.has_value());
    EXPECT_FALSE(*bad) << wrong;
  }
}

// verifies: REQ-STORE-001
TEST(PasswordHash, salts_differ) {
  auto a = hash_password("same", kFast);
  auto b = hash_password("same", kFast);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(*a, *b);
}

// The PHC strings interoperate with the reference implementation's own
// encoder and verifier (libargon2's argon2id_hash_encoded / argon2id_verify).
// verifies: REQ-STORE-001
TEST(PasswordHash, interoperates_with_the_reference_encoding) {
  const std::string salt = "somesalt-16bytes";
  std::string encoded(
      argon2_encodedlen(2, 64, 1, static_cast<uint32_t>(salt.size()), 32, Argon2_id), '\0');
  ASSERT_EQ(argon2id_hash_encoded(2, 64, 1, "password", 8, salt.data(), salt.size(), 32,
                                  encoded.data(), encoded.size()),
            ARGON2_OK);
  encoded.resize(encoded.find('\0'));
  auto ok = verify_password("password", encoded);
  ASSERT_TRUE(ok.has_value()) << encoded;
  EXPECT_TRUE(*ok);
  auto ours = hash_password("password", kFast);
  ASSERT_TRUE(ours.has_value());
  EXPECT_EQ(argon2id_verify(ours->c_str(), "password", 8), ARGON2_OK);
  EXPECT_NE(argon2id_verify(ours->c_str(), "passwore", 8), ARGON2_OK);
}

// verifies: REQ-STORE-001
TEST(PasswordHash, malformed_or_costly_hashes_are_refused) {
  auto phc = hash_password("pw", kFast);
  ASSERT_TRUE(phc.has_value());
  const std::string salt_and_tag = phc->substr(phc->find("$", 30));
  const std::string bad[] = {
      "",
      "$argon2i$v=19$m=64,t=1,p=1" + salt_and_tag,
      "$argon2id$v=16$m=64,t=1,p=1" + salt_and_tag,
      "$argon2id$v=19$t=1,m=64,p=1" + salt_and_tag,
      "$argon2id$v=19$m=064,t=1,p=1" + salt_and_tag,
      "$argon2id$v=19$m=64,t=1,p=1,x=2" + salt_and_tag,
      "$argon2id$v=19$m=64,t=1" + salt_and_tag,
      // Parameters that would let a stored hash cost too much (DoS).
      "$argon2id$v=19$m=4194304,t=1,p=1" + salt_and_tag,
      "$argon2id$v=19$m=64,t=1000,p=1" + salt_and_tag,
      "$argon2id$v=19$m=64,t=1,p=64" + salt_and_tag,
      "$argon2id$v=19$m=4,t=1,p=1" + salt_and_tag,
      "$argon2id$v=19$m=64,t=1,p=1$c29tZQ$" + std::string(43, 'A'),  // 4-byte salt
      "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$AAAA",                // 3-byte tag
      "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$" + std::string(43, '!'),
      *phc + "$",
  };
  for (const auto& s : bad) {
    auto r = verify_password("pw", s);
    EXPECT_EQ(error_of(r), Err::kInvalidValue) << s;
  }
}

// verifies: REQ-STORE-001
TEST(PasswordHash, out_of_bounds_parameters_are_not_used_to_hash) {
  EXPECT_EQ(error_of(hash_password("pw", PasswordHashParams{4, 1, 1})), Err::kInvalidArgument);
  EXPECT_EQ(error_of(hash_password("pw", PasswordHashParams{64, 0, 1})), Err::kInvalidArgument);
  EXPECT_EQ(error_of(hash_password(std::string(kPasswordMaxLen + 1, 'x'), kFast)),
            Err::kInvalidArgument);
}

}  // namespace
}  // namespace conclave::crypto
