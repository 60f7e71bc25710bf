#include "crypto/mls/tree_math.h"

#include <bit>

namespace conclave::mls {

namespace {

constexpr Error kNodeOutside{Err::kInvalidArgument, "tree math: node index outside the tree"};
constexpr Error kLeafOutside{Err::kInvalidArgument, "tree math: leaf index outside the tree"};

// Index arithmetic is done in 64 bits: a node at level 31 shifted by its level
// plus one would overflow uint32, and the width of the largest tree is
// 2^32 - 1.
constexpr uint64_t bit(uint32_t k) { return uint64_t{1} << k; }

}  // namespace

// implements: REQ-MLS-100
Result<TreeSize> TreeSize::from_leaf_count(uint32_t leaf_count) {
  //= RFC 9420 §4.1
  //# Every tree used in this protocol is a perfect binary tree, that is, a
  //# complete balanced binary tree with 2<sup>d</sup> leaves all at the same
  //# depth `d`.
  if (leaf_count == 0 || !std::has_single_bit(leaf_count) || leaf_count > kMaxLeafCount) {
    return Error(Err::kInvalidArgument, "tree math: leaf count is not a power of two <= 2^31");
  }
  return TreeSize(leaf_count);
}

Result<TreeSize> TreeSize::at_least(uint32_t leaf_count) {
  if (leaf_count > kMaxLeafCount) {
    return Error(Err::kInvalidArgument, "tree math: more than 2^31 leaves");
  }
  return TreeSize(leaf_count <= 1 ? 1 : std::bit_ceil(leaf_count));
}

uint32_t TreeSize::depth() const { return static_cast<uint32_t>(std::countr_zero(leaf_count_)); }

// implements: REQ-MLS-100
uint32_t level(NodeIndex node) {
  // The level is the number of trailing one bits: parent = 01x over children
  // 00x and 10x (Appendix C).
  return static_cast<uint32_t>(std::countr_one(node.value()));
}

// implements: REQ-MLS-100
NodeIndex root(TreeSize size) {
  // For 2^d leaves the width is 2^(d+1) - 1 and the root is 2^d - 1.
  return NodeIndex(size.leaf_count() - 1);
}

// implements: REQ-MLS-100
Result<NodeIndex> to_node(TreeSize size, LeafIndex leaf) {
  if (!size.contains(leaf)) {
    return kLeafOutside;
  }
  // leaf < 2^31, so 2 * leaf fits uint32.
  return NodeIndex(2 * leaf.value());
}

// implements: REQ-MLS-100
Result<LeafIndex> to_leaf(TreeSize size, NodeIndex node) {
  if (!size.contains(node)) {
    return kNodeOutside;
  }
  if (!is_leaf(node)) {
    return Error(Err::kInvalidArgument, "tree math: parent node is not a leaf");
  }
  return LeafIndex(node.value() / 2);
}

// implements: REQ-MLS-100
Result<NodeIndex> left(TreeSize size, NodeIndex node) {
  if (!size.contains(node)) {
    return kNodeOutside;
  }
  const uint32_t k = level(node);
  if (k == 0) {
    return Error(Err::kInvalidArgument, "tree math: a leaf has no children");
  }
  return NodeIndex(static_cast<uint32_t>(node.value() ^ bit(k - 1)));
}

// implements: REQ-MLS-100
Result<NodeIndex> right(TreeSize size, NodeIndex node) {
  if (!size.contains(node)) {
    return kNodeOutside;
  }
  const uint32_t k = level(node);
  if (k == 0) {
    return Error(Err::kInvalidArgument, "tree math: a leaf has no children");
  }
  // In a perfect tree the right child always exists (RFC 9420 dropped the
  // left-balanced adjustment of earlier drafts).
  return NodeIndex(static_cast<uint32_t>(node.value() ^ (uint64_t{3} << (k - 1))));
}

// implements: REQ-MLS-100
Result<NodeIndex> parent(TreeSize size, NodeIndex node) {
  if (!size.contains(node)) {
    return kNodeOutside;
  }
  if (node == root(size)) {
    return Error(Err::kInvalidArgument, "tree math: the root has no parent");
  }
  // A non-root node lies below the root, so its level is at most 30 and the
  // result is inside the tree.
  const uint32_t k = level(node);
  const uint64_t x = node.value();
  const uint64_t b = (x >> (k + 1)) & 1;
  return NodeIndex(static_cast<uint32_t>((x | bit(k)) ^ (b << (k + 1))));
}

// implements: REQ-MLS-100
Result<NodeIndex> sibling(TreeSize size, NodeIndex node) {
  CONCLAVE_TRY_ASSIGN(const NodeIndex p, parent(size, node));
  return node < p ? right(size, p) : left(size, p);
}

// implements: REQ-MLS-100
Result<std::vector<NodeIndex>> direct_path(TreeSize size, NodeIndex node) {
  if (!size.contains(node)) {
    return kNodeOutside;
  }
  std::vector<NodeIndex> path;
  path.reserve(size.depth());
  const NodeIndex r = root(size);
  NodeIndex x = node;
  while (x != r) {
    CONCLAVE_TRY_ASSIGN(x, parent(size, x));
    path.push_back(x);
  }
  return path;
}

// implements: REQ-MLS-100
Result<std::vector<NodeIndex>> copath(TreeSize size, NodeIndex node) {
  if (!size.contains(node)) {
    return kNodeOutside;
  }
  std::vector<NodeIndex> out;
  out.reserve(size.depth());
  const NodeIndex r = root(size);
  NodeIndex x = node;
  while (x != r) {
    CONCLAVE_TRY_ASSIGN(const NodeIndex s, sibling(size, x));
    out.push_back(s);
    CONCLAVE_TRY_ASSIGN(x, parent(size, x));
  }
  return out;
}

// implements: REQ-MLS-100
Result<bool> in_subtree(TreeSize size, NodeIndex head, NodeIndex node) {
  if (!size.contains(head) || !size.contains(node)) {
    return kNodeOutside;
  }
  // The subtree of a node at level k spans the 2^(k+1) - 1 indices centred on
  // it; its low k bits are all ones, so the lower bound does not underflow.
  const uint64_t half = bit(level(head)) - 1;
  const uint64_t h = head.value();
  const uint64_t x = node.value();
  return x >= h - half && x <= h + half;
}

// implements: REQ-MLS-100
Result<NodeIndex> common_ancestor(TreeSize size, NodeIndex a, NodeIndex b) {
  if (!size.contains(a) || !size.contains(b)) {
    return kNodeOutside;
  }
  // Walk up from `a` until the subtree holds `b`; the root's subtree holds
  // every node, so the walk ends within depth() steps.
  NodeIndex x = a;
  for (;;) {
    CONCLAVE_TRY_ASSIGN(const bool holds, in_subtree(size, x, b));
    if (holds) {
      return x;
    }
    CONCLAVE_TRY_ASSIGN(x, parent(size, x));
  }
}

}  // namespace conclave::mls
