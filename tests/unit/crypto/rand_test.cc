// Tests for crypto/rand.h.
#include "crypto/rand.h"

#include <gtest/gtest.h>

#include <array>

namespace conclave::crypto {
namespace {

// verifies: REQ-CRYPTO-009
TEST(Rand, REQ_CRYPTO_009_fills_the_buffer_with_fresh_bytes) {
  std::array<uint8_t, 64> a{};
  std::array<uint8_t, 64> b{};
  ASSERT_TRUE(random_bytes(a).has_value());
  ASSERT_TRUE(random_bytes(b).has_value());
  // Two 512-bit draws collide or stay all-zero with probability 2^-512.
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<uint8_t, 64>{}));
}

// verifies: REQ-CRYPTO-009
TEST(Rand, REQ_CRYPTO_009_accepts_an_empty_buffer) {
  EXPECT_TRUE(random_bytes(MutableByteView()).has_value());
}

// verifies: REQ-CRYPTO-009
TEST(Rand, REQ_CRYPTO_009_large_requests_are_filled_completely) {
  // The last 32 bytes of a 4 KiB request are not all zero: the generator
  // filled the whole span, not only a first block.
  std::vector<uint8_t> buf(4096);
  ASSERT_TRUE(random_bytes(buf).has_value());
  bool tail_nonzero = false;
  for (size_t i = buf.size() - 32; i < buf.size(); ++i) {
    tail_nonzero |= buf[i] != 0;
  }
  EXPECT_TRUE(tail_nonzero);
}

}  // namespace
}  // namespace conclave::crypto
