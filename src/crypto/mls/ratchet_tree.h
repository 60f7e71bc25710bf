// The ratchet tree in memory (RFC 9420 §4, §7.1-§7.3, §7.7-§7.9, §12.4.3.1):
// the public half of TreeKEM that every member holds.
//
// PublicTree owns the nodes of a perfect binary tree in the array
// representation (leaf L is node 2L). A received `optional<Node>
// ratchet_tree<V>` is padded with blank nodes to 2^d leaves when it is
// loaded, and trailing blank nodes are stripped again when it is written, so
// the in-memory tree always has TreeSize::node_width() slots.
//
// PublicTree is a value type. Every mutating member either succeeds
// completely or leaves the tree exactly as it was (it checks everything
// before it writes), so the group state machine can apply a Commit to a copy
// and keep the copy only if every step succeeded.
//
// Tree hashes are cached per node and a mutation invalidates the cache of the
// nodes it changes and their ancestors, so after a commit the root hash costs
// O(log n) hashes instead of O(n). The cache is a private memo of a pure
// function of the nodes (mutable, like the rest of PublicTree not
// thread-safe); a parent-hash check that blanks unmerged leaves uses it only
// for subtrees holding none of them.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/extension.h"
#include "crypto/mls/key_package.h"
#include "crypto/mls/ratchet_tree_nodes.h"
#include "crypto/mls/tree_math.h"

namespace conclave::mls {

// FilteredPathStep is one node of a filtered direct path (RFC 9420 §4.1.2):
// `node` is the ancestor and `copath_child` its child that is not on the
// path from the leaf, whose resolution is non-empty.
struct FilteredPathStep {
  NodeIndex node;
  NodeIndex copath_child;
};

// LeafValidationParams is what RFC 9420 §7.3 leaf validation needs from the
// group. `group_id` and the extensions are borrowed for the duration of the
// call.
struct LeafValidationParams {
  ByteView group_id;
  // The GroupContext extensions (for required_capabilities, RFC 9420 §11.1).
  const std::vector<Extension>* group_extensions = nullptr;
  // The current time in seconds since the Unix epoch, for the lifetime of
  // key_package-source leaves. nullopt skips the lifetime check (an injected
  // clock: tests with expired vector lifetimes pass a time inside them).
  std::optional<uint64_t> now;
};

// check_required_capabilities checks that `leaf` lists every extension,
// proposal and credential type that a required_capabilities extension in
// `group_extensions` requires (RFC 9420 §7.3, §11.1); kInvalidValue
// otherwise, a decode error for a malformed extension.
// implements: REQ-MLS-204
[[nodiscard]] Result<void> check_required_capabilities(
    const LeafNode& leaf, const std::vector<Extension>& group_extensions);

// PublicTree is the ratchet tree of one group (see the file comment).
// implements: REQ-MLS-200
class PublicTree {
 public:
  // from_nodes loads a tree received as `optional<Node> ratchet_tree<V>`
  // (RFC 9420 §12.4.3.3). It rejects (kInvalidValue) an empty tree, a last
  // node that is blank (the sender must strip trailing blanks), a node whose
  // type does not match its position (leaves at even indices), and an
  // unmerged leaf that lies outside its parent's subtree or appears twice;
  // then pads to the next power of two leaves. It performs no cryptographic
  // checks: see validate().
  [[nodiscard]] static Result<PublicTree> from_nodes(const CipherSuite& suite, RatchetTree nodes);
  // decode parses the wire encoding and calls from_nodes.
  [[nodiscard]] static Result<PublicTree> decode(const CipherSuite& suite, ByteView in);
  // with_single_leaf is the one-member tree of a new group.
  static PublicTree with_single_leaf(const CipherSuite& suite, LeafNode leaf);

  // to_nodes is the wire form with trailing blank nodes stripped; encode is
  // its encoding.
  RatchetTree to_nodes() const;
  [[nodiscard]] Result<Bytes> encode() const;

  const CipherSuite& suite() const { return suite_; }
  TreeSize size() const { return size_; }

  // Access by typed index; nullptr for a blank node or an index outside the
  // tree (borrows valid until the next mutation).
  const LeafNode* leaf(LeafIndex i) const;
  const ParentNode* parent_node(NodeIndex n) const;
  // is_blank is true for a blank node and for an index outside the tree.
  bool is_blank(NodeIndex n) const;
  // encryption_key_of is the encryption_key of a non-blank node.
  std::optional<ByteView> encryption_key_of(NodeIndex n) const;

  // resolution is RFC 9420 §4.1.1: a non-blank node and its unmerged leaves
  // (as node indices, in stored order); a blank leaf resolves to nothing and
  // a blank parent to the resolutions of its children. Leaves in `excluded`
  // are left out (the new members of a Commit, RFC 9420 §12.4.2).
  [[nodiscard]] Result<std::vector<NodeIndex>> resolution(
      NodeIndex n, const std::vector<LeafIndex>& excluded = {}) const;
  // filtered_direct_path is RFC 9420 §4.1.2, from the leaf's parent upwards.
  [[nodiscard]] Result<std::vector<FilteredPathStep>> filtered_direct_path(LeafIndex i) const;

  // Lookups for the group layer (duplicate detection, sender lookup).
  std::optional<LeafIndex> find_leaf_by_signature_key(ByteView key) const;
  std::optional<LeafIndex> find_leaf_by_encryption_key(ByteView key) const;
  // leftmost_blank_leaf is where add_leaf would place a new member.
  std::optional<LeafIndex> leftmost_blank_leaf() const;

  // add_leaf places `leaf` at the leftmost blank leaf, doubling the tree if
  // there is none, and records it in unmerged_leaves of every non-blank
  // parent on its direct path (RFC 9420 §12.1.1). Returns its index;
  // kLengthLimit if the tree is at kMaxTreeLeaves.
  // implements: REQ-MLS-201
  [[nodiscard]] Result<LeafIndex> add_leaf(LeafNode leaf);
  // update_leaf replaces the leaf at `i` (which must be non-blank:
  // kInvalidArgument) and blanks its direct path (RFC 9420 §12.1.2).
  // implements: REQ-MLS-201
  [[nodiscard]] Result<void> update_leaf(LeafIndex i, LeafNode leaf);
  // remove_leaf blanks the leaf at `i` (non-blank: kInvalidArgument) and its
  // direct path, then halves the tree while its right half is all blank
  // (RFC 9420 §12.1.3).
  // implements: REQ-MLS-201
  [[nodiscard]] Result<void> remove_leaf(LeafIndex i);

  // tree_hash is the root's tree hash (RFC 9420 §7.8); node_tree_hash that of
  // any node; all_tree_hashes that of every node, indexed by node.
  // implements: REQ-MLS-202
  [[nodiscard]] Result<Bytes> tree_hash() const;
  [[nodiscard]] Result<Bytes> node_tree_hash(NodeIndex n) const;
  [[nodiscard]] Result<std::vector<Bytes>> all_tree_hashes() const;

  // parent_hash is RFC 9420 §7.9 ParentHash of non-blank parent `p` seen
  // from its child on the other side of `copath_child`:
  // Hash(ParentHashInput{p.encryption_key, p.parent_hash,
  // original_sibling_tree_hash}), where the sibling's tree hash is computed
  // with p's unmerged leaves blanked.
  // implements: REQ-MLS-203
  [[nodiscard]] Result<Bytes> parent_hash(NodeIndex p, NodeIndex copath_child) const;
  // verify_parent_hashes checks that every non-blank parent is parent-hash
  // valid (RFC 9420 §7.9.2, "top down": exactly one descendant links to it).
  // Failure is kAuthFailed.
  // implements: REQ-MLS-203
  [[nodiscard]] Result<void> verify_parent_hashes() const;

  // validate_leaf checks the leaf at `i` as RFC 9420 §7.3 requires, except
  // for credential validation (the authentication service's job) and the
  // leaf_node_source rule, which depends on where the caller found the leaf:
  // signature (with group_id and leaf index for the update and commit
  // sources; kAuthFailed), lifetime if `params.now` is set, required
  // capabilities, the leaf's own credential type and non-default extensions
  // listed in its capabilities, credential types supported across the
  // group, and encryption_key and signature_key unique in the tree
  // (kInvalidValue for the non-cryptographic failures).
  // implements: REQ-MLS-204
  [[nodiscard]] Result<void> validate_leaf(LeafIndex i, const LeafValidationParams& params) const;

  // validate is the ratchet-tree check of a joiner (RFC 9420 §12.4.3.1):
  // the root tree hash equals `expected_tree_hash` (kAuthFailed), every
  // non-blank parent is parent-hash valid, every non-blank leaf passes
  // validate_leaf, unmerged_leaves are sorted, name non-blank descendant
  // leaves and are repeated on every non-blank node in between, and no
  // encryption key appears twice in the tree.
  // implements: REQ-MLS-205
  [[nodiscard]] Result<void> validate(ByteView expected_tree_hash,
                                      const LeafValidationParams& params) const;

  // check_unique_keys rejects (kInvalidValue) an encryption key that appears
  // in two nodes or a signature key in two leaves.
  // implements: REQ-MLS-205
  [[nodiscard]] Result<void> check_unique_keys() const;

  // merge_path writes an UpdatePath's public keys into the tree for the
  // TreeKEM layer (RFC 9420 §7.5): the sender's leaf becomes `leaf`, the
  // nodes of its filtered direct path get `keys` (in order, bottom up) with
  // empty unmerged_leaves and parent hashes chained top down, and the other
  // nodes of its direct path are blanked. `keys.size()` must equal the
  // filtered direct path length (kInvalidValue). It returns the parent hash
  // the leaf must carry; it does not check the leaf's own parent_hash or
  // signature (the caller does, since it may be the one making them).
  // implements: REQ-MLS-206
  [[nodiscard]] Result<Bytes> merge_path(LeafIndex sender, const LeafNode& leaf,
                                         const std::vector<Bytes>& keys);

 private:
  // CachedHash is one node's tree hash (a fixed buffer, so that copying a
  // tree copies the cache without an allocation per node); len 0: unknown.
  struct CachedHash {
    uint8_t len = 0;
    std::array<uint8_t, 64> bytes{};
  };
  // Nodes are shared between copies of a tree and never changed in place:
  // a write replaces the pointer (copy on write), so copying a tree (the
  // group layer works on copies, see above) costs one pointer per node.
  using NodePtr = std::shared_ptr<const Node>;

  PublicTree(CipherSuite suite, TreeSize size, std::vector<NodePtr> nodes)
      : suite_(suite), size_(size), nodes_(std::move(nodes)), hash_cache_(nodes_.size()) {}
  // changed drops the cached hashes of `n` and of its ancestors in the
  // current size; every write to a slot calls it.
  void changed(NodeIndex n);
  // resize_nodes sets the tree to `size` (nodes and cache).
  void resize_nodes(TreeSize size);

  // slot is the node at `n` (null when blank); set and blank write it.
  const Node* slot(NodeIndex n) const { return nodes_[n.value()].get(); }
  void set(NodeIndex n, Node node) {
    nodes_[n.value()] = std::make_shared<const Node>(std::move(node));
  }
  void blank(NodeIndex n) { nodes_[n.value()].reset(); }
  [[nodiscard]] Result<Bytes> hash_subtree(NodeIndex n, const std::vector<uint32_t>* removed,
                                           std::vector<Bytes>* all) const;
  [[nodiscard]] Result<void> check_unmerged_leaves() const;
  bool parent_hash_links(NodeIndex p, NodeIndex child, NodeIndex sibling,
                         const std::vector<Bytes>& hashes) const;

  CipherSuite suite_;
  TreeSize size_;
  std::vector<NodePtr> nodes_;
  // hash_cache_[n] is node n's tree hash, len 0 when not known.
  mutable std::vector<CachedHash> hash_cache_;
};

}  // namespace conclave::mls
