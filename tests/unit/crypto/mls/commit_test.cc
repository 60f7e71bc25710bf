// Tests for crypto/mls/commit.h and crypto/mls/hpke_ciphertext.h.
#include "crypto/mls/commit.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "crypto/mls/hpke_ciphertext.h"
#include "crypto/mls/mls_limits.h"
#include "mls_test_vectors.h"

namespace conclave::mls {
namespace {

using testing::encode;
using testing::error_of;
using testing::messages_field;

// verifies: REQ-MLS-002
TEST(Commit, REQ_MLS_002_vector_commit_round_trips) {
  const Bytes bytes = messages_field("commit");
  testing::expect_round_trip<Commit>(bytes, parse_commit, write_commit);
  auto c = decode_commit(bytes);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->path.has_value());
}

// verifies: REQ-MLS-009
TEST(Commit, REQ_MLS_009_malformation_sweep_over_the_vector_commit) {
  EXPECT_GT(testing::expect_sweep_rejected<Commit>(messages_field("commit"), parse_commit), 100u);
}

// verifies: REQ-MLS-007
TEST(Commit, REQ_MLS_007_path_presence_octet_is_zero_or_one) {
  // 00 (no proposals) | presence
  EXPECT_TRUE(decode_commit(Bytes{0x00, 0x00}).has_value());
  for (uint8_t p : std::initializer_list<uint8_t>{2, 0x80, 0xff}) {
    SCOPED_TRACE(p);
    EXPECT_EQ(error_of(decode_commit(Bytes{0x00, p})), Err::kInvalidValue);
  }
  EXPECT_FALSE(decode_commit(Bytes{0x00, 0x01}).has_value());  // present but missing
}

// verifies: REQ-MLS-011
TEST(Commit, REQ_MLS_011_update_path_node_count_is_limited) {
  auto c = decode_commit(messages_field("commit"));
  ASSERT_TRUE(c.has_value() && c->path.has_value());
  UpdatePath path = *c->path;
  path.nodes.assign(kMaxUpdatePathNodes, UpdatePathNode{{1}, {}});
  EXPECT_TRUE((
      decode_all<UpdatePath>(encode(path, write_update_path), "t", parse_update_path).has_value()));
  path.nodes.push_back(UpdatePathNode{{1}, {}});
  EXPECT_EQ(
      error_of(decode_all<UpdatePath>(encode(path, write_update_path), "t", parse_update_path)),
      Err::kLengthLimit);
}

// verifies: REQ-MLS-002
TEST(Commit, REQ_MLS_002_hpke_ciphertext_layout) {
  const HpkeCiphertext c{{0x01, 0x02}, {0x03}};
  const Bytes encoded = encode(c, write_hpke_ciphertext);
  EXPECT_EQ(to_hex(encoded), "0201020103");
  auto back = decode_all<HpkeCiphertext>(encoded, "t", parse_hpke_ciphertext);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->kem_output, c.kem_output);
  EXPECT_EQ(back->ciphertext, c.ciphertext);
}

}  // namespace
}  // namespace conclave::mls
