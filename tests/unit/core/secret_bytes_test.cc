#include "core/secret_bytes.h"

#include <gtest/gtest.h>

#include <type_traits>

namespace conclave {
namespace {

static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);

// verifies: REQ-CRYPTO-010
TEST(SecretBytes, REQ_CRYPTO_010_move_leaves_the_source_empty) {
  SecretBytes a = SecretBytes::copy_of(*from_hex("00112233"));
  const uint8_t* storage = a.view().data();
  SecretBytes b = std::move(a);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(b.view().data(), storage);  // the buffer moved, it was not copied
  EXPECT_EQ(to_hex(b.view()), "00112233");
}

// verifies: REQ-CRYPTO-010
TEST(SecretBytes, REQ_CRYPTO_010_secure_zero_clears_memory) {
  SecretBytes s = SecretBytes::copy_of(*from_hex("deadbeefdeadbeef"));
  secure_zero(s.mutable_view());
  EXPECT_EQ(to_hex(s.view()), "0000000000000000");
}

// verifies: REQ-CRYPTO-010
TEST(SecretBytes, REQ_CRYPTO_010_comparison_is_by_ct_equal_only) {
  SecretBytes a = SecretBytes::copy_of(*from_hex("0102"));
  SecretBytes b = a.clone();
  SecretBytes c = SecretBytes::copy_of(*from_hex("0103"));
  SecretBytes d = SecretBytes::copy_of(*from_hex("010203"));
  EXPECT_TRUE(a.ct_equal(b));
  EXPECT_FALSE(a.ct_equal(c));
  EXPECT_FALSE(a.ct_equal(d));
  EXPECT_NE(a.view().data(), b.view().data());  // clone is a real copy
}

// verifies: REQ-CRYPTO-010
TEST(SecretBytes, REQ_CRYPTO_010_assignment_wipes_and_replaces) {
  SecretBytes a = SecretBytes::copy_of(*from_hex("aaaa"));
  SecretBytes b = SecretBytes::copy_of(*from_hex("bbbbbb"));
  a = std::move(b);
  EXPECT_EQ(to_hex(a.view()), "bbbbbb");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace conclave
