#include "crypto/mls/ratchet_tree.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/reader.h"
#include "core/writer.h"
#include "crypto/mls/mls_limits.h"

namespace conclave::mls {

namespace {

bool contains_u32(const std::vector<uint32_t>& list, uint32_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool contains_u16(const std::vector<uint16_t>& list, uint16_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool contains_leaf(const std::vector<LeafIndex>& list, uint32_t leaf) {
  return std::find(list.begin(), list.end(), LeafIndex(leaf)) != list.end();
}

// The default extension types of RFC 9420 §7.2, which a leaf does not list
// in its capabilities.
constexpr uint16_t kLastDefaultExtension = 0x0005;
// The default proposal types (add .. group_context_extensions).
constexpr uint16_t kLastDefaultProposal = 0x0007;

// struct {
//     ExtensionType extension_types<V>;
//     ProposalType proposal_types<V>;
//     CredentialType credential_types<V>;
// } RequiredCapabilities;
struct RequiredCapabilities {
  std::vector<uint16_t> extensions;
  std::vector<uint16_t> proposals;
  std::vector<uint16_t> credentials;
};

Result<void> read_u16_list(Reader& r, const char* what, std::vector<uint16_t>* out) {
  Reader body{ByteView{}};
  if (!r.vec(&body)) {
    return r.error(what);
  }
  while (!body.empty()) {
    uint16_t v = 0;
    if (!body.u16(&v)) {
      return body.error(what);
    }
    out->push_back(v);
  }
  return {};
}

Result<RequiredCapabilities> read_required_capabilities(ByteView in) {
  Reader r(in);
  RequiredCapabilities rc;
  CONCLAVE_TRY(read_u16_list(r, "RequiredCapabilities.extension_types", &rc.extensions));
  CONCLAVE_TRY(read_u16_list(r, "RequiredCapabilities.proposal_types", &rc.proposals));
  CONCLAVE_TRY(read_u16_list(r, "RequiredCapabilities.credential_types", &rc.credentials));
  CONCLAVE_TRY(r.finish("RequiredCapabilities"));
  return rc;
}

uint16_t credential_type_of(const LeafNode& leaf) {
  return static_cast<uint16_t>(leaf.credential.credential_type);
}

}  // namespace

Result<PublicTree> PublicTree::from_nodes(const CipherSuite& suite, RatchetTree nodes) {
  //= RFC 9420 §12.4.3.3
  //# The receiver MUST
  //# check that the last node in `ratchet_tree` is non-blank, and then extend the tree to the
  //# right until it has a length of the form 2<sup>d+1</sup> - 1, adding the minimum number
  //# of blank values possible.
  if (nodes.empty()) {
    return Error(Err::kInvalidValue, "ratchet tree: no nodes");
  }
  if (!nodes.back().has_value()) {
    return Error(Err::kInvalidValue, "ratchet tree: trailing blank node");
  }
  if (nodes.size() > kMaxRatchetTreeNodes) {
    return Error(Err::kLengthLimit, "ratchet tree: too many nodes");
  }
  const auto count = static_cast<uint32_t>(nodes.size());
  CONCLAVE_TRY_ASSIGN(const TreeSize size, TreeSize::at_least(count / 2 + 1));
  for (uint32_t i = 0; i < count; ++i) {
    if (!nodes[i].has_value()) {
      continue;
    }
    const NodeIndex n(i);
    const NodeType want = is_leaf(n) ? NodeType::kLeaf : NodeType::kParent;
    if (nodes[i]->node_type() != want) {
      return Error(Err::kInvalidValue, "ratchet tree: node type does not match its position");
    }
    if (want == NodeType::kParent) {
      const auto& unmerged = std::get<ParentNode>(nodes[i]->content).unmerged_leaves;
      for (size_t k = 0; k < unmerged.size(); ++k) {
        const LeafIndex u(unmerged[k]);
        if (!size.contains(u)) {
          return Error(Err::kInvalidValue, "ratchet tree: unmerged leaf outside the tree");
        }
        CONCLAVE_TRY_ASSIGN(const NodeIndex un, to_node(size, u));
        CONCLAVE_TRY_ASSIGN(const bool below, in_subtree(size, n, un));
        if (!below) {
          return Error(Err::kInvalidValue, "ratchet tree: unmerged leaf outside its parent");
        }
        if (std::find(unmerged.begin(), unmerged.begin() + static_cast<std::ptrdiff_t>(k),
                      unmerged[k]) != unmerged.begin() + static_cast<std::ptrdiff_t>(k)) {
          return Error(Err::kInvalidValue, "ratchet tree: unmerged leaf listed twice");
        }
      }
    }
  }
  std::vector<NodePtr> shared(size.node_width());
  for (uint32_t i = 0; i < count; ++i) {
    if (nodes[i].has_value()) {
      shared[i] = std::make_shared<const Node>(std::move(*nodes[i]));
    }
  }
  return PublicTree(suite, size, std::move(shared));
}

Result<PublicTree> PublicTree::decode(const CipherSuite& suite, ByteView in) {
  CONCLAVE_TRY_ASSIGN(RatchetTree nodes, decode_ratchet_tree(in));
  return from_nodes(suite, std::move(nodes));
}

PublicTree PublicTree::with_single_leaf(const CipherSuite& suite, LeafNode leaf) {
  std::vector<NodePtr> nodes(1);
  nodes[0] = std::make_shared<const Node>(Node{std::move(leaf)});
  // A single leaf is always a valid TreeSize.
  auto size = TreeSize::from_leaf_count(1);
  CONCLAVE_ASSERT(size.has_value());
  return PublicTree(suite, *size, std::move(nodes));
}

RatchetTree PublicTree::to_nodes() const {
  size_t count = nodes_.size();
  while (count > 0 && nodes_[count - 1] == nullptr) {
    --count;
  }
  RatchetTree out(count);
  for (size_t i = 0; i < count; ++i) {
    if (nodes_[i] != nullptr) {
      out[i] = *nodes_[i];
    }
  }
  return out;
}

Result<Bytes> PublicTree::encode() const { return encode_ratchet_tree(to_nodes()); }

const LeafNode* PublicTree::leaf(LeafIndex i) const {
  if (!size_.contains(i)) {
    return nullptr;
  }
  const Node* s = slot(NodeIndex(2 * i.value()));
  return s != nullptr ? &std::get<LeafNode>(s->content) : nullptr;
}

const ParentNode* PublicTree::parent_node(NodeIndex n) const {
  if (!size_.contains(n) || is_leaf(n)) {
    return nullptr;
  }
  const Node* s = slot(n);
  return s != nullptr ? &std::get<ParentNode>(s->content) : nullptr;
}

bool PublicTree::is_blank(NodeIndex n) const { return !size_.contains(n) || slot(n) == nullptr; }

std::optional<ByteView> PublicTree::encryption_key_of(NodeIndex n) const {
  if (is_blank(n)) {
    return std::nullopt;
  }
  if (is_leaf(n)) {
    return ByteView(std::get<LeafNode>(slot(n)->content).encryption_key);
  }
  return ByteView(std::get<ParentNode>(slot(n)->content).encryption_key);
}

// implements: REQ-MLS-200
Result<std::vector<NodeIndex>> PublicTree::resolution(
    NodeIndex n, const std::vector<LeafIndex>& excluded) const {
  if (!size_.contains(n)) {
    return Error(Err::kInvalidArgument, "resolution: node outside the tree");
  }
  std::vector<NodeIndex> out;
  // Depth-first, left to right, with an explicit stack (the depth is at most
  // kMaxTreeDepth, but no recursion keeps the frame count obvious).
  std::vector<NodeIndex> stack{n};
  while (!stack.empty()) {
    const NodeIndex cur = stack.back();
    stack.pop_back();
    const Node* s = slot(cur);
    if (s != nullptr) {
      if (is_leaf(cur)) {
        if (!contains_leaf(excluded, cur.value() / 2)) {
          out.push_back(cur);
        }
        continue;
      }
      out.push_back(cur);
      for (const uint32_t u : std::get<ParentNode>(s->content).unmerged_leaves) {
        // from_nodes checked that every unmerged leaf lies in this subtree.
        if (!contains_leaf(excluded, u)) {
          out.push_back(NodeIndex(2 * u));
        }
      }
      continue;
    }
    if (is_leaf(cur)) {
      continue;
    }
    CONCLAVE_TRY_ASSIGN(const NodeIndex l, left(size_, cur));
    CONCLAVE_TRY_ASSIGN(const NodeIndex r, right(size_, cur));
    stack.push_back(r);
    stack.push_back(l);
  }
  return out;
}

// implements: REQ-MLS-200
Result<std::vector<FilteredPathStep>> PublicTree::filtered_direct_path(LeafIndex i) const {
  CONCLAVE_TRY_ASSIGN(const NodeIndex n, to_node(size_, i));
  CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> dp, direct_path(size_, n));
  CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> cp, copath(size_, n));
  CONCLAVE_ASSERT(dp.size() == cp.size());
  //= RFC 9420 §4.1.2
  //# The _filtered direct path_ of a leaf node L is the node's direct path, with any
  //# node removed whose child on the copath of L has an empty resolution
  std::vector<FilteredPathStep> out;
  for (size_t k = 0; k < dp.size(); ++k) {
    CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> res, resolution(cp[k]));
    if (!res.empty()) {
      out.push_back(FilteredPathStep{dp[k], cp[k]});
    }
  }
  return out;
}

std::optional<LeafIndex> PublicTree::find_leaf_by_signature_key(ByteView key) const {
  for (uint32_t i = 0; i < size_.leaf_count(); ++i) {
    const LeafNode* l = leaf(LeafIndex(i));
    if (l != nullptr && equal(l->signature_key, key)) {
      return LeafIndex(i);
    }
  }
  return std::nullopt;
}

std::optional<LeafIndex> PublicTree::find_leaf_by_encryption_key(ByteView key) const {
  for (uint32_t i = 0; i < size_.leaf_count(); ++i) {
    const LeafNode* l = leaf(LeafIndex(i));
    if (l != nullptr && equal(l->encryption_key, key)) {
      return LeafIndex(i);
    }
  }
  return std::nullopt;
}

std::optional<LeafIndex> PublicTree::leftmost_blank_leaf() const {
  for (uint32_t i = 0; i < size_.leaf_count(); ++i) {
    if (leaf(LeafIndex(i)) == nullptr) {
      return LeafIndex(i);
    }
  }
  return std::nullopt;
}

// implements: REQ-MLS-201
Result<LeafIndex> PublicTree::add_leaf(LeafNode leaf_node) {
  TreeSize new_size = size_;
  LeafIndex index(0);
  if (auto blank = leftmost_blank_leaf()) {
    index = *blank;
  } else {
    //= RFC 9420 §12.1.1
    //# If no empty leaf exists, the tree is extended to
    //# the right.
    if (size_.leaf_count() >= kMaxTreeLeaves) {
      return Error(Err::kLengthLimit, "add_leaf: tree is full");
    }
    CONCLAVE_TRY_ASSIGN(new_size, TreeSize::from_leaf_count(2 * size_.leaf_count()));
    index = LeafIndex(size_.leaf_count());
  }
  CONCLAVE_TRY_ASSIGN(const NodeIndex n, to_node(new_size, index));
  CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> dp, direct_path(new_size, n));
  // Nothing below can fail: commit.
  resize_nodes(new_size);
  set(n, Node{std::move(leaf_node)});
  changed(n);
  //= RFC 9420 §12.1.1
  //# For each non-blank intermediate node along the path from the leaf L
  //# to the root, add L's leaf index to the `unmerged_leaves` list for the node.
  for (const NodeIndex p : dp) {
    const Node* s = slot(p);
    if (s == nullptr) {
      continue;
    }
    ParentNode parent_node = std::get<ParentNode>(s->content);
    auto& unmerged = parent_node.unmerged_leaves;
    // Kept sorted (RFC 9420 §7.1), which appending already does in every
    // reachable tree; inserting in order makes it hold regardless.
    unmerged.insert(std::upper_bound(unmerged.begin(), unmerged.end(), index.value()),
                    index.value());
    set(p, Node{std::move(parent_node)});
  }
  return index;
}

// implements: REQ-MLS-201
Result<void> PublicTree::update_leaf(LeafIndex i, LeafNode leaf_node) {
  if (leaf(i) == nullptr) {
    return Error(Err::kInvalidArgument, "update_leaf: blank or missing leaf");
  }
  CONCLAVE_TRY_ASSIGN(const NodeIndex n, to_node(size_, i));
  CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> dp, direct_path(size_, n));
  set(n, Node{std::move(leaf_node)});
  for (const NodeIndex p : dp) {
    blank(p);
  }
  changed(n);
  return {};
}

// implements: REQ-MLS-201
Result<void> PublicTree::remove_leaf(LeafIndex i) {
  if (leaf(i) == nullptr) {
    return Error(Err::kInvalidArgument, "remove_leaf: blank or missing leaf");
  }
  CONCLAVE_TRY_ASSIGN(const NodeIndex n, to_node(size_, i));
  CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> dp, direct_path(size_, n));
  // The new size depends only on the rightmost leaf left: compute it first.
  uint32_t last = 0;
  bool any = false;
  for (uint32_t k = 0; k < size_.leaf_count(); ++k) {
    if (k != i.value() && leaf(LeafIndex(k)) != nullptr) {
      last = k;
      any = true;
    }
  }
  //= RFC 9420 §12.1.3
  //# If the rightmost non-blank leaf has
  //# index L, then this will result in the tree having 2<sup>d</sup> leaves, where `d` is
  //# the smallest value such that 2<sup>d</sup> > `L`.
  CONCLAVE_TRY_ASSIGN(const TreeSize new_size, TreeSize::at_least(any ? last + 1 : 1));
  blank(n);
  for (const NodeIndex p : dp) {
    blank(p);
  }
  // Invalidate in the old size, then shrink: the nodes kept have the same
  // subtrees in the smaller tree.
  changed(n);
  resize_nodes(new_size);
  return {};
}

void PublicTree::changed(NodeIndex n) {
  hash_cache_[n.value()].len = 0;
  auto path = direct_path(size_, n);
  // n is inside the tree (the callers just wrote it), so this cannot fail.
  CONCLAVE_ASSERT(path.has_value());
  for (const NodeIndex p : *path) {
    hash_cache_[p.value()].len = 0;
  }
}

void PublicTree::resize_nodes(TreeSize size) {
  size_ = size;
  nodes_.resize(size.node_width());
  hash_cache_.resize(size.node_width());
  // A grown tree has a new root (and blank nodes whose cache is empty); a
  // shrunk one a new root whose old hash covered the dropped half.
  hash_cache_[root(size_).value()].len = 0;
}

namespace {

// holds_any says whether the subtree of `n` (at level k it spans leaves
// (n - 2^k + 1) / 2 .. (n + 2^k - 1) / 2) holds one of `leaves`.
bool holds_any(NodeIndex n, const std::vector<uint32_t>& leaves) {
  const uint32_t half = (uint32_t{1} << level(n)) - 1;
  const uint32_t first = (n.value() - half) / 2;
  const uint32_t last = (n.value() + half) / 2;
  return std::any_of(leaves.begin(), leaves.end(),
                     [&](uint32_t l) { return l >= first && l <= last; });
}

}  // namespace

Result<Bytes> PublicTree::hash_subtree(NodeIndex n, const std::vector<uint32_t>* removed,
                                       std::vector<Bytes>* all) const {
  // The cache holds plain tree hashes; with leaves removed it serves only
  // subtrees that hold none of them.
  const bool plain = removed == nullptr || !holds_any(n, *removed);
  CachedHash& cached = hash_cache_[n.value()];
  const auto cached_bytes = [&cached] {
    return Bytes(cached.bytes.begin(), cached.bytes.begin() + cached.len);
  };
  if (plain && cached.len != 0 && (all == nullptr || is_leaf(n))) {
    if (all != nullptr) {
      (*all)[n.value()] = cached_bytes();
    }
    return cached_bytes();
  }
  Writer w;
  const Node* s = slot(n);
  if (is_leaf(n)) {
    // struct { uint32 leaf_index; optional<LeafNode> leaf_node; }
    //   LeafNodeHashInput;
    const uint32_t index = n.value() / 2;
    const bool present = s != nullptr && (removed == nullptr || !contains_u32(*removed, index));
    w.u8(static_cast<uint8_t>(NodeType::kLeaf));
    w.u32(index);
    w.optional_present(present);
    if (present) {
      write_leaf_node(w, std::get<LeafNode>(s->content));
    }
  } else {
    // struct { optional<ParentNode> parent_node; opaque left_hash<V>;
    //   opaque right_hash<V>; } ParentNodeHashInput;
    CONCLAVE_TRY_ASSIGN(const NodeIndex l, left(size_, n));
    CONCLAVE_TRY_ASSIGN(const NodeIndex r, right(size_, n));
    CONCLAVE_TRY_ASSIGN(const Bytes lh, hash_subtree(l, removed, all));
    CONCLAVE_TRY_ASSIGN(const Bytes rh, hash_subtree(r, removed, all));
    if (plain && cached.len != 0) {
      // Only `all` made us descend: this node's hash is known.
      (*all)[n.value()] = cached_bytes();
      return cached_bytes();
    }
    w.u8(static_cast<uint8_t>(NodeType::kParent));
    w.optional_present(s != nullptr);
    if (s != nullptr) {
      const auto& p = std::get<ParentNode>(s->content);
      if (removed == nullptr || removed->empty()) {
        write_parent_node(w, p);
      } else {
        ParentNode copy = p;
        std::erase_if(copy.unmerged_leaves, [&](uint32_t u) { return contains_u32(*removed, u); });
        write_parent_node(w, copy);
      }
    }
    w.vec(lh);
    w.vec(rh);
  }
  CONCLAVE_TRY_ASSIGN(const Bytes input, std::move(w).finish());
  Bytes h = suite_.hash(input);
  if (plain && h.size() <= cached.bytes.size()) {
    std::copy(h.begin(), h.end(), cached.bytes.begin());
    cached.len = static_cast<uint8_t>(h.size());
  }
  if (all != nullptr) {
    (*all)[n.value()] = h;
  }
  return h;
}

// implements: REQ-MLS-202
Result<Bytes> PublicTree::tree_hash() const { return hash_subtree(root(size_), nullptr, nullptr); }

Result<Bytes> PublicTree::node_tree_hash(NodeIndex n) const {
  if (!size_.contains(n)) {
    return Error(Err::kInvalidArgument, "tree hash: node outside the tree");
  }
  return hash_subtree(n, nullptr, nullptr);
}

Result<std::vector<Bytes>> PublicTree::all_tree_hashes() const {
  std::vector<Bytes> out(size_.node_width());
  CONCLAVE_TRY(hash_subtree(root(size_), nullptr, &out));
  return out;
}

// implements: REQ-MLS-203
Result<Bytes> PublicTree::parent_hash(NodeIndex p, NodeIndex copath_child) const {
  const ParentNode* pn = parent_node(p);
  if (pn == nullptr) {
    return Error(Err::kInvalidArgument, "parent hash: blank or missing parent");
  }
  CONCLAVE_TRY_ASSIGN(const NodeIndex l, left(size_, p));
  CONCLAVE_TRY_ASSIGN(const NodeIndex r, right(size_, p));
  if (copath_child != l && copath_child != r) {
    return Error(Err::kInvalidArgument, "parent hash: not a child of the parent");
  }
  //= RFC 9420 §7.9.2
  //# the tree hash of S in the ratchet tree modified as follows: For each
  //# leaf L in P.unmerged_leaves, blank L and remove it from the
  //# unmerged_leaves sets of all parent nodes.
  CONCLAVE_TRY_ASSIGN(const Bytes sibling_hash,
                      hash_subtree(copath_child, &pn->unmerged_leaves, nullptr));
  // struct { HPKEPublicKey encryption_key; opaque parent_hash<V>;
  //   opaque original_sibling_tree_hash<V>; } ParentHashInput;
  Writer w;
  w.vec(pn->encryption_key);
  w.vec(pn->parent_hash);
  w.vec(sibling_hash);
  CONCLAVE_TRY_ASSIGN(const Bytes input, std::move(w).finish());
  return suite_.hash(input);
}

bool PublicTree::parent_hash_links(NodeIndex p, NodeIndex child, NodeIndex sibling,
                                   const std::vector<Bytes>& hashes) const {
  const ParentNode* pn = parent_node(p);
  auto res = resolution(child);
  if (pn == nullptr || !res) {
    return false;
  }
  //= RFC 9420 §7.9.2
  //# D is in the resolution of C, and the intersection of P's
  //# unmerged_leaves with the subtree under C is equal to the resolution of
  //# C with D removed.
  std::vector<NodeIndex> below;  // P's unmerged leaves under C, as nodes
  for (const uint32_t u : pn->unmerged_leaves) {
    auto inside = in_subtree(size_, child, NodeIndex(2 * u));
    if (inside.has_value() && *inside) {
      below.push_back(NodeIndex(2 * u));
    }
  }
  std::optional<NodeIndex> d;
  for (const NodeIndex x : *res) {
    if (std::find(below.begin(), below.end(), x) != below.end()) {
      continue;
    }
    if (d.has_value()) {
      return false;  // two candidates
    }
    d = x;
  }
  if (!d.has_value() || res->size() != below.size() + 1) {
    return false;
  }
  ByteView d_parent_hash;
  if (is_leaf(*d)) {
    const auto& ln = std::get<LeafNode>(slot(*d)->content);
    if (ln.leaf_node_source != LeafNodeSource::kCommit) {
      return false;
    }
    d_parent_hash = ln.parent_hash;
  } else {
    d_parent_hash = std::get<ParentNode>(slot(*d)->content).parent_hash;
  }
  Bytes expected;
  if (pn->unmerged_leaves.empty()) {
    // The common case: the sibling's tree hash is the plain one.
    Writer w;
    w.vec(pn->encryption_key);
    w.vec(pn->parent_hash);
    w.vec(hashes[sibling.value()]);
    auto input = std::move(w).finish();
    if (!input) {
      return false;
    }
    expected = suite_.hash(*input);
  } else {
    auto ph = parent_hash(p, sibling);
    if (!ph) {
      return false;
    }
    expected = std::move(ph).value();
  }
  return equal(d_parent_hash, expected);
}

// implements: REQ-MLS-203
Result<void> PublicTree::verify_parent_hashes() const {
  // TODO(perf): parents with unmerged leaves rehash their sibling subtree;
  // a cache keyed by (node, removed set) would make this linear.
  CONCLAVE_TRY_ASSIGN(const std::vector<Bytes> hashes, all_tree_hashes());
  for (uint32_t i = 1; i < size_.node_width(); i += 2) {
    const NodeIndex p(i);
    if (is_blank(p)) {
      continue;
    }
    CONCLAVE_TRY_ASSIGN(const NodeIndex l, left(size_, p));
    CONCLAVE_TRY_ASSIGN(const NodeIndex r, right(size_, p));
    //= RFC 9420 §7.9.2
    //# or "top down" by verifying that there is exactly one descendant of
    //# each non-blank parent node for which the parent node is parent-hash
    //# valid.
    const int links =
        (parent_hash_links(p, l, r, hashes) ? 1 : 0) + (parent_hash_links(p, r, l, hashes) ? 1 : 0);
    if (links != 1) {
      return Error(Err::kAuthFailed, "ratchet tree: parent node is not parent-hash valid");
    }
  }
  return {};
}

// implements: REQ-MLS-205
Result<void> PublicTree::check_unmerged_leaves() const {
  for (uint32_t i = 1; i < size_.node_width(); i += 2) {
    const NodeIndex p(i);
    const ParentNode* pn = parent_node(p);
    if (pn == nullptr) {
      continue;
    }
    //= RFC 9420 §7.1
    //# The entries in the unmerged_leaves vector MUST be sorted in increasing
    //# order.
    if (!std::is_sorted(pn->unmerged_leaves.begin(), pn->unmerged_leaves.end())) {
      return Error(Err::kInvalidValue, "ratchet tree: unmerged_leaves not sorted");
    }
    for (const uint32_t u : pn->unmerged_leaves) {
      //= RFC 9420 §12.4.3.1
      //# Verify that the entry represents a non-blank leaf node that is a
      //# descendant of the parent node.
      if (leaf(LeafIndex(u)) == nullptr) {
        return Error(Err::kInvalidValue, "ratchet tree: unmerged leaf is blank");
      }
      //= RFC 9420 §12.4.3.1
      //# Verify that every non-blank intermediate node between the leaf node
      //# and the parent node also has an entry for the leaf node in its
      //# unmerged_leaves.
      CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> dp, direct_path(size_, NodeIndex(2 * u)));
      for (const NodeIndex x : dp) {
        if (x == p) {
          break;
        }
        const ParentNode* xn = parent_node(x);
        if (xn != nullptr && !contains_u32(xn->unmerged_leaves, u)) {
          return Error(Err::kInvalidValue,
                       "ratchet tree: unmerged leaf missing from an intermediate node");
        }
      }
    }
  }
  return {};
}

// implements: REQ-MLS-205
Result<void> PublicTree::check_unique_keys() const {
  //= RFC 9420 §12.4.3.1
  //# Verify that the encryption key in the parent node does not appear in
  //# any other node of the tree.
  // Sorted views into the tree, then neighbours compared: no copy of any
  // key (this runs on every commit with a path).
  std::vector<ByteView> encryption_keys;
  std::vector<ByteView> signature_keys;
  encryption_keys.reserve(size_.node_width());
  signature_keys.reserve(size_.leaf_count());
  for (uint32_t i = 0; i < size_.node_width(); ++i) {
    const NodeIndex n(i);
    const auto key = encryption_key_of(n);
    if (!key.has_value()) {
      continue;
    }
    encryption_keys.push_back(*key);
    if (is_leaf(n)) {
      signature_keys.push_back(std::get<LeafNode>(slot(n)->content).signature_key);
    }
  }
  const auto has_duplicate = [](std::vector<ByteView>& keys) {
    const auto less = [](ByteView a, ByteView b) {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    };
    std::sort(keys.begin(), keys.end(), less);
    return std::adjacent_find(keys.begin(), keys.end(),
                              [](ByteView a, ByteView b) { return equal(a, b); }) != keys.end();
  };
  if (has_duplicate(encryption_keys)) {
    return Error(Err::kInvalidValue, "ratchet tree: encryption key used twice");
  }
  if (has_duplicate(signature_keys)) {
    return Error(Err::kInvalidValue, "ratchet tree: signature key used twice");
  }
  return {};
}

// implements: REQ-MLS-204
Result<void> check_required_capabilities(const LeafNode& leaf,
                                         const std::vector<Extension>& group_extensions) {
  const Capabilities& caps = leaf.capabilities;
  //= RFC 9420 §7.3
  //# If the GroupContext has a required_capabilities extension, then the
  //# required extensions, proposals, and credential types MUST be listed in
  //# the LeafNode's capabilities field.
  const Extension* e = find_extension(group_extensions, kExtRequiredCapabilities);
  if (e == nullptr) {
    return {};
  }
  CONCLAVE_TRY_ASSIGN(const RequiredCapabilities rc, read_required_capabilities(e->extension_data));
  for (const uint16_t x : rc.extensions) {
    if (x > kLastDefaultExtension && !contains_u16(caps.extensions, x)) {
      return Error(Err::kInvalidValue, "leaf node: lacks a required extension");
    }
  }
  for (const uint16_t x : rc.proposals) {
    if (x > kLastDefaultProposal && !contains_u16(caps.proposals, x)) {
      return Error(Err::kInvalidValue, "leaf node: lacks a required proposal type");
    }
  }
  for (const uint16_t x : rc.credentials) {
    if (!contains_u16(caps.credentials, x)) {
      return Error(Err::kInvalidValue, "leaf node: lacks a required credential type");
    }
  }
  return {};
}

// implements: REQ-MLS-204
Result<void> PublicTree::validate_leaf(LeafIndex i, const LeafValidationParams& params) const {
  const LeafNode* ln = leaf(i);
  if (ln == nullptr) {
    return Error(Err::kInvalidArgument, "validate_leaf: blank or missing leaf");
  }
  const Capabilities& caps = ln->capabilities;
  const uint16_t own_credential = credential_type_of(*ln);
  //= RFC 9420 §7.2
  //# the credential type used in the LeafNode MUST be included in the
  //# credentials field of the capabilities field.
  if (!contains_u16(caps.credentials, own_credential)) {
    return Error(Err::kInvalidValue, "leaf node: credential type not in its capabilities");
  }
  //= RFC 9420 §7.3
  //# Verify that the extensions in the LeafNode are supported by checking
  //# that the ID for each extension in the extensions field is listed in the
  //# capabilities.extensions field of the LeafNode.
  for (const Extension& e : ln->extensions) {
    if (e.extension_type > kLastDefaultExtension &&
        !contains_u16(caps.extensions, e.extension_type)) {
      return Error(Err::kInvalidValue, "leaf node: extension not in its capabilities");
    }
  }
  if (params.group_extensions != nullptr) {
    CONCLAVE_TRY(check_required_capabilities(*ln, *params.group_extensions));
  }
  //= RFC 9420 §7.3
  //# Verify that the credential type is supported by all members of the
  //# group, as specified by the capabilities field of each member's LeafNode,
  //# and that the capabilities field of this LeafNode indicates support for
  //# all the credential types currently in use by other members.
  for (uint32_t k = 0; k < size_.leaf_count(); ++k) {
    const LeafNode* other = leaf(LeafIndex(k));
    if (other == nullptr || k == i.value()) {
      continue;
    }
    if (!contains_u16(other->capabilities.credentials, own_credential) ||
        !contains_u16(caps.credentials, credential_type_of(*other))) {
      return Error(Err::kInvalidValue, "leaf node: credential type not supported group-wide");
    }
    //= RFC 9420 §7.3
    //# Verify that the following fields are unique among the members of the
    //# group: signature_key, encryption_key
    if (equal(other->signature_key, ln->signature_key) ||
        equal(other->encryption_key, ln->encryption_key)) {
      return Error(Err::kInvalidValue, "leaf node: key shared with another member");
    }
  }
  if (ln->leaf_node_source == LeafNodeSource::kKeyPackage && params.now.has_value()) {
    if (*params.now < ln->lifetime.not_before || *params.now > ln->lifetime.not_after) {
      return Error(Err::kInvalidValue, "leaf node: outside its lifetime");
    }
  }
  // The signature last: the most expensive check.
  std::optional<LeafNodeBinding> binding;
  if (ln->leaf_node_source != LeafNodeSource::kKeyPackage) {
    binding = LeafNodeBinding{params.group_id, i.value()};
  }
  auto verified = verify_leaf_node_signature(suite_, *ln, binding);
  if (!verified) {
    return Error(Err::kAuthFailed, "leaf node: bad signature");
  }
  return {};
}

// implements: REQ-MLS-205
Result<void> PublicTree::validate(ByteView expected_tree_hash,
                                  const LeafValidationParams& params) const {
  // Cheap structural checks before any hashing or signature work (STY-11).
  CONCLAVE_TRY(check_unmerged_leaves());
  CONCLAVE_TRY(check_unique_keys());
  //= RFC 9420 §12.4.3.1
  //# Verify that the tree hash of the ratchet tree matches the tree_hash
  //# field in GroupInfo.
  CONCLAVE_TRY_ASSIGN(const Bytes hash, tree_hash());
  if (!equal(hash, expected_tree_hash)) {
    return Error(Err::kAuthFailed, "ratchet tree: tree hash mismatch");
  }
  CONCLAVE_TRY(verify_parent_hashes());
  for (uint32_t i = 0; i < size_.leaf_count(); ++i) {
    if (leaf(LeafIndex(i)) != nullptr) {
      CONCLAVE_TRY(validate_leaf(LeafIndex(i), params));
    }
  }
  return {};
}

// implements: REQ-MLS-206
Result<Bytes> PublicTree::merge_path(LeafIndex sender, const LeafNode& leaf_node,
                                     const std::vector<Bytes>& keys) {
  CONCLAVE_TRY_ASSIGN(const NodeIndex n, to_node(size_, sender));
  CONCLAVE_TRY_ASSIGN(const std::vector<FilteredPathStep> fdp, filtered_direct_path(sender));
  if (keys.size() != fdp.size()) {
    return Error(Err::kInvalidValue,
                 "UpdatePath: node count differs from the filtered direct path");
  }
  CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> dp, direct_path(size_, n));
  // Work on a copy and keep it only if every step succeeded.
  PublicTree next = *this;
  next.set(n, Node{leaf_node});
  for (const NodeIndex p : dp) {
    next.blank(p);
  }
  for (size_t k = 0; k < fdp.size(); ++k) {
    next.set(fdp[k].node, Node{ParentNode{keys[k], {}, {}}});
  }
  next.changed(n);
  // Top down: each filtered-path node carries the parent hash of the next
  // one up (the highest carries an empty one), and the leaf that of the
  // lowest (RFC 9420 §7.9).
  Bytes leaf_parent_hash;
  for (size_t k = fdp.size(); k > 0; --k) {
    CONCLAVE_TRY_ASSIGN(Bytes ph, next.parent_hash(fdp[k - 1].node, fdp[k - 1].copath_child));
    if (k >= 2) {
      ParentNode below = std::get<ParentNode>(next.slot(fdp[k - 2].node)->content);
      below.parent_hash = std::move(ph);
      next.set(fdp[k - 2].node, Node{std::move(below)});
    } else {
      leaf_parent_hash = std::move(ph);
    }
  }
  // The parent hashes just written are part of the path's tree hashes.
  next.changed(n);
  *this = std::move(next);
  return leaf_parent_hash;
}

}  // namespace conclave::mls
