#include "crypto/mls/group.h"

#include <algorithm>
#include <ctime>
#include <set>
#include <utility>

#include "crypto/hpke/dhkem.h"
#include "crypto/mls/codec_util.h"
#include "crypto/mls/external_senders.h"
#include "crypto/mls/psk.h"
#include "crypto/mls/transcript_hash.h"

namespace conclave::mls {

namespace {

// The extension types every implementation supports, which leaves do not
// list in their capabilities (RFC 9420 §7.2).
constexpr uint16_t kLastDefaultExtension = 0x0005;

bool contains_u16(const std::vector<uint16_t>& list, uint16_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// now_of is the options' clock, or the system clock when none is set.
std::optional<uint64_t> now_of(const GroupOptions& options) {
  if (options.now) {
    return options.now();
  }
  const std::time_t t = std::time(nullptr);
  if (t < 0) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(t);
}

// member_signature_key is the signature key of member sender `sender` in
// `tree` (RFC 9420 §6.1), for the current and the previous epoch alike.
Result<Bytes> member_signature_key(const PublicTree& tree, const Sender& sender) {
  const LeafNode* leaf = tree.leaf(LeafIndex(sender.index));
  if (sender.sender_type != SenderType::kMember || leaf == nullptr) {
    return Error(Err::kProtocol, "sender is not a member of the group");
  }
  return leaf->signature_key;
}

// supports_extensions checks that `leaf` can process every GroupContext
// extension in `extensions` (RFC 9420 §12.1.7) and meets its
// required_capabilities (§11.1).
Result<void> supports_extensions(const LeafNode& leaf, const std::vector<Extension>& extensions) {
  for (const Extension& e : extensions) {
    if (e.extension_type > kLastDefaultExtension &&
        !contains_u16(leaf.capabilities.extensions, e.extension_type)) {
      return Error(Err::kInvalidValue, "a member does not support a GroupContext extension");
    }
  }
  return check_required_capabilities(leaf, extensions);
}

Result<Bytes> encode_psk_id(const PreSharedKeyId& id) {
  return detail::encode_value(id, write_pre_shared_key_id);
}

}  // namespace

// ---------------------------------------------------------------------------
// KeyPackages

// implements: REQ-MLS-302
Result<KeyPackageBundle> create_key_package(const CipherSuite& suite, const Credential& credential,
                                            const SecretBytes& signature_priv,
                                            ByteView signature_pub,
                                            const KeyPackageOptions& options) {
  const crypto::hpke::KemId kem = suite.hpke_suite().kem;
  CONCLAVE_TRY_ASSIGN(const crypto::hpke::KeyPair init, crypto::hpke::generate_key_pair(kem));
  CONCLAVE_TRY_ASSIGN(const crypto::hpke::KeyPair leaf_key, crypto::hpke::generate_key_pair(kem));

  LeafNode leaf;
  leaf.encryption_key = crypto::hpke::serialize_public_key(leaf_key.public_key());
  leaf.signature_key = to_bytes(signature_pub);
  leaf.credential = credential;
  leaf.capabilities.versions = {detail::kMls10};
  leaf.capabilities.cipher_suites = {suite.wire_value()};
  leaf.capabilities.extensions = options.extra_extensions;
  leaf.capabilities.credentials = {static_cast<uint16_t>(CredentialType::kBasic),
                                   static_cast<uint16_t>(CredentialType::kX509)};
  leaf.leaf_node_source = LeafNodeSource::kKeyPackage;
  leaf.lifetime = options.lifetime;
  CONCLAVE_TRY_ASSIGN(leaf.signature, sign_leaf_node(suite, signature_priv, leaf, std::nullopt));

  KeyPackage kp;
  kp.cipher_suite = suite.wire_value();
  kp.init_key = crypto::hpke::serialize_public_key(init.public_key());
  kp.leaf_node = std::move(leaf);
  CONCLAVE_TRY_ASSIGN(kp.signature, sign_key_package(signature_priv, kp));
  // Our own signature must verify: a signature_pub that does not match
  // signature_priv would give a KeyPackage every group refuses.
  CONCLAVE_TRY(validate_key_package(suite, kp, std::nullopt));

  return KeyPackageBundle{std::move(kp), crypto::hpke::serialize_private_key(init),
                          crypto::hpke::serialize_private_key(leaf_key), signature_priv.clone()};
}

// implements: REQ-MLS-302
Result<void> validate_key_package(const CipherSuite& suite, const KeyPackage& kp,
                                  std::optional<uint64_t> now) {
  //= RFC 9420 §10.1
  //# Verify that the cipher suite and protocol version of the KeyPackage
  //# match those in the GroupContext.
  if (kp.cipher_suite != suite.wire_value()) {
    return Error(Err::kProtocol, "KeyPackage: cipher suite differs from the group's");
  }
  //= RFC 9420 §10.1
  //# Verify that the signature on the KeyPackage is valid using the public
  //# key in leaf_node.credential.
  CONCLAVE_TRY(verify_key_package_signature(kp));
  //= RFC 9420 §10.1
  //# Verify that the leaf_node of the KeyPackage is valid for a KeyPackage
  //# according to Section 7.3.
  if (kp.leaf_node.leaf_node_source != LeafNodeSource::kKeyPackage) {
    return Error(Err::kInvalidValue, "KeyPackage: leaf node source is not key_package");
  }
  CONCLAVE_TRY(verify_leaf_node_signature(suite, kp.leaf_node, std::nullopt));
  if (now.has_value() &&
      (*now < kp.leaf_node.lifetime.not_before || *now > kp.leaf_node.lifetime.not_after)) {
    return Error(Err::kInvalidValue, "KeyPackage: outside its lifetime");
  }
  //= RFC 9420 §10.1
  //# Verify that the value of leaf_node.encryption_key is different from
  //# the value of the init_key field.
  if (equal(kp.init_key, kp.leaf_node.encryption_key)) {
    return Error(Err::kInvalidValue, "KeyPackage: init_key equals the leaf encryption_key");
  }
  if (!contains_u16(kp.leaf_node.capabilities.cipher_suites, suite.wire_value()) ||
      !contains_u16(kp.leaf_node.capabilities.versions, detail::kMls10)) {
    return Error(Err::kInvalidValue, "KeyPackage: capabilities lack the group's suite or mls10");
  }
  return {};
}

// ---------------------------------------------------------------------------
// Group: construction

// ResolvedCommit is a commit's proposal list checked and applied to a copy
// of the tree: everything but the path and the key schedule.
struct Group::ResolvedCommit {
  std::vector<CachedProposal> proposals;  // in the commit's order
  PublicTree tree;                        // after the proposals
  std::vector<Extension> extensions;      // the next GroupContext's
  std::vector<LeafIndex> added;           // leaves of the Adds, in order
  std::vector<KeyPackage> added_key_packages;
  std::vector<PreSharedKeyId> psks;  // in the commit's order
  bool path_required = false;
  bool removes_self = false;
};

// NextEpoch is a finished commit: the next Group and the values a
// committer needs for its PublicMessage and Welcome.
struct Group::NextEpoch {
  std::unique_ptr<Group> group;
  SecretBytes joiner_secret;
  SecretBytes psk_secret;
  Bytes confirmation_tag;
};

Group::Group(CipherSuite suite, GroupContext context, PublicTree tree, TreePrivateState priv,
             EpochSecrets secrets, SecretTree secret_tree, SecretBytes signature_priv,
             GroupOptions options)
    : suite_(suite),
      context_(std::move(context)),
      tree_(std::move(tree)),
      priv_(std::move(priv)),
      own_(priv_.own_leaf()),
      secrets_(std::move(secrets)),
      secret_tree_(std::move(secret_tree)),
      signature_priv_(std::move(signature_priv)),
      options_(std::move(options)) {}

Group::Group(Group&&) noexcept = default;
Group& Group::operator=(Group&&) noexcept = default;
Group::~Group() = default;

std::optional<uint64_t> Group::now() const { return now_of(options_); }

Result<void> Group::check_active() const {
  if (!active_) {
    return Error(Err::kUnexpectedMessage, "this member was removed from the group");
  }
  return {};
}

// implements: REQ-MLS-300
Result<Group> Group::create(const CipherSuite& suite, ByteView group_id,
                            const KeyPackageBundle& own, std::vector<Extension> extensions,
                            GroupOptions options) {
  CONCLAVE_REQUIRE(!group_id.empty(), Err::kInvalidArgument);
  const std::optional<uint64_t> now = now_of(options);
  CONCLAVE_TRY(validate_key_package(suite, own.key_package, now));
  CONCLAVE_TRY(supports_extensions(own.key_package.leaf_node, extensions));

  //= RFC 9420 §11
  //# Ratchet tree: A tree with a single node, a leaf node containing an HPKE
  //# public key and credential for the creator
  PublicTree tree = PublicTree::with_single_leaf(suite, own.key_package.leaf_node);
  GroupContext context;
  context.cipher_suite = suite.wire_value();
  context.group_id = to_bytes(group_id);
  context.epoch = 0;
  CONCLAVE_TRY_ASSIGN(context.tree_hash, tree.tree_hash());
  context.extensions = std::move(extensions);
  CONCLAVE_TRY_ASSIGN(TreePrivateState priv,
                      TreePrivateState::create(tree, LeafIndex(0), own.encryption_priv));
  //= RFC 9420 §11
  //# Epoch secret: A fresh random value of size `KDF.Nh`
  CONCLAVE_TRY_ASSIGN(EpochSecrets secrets, initial_epoch(suite));
  //= RFC 9420 §11
  //# Compute a `confirmation_tag` over the empty `confirmed_transcript_hash`
  //# using the `confirmation_key`
  CONCLAVE_TRY_ASSIGN(const Bytes tag, confirmation_tag(suite, secrets.confirmation_key, {}));
  CONCLAVE_TRY_ASSIGN(Bytes interim, next_interim_transcript_hash(suite, {}, tag));
  CONCLAVE_TRY_ASSIGN(SecretTree secret_tree,
                      SecretTree::create(suite, tree.size(), secrets.encryption_secret.clone()));

  Group g(suite, std::move(context), std::move(tree), std::move(priv), std::move(secrets),
          std::move(secret_tree), own.signature_priv.clone(), std::move(options));
  g.interim_transcript_hash_ = std::move(interim);
  return g;
}

// implements: REQ-MLS-307
Result<Group> Group::join(const Welcome& welcome, const KeyPackageBundle& own,
                          const std::optional<RatchetTree>& tree_in, GroupOptions options) {
  const KeyPackage& kp = own.key_package;
  CONCLAVE_TRY_ASSIGN(const CipherSuite suite, CipherSuite::from_wire(kp.cipher_suite));
  CONCLAVE_TRY_ASSIGN(const crypto::hpke::KeyPair init_key, suite.hpke_private_key(own.init_priv));
  PskResolver resolve = [&options](const PreSharedKeyId& id) -> Result<SecretBytes> {
    // A joiner has no earlier epoch of the group: only external PSKs.
    if (id.psktype != PskType::kExternal || !options.external_psks) {
      return Error(Err::kProtocol, "Welcome names a PSK this member does not hold");
    }
    return options.external_psks(id);
  };
  CONCLAVE_TRY_ASSIGN(UnverifiedWelcome opened, open_welcome(welcome, kp, init_key, resolve));

  //= RFC 9420 §12.4.3.1
  //# If the sender of the Welcome provided a ratchet tree [...] the new
  //# member MUST use the tree provided in the ratchet_tree extension
  RatchetTree nodes;
  if (tree_in.has_value()) {
    nodes = *tree_in;
  } else {
    const Extension* ext = find_extension(opened.unverified_extensions(), kExtRatchetTree);
    if (ext == nullptr) {
      return Error(Err::kProtocol, "Welcome: no ratchet tree given and none in the GroupInfo");
    }
    CONCLAVE_TRY_ASSIGN(nodes, decode_ratchet_tree(ext->extension_data));
  }
  CONCLAVE_TRY_ASSIGN(PublicTree tree, PublicTree::from_nodes(suite, std::move(nodes)));

  //= RFC 9420 §12.4.3.1
  //# Verify the signature on the GroupInfo object. The signature input
  //# comprises all of the fields in the GroupInfo object except the
  //# signature field. The public key is taken from the LeafNode of the
  //# ratchet tree with leaf index signer.
  const LeafNode* signer = tree.leaf(LeafIndex(opened.signer()));
  if (signer == nullptr) {
    return Error(Err::kProtocol, "Welcome: GroupInfo signer is not a member");
  }
  const Bytes signer_key = signer->signature_key;
  const uint32_t signer_index = opened.signer();
  CONCLAVE_TRY_ASSIGN(WelcomeJoin joined, std::move(opened).verify(signer_key));
  GroupContext context = std::move(joined.group_info.group_context);

  //= RFC 9420 §12.4.3.1
  //# Verify the integrity of the ratchet tree.
  const std::optional<uint64_t> now = now_of(options);
  LeafValidationParams params{context.group_id, &context.extensions, now};
  CONCLAVE_TRY(tree.validate(context.tree_hash, params));

  //= RFC 9420 §12.4.3.1
  //# Identify a leaf in the tree array (any even-numbered node) whose
  //# leaf_node field is identical to the leaf_node field of the KeyPackage.
  const std::optional<LeafIndex> own_leaf =
      tree.find_leaf_by_encryption_key(kp.leaf_node.encryption_key);
  if (!own_leaf.has_value()) {
    return Error(Err::kProtocol, "Welcome: the tree does not hold this member's leaf");
  }
  CONCLAVE_TRY_ASSIGN(const Bytes want, encode_leaf_node(kp.leaf_node));
  CONCLAVE_TRY_ASSIGN(const Bytes have, encode_leaf_node(*tree.leaf(*own_leaf)));
  if (!equal(want, have)) {
    return Error(Err::kProtocol, "Welcome: this member's leaf differs from its KeyPackage");
  }
  CONCLAVE_TRY(supports_extensions(kp.leaf_node, context.extensions));

  CONCLAVE_TRY_ASSIGN(TreePrivateState priv,
                      TreePrivateState::create(tree, *own_leaf, own.encryption_priv));
  //= RFC 9420 §12.4.3.1
  //# If the path_secret value is set in the GroupSecrets object: Identify
  //# the lowest common ancestor of the leaf node my_leaf and of the node of
  //# the member with leaf index GroupInfo.signer.
  if (joined.path_secret.has_value()) {
    CONCLAVE_TRY_ASSIGN(const NodeIndex mine, to_node(tree.size(), *own_leaf));
    CONCLAVE_TRY_ASSIGN(const NodeIndex theirs, to_node(tree.size(), LeafIndex(signer_index)));
    CONCLAVE_TRY_ASSIGN(const NodeIndex ancestor, common_ancestor(tree.size(), mine, theirs));
    CONCLAVE_TRY(priv.implant(tree, ancestor, *joined.path_secret));
  }

  //= RFC 9420 §12.4.3.1
  //# Use the confirmed transcript hash and confirmation tag to compute the
  //# interim transcript hash in the new state.
  CONCLAVE_TRY_ASSIGN(Bytes interim,
                      next_interim_transcript_hash(suite, context.confirmed_transcript_hash,
                                                   joined.group_info.confirmation_tag));
  CONCLAVE_TRY_ASSIGN(
      SecretTree secret_tree,
      SecretTree::create(suite, tree.size(), joined.epoch.encryption_secret.clone()));
  Group g(suite, std::move(context), std::move(tree), std::move(priv), std::move(joined.epoch),
          std::move(secret_tree), own.signature_priv.clone(), std::move(options));
  g.interim_transcript_hash_ = std::move(interim);
  return g;
}

std::vector<LeafIndex> Group::members() const {
  std::vector<LeafIndex> out;
  for (uint32_t i = 0; i < tree_.size().leaf_count(); ++i) {
    if (tree_.leaf(LeafIndex(i)) != nullptr) {
      out.emplace_back(i);
    }
  }
  return out;
}

// implements: REQ-MLS-109
Result<SecretBytes> Group::export_secret(std::string_view label, ByteView context,
                                         size_t length) const {
  CONCLAVE_TRY(check_active());
  return mls_exporter(suite_, secrets_.exporter_secret, label, context, length);
}

// ---------------------------------------------------------------------------
// Senders and proposals

// signature_key_of is the key that must have signed `content` (RFC 9420
// §6.1): a member's leaf signature_key, or the external_senders entry.
Result<Bytes> Group::signature_key_of(const FramedContent& content) const {
  switch (content.sender.sender_type) {
    case SenderType::kMember:
      return member_signature_key(tree_, content.sender);
    case SenderType::kExternal: {
      //= RFC 9420 §12.1.8.1
      //# the signature_key field of the ExternalSender at index sender_index
      //# in the external_senders extension
      const Extension* ext = find_extension(context_.extensions, kExtExternalSenders);
      if (ext == nullptr) {
        return Error(Err::kProtocol, "external sender but the group has no external_senders");
      }
      CONCLAVE_TRY_ASSIGN(const std::vector<ExternalSender> senders,
                          decode_external_senders(ext->extension_data));
      if (content.sender.index >= senders.size()) {
        return Error(Err::kProtocol, "external sender index outside external_senders");
      }
      return senders[content.sender.index].signature_key;
    }
    case SenderType::kNewMemberProposal:
    case SenderType::kNewMemberCommit:
      break;
  }
  // Conclave admits members only through a member's Add (spec/04 #group).
  return Error(Err::kUnsupported, "new-member senders are not accepted");
}

// check_proposal is RFC 9420 §12.1 for one proposal from `sender` against
// the current epoch (list-level rules are in resolve_commit).
// implements: REQ-MLS-308
Result<void> Group::check_proposal(const Proposal& p, const Sender& sender) const {
  const bool member = sender.sender_type == SenderType::kMember;
  switch (p.proposal_type()) {
    case ProposalType::kAdd: {
      const KeyPackage& kp = std::get<Add>(p.body).key_package;
      CONCLAVE_TRY(validate_key_package(suite_, kp, now()));
      PublicTree t = tree_;
      CONCLAVE_TRY_ASSIGN(const LeafIndex at, t.add_leaf(kp.leaf_node));
      return t.validate_leaf(at,
                             LeafValidationParams{context_.group_id, &context_.extensions, now()});
    }
    case ProposalType::kUpdate: {
      //= RFC 9420 §12.1.2
      //# An Update proposal MUST be sent by a member
      if (!member) {
        return Error(Err::kProtocol, "Update proposal from a non-member");
      }
      const LeafNode& leaf = std::get<Update>(p.body).leaf_node;
      if (leaf.leaf_node_source != LeafNodeSource::kUpdate) {
        return Error(Err::kInvalidValue, "Update proposal: leaf node source is not update");
      }
      const LeafIndex at(sender.index);
      const LeafNode* old = tree_.leaf(at);
      if (old == nullptr) {
        return Error(Err::kProtocol, "Update proposal: sender is not a member");
      }
      //= RFC 9420 §12.1.2
      //# Verify that the encryption_key value in the LeafNode is different from
      //# the committer's current leaf node.
      if (equal(old->encryption_key, leaf.encryption_key)) {
        return Error(Err::kInvalidValue, "Update proposal: encryption key not changed");
      }
      PublicTree t = tree_;
      CONCLAVE_TRY(t.update_leaf(at, leaf));
      return t.validate_leaf(at,
                             LeafValidationParams{context_.group_id, &context_.extensions, now()});
    }
    case ProposalType::kRemove: {
      //= RFC 9420 §12.1.3
      //# A Remove proposal is invalid if the removed field does not identify a
      //# non-blank leaf node.
      if (tree_.leaf(LeafIndex(std::get<Remove>(p.body).removed)) == nullptr) {
        return Error(Err::kProtocol, "Remove proposal: no member at that leaf");
      }
      return {};
    }
    case ProposalType::kPsk: {
      const PreSharedKeyId& id = std::get<PreSharedKey>(p.body).psk;
      //= RFC 9420 §12.1.4
      //# A PreSharedKey proposal is invalid if any of the following is true:
      //# The PreSharedKey proposal is not being processed as part of a
      //# reinitialization of the group (see Section 11.2), and the
      //# PreSharedKeyID has psktype set to resumption and usage set to reinit.
      //# [...] The psk_nonce is not of length KDF.Nh.
      if (id.psktype == PskType::kResumption && id.usage != ResumptionPskUsage::kApplication) {
        return Error(Err::kProtocol, "PreSharedKey proposal: resumption usage not application");
      }
      if (id.psk_nonce.size() != suite_.nh()) {
        return Error(Err::kInvalidValue, "PreSharedKey proposal: psk_nonce is not KDF.Nh bytes");
      }
      return {};
    }
    case ProposalType::kGroupContextExtensions: {
      //= RFC 9420 §12.1.7
      //# A member of the group applies a GroupContextExtensions proposal [...]
      //# If the new extensions include a required_capabilities extension, then
      //# all members of the group MUST support the extensions and proposals.
      const auto& next = std::get<GroupContextExtensions>(p.body).extensions;
      for (const LeafIndex m : members()) {
        CONCLAVE_TRY(supports_extensions(*tree_.leaf(m), next));
      }
      if (const Extension* e = find_extension(next, kExtExternalSenders)) {
        CONCLAVE_TRY(decode_external_senders(e->extension_data));
      }
      return {};
    }
    case ProposalType::kReInit:
    case ProposalType::kExternalInit:
      break;
  }
  return Error(Err::kUnsupported, "ReInit and ExternalInit proposals are not supported");
}

// implements: REQ-MLS-305
Result<MlsMessage> Group::propose(const Proposal& proposal, ByteView authenticated_data) {
  CONCLAVE_TRY(check_active());
  if (proposal.proposal_type() == ProposalType::kUpdate) {
    return Error(Err::kUnsupported, "Update proposals are not offered: commit with a path");
  }
  const Sender self{SenderType::kMember, own_.value()};
  CONCLAVE_TRY(check_proposal(proposal, self));
  const SenderedProposal one{&proposal, self};
  CONCLAVE_TRY(options_.policy(
      PolicyCheck{&context_, &tree_, {&one, 1}, std::nullopt, &context_.extensions}));

  FramedContent content;
  content.group_id = context_.group_id;
  content.epoch = context_.epoch;
  content.sender = self;
  content.authenticated_data = to_bytes(authenticated_data);
  content.content = proposal;
  CONCLAVE_TRY_ASSIGN(PublicMessage m,
                      protect_public_message(suite_, context_, secrets_.membership_key,
                                             signature_priv_, content, {}));
  AuthenticatedContent ac{WireFormat::kPublicMessage, m.content, m.auth};
  CONCLAVE_TRY_ASSIGN(Bytes ref, proposal_ref(suite_, ac));
  proposals_[std::move(ref)] = CachedProposal{proposal, self};
  return MlsMessage{std::move(m)};
}

// ---------------------------------------------------------------------------
// Commits

// resolve_commit checks a commit's proposal list (RFC 9420 §12.2) and
// applies it (§12.3) to a copy of the tree.
// implements: REQ-MLS-303
Result<Group::ResolvedCommit> Group::resolve_commit(const Commit& commit, LeafIndex committer,
                                                    const LeafNode* path_leaf, bool own) const {
  ResolvedCommit rc{{}, tree_, context_.extensions, {}, {}, {}, false, false};
  const Sender committer_sender{SenderType::kMember, committer.value()};
  for (const ProposalOrRef& por : commit.proposals) {
    if (const Proposal* p = std::get_if<Proposal>(&por.value)) {
      // Inline proposals are the committer's and have not been checked yet.
      CONCLAVE_TRY(check_proposal(*p, committer_sender));
      rc.proposals.push_back(CachedProposal{*p, committer_sender});
      continue;
    }
    const auto it = proposals_.find(std::get<Bytes>(por.value));
    if (it == proposals_.end()) {
      return Error(Err::kProtocol, "commit references a proposal not received in this epoch");
    }
    rc.proposals.push_back(it->second);
  }

  //= RFC 9420 §12.2
  //# The Commit MUST NOT combine proposals sent within different epochs.
  // (The cache holds only this epoch's proposals.)
  std::set<uint32_t> touched;  // leaves with an Update or Remove
  std::set<Bytes, ByteOrder> psk_ids;
  bool have_gce = false;
  bool have_update = false;
  for (const CachedProposal& cp : rc.proposals) {
    switch (cp.proposal.proposal_type()) {
      case ProposalType::kUpdate:
        have_update = true;
        //= RFC 9420 §12.2
        //# It contains an Update proposal generated by the committer.
        if (cp.sender.sender_type == SenderType::kMember && cp.sender.index == committer.value()) {
          return Error(Err::kProtocol, "commit holds an Update from the committer");
        }
        if (!touched.insert(cp.sender.index).second) {
          return Error(Err::kProtocol, "commit changes one leaf twice (Update/Remove)");
        }
        rc.path_required = true;
        break;
      case ProposalType::kRemove: {
        const uint32_t removed = std::get<Remove>(cp.proposal.body).removed;
        //= RFC 9420 §12.2
        //# It contains a Remove proposal that removes the committer.
        if (removed == committer.value()) {
          return Error(Err::kProtocol, "commit removes the committer");
        }
        //= RFC 9420 §12.2
        //# It contains multiple Update and/or Remove proposals that apply to
        //# the same leaf.
        if (!touched.insert(removed).second) {
          return Error(Err::kProtocol, "commit changes one leaf twice (Update/Remove)");
        }
        rc.removes_self = rc.removes_self || removed == own_.value();
        rc.path_required = true;
        break;
      }
      case ProposalType::kPsk: {
        const PreSharedKeyId& id = std::get<PreSharedKey>(cp.proposal.body).psk;
        CONCLAVE_TRY_ASSIGN(Bytes encoded, encode_psk_id(id));
        //= RFC 9420 §12.2
        //# It contains multiple PreSharedKey proposals that reference the same
        //# PreSharedKeyID.
        if (!psk_ids.insert(std::move(encoded)).second) {
          return Error(Err::kProtocol, "commit names one PSK twice");
        }
        rc.psks.push_back(id);
        break;
      }
      case ProposalType::kGroupContextExtensions:
        //= RFC 9420 §12.2
        //# It contains multiple GroupContextExtensions proposals.
        if (have_gce) {
          return Error(Err::kProtocol, "commit holds two GroupContextExtensions proposals");
        }
        have_gce = true;
        rc.extensions = std::get<GroupContextExtensions>(cp.proposal.body).extensions;
        rc.path_required = true;
        break;
      case ProposalType::kAdd:
        break;
      case ProposalType::kReInit:
      case ProposalType::kExternalInit:
        return Error(Err::kUnsupported, "ReInit and ExternalInit proposals are not supported");
    }
  }
  //= RFC 9420 §12.4
  //# path field MUST be populated if the Commit covers at least one Update
  //# or Remove proposal [...] or if the Commit has an empty proposals list
  rc.path_required = rc.path_required || rc.proposals.empty();

  // Apply in the order of RFC 9420 §12.3: GroupContextExtensions (above),
  // Update, Remove, Add.
  for (const CachedProposal& cp : rc.proposals) {
    if (cp.proposal.proposal_type() == ProposalType::kUpdate) {
      CONCLAVE_TRY(rc.tree.update_leaf(LeafIndex(cp.sender.index),
                                       std::get<Update>(cp.proposal.body).leaf_node));
    }
  }
  for (const CachedProposal& cp : rc.proposals) {
    if (cp.proposal.proposal_type() == ProposalType::kRemove) {
      CONCLAVE_TRY(rc.tree.remove_leaf(LeafIndex(std::get<Remove>(cp.proposal.body).removed)));
    }
  }
  for (const CachedProposal& cp : rc.proposals) {
    if (cp.proposal.proposal_type() == ProposalType::kAdd) {
      const KeyPackage& kp = std::get<Add>(cp.proposal.body).key_package;
      CONCLAVE_TRY_ASSIGN(const LeafIndex at, rc.tree.add_leaf(kp.leaf_node));
      rc.added.push_back(at);
      rc.added_key_packages.push_back(kp);
    }
  }
  //= RFC 9420 §12.2
  //# It contains multiple Add proposals that contain KeyPackages that
  //# represent the same client [...] It contains an Add proposal with a
  //# KeyPackage that represents a client already in the group
  // Two members with one signature or encryption key are the same client.
  // validate_leaf below compares every added leaf with every other leaf;
  // leaves of Updates were checked on receipt, so only two Updates of this
  // commit can still collide with each other.
  if (have_update) {
    CONCLAVE_TRY(rc.tree.check_unique_keys());
  }
  const LeafValidationParams params{context_.group_id, &rc.extensions, now()};
  for (const LeafIndex at : rc.added) {
    CONCLAVE_TRY(rc.tree.validate_leaf(at, params));
  }
  if (have_gce) {
    for (uint32_t i = 0; i < rc.tree.size().leaf_count(); ++i) {
      if (const LeafNode* leaf = rc.tree.leaf(LeafIndex(i))) {
        CONCLAVE_TRY(supports_extensions(*leaf, rc.extensions));
      }
    }
  }
  if (own && rc.removes_self) {
    return Error(Err::kInvalidArgument, "a member cannot commit its own removal");
  }

  // The application's policy sees the whole list (REQ-MLS-306).
  std::vector<SenderedProposal> view;
  view.reserve(rc.proposals.size());
  for (const CachedProposal& cp : rc.proposals) {
    view.push_back(SenderedProposal{&cp.proposal, cp.sender});
  }
  CONCLAVE_TRY(
      options_.policy(PolicyCheck{&context_, &tree_, view, committer, &rc.extensions, path_leaf}));
  return rc;
}

Result<SecretBytes> Group::resolve_psk(const PreSharedKeyId& id) const {
  if (id.psktype == PskType::kExternal) {
    if (!options_.external_psks) {
      return Error(Err::kProtocol, "commit names an external PSK this member does not hold");
    }
    return options_.external_psks(id);
  }
  if (!equal(id.psk_group_id, context_.group_id)) {
    return Error(Err::kProtocol, "resumption PSK of another group");
  }
  if (id.psk_epoch == context_.epoch) {
    return secrets_.resumption_psk.clone();
  }
  for (const auto& [epoch, psk] : resumption_psks_) {
    if (epoch == id.psk_epoch) {
      return psk.clone();
    }
  }
  return Error(Err::kProtocol, "resumption PSK of an epoch this member no longer holds");
}

// implements: REQ-MLS-113
Result<SecretBytes> Group::psk_secret_of(const std::vector<PreSharedKeyId>& ids) const {
  std::vector<Bytes> encoded;
  std::vector<SecretBytes> values;
  for (const PreSharedKeyId& id : ids) {
    CONCLAVE_TRY_ASSIGN(Bytes e, encode_psk_id(id));
    CONCLAVE_TRY_ASSIGN(SecretBytes v, resolve_psk(id));
    encoded.push_back(std::move(e));
    values.push_back(std::move(v));
  }
  std::vector<PskInput> inputs;
  for (size_t i = 0; i < ids.size(); ++i) {
    inputs.push_back(PskInput{encoded[i], values[i].view()});
  }
  return compute_psk_secret(suite_, inputs);
}

// finish_epoch is RFC 9420 §12.4.2 from "construct the new GroupContext" on:
// transcript hashes, PSKs, key schedule, confirmation tag and the next
// Group. `tree` and `priv` are after the path; `commit` is the signed commit
// content (its confirmation tag is not read: it is what this computes).
// implements: REQ-MLS-304
Result<Group::NextEpoch> Group::finish_epoch(const ResolvedCommit& resolved, PublicTree tree,
                                             TreePrivateState priv,
                                             const SecretBytes& commit_secret,
                                             const AuthenticatedContent& commit) const {
  GroupContext next = context_;
  next.epoch = context_.epoch + 1;
  CONCLAVE_TRY_ASSIGN(next.tree_hash, tree.tree_hash());
  CONCLAVE_TRY_ASSIGN(next.confirmed_transcript_hash,
                      next_confirmed_transcript_hash(suite_, interim_transcript_hash_, commit));
  next.extensions = resolved.extensions;
  CONCLAVE_TRY_ASSIGN(const Bytes next_bytes, encode_group_context(next));

  CONCLAVE_TRY_ASSIGN(SecretBytes psk_secret, psk_secret_of(resolved.psks));
  CONCLAVE_TRY_ASSIGN(EpochKeys keys, advance_epoch(suite_, secrets_.init_secret, commit_secret,
                                                    psk_secret, next_bytes));
  CONCLAVE_TRY_ASSIGN(Bytes tag, confirmation_tag(suite_, keys.epoch.confirmation_key,
                                                  next.confirmed_transcript_hash));
  CONCLAVE_TRY_ASSIGN(Bytes interim,
                      next_interim_transcript_hash(suite_, next.confirmed_transcript_hash, tag));
  CONCLAVE_TRY_ASSIGN(
      SecretTree secret_tree,
      SecretTree::create(suite_, tree.size(), keys.epoch.encryption_secret.clone()));

  priv.prune(tree);
  auto g = std::unique_ptr<Group>(
      new Group(suite_, std::move(next), std::move(tree), std::move(priv), std::move(keys.epoch),
                std::move(secret_tree), signature_priv_.clone(), options_));
  g->interim_transcript_hash_ = std::move(interim);
  // Keep the resumption PSKs of recent epochs, this one's included.
  for (const auto& [epoch, psk] : resumption_psks_) {
    g->resumption_psks_.emplace_back(epoch, psk.clone());
  }
  g->resumption_psks_.emplace_back(context_.epoch, secrets_.resumption_psk.clone());
  while (g->resumption_psks_.size() > options_.resumption_psk_epochs) {
    g->resumption_psks_.pop_front();
  }
  return NextEpoch{std::move(g), std::move(keys.joiner_secret), std::move(psk_secret),
                   std::move(tag)};
}

// implements: REQ-MLS-303, REQ-MLS-304
Result<CommitOutput> Group::commit(const CommitOptions& options) {
  CONCLAVE_TRY(check_active());
  const Sender self{SenderType::kMember, own_.value()};
  Commit c;
  if (options.include_cached) {
    //= RFC 9420 §12.2
    //# If there are multiple proposals that apply to the same leaf, the
    //# committer chooses one and includes only that one in the Commit,
    //# considering the rest invalid.
    // The same for two PSK proposals naming one PSK, two
    // GroupContextExtensions proposals and two Adds of one client: the first
    // (in ProposalRef order, which every member can reproduce) is kept. A
    // proposal to remove the committer is left for another member.
    std::set<uint32_t> leaves;
    std::set<Bytes, ByteOrder> psks;
    std::set<Bytes, ByteOrder> clients;
    bool have_gce = false;
    for (const auto& [ref, cp] : proposals_) {
      bool keep = true;
      switch (cp.proposal.proposal_type()) {
        case ProposalType::kRemove: {
          const uint32_t removed = std::get<Remove>(cp.proposal.body).removed;
          keep = removed != own_.value() && leaves.insert(removed).second;
          break;
        }
        case ProposalType::kUpdate:
          keep = cp.sender.index != own_.value() && leaves.insert(cp.sender.index).second;
          break;
        case ProposalType::kPsk: {
          CONCLAVE_TRY_ASSIGN(Bytes id,
                              encode_psk_id(std::get<PreSharedKey>(cp.proposal.body).psk));
          keep = psks.insert(std::move(id)).second;
          break;
        }
        case ProposalType::kGroupContextExtensions:
          keep = !have_gce;
          have_gce = true;
          break;
        case ProposalType::kAdd:
          keep = clients.insert(std::get<Add>(cp.proposal.body).key_package.leaf_node.signature_key)
                     .second;
          break;
        case ProposalType::kReInit:
        case ProposalType::kExternalInit:
          keep = false;  // never cached (check_proposal refuses them)
          break;
      }
      if (keep) {
        c.proposals.push_back(ProposalOrRef{ref});
      }
    }
  }
  for (const Proposal& p : options.inline_proposals) {
    c.proposals.push_back(ProposalOrRef{p});
  }
  // The path leaf keeps the committer's credential and signature key.
  CONCLAVE_TRY_ASSIGN(ResolvedCommit rc, resolve_commit(c, own_, tree_.leaf(own_), /*own=*/true));

  // Conclave's committer always sends a path: fresh keys every epoch.
  TreePrivateState priv = priv_.clone();
  priv.prune(rc.tree);
  GroupContext provisional = context_;
  provisional.epoch = context_.epoch + 1;
  provisional.extensions = rc.extensions;
  const LeafNode leaf = *tree_.leaf(own_);
  UpdatePathParams params;
  params.context = &provisional;
  params.excluded = rc.added;
  params.signature_key = &signature_priv_;
  params.leaf = &leaf;
  CONCLAVE_TRY_ASSIGN(CreatedPath created, create_update_path(rc.tree, priv, params));
  std::vector<WelcomeRecipient> recipients;
  for (size_t i = 0; i < rc.added.size(); ++i) {
    CONCLAVE_TRY_ASSIGN(std::optional<NodePathSecret> secret,
                        path_secret_for_joiner(created, rc.added[i]));
    WelcomeRecipient r{rc.added_key_packages[i], std::nullopt};
    if (secret.has_value()) {
      r.path_secret = std::move(secret->secret);
    }
    recipients.push_back(std::move(r));
  }
  c.path = created.path;

  FramedContent content;
  content.group_id = context_.group_id;
  content.epoch = context_.epoch;
  content.sender = self;
  content.authenticated_data = options.authenticated_data;
  content.content = std::move(c);
  AuthenticatedContent ac{WireFormat::kPublicMessage, std::move(content), {}};
  CONCLAVE_TRY_ASSIGN(ac.auth.signature,
                      sign_framed_content(suite_, signature_priv_, WireFormat::kPublicMessage,
                                          ac.content, &context_));
  CONCLAVE_TRY_ASSIGN(NextEpoch next,
                      finish_epoch(rc, std::move(created.tree), std::move(created.private_state),
                                   created.commit_secret, ac));
  PublicMessage pm{std::move(ac.content), std::move(ac.auth), {}};
  pm.auth.confirmation_tag = next.confirmation_tag;
  CONCLAVE_TRY_ASSIGN(pm.membership_tag,
                      membership_tag(suite_, secrets_.membership_key, pm, context_));

  CommitOutput out{MlsMessage{std::move(pm)}, std::nullopt};
  if (!recipients.empty()) {
    GroupInfo gi;
    gi.group_context = next.group->context_;
    CONCLAVE_TRY_ASSIGN(Bytes tree_bytes, next.group->tree_.encode());
    gi.extensions.push_back(Extension{kExtRatchetTree, std::move(tree_bytes)});
    gi.confirmation_tag = next.confirmation_tag;
    gi.signer = own_.value();
    CONCLAVE_TRY_ASSIGN(gi.signature, sign_group_info(suite_, signature_priv_, gi));
    CONCLAVE_TRY_ASSIGN(Welcome w, create_welcome(suite_, gi, next.joiner_secret, rc.psks,
                                                  next.psk_secret, recipients));
    out.welcome = MlsMessage{std::move(w)};
  }
  CONCLAVE_TRY_ASSIGN(Bytes encoded, encode_mls_message(out.commit));
  pending_ = std::move(next.group);
  pending_commit_ = std::move(encoded);
  return out;
}

Result<void> Group::merge_pending_commit() {
  if (pending_ == nullptr) {
    return Error(Err::kUnexpectedMessage, "no staged commit to merge");
  }
  const std::unique_ptr<Group> next = std::move(pending_);
  install(std::move(*next));
  return {};
}

void Group::install(Group&& next) {
  auto previous = std::unique_ptr<PreviousEpoch>(
      new PreviousEpoch{std::move(context_), std::move(tree_),
                        std::move(secrets_.sender_data_secret), std::move(*secret_tree_)});
  *this = std::move(next);
  previous_ = std::move(previous);
}

// implements: REQ-MLS-309
void Group::forget_previous_epoch() { previous_.reset(); }

void Group::discard_pending_commit() {
  pending_.reset();
  pending_commit_.clear();
}

// ---------------------------------------------------------------------------
// Messages

// implements: REQ-MLS-405
Result<MlsMessage> Group::protect(ByteView data, ByteView authenticated_data) {
  CONCLAVE_TRY(check_active());
  FramedContent content;
  content.group_id = context_.group_id;
  content.epoch = context_.epoch;
  content.sender = Sender{SenderType::kMember, own_.value()};
  content.authenticated_data = to_bytes(authenticated_data);
  content.content = ApplicationData{to_bytes(data)};
  CONCLAVE_TRY_ASSIGN(PrivateMessage m,
                      protect_private_message(suite_, context_, secrets_.sender_data_secret,
                                              *secret_tree_, signature_priv_, content, {},
                                              options_.padding, HandshakePolicy::kConclave));
  return MlsMessage{std::move(m)};
}

// implements: REQ-MLS-305, REQ-MLS-306
Result<Received> Group::handle(const MlsMessage& message) {
  CONCLAVE_TRY(check_active());
  if (const auto* pub = std::get_if<PublicMessage>(&message.body)) {
    return handle_public(*pub);
  }
  if (const auto* priv = std::get_if<PrivateMessage>(&message.body)) {
    return handle_private(*priv);
  }
  return Error(Err::kUnexpectedMessage, "not a PublicMessage or PrivateMessage");
}

Result<Received> Group::handle_public(const PublicMessage& m) {
  const FramedContent& fc = m.content;
  if (!equal(fc.group_id, context_.group_id)) {
    return Error(Err::kProtocol, "message for another group");
  }
  if (fc.epoch != context_.epoch) {
    return Error(Err::kWrongEpoch, "PublicMessage for another epoch");
  }
  Received out;
  out.sender = fc.sender;
  out.epoch = fc.epoch;
  out.authenticated_data = fc.authenticated_data;
  // This member's own commit, relayed back by the server: it won the epoch.
  if (fc.content_type() == ContentType::kCommit && fc.sender.sender_type == SenderType::kMember &&
      fc.sender.index == own_.value()) {
    CONCLAVE_TRY_ASSIGN(const Bytes encoded, encode_mls_message(MlsMessage{m}));
    if (pending_ == nullptr || !equal(encoded, pending_commit_)) {
      return Error(Err::kUnexpectedMessage, "a commit in this member's name that it did not stage");
    }
    CONCLAVE_TRY(merge_pending_commit());
    out.kind = ReceivedKind::kCommit;
    return out;
  }

  const SignatureKeyLookup lookup = [this](const FramedContent& c) { return signature_key_of(c); };
  CONCLAVE_TRY_ASSIGN(
      AuthenticatedContent ac,
      unprotect_public_message(suite_, context_, secrets_.membership_key, m, lookup));
  if (const Proposal* p = std::get_if<Proposal>(&ac.content.content)) {
    CONCLAVE_TRY(check_proposal(*p, ac.content.sender));
    const SenderedProposal one{p, ac.content.sender};
    CONCLAVE_TRY(options_.policy(
        PolicyCheck{&context_, &tree_, {&one, 1}, std::nullopt, &context_.extensions}));
    CONCLAVE_TRY_ASSIGN(Bytes ref, proposal_ref(suite_, ac));
    proposals_[std::move(ref)] = CachedProposal{*p, ac.content.sender};
    out.kind = ReceivedKind::kProposal;
    return out;
  }
  if (std::holds_alternative<Commit>(ac.content.content)) {
    return process_commit(ac);
  }
  return Error(Err::kProtocol, "application data in a PublicMessage");
}

// process_commit is RFC 9420 §12.4.2 for a commit from another member.
// implements: REQ-MLS-304, REQ-MLS-306
Result<Received> Group::process_commit(const AuthenticatedContent& ac) {
  if (ac.content.sender.sender_type != SenderType::kMember) {
    // External commits are not part of Conclave's profile (spec/04 #group).
    return Error(Err::kUnsupported, "external commits are not accepted");
  }
  const Commit& c = std::get<Commit>(ac.content.content);
  const LeafIndex committer(ac.content.sender.index);
  const LeafNode* path_leaf = c.path.has_value() ? &c.path->leaf_node : nullptr;
  CONCLAVE_TRY_ASSIGN(ResolvedCommit rc, resolve_commit(c, committer, path_leaf, /*own=*/false));
  //= RFC 9420 §12.4.2
  //# If the path value is not populated, validate that the proposals vector
  //# does not require a path
  if (rc.path_required && !c.path.has_value()) {
    return Error(Err::kProtocol, "commit lacks the path its proposals require");
  }
  Received out;
  out.kind = ReceivedKind::kCommit;
  out.sender = ac.content.sender;
  out.epoch = ac.content.epoch;
  out.authenticated_data = ac.content.authenticated_data;
  if (rc.removes_self) {
    // This member holds no key of the next epoch; the commit was
    // authenticated (signature, membership tag) and its proposals checked.
    become_removed();
    out.removed_self = true;
    return out;
  }

  TreePrivateState priv = priv_.clone();
  priv.prune(rc.tree);
  PublicTree tree = rc.tree;
  SecretBytes commit_secret = zero_secret(suite_);
  if (c.path.has_value()) {
    GroupContext provisional = context_;
    provisional.epoch = context_.epoch + 1;
    provisional.extensions = rc.extensions;
    CONCLAVE_TRY_ASSIGN(ProcessedPath processed,
                        process_update_path(tree, priv, committer, *c.path, provisional, rc.added));
    //= RFC 9420 §12.4.2
    //# Validate the LeafNode as specified in Section 7.3. The
    //# leaf_node_source field MUST be set to commit.
    // process_update_path did: source commit, parent hash, and validate_leaf
    // (signature with group_id and leaf index, capabilities against the new
    // extensions, uniqueness) on the merged tree (REQ-MLS-213).
    tree = std::move(processed.tree);
    priv = std::move(processed.private_state);
    commit_secret = std::move(processed.commit_secret);
  }
  CONCLAVE_TRY_ASSIGN(NextEpoch next,
                      finish_epoch(rc, std::move(tree), std::move(priv), commit_secret, ac));
  //= RFC 9420 §12.4.2
  //# Use the confirmation_key for the new epoch to compute the confirmation
  //# tag for this message, as described below, and verify that it is the
  //# same as the confirmation_tag field in the FramedContentAuthData object.
  CONCLAVE_TRY(verify_confirmation_tag(suite_, next.group->secrets_.confirmation_key,
                                       next.group->context_.confirmed_transcript_hash,
                                       ac.auth.confirmation_tag));
  // Only now does anything change; the old epoch's secrets are zeroised as
  // the old state is dropped.
  const std::unique_ptr<Group> staged = std::move(next.group);
  install(std::move(*staged));
  return out;
}

void Group::become_removed() {
  active_ = false;
  secrets_ = EpochSecrets{};
  secret_tree_.reset();
  proposals_.clear();
  resumption_psks_.clear();
  pending_.reset();
  pending_commit_.clear();
  previous_.reset();
  PublicTree without_us = tree_;
  if (without_us.remove_leaf(own_)) {
    priv_.prune(without_us);
  }
}

// implements: REQ-MLS-309
Result<Received> Group::handle_private(const PrivateMessage& m) {
  if (!equal(m.group_id, context_.group_id)) {
    return Error(Err::kProtocol, "message for another group");
  }
  // The current epoch, or the previous one while its keys are kept.
  const bool current = m.epoch == context_.epoch;
  if (!current && (previous_ == nullptr || m.epoch != previous_->context.epoch)) {
    return Error(Err::kWrongEpoch, "PrivateMessage for another epoch");
  }
  const GroupContext& context = current ? context_ : previous_->context;
  const PublicTree& tree = current ? tree_ : previous_->tree;
  const SecretBytes& sender_data_secret =
      current ? secrets_.sender_data_secret : previous_->sender_data_secret;
  SecretTree& secret_tree = current ? *secret_tree_ : previous_->secret_tree;

  const SignatureKeyLookup lookup = [&tree](const FramedContent& c) {
    return member_signature_key(tree, c.sender);
  };
  // A member never opens its own PrivateMessages: its ratchet for its own
  // leaf is a sending ratchet, and consuming from it would break it.
  const IsMember is_member = [this, &tree](LeafIndex leaf) {
    return leaf != own_ && tree.leaf(leaf) != nullptr;
  };
  CONCLAVE_TRY_ASSIGN(AuthenticatedContent ac,
                      unprotect_private_message(suite_, context, sender_data_secret, secret_tree, m,
                                                is_member, lookup, HandshakePolicy::kConclave));
  Received out;
  out.kind = ReceivedKind::kApplication;
  out.sender = ac.content.sender;
  out.epoch = m.epoch;
  out.authenticated_data = std::move(ac.content.authenticated_data);
  out.application_data = std::move(std::get<ApplicationData>(ac.content.content).data);
  return out;
}

}  // namespace conclave::mls
