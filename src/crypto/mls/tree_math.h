// Array-based tree math (RFC 9420 §4.1, §7.1 and Appendix C).
//
// Every MLS tree (the ratchet tree, the secret tree) is a perfect binary tree
// with 2^d leaves stored as an array of 2^(d+1) - 1 nodes: leaf L is node 2L,
// parents are the odd nodes. The relations between nodes are computed from
// their indices.
//
// Leaf and node indices are distinct value types, so a leaf index can never be
// used where a node index is meant (a classic source of off-by-a-factor-of-two
// bugs). Every function that depends on the tree takes its TreeSize and checks
// its inputs against it: an index outside the tree, or a relation that does
// not exist (the parent of the root, the children of a leaf), is an error
// value (kInvalidArgument with a static detail), never undefined behaviour.
// Leaf indices arrive from the wire (SenderData.leaf_index, Remove.removed),
// so the checks are not only for our own callers.
#pragma once

#include <compare>
#include <cstdint>
#include <vector>

#include "core/result.h"

namespace conclave::mls {

// LeafIndex is the index of a leaf among the leaves (RFC 9420 uint32
// leaf_index): 0 .. leaf_count - 1.
class LeafIndex {
 public:
  constexpr explicit LeafIndex(uint32_t value) : value_(value) {}
  constexpr uint32_t value() const { return value_; }
  friend constexpr auto operator<=>(LeafIndex, LeafIndex) = default;

 private:
  uint32_t value_;
};

// NodeIndex is the index of a node in the array representation:
// 0 .. node_width - 1.
class NodeIndex {
 public:
  constexpr explicit NodeIndex(uint32_t value) : value_(value) {}
  constexpr uint32_t value() const { return value_; }
  friend constexpr auto operator<=>(NodeIndex, NodeIndex) = default;

 private:
  uint32_t value_;
};

// TreeSize is the shape of a perfect binary tree: its number of leaves, a
// power of two from 1 to kMaxLeafCount. Only from_leaf_count and at_least make
// one, so a TreeSize in hand is always valid.
// implements: REQ-MLS-100
class TreeSize {
 public:
  // The largest tree whose node indices fit uint32 (RFC 9420 node indices are
  // uint32; 2 * 2^31 - 1 nodes is the largest width that fits).
  static constexpr uint32_t kMaxLeafCount = uint32_t{1} << 31;

  // from_leaf_count is the tree with exactly `leaf_count` leaves; a count that
  // is zero, not a power of two or above kMaxLeafCount is kInvalidArgument.
  [[nodiscard]] static Result<TreeSize> from_leaf_count(uint32_t leaf_count);
  // at_least is the smallest tree with room for `leaf_count` leaves (at least
  // one leaf); a count above kMaxLeafCount is kInvalidArgument.
  [[nodiscard]] static Result<TreeSize> at_least(uint32_t leaf_count);

  constexpr uint32_t leaf_count() const { return leaf_count_; }
  // node_width is 2 * leaf_count - 1 (Appendix C node_width).
  constexpr uint32_t node_width() const { return 2 * (leaf_count_ - 1) + 1; }
  // depth is d for a tree of 2^d leaves: the level of the root.
  uint32_t depth() const;

  constexpr bool contains(LeafIndex leaf) const { return leaf.value() < leaf_count_; }
  constexpr bool contains(NodeIndex node) const { return node.value() < node_width(); }

  friend constexpr bool operator==(TreeSize, TreeSize) = default;

 private:
  constexpr explicit TreeSize(uint32_t leaf_count) : leaf_count_(leaf_count) {}

  uint32_t leaf_count_;
};

// level is the height of `node` above the leaves: 0 for leaves, and for a
// parent one more than its children. Defined for every index.
// implements: REQ-MLS-100
uint32_t level(NodeIndex node);

// is_leaf says whether `node` is a leaf (an even index).
constexpr bool is_leaf(NodeIndex node) { return (node.value() & 1) == 0; }

// root is the root of `size` (Appendix C root): leaf_count - 1.
// implements: REQ-MLS-100
NodeIndex root(TreeSize size);

// to_node is the node of leaf `leaf` (2 * leaf); kInvalidArgument if the
// leaf is outside the tree.
// implements: REQ-MLS-100
[[nodiscard]] Result<NodeIndex> to_node(TreeSize size, LeafIndex leaf);

// to_leaf is the leaf whose node is `node`; kInvalidArgument if `node` is
// outside the tree or a parent.
// implements: REQ-MLS-100
[[nodiscard]] Result<LeafIndex> to_leaf(TreeSize size, NodeIndex node);

// left and right are the children of a parent node; kInvalidArgument for a
// node outside the tree or a leaf.
// implements: REQ-MLS-100
[[nodiscard]] Result<NodeIndex> left(TreeSize size, NodeIndex node);
// implements: REQ-MLS-100
[[nodiscard]] Result<NodeIndex> right(TreeSize size, NodeIndex node);

// parent is the parent of `node`; kInvalidArgument for a node outside the
// tree or the root.
// implements: REQ-MLS-100
[[nodiscard]] Result<NodeIndex> parent(TreeSize size, NodeIndex node);

// sibling is the other child of the parent of `node`; kInvalidArgument for a
// node outside the tree or the root.
// implements: REQ-MLS-100
[[nodiscard]] Result<NodeIndex> sibling(TreeSize size, NodeIndex node);

// direct_path is the list of proper ancestors of `node`, from its parent up to
// and including the root (empty for the root); kInvalidArgument for a node
// outside the tree.
// implements: REQ-MLS-100
[[nodiscard]] Result<std::vector<NodeIndex>> direct_path(TreeSize size, NodeIndex node);

// copath is the list of siblings of `node` and of each node of its direct path
// except the root, ordered from `node` upwards (empty for the root);
// kInvalidArgument for a node outside the tree.
// implements: REQ-MLS-100
[[nodiscard]] Result<std::vector<NodeIndex>> copath(TreeSize size, NodeIndex node);

// in_subtree says whether `node` is `head` or one of its descendants;
// kInvalidArgument if either is outside the tree.
// implements: REQ-MLS-100
[[nodiscard]] Result<bool> in_subtree(TreeSize size, NodeIndex head, NodeIndex node);

// common_ancestor is the lowest node whose subtree holds both `a` and `b`
// (one of them if it is an ancestor of the other, `a` if a == b);
// kInvalidArgument if either is outside the tree.
// implements: REQ-MLS-100
[[nodiscard]] Result<NodeIndex> common_ancestor(TreeSize size, NodeIndex a, NodeIndex b);

}  // namespace conclave::mls
