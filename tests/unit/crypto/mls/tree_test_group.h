// A small in-memory group for the ratchet-tree and TreeKEM unit tests: real
// keys for every member, a shared PublicTree and one TreePrivateState per
// member, with helpers to add members and to run a full commit (create an
// UpdatePath, have every other member process it).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/hpke/dhkem.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/group_info.h"
#include "crypto/mls/key_package.h"
#include "crypto/mls/ratchet_tree.h"
#include "crypto/mls/treekem.h"
#include "crypto/signature.h"

namespace conclave::mls::test {

struct TestMember {
  SecretBytes signature_priv;
  LeafNode leaf;                          // as last published
  std::optional<TreePrivateState> state;  // after joining the tree
};

// make_member makes fresh signature and HPKE keys and a signed key_package
// leaf; `hpke_priv` receives the leaf's private key.
inline TestMember make_member(const CipherSuite& suite, const std::string& name,
                              SecretBytes* hpke_priv) {
  auto sig = crypto::generate_signature_key_pair(suite.signature_scheme());
  EXPECT_TRUE(sig.has_value());
  auto kp = crypto::hpke::generate_key_pair(suite.hpke_suite().kem);
  EXPECT_TRUE(kp.has_value());
  LeafNode leaf;
  leaf.encryption_key = crypto::hpke::serialize_public_key(kp->public_key());
  leaf.signature_key = sig->public_key;
  leaf.credential.credential_type = CredentialType::kBasic;
  leaf.credential.identity = to_bytes(as_bytes(name));
  leaf.capabilities.versions = {1};
  leaf.capabilities.cipher_suites = {suite.wire_value()};
  leaf.capabilities.credentials = {1};
  leaf.leaf_node_source = LeafNodeSource::kKeyPackage;
  leaf.lifetime = Lifetime{1000, 2000};
  auto signature = sign_leaf_node(suite, sig->private_key, leaf, std::nullopt);
  EXPECT_TRUE(signature.has_value());
  leaf.signature = *signature;
  *hpke_priv = crypto::hpke::serialize_private_key(*kp);
  return TestMember{std::move(sig->private_key), std::move(leaf), std::nullopt};
}

class TestGroup {
 public:
  explicit TestGroup(CipherSuite suite, size_t members = 1)
      : suite_(suite),
        tree_(PublicTree::with_single_leaf(suite, first_leaf(suite))),
        group_id_(to_bytes(as_bytes("test group"))) {
    auto s = TreePrivateState::create(tree_, LeafIndex(0), first_priv_);
    EXPECT_TRUE(s.has_value());
    members_[0].state.emplace(std::move(s).value());
    for (size_t i = 1; i < members; ++i) {
      add();
    }
  }

  const CipherSuite& suite() const { return suite_; }
  const PublicTree& tree() const { return tree_; }
  PublicTree& mutable_tree() { return tree_; }
  const Bytes& group_id() const { return group_id_; }
  TestMember& member(uint32_t i) { return members_.at(i); }
  const std::map<uint32_t, TestMember>& members() const { return members_; }

  GroupContext context() const {
    GroupContext c;
    c.cipher_suite = suite_.wire_value();
    c.group_id = group_id_;
    c.epoch = epoch_;
    c.confirmed_transcript_hash = Bytes(32, 0x11);
    return c;
  }

  // add puts a fresh member at the leftmost blank leaf.
  LeafIndex add() {
    SecretBytes priv;
    TestMember m = make_member(suite_, "member " + std::to_string(next_name_++), &priv);
    auto index = tree_.add_leaf(m.leaf);
    EXPECT_TRUE(index.has_value());
    auto s = TreePrivateState::create(tree_, *index, priv);
    EXPECT_TRUE(s.has_value());
    m.state.emplace(std::move(s).value());
    members_[index->value()] = std::move(m);
    return *index;
  }

  // remove blanks a member's leaf and path; everyone prunes.
  void remove(LeafIndex i) {
    ASSERT_TRUE(tree_.remove_leaf(i).has_value());
    members_.erase(i.value());
    for (auto& [index, m] : members_) {
      m.state->prune(tree_);
    }
  }

  // create makes an UpdatePath as `sender` without applying it.
  Result<CreatedPath> create(LeafIndex sender, const std::vector<LeafIndex>& excluded = {}) {
    TestMember& m = members_.at(sender.value());
    UpdatePathParams params;
    const GroupContext c = context();
    params.context = &c;
    params.signature_key = &m.signature_priv;
    params.leaf = tree_.leaf(sender);
    params.excluded = excluded;
    return create_update_path(tree_, *m.state, params);
  }

  // commit runs a full commit from `sender`: every other member processes the
  // path and must agree on the commit secret and the tree.
  void commit(LeafIndex sender) {
    auto created = create(sender);
    ASSERT_TRUE(created.has_value());
    const GroupContext c = context();
    auto want_hash = created->tree.tree_hash();
    ASSERT_TRUE(want_hash.has_value());
    for (auto& [index, m] : members_) {
      if (index == sender.value()) {
        continue;
      }
      auto r = process_update_path(tree_, *m.state, sender, created->path, c, {});
      ASSERT_TRUE(r.has_value()) << "member " << index << ": " << to_string(r.error().code) << " "
                                 << r.error().detail;
      EXPECT_TRUE(r->commit_secret.ct_equal(created->commit_secret));
      auto h = r->tree.tree_hash();
      ASSERT_TRUE(h.has_value());
      EXPECT_TRUE(equal(*h, *want_hash));
      m.state.emplace(std::move(r->private_state));
    }
    members_.at(sender.value()).state.emplace(std::move(created->private_state));
    members_.at(sender.value()).leaf = created->path.leaf_node;
    tree_ = std::move(created->tree);
    ++epoch_;
  }

 private:
  LeafNode first_leaf(const CipherSuite& suite) {
    TestMember m = make_member(suite, "member 0", &first_priv_);
    LeafNode leaf = m.leaf;
    members_[0] = std::move(m);
    return leaf;
  }

  CipherSuite suite_;
  SecretBytes first_priv_;
  std::map<uint32_t, TestMember> members_;
  PublicTree tree_;
  Bytes group_id_;
  uint64_t epoch_ = 0;
  int next_name_ = 1;
};

}  // namespace conclave::mls::test
