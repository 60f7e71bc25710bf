// Tests for crypto/hash.h, with the FIPS 180-4 example "abc".
#include "crypto/hash.h"

#include <gtest/gtest.h>

#include "crypto_test_util.h"

namespace conclave::crypto {
namespace {

using testing::hex;

// verifies: REQ-CRYPTO-003
TEST(Hash, REQ_CRYPTO_003_sha256_known_answer) {
  EXPECT_EQ(to_hex(hash(HashAlg::kSha256, as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(hash(HashAlg::kSha256, {})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// verifies: REQ-CRYPTO-003
TEST(Hash, REQ_CRYPTO_003_sha384_known_answer) {
  EXPECT_EQ(to_hex(hash(HashAlg::kSha384, as_bytes("abc"))),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
}

// verifies: REQ-CRYPTO-003
TEST(Hash, REQ_CRYPTO_003_sha512_known_answer) {
  EXPECT_EQ(to_hex(hash(HashAlg::kSha512, as_bytes("abc"))),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(Hash, lengths) {
  EXPECT_EQ(hash_len(HashAlg::kSha256), 32u);
  EXPECT_EQ(hash_len(HashAlg::kSha384), 48u);
  EXPECT_EQ(hash_len(HashAlg::kSha512), 64u);
  EXPECT_EQ(hash(HashAlg::kSha384, hex("00")).size(), 48u);
}

}  // namespace
}  // namespace conclave::crypto
