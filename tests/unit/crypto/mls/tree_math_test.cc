// Tests for crypto/mls/tree_math.h: tree sizes, every relation against the
// RFC 9420 Appendix C figure and a naive reference on small trees, and the
// refusal of every out-of-range input, up to the largest tree. tests/kat runs
// the official tree-math vectors.
#include "crypto/mls/tree_math.h"

#include <gtest/gtest.h>

#include <set>
#include <type_traits>
#include <vector>

#include "../crypto_test_util.h"

namespace conclave::mls {
namespace {

using crypto::testing::error_of;

// Leaf and node indices are distinct types, and neither converts implicitly
// from an integer or from the other.
static_assert(!std::is_convertible_v<LeafIndex, NodeIndex>);
static_assert(!std::is_convertible_v<NodeIndex, LeafIndex>);
static_assert(!std::is_convertible_v<uint32_t, LeafIndex>);
static_assert(!std::is_convertible_v<uint32_t, NodeIndex>);

TreeSize tree(uint32_t leaves) {
  auto s = TreeSize::from_leaf_count(leaves);
  CONCLAVE_ASSERT(s.has_value());
  return *s;
}

std::vector<uint32_t> values(const std::vector<NodeIndex>& v) {
  std::vector<uint32_t> out;
  for (NodeIndex n : v) {
    out.push_back(n.value());
  }
  return out;
}

// verifies: REQ-MLS-100
TEST(TreeMath, tree_size_accepts_only_powers_of_two_up_to_2_31) {
  for (uint32_t bad : {0u, 3u, 5u, 6u, 7u, 12u, 1000u, (1u << 31) + 1, 0xffffffffu}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(error_of(TreeSize::from_leaf_count(bad)), Err::kInvalidArgument);
  }
  for (uint32_t k = 0; k <= 31; ++k) {
    auto s = TreeSize::from_leaf_count(uint32_t{1} << k);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->depth(), k);
    EXPECT_EQ(s->node_width(), (uint64_t{2} << k) - 1);
  }
  EXPECT_EQ(TreeSize::at_least(0)->leaf_count(), 1u);
  EXPECT_EQ(TreeSize::at_least(5)->leaf_count(), 8u);
  EXPECT_EQ(TreeSize::at_least(8)->leaf_count(), 8u);
  EXPECT_EQ(TreeSize::at_least(1u << 31)->leaf_count(), 1u << 31);
  EXPECT_EQ(error_of(TreeSize::at_least((1u << 31) + 1)), Err::kInvalidArgument);
}

// The eight-leaf tree of RFC 9420 Appendix C.
// verifies: REQ-MLS-100
TEST(TreeMath, eight_leaf_tree_relations) {
  const TreeSize t = tree(8);
  EXPECT_EQ(root(t), NodeIndex(7));
  EXPECT_EQ(level(NodeIndex(7)), 3u);
  EXPECT_EQ(level(NodeIndex(4)), 0u);
  EXPECT_EQ(level(NodeIndex(11)), 2u);
  EXPECT_EQ(*left(t, NodeIndex(7)), NodeIndex(3));
  EXPECT_EQ(*right(t, NodeIndex(7)), NodeIndex(11));
  EXPECT_EQ(*left(t, NodeIndex(5)), NodeIndex(4));
  EXPECT_EQ(*right(t, NodeIndex(5)), NodeIndex(6));
  EXPECT_EQ(*parent(t, NodeIndex(6)), NodeIndex(5));
  EXPECT_EQ(*parent(t, NodeIndex(11)), NodeIndex(7));
  EXPECT_EQ(*sibling(t, NodeIndex(3)), NodeIndex(11));
  EXPECT_EQ(*sibling(t, NodeIndex(12)), NodeIndex(14));
  EXPECT_EQ(values(*direct_path(t, NodeIndex(4))), (std::vector<uint32_t>{5, 3, 7}));
  EXPECT_EQ(values(*copath(t, NodeIndex(4))), (std::vector<uint32_t>{6, 1, 11}));
  EXPECT_TRUE(direct_path(t, NodeIndex(7))->empty());
  EXPECT_TRUE(copath(t, NodeIndex(7))->empty());
  EXPECT_EQ(*common_ancestor(t, NodeIndex(0), NodeIndex(6)), NodeIndex(3));
  EXPECT_EQ(*common_ancestor(t, NodeIndex(4), NodeIndex(6)), NodeIndex(5));
  EXPECT_EQ(*common_ancestor(t, NodeIndex(2), NodeIndex(14)), NodeIndex(7));
  EXPECT_EQ(*common_ancestor(t, NodeIndex(3), NodeIndex(2)), NodeIndex(3));
  EXPECT_EQ(*common_ancestor(t, NodeIndex(9), NodeIndex(9)), NodeIndex(9));
  EXPECT_EQ(*to_node(t, LeafIndex(5)), NodeIndex(10));
  EXPECT_EQ(*to_leaf(t, NodeIndex(10)), LeafIndex(5));
}

// Every relation of every node of the trees of 1 to 256 leaves agrees with a
// naive reference built from parent links alone.
// verifies: REQ-MLS-100
TEST(TreeMath, relations_agree_with_naive_reference) {
  for (uint32_t n = 1; n <= 256; n *= 2) {
    SCOPED_TRACE(n);
    const TreeSize t = tree(n);
    // Reference: children of node p are the nodes whose parent is p.
    std::vector<std::vector<uint32_t>> children(t.node_width());
    for (uint32_t x = 0; x < t.node_width(); ++x) {
      auto p = parent(t, NodeIndex(x));
      ASSERT_EQ(p.has_value(), NodeIndex(x) != root(t));
      if (p) {
        ASSERT_TRUE(t.contains(*p));
        children[p->value()].push_back(x);
      }
    }
    for (uint32_t x = 0; x < t.node_width(); ++x) {
      const NodeIndex node(x);
      if (is_leaf(node)) {
        EXPECT_TRUE(children[x].empty());
        EXPECT_FALSE(left(t, node).has_value());
        EXPECT_FALSE(right(t, node).has_value());
        continue;
      }
      ASSERT_EQ(children[x].size(), 2u);
      EXPECT_EQ(left(t, node)->value(), children[x][0]);
      EXPECT_EQ(right(t, node)->value(), children[x][1]);
    }
    // common_ancestor against the lowest common element of the two paths.
    for (uint32_t a = 0; a < t.node_width() && a < 64; ++a) {
      for (uint32_t b = 0; b < t.node_width() && b < 64; ++b) {
        std::vector<uint32_t> pa = values(*direct_path(t, NodeIndex(a)));
        pa.insert(pa.begin(), a);
        std::vector<uint32_t> pb = values(*direct_path(t, NodeIndex(b)));
        pb.insert(pb.begin(), b);
        const std::set<uint32_t> sb(pb.begin(), pb.end());
        uint32_t want = 0;
        for (uint32_t x : pa) {
          if (sb.count(x) != 0) {
            want = x;
            break;
          }
        }
        EXPECT_EQ(common_ancestor(t, NodeIndex(a), NodeIndex(b))->value(), want);
      }
    }
  }
}

// verifies: REQ-MLS-100
TEST(TreeMath, out_of_range_and_undefined_relations_are_errors) {
  for (uint32_t n : {1u, 2u, 8u, 1u << 31}) {
    SCOPED_TRACE(n);
    const TreeSize t = tree(n);
    for (uint32_t x : {t.node_width(), t.node_width() + 1, 0xffffffffu}) {
      if (x < t.node_width()) {
        continue;  // node_width() + 1 wraps to 0 in the largest tree
      }
      const NodeIndex bad(x);
      EXPECT_EQ(error_of(left(t, bad)), Err::kInvalidArgument);
      EXPECT_EQ(error_of(right(t, bad)), Err::kInvalidArgument);
      EXPECT_EQ(error_of(parent(t, bad)), Err::kInvalidArgument);
      EXPECT_EQ(error_of(sibling(t, bad)), Err::kInvalidArgument);
      EXPECT_EQ(error_of(direct_path(t, bad)), Err::kInvalidArgument);
      EXPECT_EQ(error_of(copath(t, bad)), Err::kInvalidArgument);
      EXPECT_EQ(error_of(to_leaf(t, bad)), Err::kInvalidArgument);
      EXPECT_EQ(error_of(in_subtree(t, bad, NodeIndex(0))), Err::kInvalidArgument);
      EXPECT_EQ(error_of(in_subtree(t, NodeIndex(0), bad)), Err::kInvalidArgument);
      EXPECT_EQ(error_of(common_ancestor(t, bad, NodeIndex(0))), Err::kInvalidArgument);
      EXPECT_EQ(error_of(common_ancestor(t, NodeIndex(0), bad)), Err::kInvalidArgument);
    }
    EXPECT_EQ(error_of(to_node(t, LeafIndex(n))), Err::kInvalidArgument);
    EXPECT_EQ(error_of(to_node(t, LeafIndex(0xffffffffu))), Err::kInvalidArgument);
    EXPECT_EQ(error_of(parent(t, root(t))), Err::kInvalidArgument);
    EXPECT_EQ(error_of(sibling(t, root(t))), Err::kInvalidArgument);
    EXPECT_EQ(error_of(left(t, NodeIndex(0))), Err::kInvalidArgument);
    EXPECT_EQ(error_of(right(t, NodeIndex(0))), Err::kInvalidArgument);
  }
  // A parent node is no leaf.
  EXPECT_EQ(error_of(to_leaf(tree(4), NodeIndex(1))), Err::kInvalidArgument);
}

// The largest tree: indices near 2^32 do not overflow.
// verifies: REQ-MLS-100
TEST(TreeMath, largest_tree_has_no_overflow) {
  const TreeSize t = tree(1u << 31);
  EXPECT_EQ(t.node_width(), 0xffffffffu);
  EXPECT_EQ(root(t), NodeIndex(0x7fffffffu));
  const NodeIndex last = *to_node(t, LeafIndex(0x7fffffffu));
  EXPECT_EQ(last, NodeIndex(0xfffffffeu));
  auto path = direct_path(t, last);
  ASSERT_TRUE(path.has_value());
  ASSERT_EQ(path->size(), 31u);
  EXPECT_EQ(path->back(), root(t));
  EXPECT_EQ(copath(t, last)->size(), 31u);
  EXPECT_EQ(*right(t, root(t)), NodeIndex(0xbfffffffu));
  EXPECT_EQ(*parent(t, NodeIndex(0xbfffffffu)), root(t));
  EXPECT_EQ(*common_ancestor(t, NodeIndex(0), last), root(t));
  EXPECT_TRUE(*in_subtree(t, root(t), last));
}

}  // namespace
}  // namespace conclave::mls
