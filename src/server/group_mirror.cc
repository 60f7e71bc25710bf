#include "server/group_mirror.h"

#include <algorithm>
#include <utility>

#include "crypto/mls/external_senders.h"
#include "crypto/mls/message_protection.h"
#include "crypto/mls/mls_message.h"

namespace conclave::server {
namespace {

std::string text_of(const Bytes& b) { return std::string(b.begin(), b.end()); }

}  // namespace

GroupMirror::GroupMirror(mls::CipherSuite suite, Bytes group_id)
    : suite_(suite), group_id_(std::move(group_id)) {}

Result<GroupMirror> GroupMirror::create(const mls::CipherSuite& suite, Bytes group_id,
                                        const mls::KeyPackage& host, uint8_t group_flags) {
  if (host.cipher_suite != suite.wire_value()) {
    return Error(Err::kInvalidValue, "host KeyPackage of another cipher suite");
  }
  GroupMirror m(suite, std::move(group_id));
  m.leaves_.push_back(
      MirrorMember{host.leaf_node.signature_key, text_of(host.leaf_node.credential.identity)});
  CONCLAVE_TRY_ASSIGN(mls::Extension roles,
                      mls::initial_roles(host.leaf_node.signature_key, group_flags));
  CONCLAVE_TRY_ASSIGN(m.roles_, mls::roles_of({roles}));
  return m;
}

bool GroupMirror::occupied(uint32_t leaf) const {
  return leaf < leaves_.size() && leaves_[leaf].has_value();
}

bool GroupMirror::is_moderator(uint32_t leaf) const {
  return occupied(leaf) && mls::is_moderator(roles_, leaves_[leaf]->signature_key);
}

bool GroupMirror::may_speak(uint32_t leaf) const {
  return occupied(leaf) && mls::speaking_allowed(roles_, leaves_[leaf]->signature_key);
}

Result<Inspected> GroupMirror::inspect(ByteView message) const {
  CONCLAVE_TRY_ASSIGN(mls::MlsMessage m, mls::decode_mls_message(message));
  Inspected out;
  out.wire_format = m.wire_format();
  if (const auto* pm = std::get_if<mls::PrivateMessage>(&m.body)) {
    if (pm->group_id != group_id_) {
      return Error(Err::kProtocol, "message of another group");
    }
    // Handshake messages travel only as PublicMessage (REQ-MLS-405), so
    // the server can read every membership change it orders.
    if (pm->content_type != mls::ContentType::kApplication) {
      return Error(Err::kUnsupported, "handshake message as PrivateMessage");
    }
    out.epoch = pm->epoch;
    out.content_type = pm->content_type;
    return out;
  }
  const auto* pub = std::get_if<mls::PublicMessage>(&m.body);
  if (pub == nullptr) {
    return Error(Err::kUnsupported, "only PublicMessage and PrivateMessage are relayed");
  }
  const mls::FramedContent& c = pub->content;
  if (c.group_id != group_id_) {
    return Error(Err::kProtocol, "message of another group");
  }
  if (c.sender.sender_type != mls::SenderType::kMember) {
    return Error(Err::kUnsupported, "only members send proposals and commits");
  }
  out.epoch = c.epoch;
  out.content_type = c.content_type();
  out.sender = c.sender;
  if (const auto* p = std::get_if<mls::Proposal>(&c.content)) {
    out.proposal = *p;
    mls::AuthenticatedContent a{mls::WireFormat::kPublicMessage, c, pub->auth};
    CONCLAVE_TRY_ASSIGN(out.proposal_ref, mls::proposal_ref(suite_, a));
    return out;
  }
  const auto* commit = std::get_if<mls::Commit>(&c.content);
  if (commit == nullptr) {
    return Error(Err::kProtocol, "application data in a PublicMessage");
  }
  CommitView view;
  view.committer = c.sender.index;
  for (const mls::ProposalOrRef& por : commit->proposals) {
    const mls::Proposal* p = std::get_if<mls::Proposal>(&por.value);
    if (p == nullptr) {
      const Bytes& ref = std::get<Bytes>(por.value);
      auto it = std::find_if(recorded_.begin(), recorded_.end(),
                             [&](const Recorded& r) { return r.ref == ref; });
      if (it == recorded_.end()) {
        return Error(Err::kProtocol, "commit references a proposal the server did not relay");
      }
      view.referenced.push_back(ref);
      p = &it->proposal;
    }
    if (const auto* add = std::get_if<mls::Add>(&p->body)) {
      view.adds.push_back(add->key_package);
    } else if (const auto* rm = std::get_if<mls::Remove>(&p->body)) {
      view.removes.push_back(rm->removed);
      view.inline_removes = view.inline_removes || std::holds_alternative<mls::Proposal>(por.value);
    } else if (const auto* gce = std::get_if<mls::GroupContextExtensions>(&p->body)) {
      view.extensions = gce->extensions;
    } else {
      view.other_proposals = true;
    }
  }
  out.commit = std::move(view);
  return out;
}

void GroupMirror::record(const Inspected& proposal) {
  if (proposal.proposal.has_value()) {
    recorded_.push_back(Recorded{proposal.proposal_ref, *proposal.proposal});
  }
}

Result<Bytes> GroupMirror::external_remove(uint32_t leaf, const SecretBytes& signature_priv) {
  if (!occupied(leaf)) {
    return Error(Err::kInvalidArgument, "external Remove of a free leaf");
  }
  mls::FramedContent content;
  content.group_id = group_id_;
  content.epoch = epoch_;
  content.sender = mls::Sender{mls::SenderType::kExternal, 0};
  content.content = mls::Proposal{mls::Remove{leaf}};
  // An external sender's signature does not cover the GroupContext (RFC
  // 9420 §6.1), so group id, epoch and suite are all the server needs.
  mls::GroupContext context;
  context.cipher_suite = suite_.wire_value();
  context.group_id = group_id_;
  context.epoch = epoch_;
  CONCLAVE_TRY_ASSIGN(mls::PublicMessage pm,
                      mls::protect_public_message(suite_, context, SecretBytes(suite_.nh()),
                                                  signature_priv, content, {}));
  mls::AuthenticatedContent a{mls::WireFormat::kPublicMessage, pm.content, pm.auth};
  CONCLAVE_TRY_ASSIGN(Bytes ref, mls::proposal_ref(suite_, a));
  CONCLAVE_TRY_ASSIGN(Bytes wire, mls::encode_mls_message(mls::MlsMessage{pm}));
  recorded_.push_back(Recorded{ref, mls::Proposal{mls::Remove{leaf}}});
  pending_removes_.push_back(std::move(ref));
  return wire;
}

// implements: REQ-SIG-042
Result<std::vector<uint32_t>> GroupMirror::apply(const CommitView& commit) {
  // Computed on a copy, installed last: a refused commit changes nothing.
  std::vector<std::optional<MirrorMember>> leaves = leaves_;
  for (uint32_t leaf : commit.removes) {
    if (leaf >= leaves.size() || !leaves[leaf].has_value()) {
      return Error(Err::kProtocol, "commit removes a free leaf");
    }
    leaves[leaf].reset();
  }
  std::vector<uint32_t> added;
  for (const mls::KeyPackage& kp : commit.adds) {
    const Bytes& key = kp.leaf_node.signature_key;
    bool duplicate = std::any_of(leaves.begin(), leaves.end(), [&](const auto& l) {
      return l.has_value() && l->signature_key == key;
    });
    if (duplicate) {
      return Error(Err::kProtocol, "commit adds a signature key already in the group");
    }
    auto free = std::find_if(leaves.begin(), leaves.end(), [](const auto& l) { return !l; });
    MirrorMember member{key, text_of(kp.leaf_node.credential.identity)};
    if (free == leaves.end()) {
      added.push_back(static_cast<uint32_t>(leaves.size()));
      leaves.push_back(std::move(member));
    } else {
      added.push_back(static_cast<uint32_t>(free - leaves.begin()));
      *free = std::move(member);
    }
  }
  mls::ConclaveRoles roles = roles_;
  if (commit.extensions.has_value()) {
    CONCLAVE_TRY_ASSIGN(roles, mls::roles_of(*commit.extensions));
  }
  leaves_ = std::move(leaves);
  roles_ = std::move(roles);
  epoch_ += 1;
  recorded_.clear();
  pending_removes_.clear();
  return added;
}

}  // namespace conclave::server
