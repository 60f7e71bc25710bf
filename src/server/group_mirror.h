// What the server knows of a meeting's MLS group without holding any of its
// secrets (spec/06-signaling-lobby.md, "Who is a moderator" and "Commit
// ordering"): the epoch, which leaf holds which member, the roles extension,
// and the proposals of the current epoch that a commit may reference.
//
// Everything here is read from public framing: PublicMessage proposals and
// commits carry their content in clear, and a PrivateMessage shows its group
// and epoch. The mirror decides whom the server tells and which decisions it
// accepts; it grants nothing. Members check every commit themselves (chapter
// 04), so a mirror that is wrong stalls a meeting and cannot admit anyone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/extension.h"
#include "crypto/mls/framing.h"
#include "crypto/mls/key_package.h"
#include "crypto/mls/roles.h"

namespace conclave::server {

// MirrorMember is one occupied leaf.
struct MirrorMember {
  Bytes signature_key;
  std::string identity;  // the credential's identity, as UTF-8 text
};

// CommitView is what a commit changes, with references resolved against the
// proposals recorded in its epoch.
struct CommitView {
  uint32_t committer = 0;
  std::vector<Bytes> referenced;                          // ProposalRefs, in commit order
  std::vector<mls::KeyPackage> adds;                      // every Add, in commit order
  std::vector<uint32_t> removes;                          // every removed leaf, in commit order
  bool inline_removes = false;                            // some Remove is carried inline
  std::optional<std::vector<mls::Extension>> extensions;  // a GroupContextExtensions
  bool other_proposals = false;                           // Update, PSK, ReInit or ExternalInit
};

// Inspected is the public view of one MLSMessage of the group.
struct Inspected {
  mls::WireFormat wire_format = mls::WireFormat::kPublicMessage;
  uint64_t epoch = 0;
  mls::ContentType content_type = mls::ContentType::kApplication;
  mls::Sender sender;  // PublicMessage only (a PrivateMessage hides it)
  std::optional<mls::Proposal> proposal;
  Bytes proposal_ref;  // of `proposal`
  std::optional<CommitView> commit;
};

// GroupMirror follows one group from its creation by the host.
// implements: REQ-SIG-042
class GroupMirror {
 public:
  // create is the group as the host creates it (spec/06 "Sessions"): epoch
  // 0, the host in leaf 0, the server as external sender 0 and the initial
  // roles (host moderator with the floor, `group_flags` the profile's gates
  // as SessionInfo announced them). `host` must be a KeyPackage of `suite`
  // (kInvalidValue otherwise).
  [[nodiscard]] static Result<GroupMirror> create(const mls::CipherSuite& suite, Bytes group_id,
                                                  const mls::KeyPackage& host,
                                                  uint8_t group_flags = 0);

  uint64_t epoch() const { return epoch_; }
  const Bytes& group_id() const { return group_id_; }
  const mls::ConclaveRoles& roles() const { return roles_; }
  const std::vector<std::optional<MirrorMember>>& leaves() const { return leaves_; }
  bool occupied(uint32_t leaf) const;
  bool is_moderator(uint32_t leaf) const;
  bool may_speak(uint32_t leaf) const;

  // inspect reads `message` (an encoded MLSMessage) as a message of this
  // group: a PublicMessage proposal or commit from a member, or a
  // PrivateMessage. Another group (kProtocol), another wire format
  // (kUnsupported), a malformed message (decode errors) and a commit that
  // references a proposal not recorded in its epoch (kProtocol) are refused.
  // The epoch is reported, not checked: ordering is the caller's decision.
  [[nodiscard]] Result<Inspected> inspect(ByteView message) const;

  // record keeps a relayed proposal of the current epoch so that a commit
  // may reference it.
  void record(const Inspected& proposal);

  // external_remove is the server's Remove proposal for `leaf`, signed as
  // external sender 0 with `signature_priv`, as an encoded MLSMessage; it is
  // recorded and pending until a commit includes it.
  [[nodiscard]] Result<Bytes> external_remove(uint32_t leaf, const SecretBytes& signature_priv);
  const std::vector<Bytes>& pending_removes() const { return pending_removes_; }

  // apply installs a commit that won the current epoch: members removed,
  // then added (leftmost free leaf first, RFC 9420 §12.1.1), the roles of a
  // GroupContextExtensions proposal, and epoch + 1. It returns the leaf of
  // each added KeyPackage, in `commit.adds` order. A commit that removes a
  // free leaf or adds a signature key twice is kProtocol, and nothing
  // changes.
  [[nodiscard]] Result<std::vector<uint32_t>> apply(const CommitView& commit);

 private:
  GroupMirror(mls::CipherSuite suite, Bytes group_id);

  struct Recorded {
    Bytes ref;
    mls::Proposal proposal;
  };

  mls::CipherSuite suite_;
  Bytes group_id_;
  uint64_t epoch_ = 0;
  std::vector<std::optional<MirrorMember>> leaves_;
  mls::ConclaveRoles roles_;
  std::vector<Recorded> recorded_;
  std::vector<Bytes> pending_removes_;
};

}  // namespace conclave::server
