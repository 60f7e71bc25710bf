// Shared-file encryption: round trip, one fresh key per file, and every
// tampering (ciphertext, size, hash, key) detected as kAuthFailed.
#include "client/file_crypto.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace conclave::client {
namespace {

FileMessage announce(const SealedFile& s, uint64_t size) {
  FileMessage f;
  f.name = "f.bin";
  f.size = size;
  f.sha256 = s.sha256;
  f.blob_id = std::string(1, 'b');  // not = "b": GCC 12 -O3 warns -Wrestrict (a false positive)
  f.key = s.key.clone();
  return f;
}

Bytes sample(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<uint8_t>(i * 7);
  }
  return b;
}

// verifies: REQ-CLIENT-003
TEST(FileCrypto, RoundTrip) {
  for (const size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{100000}}) {
    const Bytes plain = sample(n);
    auto sealed = seal_file(plain);
    ASSERT_TRUE(sealed.has_value());
    EXPECT_EQ(sealed->ciphertext.size(), n + 16);
    EXPECT_EQ(sealed->key.size(), kFileKeyLen);
    EXPECT_TRUE(equal(sealed->sha256, crypto::hash(crypto::HashAlg::kSha256, plain)));
    auto opened = open_file(announce(*sealed, n), sealed->ciphertext);
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(*opened, plain);
  }
}

// verifies: REQ-CLIENT-003
TEST(FileCrypto, EveryFileGetsAFreshKey) {
  const Bytes plain = sample(64);
  auto a = seal_file(plain);
  auto b = seal_file(plain);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_FALSE(a->key.ct_equal(b->key));
  EXPECT_NE(a->ciphertext, b->ciphertext);
}

// verifies: REQ-CLIENT-003
TEST(FileCrypto, TamperingIsDetected) {
  const Bytes plain = sample(300);
  auto sealed = seal_file(plain);
  ASSERT_TRUE(sealed.has_value());
  for (size_t i = 0; i < sealed->ciphertext.size(); i += 37) {
    Bytes c = sealed->ciphertext;
    c[i] ^= 0x01;
    auto r = open_file(announce(*sealed, plain.size()), c);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Err::kAuthFailed);
  }
  // Wrong announced size, hash or key.
  auto r1 = open_file(announce(*sealed, plain.size() - 1), sealed->ciphertext);
  ASSERT_FALSE(r1.has_value());
  EXPECT_EQ(r1.error().code, Err::kAuthFailed);
  FileMessage f = announce(*sealed, plain.size());
  f.sha256[0] ^= 1;
  auto r2 = open_file(f, sealed->ciphertext);
  ASSERT_FALSE(r2.has_value());
  EXPECT_EQ(r2.error().code, Err::kAuthFailed);
  FileMessage g = announce(*sealed, plain.size());
  g.key.mutable_view()[0] ^= 1;
  auto r3 = open_file(g, sealed->ciphertext);
  ASSERT_FALSE(r3.has_value());
  EXPECT_EQ(r3.error().code, Err::kAuthFailed);
  // Truncated ciphertext.
  Bytes shorter(sealed->ciphertext.begin(), sealed->ciphertext.end() - 1);
  EXPECT_FALSE(open_file(announce(*sealed, plain.size()), shorter).has_value());
}

// verifies: REQ-CLIENT-003
TEST(FileCrypto, RefusesFilesAboveTheLimit) {
  EXPECT_EQ(seal_file(Bytes(kMaxSharedFileLen + 1)).error().code, Err::kValueTooLarge);
}

}  // namespace
}  // namespace conclave::client
