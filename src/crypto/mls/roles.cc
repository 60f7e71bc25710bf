#include "crypto/mls/roles.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "crypto/mls/codec_util.h"

namespace conclave::mls {

namespace {

// key_less is the order of RolesEntry.signature_key: bytewise
// lexicographic, a proper prefix before its extensions.
bool key_less(ByteView a, ByteView b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

// implements: REQ-ROLES-002
Result<RolesEntry> parse_roles_entry(Reader& r) {
  RolesEntry e;
  CONCLAVE_TRY(detail::read_opaque(r, "RolesEntry.signature_key", &e.signature_key));
  if (e.signature_key.empty()) {
    return Error(Err::kInvalidValue, "RolesEntry.signature_key: empty", r.offset());
  }
  if (!r.u8(&e.roles)) {
    return r.error("RolesEntry.roles");
  }
  if ((e.roles & ~kKnownRoles) != 0) {
    return Error(Err::kInvalidValue, "RolesEntry.roles: unknown bit", r.offset());
  }
  if (!r.u8(&e.rights)) {
    return r.error("RolesEntry.rights");
  }
  if ((e.rights & ~kKnownRights) != 0) {
    return Error(Err::kInvalidValue, "RolesEntry.rights: unknown bit", r.offset());
  }
  // The default is expressed by omission only, so each state has one
  // encoding and two members can never disagree on whether roles changed.
  if (e.roles == 0 && e.rights == 0) {
    return Error(Err::kInvalidValue, "RolesEntry: default entry present", r.offset());
  }
  return e;
}

void write_roles_entry(Writer& w, const RolesEntry& e) {
  w.vec(e.signature_key);
  w.u8(e.roles);
  w.u8(e.rights);
}

// implements: REQ-ROLES-002
Result<ConclaveRoles> parse_conclave_roles(Reader& r) {
  ConclaveRoles roles;
  uint8_t version = 0;
  if (!r.u8(&version)) {
    return r.error("ConclaveRoles.version");
  }
  if (version != kConclaveRolesVersion) {
    return Error(Err::kUnsupported, "ConclaveRoles.version", r.offset());
  }
  if (!r.u8(&roles.group_flags)) {
    return r.error("ConclaveRoles.group_flags");
  }
  if ((roles.group_flags & ~kKnownGroupFlags) != 0) {
    return Error(Err::kInvalidValue, "ConclaveRoles.group_flags: unknown bit", r.offset());
  }
  Reader body{ByteView{}};
  if (!r.vec(&body)) {
    return r.error("ConclaveRoles.entries");
  }
  while (!body.empty()) {
    // The count is checked before the entry is parsed, so a hostile list
    // never costs more than kMaxRolesEntries entries of memory.
    if (roles.entries.size() >= kMaxRolesEntries) {
      return Error(Err::kLengthLimit, "ConclaveRoles.entries", body.offset());
    }
    CONCLAVE_TRY_ASSIGN(RolesEntry e, parse_roles_entry(body));
    // Strictly increasing keys: sorted and unique, so lookup is a binary
    // search and no key can carry two different sets of rights.
    if (!roles.entries.empty() && !key_less(roles.entries.back().signature_key, e.signature_key)) {
      return Error(Err::kInvalidValue, "ConclaveRoles.entries: not sorted or repeated",
                   body.offset());
    }
    roles.entries.push_back(std::move(e));
  }
  return roles;
}

void write_conclave_roles(Writer& w, const ConclaveRoles& roles) {
  w.u8(kConclaveRolesVersion);
  w.u8(roles.group_flags);
  detail::write_vector(w, roles.entries, write_roles_entry);
}

Result<ConclaveRoles> decode_conclave_roles(ByteView in) {
  return decode_all<ConclaveRoles>(in, "ConclaveRoles", parse_conclave_roles);
}

Result<Bytes> encode_conclave_roles(const ConclaveRoles& roles) {
  return detail::encode_value(roles, write_conclave_roles);
}

Result<ConclaveRoles> roles_of(const std::vector<Extension>& extensions) {
  const Extension* ext = find_extension(extensions, kExtConclaveRoles);
  if (ext == nullptr) {
    return ConclaveRoles{};
  }
  return decode_conclave_roles(ext->extension_data);
}

const RolesEntry* lookup(const ConclaveRoles& roles, ByteView signature_key) {
  const auto it = std::lower_bound(
      roles.entries.begin(), roles.entries.end(), signature_key,
      [](const RolesEntry& e, ByteView key) { return key_less(e.signature_key, key); });
  if (it == roles.entries.end() || !equal(it->signature_key, signature_key)) {
    return nullptr;
  }
  return &*it;
}

bool is_moderator(const ConclaveRoles& roles, ByteView signature_key) {
  const RolesEntry* e = lookup(roles, signature_key);
  return e != nullptr && e->has_role(kRoleModerator);
}

bool speaking_allowed(const ConclaveRoles& roles, ByteView signature_key) {
  const RolesEntry* e = lookup(roles, signature_key);
  if (e == nullptr || !e->has_right(kRightMaySpeak)) {
    return false;
  }
  return (roles.group_flags & kGroupMutedAll) == 0 || e->has_role(kRoleModerator);
}

// ---------------------------------------------------------------------------
// The policy (spec/04-group-keys-mls.md#roles-and-policy).

namespace {

Error refuse(const char* rule) { return Error(Err::kPolicyViolation, rule); }

// Bits of one key: its entry, or zeros for a key without one.
struct Bits {
  uint8_t roles = 0;
  uint8_t rights = 0;
};

Bits bits_of(const RolesEntry* e) { return e == nullptr ? Bits{} : Bits{e->roles, e->rights}; }

bool same_extensions(const std::vector<Extension>& a, const std::vector<Extension>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].extension_type != b[i].extension_type ||
        !equal(a[i].extension_data, b[i].extension_data)) {
      return false;
    }
  }
  return true;
}

// same_except_roles: the lists hold the same extensions in the same order,
// with only the roles extension's data allowed to differ.
bool same_except_roles(const std::vector<Extension>& a, const std::vector<Extension>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].extension_type != b[i].extension_type) {
      return false;
    }
    if (a[i].extension_type != kExtConclaveRoles &&
        !equal(a[i].extension_data, b[i].extension_data)) {
      return false;
    }
  }
  return true;
}

// only_own_hand_changed: `after` differs from `before` at most in the
// hand_raised bit of `own`'s entry. Both entry lists are sorted (parsed), so
// one merge walk visits every key of either side once.
bool only_own_hand_changed(const ConclaveRoles& before, const ConclaveRoles& after, ByteView own) {
  if (before.group_flags != after.group_flags) {
    return false;
  }
  size_t i = 0;
  size_t j = 0;
  while (i < before.entries.size() || j < after.entries.size()) {
    const RolesEntry* b = i < before.entries.size() ? &before.entries[i] : nullptr;
    const RolesEntry* a = j < after.entries.size() ? &after.entries[j] : nullptr;
    ByteView key;
    if (a == nullptr || (b != nullptr && key_less(b->signature_key, a->signature_key))) {
      key = b->signature_key;
      a = nullptr;
      ++i;
    } else if (b == nullptr || key_less(a->signature_key, b->signature_key)) {
      key = a->signature_key;
      b = nullptr;
      ++j;
    } else {
      key = b->signature_key;
      ++i;
      ++j;
    }
    const Bits x = bits_of(b);
    const Bits y = bits_of(a);
    const uint8_t allowed = equal(key, own) ? kRightHandRaised : 0;
    if (x.roles != y.roles || ((x.rights ^ y.rights) & ~allowed) != 0) {
      return false;
    }
  }
  return true;
}

// Judge holds what every proposal of one PolicyCheck is judged against.
class Judge {
 public:
  Judge(const PolicyCheck& check, ConclaveRoles current)
      : check_(check), current_(std::move(current)) {
    for (const SenderedProposal& sp : check.proposals) {
      if (const auto* rm = std::get_if<Remove>(&sp.proposal->body)) {
        removed_.push_back(rm->removed);
      }
    }
  }

  Result<void> judge(const SenderedProposal& sp) const {
    switch (sp.sender.sender_type) {
      case SenderType::kMember:
        return judge_member(*sp.proposal, LeafIndex(sp.sender.index));
      case SenderType::kExternal:
        //= spec/04-group-keys-mls.md#membership
        //# An external sender MAY propose Remove and nothing else.
        if (sp.proposal->proposal_type() != ProposalType::kRemove) {
          return refuse("roles: an external sender may only propose Remove");
        }
        return {};
      case SenderType::kNewMemberProposal:
      case SenderType::kNewMemberCommit:
        return refuse("roles: new-member senders are not allowed");
    }
    return refuse("roles: unknown sender type");
  }

 private:
  Result<void> judge_member(const Proposal& p, LeafIndex sender) const {
    const LeafNode* leaf = check_.tree->leaf(sender);
    if (leaf == nullptr) {
      return refuse("roles: the sender is not a member");
    }
    // Rights come from the sender's signature key in the roles of the
    // current epoch, never from the proposed roles.
    const bool moderator = is_moderator(current_, leaf->signature_key);
    switch (p.proposal_type()) {
      case ProposalType::kAdd:
        if (!moderator) {
          return refuse("roles: only a moderator may add a member");
        }
        return {};
      case ProposalType::kRemove:
        if (std::get<Remove>(p.body).removed == sender.value()) {
          return {};  // leaving is everyone's right
        }
        if (!moderator) {
          return refuse("roles: only a moderator may remove another member");
        }
        return {};
      case ProposalType::kUpdate:
        if (!equal(std::get<Update>(p.body).leaf_node.signature_key, leaf->signature_key)) {
          return refuse("roles: an Update may not change the signature key");
        }
        return {};
      case ProposalType::kPsk:
        return {};
      case ProposalType::kGroupContextExtensions:
        return judge_extensions(std::get<GroupContextExtensions>(p.body).extensions,
                                leaf->signature_key, moderator);
      case ProposalType::kReInit:
      case ProposalType::kExternalInit:
        return refuse("roles: ReInit and ExternalInit are not allowed");
    }
    return refuse("roles: unknown proposal type");
  }

  Result<void> judge_extensions(const std::vector<Extension>& next, ByteView sender_key,
                                bool moderator) const {
    const std::vector<Extension>& now = check_.context->extensions;
    auto next_roles = roles_of(next);
    if (!next_roles) {
      return refuse("roles: the proposed roles extension is malformed");
    }
    if (!moderator) {
      if (find_extension(now, kExtConclaveRoles) == nullptr ||
          find_extension(next, kExtConclaveRoles) == nullptr) {
        return refuse("roles: only a moderator may add or remove the roles extension");
      }
      if (!same_except_roles(now, next)) {
        return refuse("roles: only a moderator may change other GroupContext extensions");
      }
      if (!only_own_hand_changed(current_, *next_roles, sender_key)) {
        return refuse("roles: a participant may only raise or lower its own hand");
      }
    }
    //= spec/04-group-keys-mls.md#roles-and-policy
    //# No member, moderators included, MAY clear kGroupNoRecorders or
    //# kGroupNoGateways once set
    if ((current_.group_flags & ~next_roles->group_flags & kProfileGroupFlags) != 0) {
      return refuse("roles: the profile forbids recorders or gateways; the gate stays");
    }
    if (const char* why = profile_gate_violation(*next_roles); why != nullptr) {
      return refuse(why);
    }
    return keeps_a_moderator(*next_roles);
  }

  // keeps_a_moderator: some leaf that holds a member now and is not removed
  // by the same proposals has the moderator role in `next`. Leaves added by
  // the same commit do not count (they have not joined yet).
  Result<void> keeps_a_moderator(const ConclaveRoles& next) const {
    const uint32_t leaves = check_.tree->size().leaf_count();
    for (uint32_t i = 0; i < leaves; ++i) {
      const LeafNode* leaf = check_.tree->leaf(LeafIndex(i));
      if (leaf == nullptr || std::find(removed_.begin(), removed_.end(), i) != removed_.end()) {
        continue;
      }
      if (is_moderator(next, leaf->signature_key)) {
        return {};
      }
    }
    return refuse("roles: the change leaves no moderator");
  }

  const PolicyCheck& check_;
  ConclaveRoles current_;
  std::vector<uint32_t> removed_;
};

}  // namespace

// implements: REQ-ROLES-011
const char* profile_gate_violation(const ConclaveRoles& roles) {
  for (const RolesEntry& e : roles.entries) {
    if ((roles.group_flags & kGroupNoRecorders) != 0 && e.has_role(kRoleRecorder)) {
      return "roles: the meeting's profile forbids recorders";
    }
    if ((roles.group_flags & kGroupNoGateways) != 0 && e.has_role(kRoleGateway)) {
      return "roles: the meeting's profile forbids gateways";
    }
  }
  return nullptr;
}

uint8_t profile_flags(bool allow_recording, bool allow_gateways) {
  return static_cast<uint8_t>((allow_recording ? 0 : kGroupNoRecorders) |
                              (allow_gateways ? 0 : kGroupNoGateways));
}

// implements: REQ-ROLES-003, REQ-ROLES-004, REQ-ROLES-005, REQ-ROLES-006,
// REQ-ROLES-007, REQ-ROLES-008, REQ-ROLES-009, REQ-ROLES-010, REQ-ROLES-011
Result<void> conclave_roles_policy(const PolicyCheck& check) {
  CONCLAVE_REQUIRE(
      check.context != nullptr && check.tree != nullptr && check.next_extensions != nullptr,
      Err::kInvalidArgument);
  for (const SenderedProposal& sp : check.proposals) {
    CONCLAVE_REQUIRE(sp.proposal != nullptr, Err::kInvalidArgument);
  }
  auto current = roles_of(check.context->extensions);
  if (!current) {
    // Unreachable for a group whose every change passed this policy; a
    // group with broken roles can change nothing.
    return refuse("roles: the current roles extension is malformed");
  }
  const Judge judge(check, std::move(current).value());
  // The extensions the group will have: the last GroupContextExtensions
  // proposal's (RFC 9420 allows one per commit), else today's.
  const std::vector<Extension>* expected = &check.context->extensions;
  for (const SenderedProposal& sp : check.proposals) {
    CONCLAVE_TRY(judge.judge(sp));
    if (const auto* gce = std::get_if<GroupContextExtensions>(&sp.proposal->body)) {
      expected = &gce->extensions;
    }
  }
  //= spec/04-group-keys-mls.md#updates-and-other-proposals
  //# the new leaf of a commit's path MUST keep the signature_key of the
  //# committer's current leaf
  if (check.committer.has_value() && check.committer_leaf != nullptr) {
    const LeafNode* now = check.tree->leaf(*check.committer);
    if (now == nullptr || !equal(now->signature_key, check.committer_leaf->signature_key)) {
      return refuse("roles: a commit's path may not change the signature key");
    }
  }
  // Defence in depth against a group layer that would install extensions
  // no judged proposal carried. Only a commit installs anything; a single
  // proposal entering the cache is judged by its own content.
  if (check.committer.has_value() && !same_extensions(*check.next_extensions, *expected)) {
    return refuse("roles: the next extensions are not those of the proposals");
  }
  return {};
}

// ---------------------------------------------------------------------------
// Builders.

Result<void> set_entry(ConclaveRoles& roles, ByteView signature_key, uint8_t role_bits,
                       uint8_t right_bits) {
  CONCLAVE_REQUIRE(!signature_key.empty(), Err::kInvalidArgument);
  CONCLAVE_REQUIRE((role_bits & ~kKnownRoles) == 0 && (right_bits & ~kKnownRights) == 0,
                   Err::kInvalidArgument);
  const auto it = std::lower_bound(
      roles.entries.begin(), roles.entries.end(), signature_key,
      [](const RolesEntry& e, ByteView key) { return key_less(e.signature_key, key); });
  const bool found = it != roles.entries.end() && equal(it->signature_key, signature_key);
  if (role_bits == 0 && right_bits == 0) {
    if (found) {
      roles.entries.erase(it);
    }
    return {};
  }
  if (found) {
    it->roles = role_bits;
    it->rights = right_bits;
    return {};
  }
  roles.entries.insert(it, RolesEntry{to_bytes(signature_key), role_bits, right_bits});
  return {};
}

Result<Proposal> roles_change(const std::vector<Extension>& current, const RolesEdit& edit) {
  CONCLAVE_TRY_ASSIGN(ConclaveRoles roles, roles_of(current));
  CONCLAVE_TRY(edit(roles));
  CONCLAVE_TRY_ASSIGN(Bytes data, encode_conclave_roles(roles));
  // The edit may have broken an invariant (order, bits); what every member
  // would refuse is refused here first.
  if (!decode_conclave_roles(data)) {
    return Error(Err::kInvalidArgument, "roles_change: the edited roles are not valid");
  }
  std::vector<Extension> next = current;
  bool replaced = false;
  for (Extension& e : next) {
    if (e.extension_type == kExtConclaveRoles) {
      e.extension_data = data;
      replaced = true;
    }
  }
  if (!replaced) {
    next.push_back(Extension{kExtConclaveRoles, std::move(data)});
  }
  return Proposal{GroupContextExtensions{std::move(next)}};
}

Result<Proposal> hand_change(const std::vector<Extension>& current, ByteView own_signature_key,
                             bool raised) {
  return roles_change(current, [&](ConclaveRoles& roles) -> Result<void> {
    const Bits b = bits_of(lookup(roles, own_signature_key));
    const uint8_t rights = raised ? static_cast<uint8_t>(b.rights | kRightHandRaised)
                                  : static_cast<uint8_t>(b.rights & ~kRightHandRaised);
    return set_entry(roles, own_signature_key, b.roles, rights);
  });
}

Result<Extension> initial_roles(ByteView host_signature_key, uint8_t group_flags) {
  CONCLAVE_REQUIRE((group_flags & ~kProfileGroupFlags) == 0, Err::kInvalidArgument);
  ConclaveRoles roles;
  roles.group_flags = group_flags;
  CONCLAVE_TRY(set_entry(roles, host_signature_key, kRoleModerator, kRightMaySpeak));
  CONCLAVE_TRY_ASSIGN(Bytes data, encode_conclave_roles(roles));
  return Extension{kExtConclaveRoles, std::move(data)};
}

}  // namespace conclave::mls
