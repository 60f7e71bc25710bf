#include "crypto/mls/treekem.h"

#include <algorithm>
#include <utility>

#include "crypto/rand.h"

namespace conclave::mls {

namespace {

constexpr std::string_view kUpdatePathNodeLabel = "UpdatePathNode";

// NodeKey is a node key pair derived from a path secret, kept serialised.
struct DerivedKey {
  SecretBytes private_key;
  Bytes public_key;
};

// derive_node_key is DeriveKeyPair(DeriveSecret(path_secret, "node"))
// (RFC 9420 §7.4).
Result<DerivedKey> derive_node_key(const CipherSuite& suite, const SecretBytes& path_secret) {
  CONCLAVE_TRY_ASSIGN(const SecretBytes node_secret, suite.derive_secret(path_secret, "node"));
  CONCLAVE_TRY_ASSIGN(const crypto::hpke::KeyPair kp,
                      suite.derive_hpke_key_pair(node_secret.view()));
  return DerivedKey{crypto::hpke::serialize_private_key(kp),
                    crypto::hpke::serialize_public_key(kp.public_key())};
}

// provisional_context_bytes encodes `context` with tree_hash set to the root
// hash of `tree` (see treekem.h).
Result<Bytes> provisional_context_bytes(const GroupContext& context, const PublicTree& tree) {
  GroupContext c = context;
  CONCLAVE_TRY_ASSIGN(c.tree_hash, tree.tree_hash());
  return encode_group_context(c);
}

}  // namespace

// implements: REQ-MLS-210
Result<TreePrivateState> TreePrivateState::create(const PublicTree& tree, LeafIndex own,
                                                  const SecretBytes& leaf_private_key) {
  const LeafNode* leaf = tree.leaf(own);
  if (leaf == nullptr) {
    return Error(Err::kInvalidArgument, "TreePrivateState: own leaf is blank");
  }
  CONCLAVE_TRY_ASSIGN(const crypto::hpke::KeyPair kp,
                      tree.suite().hpke_private_key(leaf_private_key));
  Bytes pub = crypto::hpke::serialize_public_key(kp.public_key());
  if (!equal(pub, leaf->encryption_key)) {
    return Error(Err::kInvalidPrivateKey, "TreePrivateState: key does not match the leaf");
  }
  TreePrivateState s(tree.suite(), own);
  s.keys_.emplace(2 * own.value(),
                  HeldKey{crypto::hpke::serialize_private_key(kp), std::move(pub)});
  return s;
}

TreePrivateState TreePrivateState::clone() const {
  TreePrivateState out(suite_, own_);
  for (const auto& [node, key] : keys_) {
    out.keys_.emplace(node, HeldKey{key.private_key.clone(), key.public_key});
  }
  return out;
}

Result<crypto::hpke::KeyPair> TreePrivateState::key_pair(NodeIndex n) const {
  const auto it = keys_.find(n.value());
  if (it == keys_.end()) {
    return Error(Err::kInvalidArgument, "TreePrivateState: no key for the node");
  }
  return suite_.hpke_private_key(it->second.private_key);
}

Result<void> TreePrivateState::set_path_secret(const PublicTree& tree, NodeIndex n,
                                               const SecretBytes& path_secret) {
  const std::optional<ByteView> pub = tree.encryption_key_of(n);
  if (!pub.has_value() || is_leaf(n)) {
    return Error(Err::kInvalidArgument, "set_path_secret: not a non-blank parent");
  }
  CONCLAVE_TRY_ASSIGN(DerivedKey key, derive_node_key(suite_, path_secret));
  if (!equal(key.public_key, *pub)) {
    return Error(Err::kAuthFailed, "set_path_secret: derived key differs from the tree");
  }
  keys_.insert_or_assign(n.value(), HeldKey{std::move(key.private_key), std::move(key.public_key)});
  return {};
}

Result<void> TreePrivateState::implant(const PublicTree& tree, NodeIndex start,
                                       const SecretBytes& path_secret) {
  CONCLAVE_TRY_ASSIGN(const std::vector<FilteredPathStep> fdp, tree.filtered_direct_path(own_));
  auto it = std::find_if(fdp.begin(), fdp.end(),
                         [&](const FilteredPathStep& s) { return s.node == start; });
  if (it == fdp.end()) {
    return Error(Err::kInvalidArgument, "implant: node not on the filtered direct path");
  }
  std::vector<std::pair<uint32_t, DerivedKey>> derived;
  SecretBytes secret = path_secret.clone();
  for (; it != fdp.end(); ++it) {
    CONCLAVE_TRY_ASSIGN(DerivedKey key, derive_node_key(suite_, secret));
    const std::optional<ByteView> pub = tree.encryption_key_of(it->node);
    if (!pub.has_value() || !equal(key.public_key, *pub)) {
      return Error(Err::kAuthFailed, "implant: derived key differs from the tree");
    }
    derived.emplace_back(it->node.value(), std::move(key));
    CONCLAVE_TRY_ASSIGN(secret, suite_.derive_secret(secret, "path"));
  }
  for (auto& [node, key] : derived) {
    keys_.insert_or_assign(node, HeldKey{std::move(key.private_key), std::move(key.public_key)});
  }
  return {};
}

// implements: REQ-MLS-211
void TreePrivateState::prune(const PublicTree& tree) {
  std::vector<NodeIndex> keep;
  if (auto own_node = to_node(tree.size(), own_)) {
    keep.push_back(*own_node);
    if (auto dp = direct_path(tree.size(), *own_node)) {
      keep.insert(keep.end(), dp->begin(), dp->end());
    }
  }
  //= RFC 9420 §7.5
  //# Blank all the nodes on the direct path from the leaf to the root.
  // A key whose node was blanked or replaced, or that is no longer on our
  // direct path (the tree shrank), protects nothing we may still read:
  // delete it (SecretBytes zeroises on destruction).
  std::erase_if(keys_, [&](const auto& entry) {
    const NodeIndex n(entry.first);
    if (std::find(keep.begin(), keep.end(), n) == keep.end()) {
      return true;
    }
    const std::optional<ByteView> pub = tree.encryption_key_of(n);
    return !pub.has_value() || !equal(*pub, entry.second.public_key);
  });
}

// implements: REQ-MLS-212
Result<CreatedPath> create_update_path(const PublicTree& tree, const TreePrivateState& priv,
                                       const UpdatePathParams& params) {
  if (params.context == nullptr || params.signature_key == nullptr || params.leaf == nullptr) {
    return Error(Err::kInvalidArgument, "create_update_path: missing parameter");
  }
  const CipherSuite& suite = tree.suite();
  const LeafIndex own = priv.own_leaf();
  if (tree.leaf(own) == nullptr) {
    return Error(Err::kInvalidArgument, "create_update_path: own leaf is blank");
  }
  SecretBytes leaf_secret;
  if (params.leaf_secret.has_value()) {
    leaf_secret = params.leaf_secret->clone();
  } else {
    leaf_secret = SecretBytes(suite.nh());
    CONCLAVE_TRY(crypto::random_bytes(leaf_secret.mutable_view()));
  }
  CONCLAVE_TRY_ASSIGN(const std::vector<FilteredPathStep> fdp, tree.filtered_direct_path(own));

  // RFC 9420 §7.4: a fresh leaf_secret gives the leaf key
  // (DeriveKeyPair(DeriveSecret(leaf_secret, "node"))) and the first path
  // secret (DeriveSecret(leaf_secret, "path")); each further path secret is
  // DeriveSecret(previous, "path"), and the one after the last node is the
  // commit_secret.
  CONCLAVE_TRY_ASSIGN(DerivedKey leaf_key, derive_node_key(suite, leaf_secret));
  CONCLAVE_TRY_ASSIGN(SecretBytes secret, suite.derive_secret(leaf_secret, "path"));
  std::vector<NodePathSecret> secrets;
  std::vector<DerivedKey> node_keys;
  std::vector<Bytes> public_keys;
  for (const FilteredPathStep& step : fdp) {
    CONCLAVE_TRY_ASSIGN(DerivedKey key, derive_node_key(suite, secret));
    public_keys.push_back(key.public_key);
    node_keys.push_back(std::move(key));
    CONCLAVE_TRY_ASSIGN(SecretBytes next_secret, suite.derive_secret(secret, "path"));
    secrets.push_back(NodePathSecret{step.node, std::move(secret)});
    secret = std::move(next_secret);
  }
  SecretBytes commit_secret = std::move(secret);

  // The new leaf: its parent hash depends only on the path (never on the
  // leaf itself), so merge once to learn it, sign, and merge the signed leaf.
  LeafNode leaf = *params.leaf;
  leaf.encryption_key = leaf_key.public_key;
  leaf.leaf_node_source = LeafNodeSource::kCommit;
  leaf.parent_hash.clear();
  leaf.signature.clear();
  PublicTree probe = tree;
  CONCLAVE_TRY_ASSIGN(leaf.parent_hash, probe.merge_path(own, leaf, public_keys));
  CONCLAVE_TRY_ASSIGN(leaf.signature,
                      sign_leaf_node(suite, *params.signature_key, leaf,
                                     LeafNodeBinding{params.context->group_id, own.value()}));
  PublicTree next = tree;
  CONCLAVE_TRY_ASSIGN(const Bytes leaf_parent_hash, next.merge_path(own, leaf, public_keys));
  CONCLAVE_ASSERT(equal(leaf_parent_hash, leaf.parent_hash));

  //= RFC 9420 §7.6
  //# The path secret value for a given node is encrypted to the subtree
  //# rooted at the parent's non-updated child, i.e., the child
  //# on the copath of the sender's leaf node.
  CONCLAVE_TRY_ASSIGN(const Bytes context, provisional_context_bytes(*params.context, next));
  UpdatePath path;
  path.leaf_node = leaf;
  for (size_t k = 0; k < fdp.size(); ++k) {
    UpdatePathNode node;
    node.encryption_key = public_keys[k];
    CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> res,
                        next.resolution(fdp[k].copath_child, params.excluded));
    for (const NodeIndex r : res) {
      const std::optional<ByteView> pk = next.encryption_key_of(r);
      CONCLAVE_ASSERT(pk.has_value());  // a resolution holds non-blank nodes
      CONCLAVE_TRY_ASSIGN(
          HpkeCiphertext ct,
          suite.encrypt_with_label(*pk, kUpdatePathNodeLabel, context, secrets[k].secret.view()));
      node.encrypted_path_secret.push_back(std::move(ct));
    }
    path.nodes.push_back(std::move(node));
  }

  TreePrivateState state = priv.clone();
  state.prune(next);
  CONCLAVE_TRY_ASSIGN(const NodeIndex own_node, to_node(next.size(), own));
  state.keys_.insert_or_assign(
      own_node.value(),
      TreePrivateState::HeldKey{std::move(leaf_key.private_key), std::move(leaf_key.public_key)});
  for (size_t k = 0; k < fdp.size(); ++k) {
    state.keys_.insert_or_assign(fdp[k].node.value(),
                                 TreePrivateState::HeldKey{std::move(node_keys[k].private_key),
                                                           std::move(node_keys[k].public_key)});
  }
  return CreatedPath{std::move(next), std::move(state), std::move(path), std::move(commit_secret),
                     std::move(secrets)};
}

Result<std::optional<NodePathSecret>> path_secret_for_joiner(const CreatedPath& created,
                                                             LeafIndex joiner) {
  CONCLAVE_TRY_ASSIGN(const NodeIndex j, to_node(created.tree.size(), joiner));
  for (const NodePathSecret& s : created.path_secrets) {
    CONCLAVE_TRY_ASSIGN(const bool below, in_subtree(created.tree.size(), s.node, j));
    if (below) {
      return std::optional<NodePathSecret>(NodePathSecret{s.node, s.secret.clone()});
    }
  }
  return std::optional<NodePathSecret>();
}

// implements: REQ-MLS-213
Result<ProcessedPath> process_update_path(const PublicTree& tree, const TreePrivateState& priv,
                                          LeafIndex sender, const UpdatePath& path,
                                          const GroupContext& context,
                                          const std::vector<LeafIndex>& excluded) {
  const CipherSuite& suite = tree.suite();
  const LeafIndex own = priv.own_leaf();
  if (sender == own || std::find(excluded.begin(), excluded.end(), own) != excluded.end()) {
    return Error(Err::kInvalidArgument, "process_update_path: receiver is the sender or new");
  }
  const LeafNode* old_leaf = tree.leaf(sender);
  if (old_leaf == nullptr) {
    return Error(Err::kInvalidValue, "UpdatePath: sender leaf is blank");
  }
  //= RFC 9420 §7.3
  //# If the LeafNode appears in the leaf_node value of the UpdatePath in
  //# a Commit, verify that leaf_node_source is set to commit.
  if (path.leaf_node.leaf_node_source != LeafNodeSource::kCommit) {
    return Error(Err::kInvalidValue, "UpdatePath: leaf_node_source is not commit");
  }
  CONCLAVE_TRY_ASSIGN(const std::vector<FilteredPathStep> fdp, tree.filtered_direct_path(sender));
  // One UpdatePathNode per node of the sender's filtered direct path
  // (RFC 9420 §7.6); anything else cannot be merged.
  if (path.nodes.size() != fdp.size()) {
    return Error(Err::kInvalidValue,
                 "UpdatePath: node count differs from the filtered direct path");
  }
  //= RFC 9420 §12.4.2
  //# Verify that the `encryption_key` value in the LeafNode is different from the
  //# committer's current leaf node.
  if (equal(path.leaf_node.encryption_key, old_leaf->encryption_key)) {
    return Error(Err::kInvalidValue, "UpdatePath: leaf encryption key not changed");
  }
  //= RFC 9420 §12.4.2
  //# Verify that none of the public keys in the UpdatePath appear in any node of
  //# the new ratchet tree.
  for (uint32_t i = 0; i < tree.size().node_width(); ++i) {
    const std::optional<ByteView> existing = tree.encryption_key_of(NodeIndex(i));
    if (!existing.has_value()) {
      continue;
    }
    if (equal(*existing, path.leaf_node.encryption_key)) {
      return Error(Err::kInvalidValue, "UpdatePath: key already in the tree");
    }
    for (const UpdatePathNode& n : path.nodes) {
      if (equal(*existing, n.encryption_key)) {
        return Error(Err::kInvalidValue, "UpdatePath: key already in the tree");
      }
    }
  }

  std::vector<Bytes> public_keys;
  for (const UpdatePathNode& n : path.nodes) {
    public_keys.push_back(n.encryption_key);
  }
  PublicTree next = tree;
  CONCLAVE_TRY_ASSIGN(const Bytes leaf_parent_hash,
                      next.merge_path(sender, path.leaf_node, public_keys));
  //= RFC 9420 §7.9.2
  //# When processing a Commit message that includes an UpdatePath, clients MUST
  //# recompute the expected value of `parent_hash` for the committer's new leaf and
  //# verify that it matches the `parent_hash` value in the supplied `leaf_node`.
  if (!equal(leaf_parent_hash, path.leaf_node.parent_hash)) {
    return Error(Err::kAuthFailed, "UpdatePath: leaf parent_hash mismatch");
  }
  CONCLAVE_TRY(next.check_unique_keys());
  CONCLAVE_TRY(next.validate_leaf(
      sender, LeafValidationParams{context.group_id, &context.extensions, std::nullopt}));

  // Find the ciphertext for us: the copath child on our side holds our leaf
  // or an ancestor of it with a key we hold.
  CONCLAVE_TRY_ASSIGN(const NodeIndex own_node, to_node(tree.size(), own));
  size_t step = fdp.size();
  for (size_t k = 0; k < fdp.size(); ++k) {
    CONCLAVE_TRY_ASSIGN(const bool below, in_subtree(tree.size(), fdp[k].copath_child, own_node));
    if (below) {
      step = k;
      break;
    }
  }
  if (step == fdp.size()) {
    return Error(Err::kAuthFailed, "UpdatePath: no path secret for this member");
  }
  CONCLAVE_TRY_ASSIGN(const std::vector<NodeIndex> res,
                      next.resolution(fdp[step].copath_child, excluded));
  if (path.nodes[step].encrypted_path_secret.size() != res.size()) {
    return Error(Err::kInvalidValue, "UpdatePath: ciphertext count differs from the resolution");
  }
  size_t position = res.size();
  for (size_t i = 0; i < res.size(); ++i) {
    const std::optional<ByteView> pub = next.encryption_key_of(res[i]);
    if (priv.has_key(res[i]) && pub.has_value() &&
        equal(priv.keys_.at(res[i].value()).public_key, *pub)) {
      position = i;
      break;
    }
  }
  if (position == res.size()) {
    return Error(Err::kAuthFailed, "UpdatePath: no key for any node of the resolution");
  }
  CONCLAVE_TRY_ASSIGN(const Bytes context_bytes, provisional_context_bytes(context, next));
  CONCLAVE_TRY_ASSIGN(const crypto::hpke::KeyPair kp, priv.key_pair(res[position]));
  const HpkeCiphertext& ct = path.nodes[step].encrypted_path_secret[position];
  auto decrypted = suite.decrypt_with_label(kp, kUpdatePathNodeLabel, context_bytes, ct.kem_output,
                                            ct.ciphertext);
  if (!decrypted) {
    // Every cause (bad kem_output, failed AEAD) is one authentication failure.
    return Error(Err::kAuthFailed, "UpdatePath: path secret does not decrypt");
  }
  SecretBytes decrypted_secret = std::move(decrypted).value();

  std::vector<std::pair<uint32_t, DerivedKey>> derived;
  SecretBytes secret = decrypted_secret.clone();
  for (size_t k = step; k < fdp.size(); ++k) {
    CONCLAVE_TRY_ASSIGN(DerivedKey key, derive_node_key(suite, secret));
    //= RFC 9420 §7.5
    //# 6. Verify that the derived public keys are the same as the corresponding public
    //#    keys sent in the UpdatePath.
    if (!equal(key.public_key, path.nodes[k].encryption_key)) {
      return Error(Err::kAuthFailed, "UpdatePath: derived public key differs");
    }
    derived.emplace_back(fdp[k].node.value(), std::move(key));
    CONCLAVE_TRY_ASSIGN(secret, suite.derive_secret(secret, "path"));
  }

  TreePrivateState state = priv.clone();
  state.prune(next);
  for (auto& [node, key] : derived) {
    state.keys_.insert_or_assign(
        node, TreePrivateState::HeldKey{std::move(key.private_key), std::move(key.public_key)});
  }
  return ProcessedPath{std::move(next), std::move(state), std::move(secret), fdp[step].node,
                       std::move(decrypted_secret)};
}

}  // namespace conclave::mls
