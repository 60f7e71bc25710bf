// Unit tests of TreeKEM (crypto/mls/treekem.h): commits agree across
// members in both suites, every rejection rule of a received UpdatePath
// (with the inputs left unchanged), new members excluded from encryption
// and served through path_secret_for_joiner / implant, and the deletion of
// private keys whose nodes were blanked or replaced. The treekem.json
// vectors run in tests/kat/mls_treekem.cc.
#include "crypto/mls/treekem.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tree_test_group.h"

namespace conclave::mls {
namespace {

using test::TestGroup;

const CipherSuite kSuite1(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
const CipherSuite kSuite2(CipherSuiteId::kP256Aes128GcmSha256P256);

// every_key_matches says whether each key the member holds is for a node of
// the tree with that public key.
bool every_key_matches(const PublicTree& tree, const TreePrivateState& s) {
  for (uint32_t n = 0; n < tree.size().node_width(); ++n) {
    if (!s.has_key(NodeIndex(n))) {
      continue;
    }
    auto kp = s.key_pair(NodeIndex(n));
    const auto pub = tree.encryption_key_of(NodeIndex(n));
    if (!kp || !pub || !equal(crypto::hpke::serialize_public_key(kp->public_key()), *pub)) {
      return false;
    }
  }
  return true;
}

// Processing `path` as member `receiver` must fail with `code`, and leave
// the group's tree and the member's keys untouched.
void expect_rejected(TestGroup& g, uint32_t receiver, LeafIndex sender, const UpdatePath& path,
                     Err code, const std::string& detail = "") {
  const Bytes tree_before = g.tree().encode().value();
  const size_t keys_before = g.member(receiver).state->key_count();
  auto r = process_update_path(g.tree(), *g.member(receiver).state, sender, path, g.context(), {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, code) << r.error().detail;
  if (!detail.empty()) {
    EXPECT_EQ(std::string(r.error().detail), detail);
  }
  EXPECT_EQ(g.tree().encode().value(), tree_before);
  EXPECT_EQ(g.member(receiver).state->key_count(), keys_before);
}

// verifies: REQ-MLS-212, REQ-MLS-213
TEST(TreeKem, EveryMemberAgreesOnEveryCommit) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    SCOPED_TRACE(suite.name());
    TestGroup g(suite, 5);
    for (uint32_t sender : {0u, 4u, 2u, 1u, 3u, 0u}) {
      g.commit(LeafIndex(sender));
      auto h = g.tree().tree_hash();
      ASSERT_TRUE(h.has_value());
      EXPECT_TRUE(g.tree().validate(*h, LeafValidationParams{g.group_id(), nullptr, 1500}));
      for (const auto& [index, m] : g.members()) {
        EXPECT_TRUE(every_key_matches(g.tree(), *m.state)) << "member " << index;
      }
    }
    // The committer holds keys for its leaf and its whole filtered path.
    auto fdp = g.tree().filtered_direct_path(LeafIndex(0));
    ASSERT_TRUE(fdp.has_value());
    for (const FilteredPathStep& s : *fdp) {
      EXPECT_TRUE(g.member(0).state->has_key(s.node));
    }
  }
}

// verifies: REQ-MLS-212
TEST(TreeKem, SingleMemberCommitHasAnEmptyPath) {
  TestGroup g(kSuite1, 1);
  auto created = g.create(LeafIndex(0));
  ASSERT_TRUE(created.has_value());
  EXPECT_TRUE(created->path.nodes.empty());
  EXPECT_EQ(created->commit_secret.size(), kSuite1.nh());
  EXPECT_TRUE(created->path.leaf_node.parent_hash.empty());
  EXPECT_EQ(created->path.leaf_node.leaf_node_source, LeafNodeSource::kCommit);
}

// verifies: REQ-MLS-212
TEST(TreeKem, InjectedLeafSecretIsDeterministic) {
  TestGroup g(kSuite1, 3);
  UpdatePathParams params;
  const GroupContext c = g.context();
  params.context = &c;
  params.signature_key = &g.member(1).signature_priv;
  params.leaf = g.tree().leaf(LeafIndex(1));
  params.leaf_secret = SecretBytes::copy_of(Bytes(32, 7));
  auto a = create_update_path(g.tree(), *g.member(1).state, params);
  auto b = create_update_path(g.tree(), *g.member(1).state, params);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_TRUE(a->commit_secret.ct_equal(b->commit_secret));
  EXPECT_TRUE(equal(a->path.leaf_node.encryption_key, b->path.leaf_node.encryption_key));
  EXPECT_EQ(create_update_path(g.tree(), *g.member(1).state, UpdatePathParams{}).error().code,
            Err::kInvalidArgument);
}

// verifies: REQ-MLS-213
TEST(TreeKem, RejectsPathOfWrongLength) {
  TestGroup g(kSuite1, 4);
  auto created = g.create(LeafIndex(0));
  ASSERT_TRUE(created.has_value());
  UpdatePath shorter = created->path;
  shorter.nodes.pop_back();
  expect_rejected(g, 1, LeafIndex(0), shorter, Err::kInvalidValue);
  UpdatePath longer = created->path;
  longer.nodes.push_back(longer.nodes.back());
  expect_rejected(g, 1, LeafIndex(0), longer, Err::kInvalidValue);
}

// verifies: REQ-MLS-213
TEST(TreeKem, RejectsBadParentHashAndSignature) {
  TestGroup g(kSuite1, 4);
  auto created = g.create(LeafIndex(2));
  ASSERT_TRUE(created.has_value());
  UpdatePath bad_hash = created->path;
  bad_hash.leaf_node.parent_hash[3] ^= 1;
  expect_rejected(g, 0, LeafIndex(2), bad_hash, Err::kAuthFailed,
                  "UpdatePath: leaf parent_hash mismatch");
  // A path node key swapped for another breaks the parent-hash chain too.
  UpdatePath bad_key = created->path;
  std::swap(bad_key.nodes[0].encryption_key, bad_key.nodes[1].encryption_key);
  expect_rejected(g, 0, LeafIndex(2), bad_key, Err::kAuthFailed);
  UpdatePath bad_sig = created->path;
  bad_sig.leaf_node.signature[0] ^= 1;
  expect_rejected(g, 0, LeafIndex(2), bad_sig, Err::kAuthFailed, "leaf node: bad signature");
  UpdatePath not_commit = created->path;
  not_commit.leaf_node.leaf_node_source = LeafNodeSource::kUpdate;
  expect_rejected(g, 0, LeafIndex(2), not_commit, Err::kInvalidValue);
}

// verifies: REQ-MLS-213
TEST(TreeKem, RejectsDerivedKeyThatDiffersFromThePath) {
  // A committer that sends a root key not derived from the path secrets it
  // encrypted: the parent hashes and signature are made consistent with the
  // wrong key, so only the derivation check can catch it.
  TestGroup g(kSuite1, 4);
  auto created = g.create(LeafIndex(0));
  ASSERT_TRUE(created.has_value());
  UpdatePath path = created->path;
  SecretBytes unused;
  const LeafNode stranger = test::make_member(kSuite1, "stranger", &unused).leaf;
  path.nodes.back().encryption_key = stranger.encryption_key;
  std::vector<Bytes> keys;
  for (const UpdatePathNode& n : path.nodes) {
    keys.push_back(n.encryption_key);
  }
  PublicTree probe = g.tree();
  path.leaf_node.parent_hash = probe.merge_path(LeafIndex(0), path.leaf_node, keys).value();
  path.leaf_node.signature = sign_leaf_node(kSuite1, g.member(0).signature_priv, path.leaf_node,
                                            LeafNodeBinding{g.group_id(), 0})
                                 .value();
  // The encryption context carries the tree hash after the merge, which the
  // changed key and leaf alter: encrypt the honest path secrets again under
  // the context the receivers will compute.
  PublicTree merged = g.tree();
  ASSERT_TRUE(merged.merge_path(LeafIndex(0), path.leaf_node, keys).has_value());
  GroupContext provisional = g.context();
  provisional.tree_hash = merged.tree_hash().value();
  const Bytes ctx = encode_group_context(provisional).value();
  for (size_t k = 0; k < path.nodes.size(); ++k) {
    auto fdp = g.tree().filtered_direct_path(LeafIndex(0)).value();
    auto res = g.tree().resolution(fdp[k].copath_child).value();
    path.nodes[k].encrypted_path_secret.clear();
    for (const NodeIndex r : res) {
      path.nodes[k].encrypted_path_secret.push_back(
          kSuite1
              .encrypt_with_label(*g.tree().encryption_key_of(r), "UpdatePathNode", ctx,
                                  created->path_secrets[k].secret.view())
              .value());
    }
  }
  expect_rejected(g, 1, LeafIndex(0), path, Err::kAuthFailed,
                  "UpdatePath: derived public key differs");
  expect_rejected(g, 3, LeafIndex(0), path, Err::kAuthFailed,
                  "UpdatePath: derived public key differs");
}

// verifies: REQ-MLS-213
TEST(TreeKem, DecryptionFailureIsAuthFailed) {
  TestGroup g(kSuite1, 4);
  auto created = g.create(LeafIndex(0));
  ASSERT_TRUE(created.has_value());
  UpdatePath flipped = created->path;
  for (UpdatePathNode& n : flipped.nodes) {
    for (HpkeCiphertext& ct : n.encrypted_path_secret) {
      ct.ciphertext[0] ^= 1;
    }
  }
  expect_rejected(g, 1, LeafIndex(0), flipped, Err::kAuthFailed,
                  "UpdatePath: path secret does not decrypt");
  UpdatePath bad_kem = created->path;
  for (UpdatePathNode& n : bad_kem.nodes) {
    for (HpkeCiphertext& ct : n.encrypted_path_secret) {
      ct.kem_output.resize(3);
    }
  }
  expect_rejected(g, 2, LeafIndex(0), bad_kem, Err::kAuthFailed,
                  "UpdatePath: path secret does not decrypt");
  // A receiver in another epoch (different context) cannot decrypt either.
  GroupContext other = g.context();
  other.epoch += 1;
  auto r =
      process_update_path(g.tree(), *g.member(3).state, LeafIndex(0), created->path, other, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kAuthFailed);
  // A ciphertext list that does not match the resolution size.
  UpdatePath missing = created->path;
  missing.nodes.back().encrypted_path_secret.pop_back();
  expect_rejected(g, 3, LeafIndex(0), missing, Err::kInvalidValue);
}

// verifies: REQ-MLS-213
TEST(TreeKem, RejectsReusedKeys) {
  TestGroup g(kSuite1, 3);
  auto created = g.create(LeafIndex(0));
  ASSERT_TRUE(created.has_value());
  UpdatePath same_leaf_key = created->path;
  same_leaf_key.leaf_node.encryption_key = g.tree().leaf(LeafIndex(0))->encryption_key;
  expect_rejected(g, 1, LeafIndex(0), same_leaf_key, Err::kInvalidValue);
  UpdatePath existing = created->path;
  existing.nodes[0].encryption_key = g.tree().leaf(LeafIndex(2))->encryption_key;
  expect_rejected(g, 1, LeafIndex(0), existing, Err::kInvalidValue,
                  "UpdatePath: key already in the tree");
}

// verifies: REQ-MLS-212, REQ-MLS-213, REQ-MLS-210
TEST(TreeKem, NewMembersAreExcludedAndJoinWithThePathSecret) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    SCOPED_TRACE(suite.name());
    TestGroup g(suite, 3);
    g.commit(LeafIndex(0));
    const LeafIndex joiner = g.add();  // leaf 3, unmerged at the root
    auto created = g.create(LeafIndex(1), {joiner});
    ASSERT_TRUE(created.has_value());
    // Leaf 1's path: node 3 (copath child 5 = {leaf 2, leaf 3}). Leaf 3 is
    // excluded, so only leaf 2 gets a ciphertext there.
    ASSERT_EQ(created->path.nodes.size(), 2u);
    EXPECT_EQ(created->path.nodes[1].encrypted_path_secret.size(), 1u);
    const GroupContext c = g.context();
    for (uint32_t m : {0u, 2u}) {
      auto r = process_update_path(g.tree(), *g.member(m).state, LeafIndex(1), created->path, c,
                                   {joiner});
      ASSERT_TRUE(r.has_value()) << to_string(r.error().code) << " " << r.error().detail;
      EXPECT_TRUE(r->commit_secret.ct_equal(created->commit_secret));
    }
    // The joiner cannot process the path, but implants its Welcome secret.
    EXPECT_FALSE(process_update_path(g.tree(), *g.member(joiner.value()).state, LeafIndex(1),
                                     created->path, c, {joiner}));
    auto ps = path_secret_for_joiner(*created, joiner);
    ASSERT_TRUE(ps.has_value() && ps->has_value());
    EXPECT_EQ((*ps)->node.value(), 3u);
    TreePrivateState state = g.member(joiner.value()).state->clone();
    ASSERT_TRUE(state.implant(created->tree, (*ps)->node, (*ps)->secret).has_value());
    EXPECT_TRUE(state.has_key(NodeIndex(3)));
    EXPECT_TRUE(every_key_matches(created->tree, state));
    // A wrong secret is refused and changes nothing.
    TreePrivateState fresh = g.member(joiner.value()).state->clone();
    EXPECT_EQ(
        fresh.implant(created->tree, NodeIndex(3), SecretBytes::copy_of(Bytes(32, 9))).error().code,
        Err::kAuthFailed);
    EXPECT_EQ(fresh.key_count(), 1u);
  }
}

// verifies: REQ-MLS-211
TEST(TreeKem, KeysOfBlankedOrReplacedNodesAreDeleted) {
  TestGroup g(kSuite1, 4);
  g.commit(LeafIndex(0));  // everyone learns node 3 (root); 0 and 1 node 1
  EXPECT_TRUE(g.member(1).state->has_key(NodeIndex(1)));
  EXPECT_TRUE(g.member(2).state->has_key(NodeIndex(3)));
  g.commit(LeafIndex(3));  // node 5 and the root replaced
  EXPECT_TRUE(g.member(1).state->has_key(NodeIndex(3)));
  EXPECT_TRUE(every_key_matches(g.tree(), *g.member(1).state));
  // Removing leaf 0 blanks nodes 1 and 3: member 1 must drop both keys.
  g.remove(LeafIndex(0));
  EXPECT_FALSE(g.member(1).state->has_key(NodeIndex(1)));
  EXPECT_FALSE(g.member(1).state->has_key(NodeIndex(3)));
  EXPECT_TRUE(g.member(1).state->has_key(NodeIndex(2)));
  EXPECT_TRUE(g.member(2).state->has_key(NodeIndex(5)));
  // The committer's old leaf key is gone after its commit.
  const Bytes old_leaf_key = g.tree().leaf(LeafIndex(2))->encryption_key;
  g.commit(LeafIndex(2));
  auto kp = g.member(2).state->key_pair(NodeIndex(4));
  ASSERT_TRUE(kp.has_value());
  EXPECT_FALSE(equal(crypto::hpke::serialize_public_key(kp->public_key()), old_leaf_key));
  EXPECT_TRUE(every_key_matches(g.tree(), *g.member(2).state));
}

// verifies: REQ-MLS-210
TEST(TreeKem, PrivateStateChecksKeysAgainstTheTree) {
  TestGroup g(kSuite1, 2);
  EXPECT_EQ(TreePrivateState::create(g.tree(), LeafIndex(1), SecretBytes::copy_of(Bytes(32, 5)))
                .error()
                .code,
            Err::kInvalidPrivateKey);
  EXPECT_EQ(TreePrivateState::create(g.tree(), LeafIndex(3), SecretBytes::copy_of(Bytes(32, 5)))
                .error()
                .code,
            Err::kInvalidArgument);
  g.commit(LeafIndex(0));
  TreePrivateState s = g.member(1).state->clone();
  EXPECT_EQ(
      s.set_path_secret(g.tree(), NodeIndex(1), SecretBytes::copy_of(Bytes(32, 5))).error().code,
      Err::kAuthFailed);
  EXPECT_EQ(s.key_count(), g.member(1).state->key_count());
}

}  // namespace
}  // namespace conclave::mls
