// Tests for crypto/mls/ratchet_tree_nodes.h.
#include "crypto/mls/ratchet_tree_nodes.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "crypto/mls/mls_limits.h"
#include "mls_test_vectors.h"

namespace conclave::mls {
namespace {

using testing::encode;
using testing::error_of;
using testing::messages_field;

// verifies: REQ-MLS-002, REQ-MLS-009
TEST(RatchetTreeNodes, REQ_MLS_009_vector_tree_round_trips_and_sweep) {
  const Bytes tree = messages_field("ratchet_tree");
  testing::expect_round_trip<RatchetTree>(tree, parse_ratchet_tree, write_ratchet_tree);
  testing::expect_sweep_rejected<RatchetTree>(tree, parse_ratchet_tree);
}

// verifies: REQ-MLS-002
TEST(RatchetTreeNodes, REQ_MLS_002_blanks_are_encoded_as_given) {
  RatchetTree tree(3);
  tree[1] = Node{ParentNode{{0xee}, {}, {0, 2}}};
  // 10 [ 00 | 01 02 01ee 00 08 00000000 00000002 | 00 ]: trailing blank kept.
  const Bytes encoded = encode(tree, write_ratchet_tree);
  EXPECT_EQ(to_hex(encoded),
            "10"
            "00"
            "01"
            "02"
            "01ee"
            "00"
            "08"
            "00000000"
            "00000002"
            "00");
  auto back = decode_ratchet_tree(encoded);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->size(), 3u);
  EXPECT_FALSE((*back)[0].has_value());
  ASSERT_TRUE((*back)[1].has_value());
  EXPECT_EQ((*back)[1]->node_type(), NodeType::kParent);
  EXPECT_EQ(std::get<ParentNode>((*back)[1]->content).unmerged_leaves,
            (std::vector<uint32_t>{0, 2}));
}

// verifies: REQ-MLS-003, REQ-MLS-007
TEST(RatchetTreeNodes, REQ_MLS_003_node_type_and_presence_are_checked) {
  // 05 [ 01 | 02 | 00 00 00 ]: one parent node with empty fields.
  const Bytes valid = {0x05, 0x01, 0x02, 0x00, 0x00, 0x00};
  EXPECT_TRUE(decode_ratchet_tree(valid).has_value());
  for (uint8_t t : std::initializer_list<uint8_t>{0, 3, 0xff}) {
    Bytes bad = valid;
    bad[2] = t;
    EXPECT_EQ(error_of(decode_ratchet_tree(bad)), Err::kInvalidValue);
  }
  for (uint8_t p : std::initializer_list<uint8_t>{2, 0xff}) {
    Bytes bad = valid;
    bad[1] = p;
    EXPECT_EQ(error_of(decode_ratchet_tree(bad)), Err::kInvalidValue);
  }
}

// verifies: REQ-MLS-011
TEST(RatchetTreeNodes, REQ_MLS_011_node_count_is_limited) {
  RatchetTree tree(kMaxRatchetTreeNodes);
  EXPECT_TRUE(decode_ratchet_tree(encode(tree, write_ratchet_tree)).has_value());
  tree.emplace_back();
  EXPECT_EQ(error_of(decode_ratchet_tree(encode(tree, write_ratchet_tree))), Err::kLengthLimit);
}

}  // namespace
}  // namespace conclave::mls
