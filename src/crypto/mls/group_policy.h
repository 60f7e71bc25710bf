// The application policy hook of the group state machine.
//
// RFC 9420 leaves to the application which members may propose or commit
// what (§12.1, §12.2 "according to the application"). Conclave puts that
// decision in the group state itself (the roles extension of the
// GroupContext) and has every member run the same check on every proposal it
// accepts and on every commit it creates or processes, so that a server
// relaying a forbidden commit achieves nothing: each member rejects it
// (spec/04-group-keys-mls.md#roles-and-policy).
//
// The group layer calls the hook after all RFC 9420 checks have passed and
// before anything changes; an error from the hook rejects the proposal or
// commit exactly like an RFC violation, and the group state stays as it was.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "core/result.h"
#include "crypto/mls/extension.h"
#include "crypto/mls/framing.h"
#include "crypto/mls/group_info.h"
#include "crypto/mls/proposal.h"
#include "crypto/mls/ratchet_tree.h"

namespace conclave::mls {

// SenderedProposal is one proposal with the sender that authorised it: the
// member or external sender that signed the Proposal message for a proposal
// by reference, the committer for an inline proposal.
struct SenderedProposal {
  const Proposal* proposal = nullptr;
  Sender sender;
};

// PolicyCheck is what the hook is shown. Every pointer is a borrow valid for
// the duration of the call.
struct PolicyCheck {
  // The current epoch's GroupContext and tree (before any change).
  const GroupContext* context = nullptr;
  const PublicTree* tree = nullptr;
  // For a single proposal being accepted into the cache: that proposal
  // only, and `committer` is unset. For a commit: every proposal it covers,
  // in the order they are applied, and the committing member.
  std::span<const SenderedProposal> proposals;
  std::optional<LeafIndex> committer;
  // For a commit: the GroupContext extensions after its proposals are
  // applied (equal to context->extensions unless a GroupContextExtensions
  // proposal is among them). For a single proposal: context->extensions
  // (the proposal itself shows what it would change).
  const std::vector<Extension>* next_extensions = nullptr;
  // For a commit with a path: the committer's new leaf (not yet verified;
  // a commit whose leaf does not verify is refused later anyway). Null
  // otherwise.
  const LeafNode* committer_leaf = nullptr;
};

// GroupPolicy decides; an error (kPolicyViolation) rejects.
using GroupPolicy = std::function<Result<void>(const PolicyCheck& check)>;

// allow_all is the policy of a plain RFC 9420 group (interop tests, the
// official vectors): every proposal and commit that is valid per the RFC is
// accepted.
inline Result<void> allow_all(const PolicyCheck&) { return {}; }

}  // namespace conclave::mls
