// Unit tests of the in-memory ratchet tree (crypto/mls/ratchet_tree.h):
// loading and padding, resolution and filtered direct paths, the tree
// operations of proposals, and the checks a joiner performs. The tree-hash
// and validation vectors run in tests/kat (mls_tree_validation.cc,
// mls_tree_operations.cc).
#include "crypto/mls/ratchet_tree.h"

#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

#include "tree_test_group.h"

namespace conclave::mls {
namespace {

using test::TestGroup;

const CipherSuite kSuite1(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
const CipherSuite kSuite2(CipherSuiteId::kP256Aes128GcmSha256P256);

// kFarFuture is a clock inside every test leaf's lifetime [1000, 2000].
constexpr uint64_t kInsideLifetime = 1500;

LeafValidationParams params_for(const TestGroup& g, std::optional<uint64_t> now = kInsideLifetime) {
  return LeafValidationParams{g.group_id(), nullptr, now};
}

Result<void> validate_self(const PublicTree& tree, const LeafValidationParams& params) {
  auto h = tree.tree_hash();
  if (!h) {
    return h.error();
  }
  return tree.validate(*h, params);
}

// set_parent puts a parent node into a wire slot (emplace keeps GCC's
// maybe-uninitialized analysis of the variant quiet).
void set_parent(std::optional<Node>& slot, ParentNode p) {
  slot.emplace();
  slot->content.emplace<ParentNode>(std::move(p));
}

std::vector<uint32_t> values(const std::vector<NodeIndex>& nodes) {
  std::vector<uint32_t> out;
  for (const NodeIndex n : nodes) {
    out.push_back(n.value());
  }
  return out;
}

// verifies: REQ-MLS-200
TEST(RatchetTree, FromNodesPadsAndEncodeStripsTrailingBlanks) {
  TestGroup g(kSuite1, 3);
  // Three leaves live in a four-leaf tree (7 nodes); the wire form stops at
  // the last non-blank node (leaf 2 = node 4).
  EXPECT_EQ(g.tree().size().leaf_count(), 4u);
  const RatchetTree wire = g.tree().to_nodes();
  EXPECT_EQ(wire.size(), 5u);
  auto loaded = PublicTree::from_nodes(kSuite1, wire);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->size().leaf_count(), 4u);
  auto a = loaded->encode();
  auto b = g.tree().encode();
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(*a, *b);
}

// verifies: REQ-MLS-200
TEST(RatchetTree, FromNodesRejectsMalformedTrees) {
  TestGroup g(kSuite1, 2);
  RatchetTree wire = g.tree().to_nodes();
  EXPECT_FALSE(PublicTree::from_nodes(kSuite1, {}).has_value());

  RatchetTree trailing = wire;
  trailing.emplace_back();
  EXPECT_EQ(PublicTree::from_nodes(kSuite1, trailing).error().code, Err::kInvalidValue);

  RatchetTree swapped = wire;  // a parent node at a leaf position
  set_parent(swapped[0], ParentNode{Bytes(32, 1), {}, {}});
  EXPECT_EQ(PublicTree::from_nodes(kSuite1, swapped).error().code, Err::kInvalidValue);

  RatchetTree outside = wire;  // leaf 5 is outside a two-leaf tree
  set_parent(outside[1], ParentNode{Bytes(32, 1), {}, {5}});
  EXPECT_EQ(PublicTree::from_nodes(kSuite1, outside).error().code, Err::kInvalidValue);

  RatchetTree twice = wire;
  set_parent(twice[1], ParentNode{Bytes(32, 1), {}, {1, 1}});
  EXPECT_EQ(PublicTree::from_nodes(kSuite1, twice).error().code, Err::kInvalidValue);
}

// verifies: REQ-MLS-200
TEST(RatchetTree, ResolutionAndFilteredDirectPath) {
  TestGroup g(kSuite1, 4);
  g.commit(LeafIndex(0));  // parents 1 and 3 now hold keys
  // Blank leaf 2 (node 4) so that node 5 resolves to leaf 3 only.
  g.remove(LeafIndex(2));
  auto r5 = g.tree().resolution(NodeIndex(5));
  ASSERT_TRUE(r5.has_value());
  EXPECT_EQ(values(*r5), (std::vector<uint32_t>{6}));
  // Root was blanked by the removal: it resolves to its children's
  // resolutions, left to right.
  auto r3 = g.tree().resolution(NodeIndex(3));
  ASSERT_TRUE(r3.has_value());
  EXPECT_EQ(values(*r3), (std::vector<uint32_t>{1, 6}));
  auto excluded = g.tree().resolution(NodeIndex(3), {LeafIndex(3)});
  ASSERT_TRUE(excluded.has_value());
  EXPECT_EQ(values(*excluded), (std::vector<uint32_t>{1}));

  // Leaf 3's copath child at node 5 is leaf 2, now blank: node 5 is filtered
  // out, the root stays.
  auto fdp = g.tree().filtered_direct_path(LeafIndex(3));
  ASSERT_TRUE(fdp.has_value());
  ASSERT_EQ(fdp->size(), 1u);
  EXPECT_EQ((*fdp)[0].node.value(), 3u);
  EXPECT_EQ((*fdp)[0].copath_child.value(), 1u);
  EXPECT_FALSE(g.tree().resolution(NodeIndex(99)).has_value());
}

// verifies: REQ-MLS-201
TEST(RatchetTree, AddUsesLeftmostBlankAndRecordsUnmergedLeaves) {
  TestGroup g(kSuite1, 4);
  g.commit(LeafIndex(3));  // parents 5 and 3 hold keys
  g.remove(LeafIndex(1));
  EXPECT_EQ(g.tree().leftmost_blank_leaf(), std::optional<LeafIndex>(LeafIndex(1)));
  const LeafIndex added = g.add();
  EXPECT_EQ(added, LeafIndex(1));
  // Node 1 is blank (removed with leaf 1's path), node 3 was blanked too;
  // only non-blank parents record the new leaf.
  g.commit(LeafIndex(0));
  const LeafIndex fifth = g.add();
  EXPECT_EQ(fifth, LeafIndex(4));  // the tree was full: it doubled
  EXPECT_EQ(g.tree().size().leaf_count(), 8u);
  const ParentNode* root = g.tree().parent_node(NodeIndex(7));
  EXPECT_EQ(root, nullptr);  // the new root is blank
  // After a commit by leaf 0 every parent on its path is fresh; adding a
  // member under them records it.
  g.commit(LeafIndex(0));
  const LeafIndex sixth = g.add();
  EXPECT_EQ(sixth, LeafIndex(5));
  const ParentNode* p = g.tree().parent_node(NodeIndex(7));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->unmerged_leaves, (std::vector<uint32_t>{5}));
  auto res = g.tree().resolution(NodeIndex(7));
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(values(*res), (std::vector<uint32_t>{7, 10}));
  EXPECT_TRUE(validate_self(g.tree(), params_for(g)).has_value());
}

// verifies: REQ-MLS-201
TEST(RatchetTree, UpdateBlanksDirectPathAndRemoveTruncates) {
  TestGroup g(kSuite1, 5);
  g.commit(LeafIndex(4));
  EXPECT_FALSE(g.tree().is_blank(NodeIndex(7)));
  TestGroup other(kSuite1, 1);
  LeafNode replacement = other.member(0).leaf;
  PublicTree copy = g.tree();
  ASSERT_TRUE(copy.update_leaf(LeafIndex(4), replacement).has_value());
  EXPECT_TRUE(copy.is_blank(NodeIndex(9)));
  EXPECT_TRUE(copy.is_blank(NodeIndex(11)));
  EXPECT_TRUE(copy.is_blank(NodeIndex(7)));
  EXPECT_TRUE(equal(copy.leaf(LeafIndex(4))->encryption_key, replacement.encryption_key));

  // Removing the only member in the right half halves the tree.
  g.remove(LeafIndex(4));
  EXPECT_EQ(g.tree().size().leaf_count(), 4u);
  auto encoded = g.tree().encode();
  ASSERT_TRUE(encoded.has_value());
}

// verifies: REQ-MLS-201
TEST(RatchetTree, FailedOperationsLeaveTheTreeUnchanged) {
  TestGroup g(kSuite1, 3);
  g.remove(LeafIndex(1));
  const Bytes before = g.tree().encode().value();
  PublicTree t = g.tree();
  EXPECT_EQ(t.update_leaf(LeafIndex(1), g.member(0).leaf).error().code, Err::kInvalidArgument);
  EXPECT_EQ(t.remove_leaf(LeafIndex(1)).error().code, Err::kInvalidArgument);
  EXPECT_EQ(t.remove_leaf(LeafIndex(77)).error().code, Err::kInvalidArgument);
  EXPECT_EQ(t.merge_path(LeafIndex(0), g.member(0).leaf, {}).error().code, Err::kInvalidValue);
  EXPECT_EQ(t.encode().value(), before);
}

// verifies: REQ-MLS-200
TEST(RatchetTree, FindsLeavesByKey) {
  TestGroup g(kSuite1, 3);
  const LeafNode* l2 = g.tree().leaf(LeafIndex(2));
  ASSERT_NE(l2, nullptr);
  EXPECT_EQ(g.tree().find_leaf_by_signature_key(l2->signature_key),
            std::optional<LeafIndex>(LeafIndex(2)));
  EXPECT_EQ(g.tree().find_leaf_by_encryption_key(l2->encryption_key),
            std::optional<LeafIndex>(LeafIndex(2)));
  EXPECT_FALSE(g.tree().find_leaf_by_signature_key(Bytes(32, 0)).has_value());
}

// verifies: REQ-MLS-205
TEST(RatchetTree, ValidTreesValidateInBothSuites) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    TestGroup g(suite, 6);
    g.commit(LeafIndex(0));
    g.commit(LeafIndex(5));
    g.add();
    g.remove(LeafIndex(2));
    EXPECT_TRUE(validate_self(g.tree(), params_for(g)).has_value()) << suite.name();
  }
}

// verifies: REQ-MLS-205
TEST(RatchetTree, ValidateRejectsWrongTreeHash) {
  TestGroup g(kSuite1, 3);
  g.commit(LeafIndex(1));
  Bytes h = g.tree().tree_hash().value();
  h.back() ^= 0x80;
  EXPECT_EQ(g.tree().validate(h, params_for(g)).error().code, Err::kAuthFailed);
}

// verifies: REQ-MLS-203
TEST(RatchetTree, ValidateRejectsBadParentHash) {
  TestGroup g(kSuite1, 4);
  g.commit(LeafIndex(0));
  g.commit(LeafIndex(2));
  EXPECT_TRUE(g.tree().verify_parent_hashes().has_value());
  // Corrupt node 1's parent_hash (the link to the root) in the wire form.
  RatchetTree wire = g.tree().to_nodes();
  std::get<ParentNode>(wire[1]->content).parent_hash[0] ^= 1;
  auto bad = PublicTree::from_nodes(kSuite1, wire);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->verify_parent_hashes().error().code, Err::kAuthFailed);
  EXPECT_EQ(validate_self(*bad, params_for(g)).error().code, Err::kAuthFailed);
  // A parent whose key changed no longer matches its child's parent_hash.
  RatchetTree rekeyed = g.tree().to_nodes();
  std::get<ParentNode>(rekeyed[5]->content).encryption_key = Bytes(32, 0x42);
  EXPECT_EQ(PublicTree::from_nodes(kSuite1, rekeyed)->verify_parent_hashes().error().code,
            Err::kAuthFailed);
}

// verifies: REQ-MLS-205
TEST(RatchetTree, ValidateRejectsDuplicateKeys) {
  TestGroup g(kSuite1, 3);
  RatchetTree wire = g.tree().to_nodes();
  std::get<LeafNode>(wire[4]->content).encryption_key =
      std::get<LeafNode>(wire[0]->content).encryption_key;
  auto dup = PublicTree::from_nodes(kSuite1, wire);
  ASSERT_TRUE(dup.has_value());
  EXPECT_EQ(validate_self(*dup, params_for(g)).error().code, Err::kInvalidValue);

  RatchetTree sig = g.tree().to_nodes();
  std::get<LeafNode>(sig[4]->content).signature_key =
      std::get<LeafNode>(sig[2]->content).signature_key;
  EXPECT_EQ(validate_self(*PublicTree::from_nodes(kSuite1, sig), params_for(g)).error().code,
            Err::kInvalidValue);

  // A parent key equal to a leaf key is a duplicate too.
  g.commit(LeafIndex(0));
  RatchetTree parent = g.tree().to_nodes();
  std::get<ParentNode>(parent[1]->content).encryption_key =
      std::get<LeafNode>(parent[4]->content).encryption_key;
  EXPECT_EQ(validate_self(*PublicTree::from_nodes(kSuite1, parent), params_for(g)).error().code,
            Err::kInvalidValue);
}

// verifies: REQ-MLS-204
TEST(RatchetTree, ValidateRejectsBadLeafSignatureAndLifetime) {
  TestGroup g(kSuite1, 3);
  g.commit(LeafIndex(1));
  RatchetTree wire = g.tree().to_nodes();
  std::get<LeafNode>(wire[4]->content).signature.back() ^= 1;
  EXPECT_EQ(validate_self(*PublicTree::from_nodes(kSuite1, wire), params_for(g)).error().code,
            Err::kAuthFailed);
  // The commit-source leaf is bound to group_id and leaf index.
  LeafValidationParams other_group = params_for(g);
  const Bytes other_id = to_bytes(as_bytes("another group"));
  other_group.group_id = other_id;
  EXPECT_EQ(validate_self(g.tree(), other_group).error().code, Err::kAuthFailed);
  // Lifetimes are [1000, 2000]; the clock is injected.
  EXPECT_EQ(validate_self(g.tree(), params_for(g, 2001)).error().code, Err::kInvalidValue);
  EXPECT_EQ(validate_self(g.tree(), params_for(g, 999)).error().code, Err::kInvalidValue);
  EXPECT_TRUE(validate_self(g.tree(), params_for(g, std::nullopt)).has_value());
}

// verifies: REQ-MLS-204
TEST(RatchetTree, ValidateRejectsUnsupportedCapabilities) {
  TestGroup g(kSuite1, 2);
  // An extension the leaf does not list in its capabilities (re-signed, so
  // only the capability rule fails).
  LeafNode leaf = g.member(1).leaf;
  leaf.extensions.push_back(Extension{0x0a0a, {}});
  leaf.signature = sign_leaf_node(kSuite1, g.member(1).signature_priv, leaf, std::nullopt).value();
  PublicTree t = g.tree();
  ASSERT_TRUE(t.update_leaf(LeafIndex(1), leaf).has_value());
  EXPECT_EQ(t.validate_leaf(LeafIndex(1), params_for(g)).error().code, Err::kInvalidValue);

  // A required credential type the leaf lacks (required_capabilities:
  // no extensions, no proposals, credential types {x509}).
  const std::vector<Extension> group_ext{Extension{kExtRequiredCapabilities, {0, 0, 2, 0, 2}}};
  LeafValidationParams p = params_for(g);
  p.group_extensions = &group_ext;
  EXPECT_EQ(g.tree().validate_leaf(LeafIndex(0), p).error().code, Err::kInvalidValue);
  const std::vector<Extension> basic_ok{Extension{kExtRequiredCapabilities, {0, 0, 2, 0, 1}}};
  p.group_extensions = &basic_ok;
  EXPECT_TRUE(g.tree().validate_leaf(LeafIndex(0), p).has_value());
}

// verifies: REQ-MLS-205
TEST(RatchetTree, ValidateRejectsInconsistentUnmergedLeaves) {
  TestGroup g(kSuite1, 4);
  g.commit(LeafIndex(0));  // nodes 1, 3
  g.commit(LeafIndex(2));  // nodes 5, 3
  g.commit(LeafIndex(1));  // nodes 1, 3
  // Node 3 claims leaf 0 unmerged, but node 1 between them (non-blank) does
  // not list it.
  RatchetTree wire = g.tree().to_nodes();
  std::get<ParentNode>(wire[3]->content).unmerged_leaves = {0};
  EXPECT_EQ(validate_self(*PublicTree::from_nodes(kSuite1, wire), params_for(g)).error().code,
            Err::kInvalidValue);
  // An unmerged leaf that is blank.
  g.remove(LeafIndex(3));
  RatchetTree blank = g.tree().to_nodes();
  ASSERT_TRUE(blank[1].has_value());
  std::get<ParentNode>(blank[1]->content).unmerged_leaves = {0};
  blank[0].reset();
  EXPECT_EQ(validate_self(*PublicTree::from_nodes(kSuite1, blank), params_for(g)).error().code,
            Err::kInvalidValue);
}

// fresh_hash is the tree hash of the same nodes loaded anew (empty cache).
Bytes fresh_hash(const PublicTree& t) {
  auto copy = PublicTree::from_nodes(t.suite(), t.to_nodes());
  CONCLAVE_ASSERT(copy.has_value());
  auto h = copy->tree_hash();
  CONCLAVE_ASSERT(h.has_value());
  return *h;
}

void expect_cache_consistent(const PublicTree& t) {
  auto cached = t.tree_hash();
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(*cached, fresh_hash(t));
  auto all = t.all_tree_hashes();
  ASSERT_TRUE(all.has_value());
  auto fresh = PublicTree::from_nodes(t.suite(), t.to_nodes());
  ASSERT_TRUE(fresh.has_value());
  auto fresh_all = fresh->all_tree_hashes();
  ASSERT_TRUE(fresh_all.has_value());
  EXPECT_EQ(*all, *fresh_all);
}

// verifies: REQ-MLS-202
TEST(RatchetTree, CachedTreeHashesFollowEveryMutation) {
  // Every mutation (add with growth, update, remove with shrinking, path
  // merge with parent hashes) must leave the cached hashes equal to those
  // of the same tree hashed from scratch.
  TestGroup g(CipherSuite(CipherSuiteId::kX25519Aes128GcmSha256Ed25519), 3);
  expect_cache_consistent(g.tree());
  g.commit(LeafIndex(0));
  expect_cache_consistent(g.tree());
  const LeafIndex d = g.add();  // grows to 4 leaves, unmerged leaves on the path
  expect_cache_consistent(g.tree());
  g.add();  // grows to 8 leaves
  expect_cache_consistent(g.tree());
  g.commit(LeafIndex(1));
  expect_cache_consistent(g.tree());
  ASSERT_TRUE(g.tree().verify_parent_hashes().has_value());
  expect_cache_consistent(g.tree());
  g.remove(LeafIndex(4));  // shrinks back to 4 leaves
  expect_cache_consistent(g.tree());
  g.commit(d);
  expect_cache_consistent(g.tree());
  LeafNode replaced = *g.tree().leaf(LeafIndex(2));
  replaced.leaf_node_source = LeafNodeSource::kUpdate;
  replaced.signature.push_back(1);  // no signature check here: tree only
  ASSERT_TRUE(g.mutable_tree().update_leaf(LeafIndex(2), replaced).has_value());
  expect_cache_consistent(g.tree());
  // A copy carries its cache and then diverges independently.
  PublicTree copy = g.tree();
  ASSERT_TRUE(copy.remove_leaf(LeafIndex(1)).has_value());
  expect_cache_consistent(copy);
  expect_cache_consistent(g.tree());
}

}  // namespace
}  // namespace conclave::mls
