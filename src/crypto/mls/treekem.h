// TreeKEM (RFC 9420 §7.4-§7.6, §12.4.2): the private keys a member holds
// for the ratchet tree, creating an UpdatePath as a committer and processing
// a received one.
//
// Both operations take the tree and private state as const references and
// return the next tree and private state as new values; on any error nothing
// is returned, so the caller's state is unchanged (nothing half-applied).
//
// Encryption context: UpdatePath ciphertexts are bound to the provisional
// GroupContext of the Commit (RFC 9420 §12.4.2). The caller passes that
// context with whatever tree_hash; these functions replace tree_hash with the
// root hash of the tree after the path is merged, which is what the sender
// used.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/hpke/dhkem.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/commit.h"
#include "crypto/mls/group_info.h"
#include "crypto/mls/key_package.h"
#include "crypto/mls/ratchet_tree.h"
#include "crypto/mls/tree_math.h"

namespace conclave::mls {

struct CreatedPath;
struct ProcessedPath;
struct UpdatePathParams;

// TreePrivateState holds one member's HPKE private keys for the ratchet
// tree: its leaf key and the keys of the parent nodes on its direct path it
// has learnt, keyed by node index. Keys are stored as serialised private
// keys (SecretBytes, zeroised when dropped) with their public keys, and
// opened as hpke::KeyPair only when needed.
// implements: REQ-MLS-210
class TreePrivateState {
 public:
  // create starts the state of the member at `own` from its leaf private key;
  // the derived public key must equal the tree's leaf encryption_key
  // (kInvalidPrivateKey otherwise, kInvalidArgument for a blank leaf).
  [[nodiscard]] static Result<TreePrivateState> create(const PublicTree& tree, LeafIndex own,
                                                       const SecretBytes& leaf_private_key);

  TreePrivateState(TreePrivateState&&) noexcept = default;
  TreePrivateState& operator=(TreePrivateState&&) noexcept = default;
  // clone copies the secrets explicitly (SecretBytes has no copy).
  TreePrivateState clone() const;

  LeafIndex own_leaf() const { return own_; }
  // has_key says whether a private key for `n` is held.
  bool has_key(NodeIndex n) const { return keys_.count(n.value()) != 0; }
  size_t key_count() const { return keys_.size(); }
  // key_pair opens the key of `n` (kInvalidArgument if none is held).
  [[nodiscard]] Result<crypto::hpke::KeyPair> key_pair(NodeIndex n) const;

  // set_path_secret derives the node key pair of `path_secret`
  // (DeriveKeyPair(DeriveSecret(path_secret, "node"))) and stores it for
  // parent `n`, which must be non-blank in `tree` with that public key
  // (kAuthFailed otherwise). Nothing changes on error.
  [[nodiscard]] Result<void> set_path_secret(const PublicTree& tree, NodeIndex n,
                                             const SecretBytes& path_secret);
  // implant is the joiner's use of GroupSecrets.path_secret (RFC 9420
  // §12.4.3.1): `path_secret` belongs to `start`, a node of this member's
  // filtered direct path; it and every filtered-path node above it get their
  // keys, each checked against `tree` (kAuthFailed on a mismatch).
  [[nodiscard]] Result<void> implant(const PublicTree& tree, NodeIndex start,
                                     const SecretBytes& path_secret);
  // prune deletes every key whose node is blank in `tree`, holds another
  // public key, or is not the own leaf or on its direct path; call it after
  // applying proposals (Update, Remove blank nodes) so no stale key lingers.
  // implements: REQ-MLS-211
  void prune(const PublicTree& tree);

 private:
  struct HeldKey {
    SecretBytes private_key;
    Bytes public_key;
  };
  TreePrivateState(CipherSuite suite, LeafIndex own) : suite_(suite), own_(own) {}

  friend Result<CreatedPath> create_update_path(const PublicTree&, const TreePrivateState&,
                                                const UpdatePathParams&);
  friend Result<ProcessedPath> process_update_path(const PublicTree&, const TreePrivateState&,
                                                   LeafIndex, const UpdatePath&,
                                                   const GroupContext&,
                                                   const std::vector<LeafIndex>&);

  CipherSuite suite_;
  LeafIndex own_;
  std::map<uint32_t, HeldKey> keys_;
};

// NodePathSecret is the path secret of one node of a committer's filtered direct
// path, kept for the Welcome (GroupSecrets.path_secret).
struct NodePathSecret {
  NodeIndex node;
  SecretBytes secret;
};

// CreatedPath is the result of create_update_path.
struct CreatedPath {
  PublicTree tree;                           // the tree with the path merged
  TreePrivateState private_state;            // the committer's new keys
  UpdatePath path;                           // to send in the Commit
  SecretBytes commit_secret;                 // input to the key schedule
  std::vector<NodePathSecret> path_secrets;  // bottom up, one per path node
};

// UpdatePathParams are the committer's inputs besides the tree. Borrowed for
// the duration of the call.
struct UpdatePathParams {
  // The GroupContext for encryption (its tree_hash is replaced, see above).
  const GroupContext* context = nullptr;
  // The leaves added by this Commit, left out of every resolution used for
  // encryption (they get the path secret through the Welcome).
  std::vector<LeafIndex> excluded;
  // The committer's signature private key, matching leaf.signature_key.
  const SecretBytes* signature_key = nullptr;
  // The committer's new leaf: credential, capabilities, extensions and
  // signature_key are taken from it; encryption_key, leaf_node_source
  // (commit), parent_hash and signature are set here.
  const LeafNode* leaf = nullptr;
  // The leaf secret; nullopt draws a fresh random one (tests inject it).
  std::optional<SecretBytes> leaf_secret;
};

// create_update_path makes an UpdatePath for `priv.own_leaf()` against
// `tree` (the tree after the Commit's proposals, RFC 9420 §7.5, §12.4.2).
// implements: REQ-MLS-212
[[nodiscard]] Result<CreatedPath> create_update_path(const PublicTree& tree,
                                                     const TreePrivateState& priv,
                                                     const UpdatePathParams& params);

// path_secret_for_joiner is the path secret a new member at `joiner` gets in
// its Welcome: that of the lowest path node whose subtree holds the joiner
// (nullopt if none does). Cloned; borrowed from `created`.
[[nodiscard]] Result<std::optional<NodePathSecret>> path_secret_for_joiner(
    const CreatedPath& created, LeafIndex joiner);

// ProcessedPath is the result of process_update_path.
struct ProcessedPath {
  PublicTree tree;                 // the tree with the path merged
  TreePrivateState private_state;  // the receiver's keys after the merge
  SecretBytes commit_secret;
  // The path secret the receiver decrypted and the node it belongs to (the
  // lowest path node above the receiver); only tests look at it.
  NodeIndex decrypted_node;
  SecretBytes decrypted_path_secret;
};

// process_update_path applies the UpdatePath `path` from leaf `sender` to
// `tree` as the member `priv.own_leaf()` (RFC 9420 §7.5, §12.4.2):
//  - the node count must equal the sender's filtered direct path
//    (kInvalidValue), the leaf source must be commit and its parent_hash
//    must equal the recomputed one (kAuthFailed), its signature must verify
//    with group_id and `sender` (kAuthFailed), and its encryption key must
//    differ from the sender's old one and from every other node's;
//  - the receiver decrypts the ciphertext addressed to the node of the
//    copath resolution it holds a key for (kAuthFailed on any failure),
//    derives up the path and checks that every derived public key equals
//    the one sent (kAuthFailed);
//  - keys for the nodes the path replaced are deleted.
// `excluded` are the leaves this Commit added (they are not in any
// resolution used for encryption); `group_id` comes from `context`.
// implements: REQ-MLS-213
[[nodiscard]] Result<ProcessedPath> process_update_path(const PublicTree& tree,
                                                        const TreePrivateState& priv,
                                                        LeafIndex sender, const UpdatePath& path,
                                                        const GroupContext& context,
                                                        const std::vector<LeafIndex>& excluded);

}  // namespace conclave::mls
