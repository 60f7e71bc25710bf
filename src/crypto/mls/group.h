// The MLS group state machine (RFC 9420 §11-§12): one member's view of one
// group, from creation or a Welcome through proposals and commits to
// removal.
//
// All-or-nothing (REQ-MLS-301): every operation that can change the state
// computes the next state on the side (copies of the tree and private keys,
// fresh secrets) and installs it only after every check has passed. A failed
// call returns an error and the Group is exactly as it was; a successful
// commit replaces the epoch's secrets, whose old values are zeroised as they
// are dropped (forward secrecy, RFC 9420 §9.2).
//
// Conclave's profile on top of RFC 9420 (spec/04-group-keys-mls.md#group):
//  - proposals and commits are sent and accepted only as PublicMessage,
//    application data only as PrivateMessage (REQ-MLS-405);
//  - every commit this member creates carries a path (fresh keys for the
//    committer each epoch);
//  - members join only through a Welcome: external commits, ExternalInit,
//    ReInit and new-member proposals are refused (kUnsupported), so the only
//    way into a group is a member's Add;
//  - the application's GroupPolicy runs on every proposal and commit, and a
//    commit it refuses is refused by this member whoever relayed it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/credential.h"
#include "crypto/mls/extension.h"
#include "crypto/mls/framing.h"
#include "crypto/mls/group_info.h"
#include "crypto/mls/group_policy.h"
#include "crypto/mls/key_package.h"
#include "crypto/mls/key_schedule.h"
#include "crypto/mls/message_protection.h"
#include "crypto/mls/mls_message.h"
#include "crypto/mls/proposal.h"
#include "crypto/mls/ratchet_tree.h"
#include "crypto/mls/secret_tree.h"
#include "crypto/mls/treekem.h"
#include "crypto/mls/welcome_crypto.h"

namespace conclave::mls {

// ByteOrder orders byte strings lexicographically (the same order as
// std::vector's operator<), comparing byte by byte. The keys of the proposal
// cache and the duplicate-detection sets use it instead of std::less<Bytes>
// because GCC 12 at -O3 inlines std::less<Bytes> into a __builtin_memcmp whose
// length range it cannot bound and stops the release build with a false
// -Wstringop-overread (finding V-03).
struct ByteOrder {
  bool operator()(const Bytes& a, const Bytes& b) const {
    const size_t n = a.size() < b.size() ? a.size() : b.size();
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) {
        return a[i] < b[i];
      }
    }
    return a.size() < b.size();
  }
};

// KeyPackageBundle is a KeyPackage and the private keys its owner keeps
// until it joins: the init key (to open the Welcome), the leaf's encryption
// key and its signature key.
struct KeyPackageBundle {
  KeyPackage key_package;
  SecretBytes init_priv;
  SecretBytes encryption_priv;
  SecretBytes signature_priv;
};

// KeyPackageOptions are the choices a client makes for its KeyPackage.
struct KeyPackageOptions {
  // Extension types (beyond the RFC defaults) the client supports; listed
  // in the leaf's capabilities.
  std::vector<uint16_t> extra_extensions;
  // Lifetime; the default is the RFC's "no lifetime" [0, 2^64-1].
  Lifetime lifetime{0, ~uint64_t{0}};
};

// create_key_package makes a KeyPackage of `suite` for `credential` with a
// fresh init key and leaf encryption key, signed with `signature_priv`
// (whose public key is `signature_pub`). Capabilities list mls10, `suite`,
// basic and x509 credentials and the options' extension types.
// implements: REQ-MLS-302
[[nodiscard]] Result<KeyPackageBundle> create_key_package(const CipherSuite& suite,
                                                          const Credential& credential,
                                                          const SecretBytes& signature_priv,
                                                          ByteView signature_pub,
                                                          const KeyPackageOptions& options = {});

// validate_key_package is RFC 9420 §10.1 for a KeyPackage offered to a
// group of `suite`: the suite matches (kProtocol), the KeyPackage and leaf
// signatures verify (kAuthFailed), the leaf source is key_package, the
// lifetime covers `now` if given (kInvalidValue), and init_key differs from
// the leaf's encryption_key (kInvalidValue). Checks that depend on the group
// (capabilities, uniqueness) are the group's.
// implements: REQ-MLS-302
[[nodiscard]] Result<void> validate_key_package(const CipherSuite& suite, const KeyPackage& kp,
                                                std::optional<uint64_t> now);

// GroupOptions are the application's hooks, fixed for the life of a Group.
struct GroupOptions {
  // The policy every proposal and commit must pass (group_policy.h).
  GroupPolicy policy = allow_all;
  // Resolves external PSKs named by PreSharedKey proposals and Welcomes; an
  // empty function knows none (every external PSK is kProtocol).
  PskResolver external_psks;
  // The clock for KeyPackage lifetimes, in seconds since the Unix epoch;
  // an empty function uses the system clock, a function returning nullopt
  // skips lifetime checks (the official vectors have expired lifetimes).
  std::function<std::optional<uint64_t>()> now;
  // PrivateMessage padding (RFC 9420 §6.3.1).
  PaddingPolicy padding{32};
  // How many past epochs' resumption_psk are kept for PSK proposals of
  // type resumption (usage application) naming this group.
  size_t resumption_psk_epochs = 8;
};

// ReceivedKind says what handle() processed.
enum class ReceivedKind : uint8_t {
  kProposal,     // verified and cached for a later commit
  kCommit,       // the group moved to the next epoch (or removed us)
  kApplication,  // application data, decrypted
};

// Received is the outcome of handle().
struct Received {
  ReceivedKind kind = ReceivedKind::kApplication;
  Sender sender;
  Bytes authenticated_data;
  Bytes application_data;     // kApplication only
  bool removed_self = false;  // kCommit: this member was removed
  uint64_t epoch = 0;         // the epoch the message belonged to
};

// CommitOptions select what a commit covers.
struct CommitOptions {
  // Proposals carried inline, sent by this member (e.g. Add, Remove).
  std::vector<Proposal> inline_proposals;
  // Commit every cached proposal of this epoch by reference as well.
  bool include_cached = true;
  Bytes authenticated_data;
};

// CommitOutput is what a commit produces for the wire.
struct CommitOutput {
  MlsMessage commit;                  // PublicMessage
  std::optional<MlsMessage> welcome;  // when the commit adds members
};

// Group is one member's state of one group. Move-only (it holds secrets).
// implements: REQ-MLS-300, REQ-MLS-301
class Group {
 public:
  // create is a new group (RFC 9420 §11) of `group_id` at epoch 0 whose
  // only member is the owner of `own` (its leaf comes from the KeyPackage).
  // `extensions` are the GroupContext extensions; every non-default type
  // must be in the own leaf's capabilities (kInvalidValue).
  [[nodiscard]] static Result<Group> create(const CipherSuite& suite, ByteView group_id,
                                            const KeyPackageBundle& own,
                                            std::vector<Extension> extensions,
                                            GroupOptions options);

  // join enters a group from a Welcome (RFC 9420 §12.4.3.1) with the
  // KeyPackage it names. The ratchet tree comes from `tree` if given, else
  // from the GroupInfo's ratchet_tree extension (kProtocol if neither). The
  // GroupInfo signature, confirmation tag and the whole tree are checked
  // (REQ-MLS-205, REQ-MLS-411) and this member's leaf must be the
  // KeyPackage's.
  [[nodiscard]] static Result<Group> join(const Welcome& welcome, const KeyPackageBundle& own,
                                          const std::optional<RatchetTree>& tree,
                                          GroupOptions options);

  Group(Group&&) noexcept;
  Group& operator=(Group&&) noexcept;
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  const CipherSuite& suite() const { return suite_; }
  const GroupContext& context() const { return context_; }
  uint64_t epoch() const { return context_.epoch; }
  const Bytes& group_id() const { return context_.group_id; }
  const PublicTree& tree() const { return tree_; }
  LeafIndex own_leaf() const { return own_; }
  // active is false once a commit removed this member; every operation but
  // the accessors is then kUnexpectedMessage.
  bool active() const { return active_; }
  // members lists the leaves that hold a member, in leaf order.
  std::vector<LeafIndex> members() const;

  // epoch_authenticator is DeriveSecret(epoch_secret, "authentication")
  // (RFC 9420 §8.7): equal values mean equal group states.
  const SecretBytes& epoch_authenticator() const { return secrets_.epoch_authenticator; }
  // export_secret is MLS-Exporter(label, context, length) of this epoch.
  [[nodiscard]] Result<SecretBytes> export_secret(std::string_view label, ByteView context,
                                                  size_t length) const;

  // propose signs `proposal` as a PublicMessage from this member, checks it
  // as a received one would be checked, and caches it so a later commit of
  // this member can include it by reference. Update proposals are not
  // offered (a commit's path refreshes the committer's keys).
  [[nodiscard]] Result<MlsMessage> propose(const Proposal& proposal,
                                           ByteView authenticated_data = {});

  // commit creates a commit over the cached proposals and `options`'
  // inline proposals, with a path, and stages the next epoch. The Group
  // does not change until merge_pending_commit() (or the own commit comes
  // back through handle()); discard_pending_commit() drops it, e.g. when
  // the server ordered another member's commit first.
  // implements: REQ-MLS-303, REQ-MLS-304
  [[nodiscard]] Result<CommitOutput> commit(const CommitOptions& options);
  bool has_pending_commit() const { return pending_ != nullptr; }
  [[nodiscard]] Result<void> merge_pending_commit();
  void discard_pending_commit();

  // protect encrypts application data as a PrivateMessage.
  [[nodiscard]] Result<MlsMessage> protect(ByteView data, ByteView authenticated_data = {});

  // handle processes one received MLSMessage of this group: a proposal
  // (PublicMessage from a member or an external sender), a commit
  // (PublicMessage from a member; this member's own staged commit is merged)
  // or application data (PrivateMessage). Application data of the previous
  // epoch is still opened until the next epoch change or
  // forget_previous_epoch() (messages in flight while a commit lands);
  // everything else of another epoch is kWrongEpoch. On any error the Group
  // is unchanged.
  // implements: REQ-MLS-305, REQ-MLS-306
  [[nodiscard]] Result<Received> handle(const MlsMessage& message);

  // forget_previous_epoch deletes the previous epoch's application keys
  // now (the application calls it once in-flight messages had time to
  // arrive); they are deleted at the next epoch change anyway.
  // implements: REQ-MLS-309
  void forget_previous_epoch();
  bool holds_previous_epoch() const { return previous_ != nullptr; }

 private:
  struct CachedProposal {
    Proposal proposal;
    Sender sender;
  };
  struct ResolvedCommit;
  struct NextEpoch;
  // PreviousEpoch is what opening the previous epoch's application data
  // needs: its context, tree (senders and their keys) and message keys.
  struct PreviousEpoch {
    GroupContext context;
    PublicTree tree;
    SecretBytes sender_data_secret;
    SecretTree secret_tree;
  };

  Group(CipherSuite suite, GroupContext context, PublicTree tree, TreePrivateState priv,
        EpochSecrets secrets, SecretTree secret_tree, SecretBytes signature_priv,
        GroupOptions options);

  std::optional<uint64_t> now() const;
  Result<void> check_active() const;
  [[nodiscard]] Result<Bytes> signature_key_of(const FramedContent& content) const;
  [[nodiscard]] Result<void> check_proposal(const Proposal& p, const Sender& sender) const;
  [[nodiscard]] Result<ResolvedCommit> resolve_commit(const Commit& commit, LeafIndex committer,
                                                      const LeafNode* path_leaf, bool own) const;
  [[nodiscard]] Result<SecretBytes> resolve_psk(const PreSharedKeyId& id) const;
  [[nodiscard]] Result<SecretBytes> psk_secret_of(const std::vector<PreSharedKeyId>& ids) const;
  [[nodiscard]] Result<NextEpoch> finish_epoch(const ResolvedCommit& resolved, PublicTree tree,
                                               TreePrivateState priv,
                                               const SecretBytes& commit_secret,
                                               const AuthenticatedContent& commit) const;
  [[nodiscard]] Result<Received> handle_public(const PublicMessage& m);
  [[nodiscard]] Result<Received> handle_private(const PrivateMessage& m);
  [[nodiscard]] Result<Received> process_commit(const AuthenticatedContent& commit);
  void become_removed();
  // install replaces this state with `next`, keeping this epoch's
  // application keys as `next`'s previous epoch.
  void install(Group&& next);

  CipherSuite suite_;
  GroupContext context_;
  PublicTree tree_;
  TreePrivateState priv_;
  LeafIndex own_;
  EpochSecrets secrets_;
  std::optional<SecretTree> secret_tree_;  // empty once removed
  Bytes interim_transcript_hash_;
  SecretBytes signature_priv_;
  GroupOptions options_;
  bool active_ = true;
  // Proposals received (or sent) in this epoch, by ProposalRef.
  std::map<Bytes, CachedProposal, ByteOrder> proposals_;
  // resumption_psk of recent epochs (newest last), for resumption PSKs.
  std::deque<std::pair<uint64_t, SecretBytes>> resumption_psks_;
  // The staged next epoch of this member's own commit, and that commit's
  // encoding to recognise it when the server relays it back.
  std::unique_ptr<Group> pending_;
  Bytes pending_commit_;
  // The previous epoch's application keys (REQ-MLS-309), or null.
  std::unique_ptr<PreviousEpoch> previous_;
};

}  // namespace conclave::mls
