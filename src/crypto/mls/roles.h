// Conclave's roles and rights, kept in the MLS group state: the
// conclave_roles GroupContext extension and the policy every member runs on
// every proposal and commit (spec/04-group-keys-mls.md#roles-and-policy).
//
// Rights are end-to-end: they change only through a GroupContextExtensions
// proposal that every member checks against the roles of the current epoch,
// so a server that relays a forbidden proposal or commit achieves nothing.
// Entries are keyed by the member's leaf signature_key, not its leaf index:
// a newcomer later placed at a removed member's leaf index does not inherit
// that member's rights.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"
#include "crypto/mls/extension.h"
#include "crypto/mls/group_policy.h"
#include "crypto/mls/mls_limits.h"
#include "crypto/mls/proposal.h"

namespace conclave::mls {

// The ExtensionType of the roles extension, in the range RFC 9420 §17.3
// reserves for private use (0xF000-0xFFFF). Every member's leaf must list it
// in its capabilities (RFC 9420 §12.1.7), e.g. through
// KeyPackageOptions::extra_extensions.
// implements: REQ-ROLES-001
inline constexpr ExtensionType kExtConclaveRoles = 0xF0C0;

// The only format version of ConclaveRoles.
inline constexpr uint8_t kConclaveRolesVersion = 1;

// Role bits (RolesEntry.roles). A member with no role bit is a plain
// participant, the implicit default.
inline constexpr uint8_t kRoleModerator = 0x01;  // may add, remove, change rights
inline constexpr uint8_t kRoleRecorder = 0x02;   // a recorder, labelled in rosters
inline constexpr uint8_t kRoleGateway = 0x04;    // a gateway: "E2EE ends here"
inline constexpr uint8_t kKnownRoles = kRoleModerator | kRoleRecorder | kRoleGateway;

// Right and state bits (RolesEntry.rights).
inline constexpr uint8_t kRightMaySpeak = 0x01;         // holds the floor
inline constexpr uint8_t kRightCameraRequested = 0x02;  // a moderator asks for video
inline constexpr uint8_t kRightHandRaised = 0x04;       // the member asks for the floor
inline constexpr uint8_t kKnownRights = kRightMaySpeak | kRightCameraRequested | kRightHandRaised;

// Group-wide flags (ConclaveRoles.group_flags).
inline constexpr uint8_t kGroupMutedAll = 0x01;  // only moderators may speak
// The meeting's profile forbids recorders (gateways): no entry may carry
// kRoleRecorder (kRoleGateway), and the flag, once set, is never cleared.
// The group's creator sets them, so the server cannot lift them later.
// implements: REQ-ROLES-011
inline constexpr uint8_t kGroupNoRecorders = 0x02;
inline constexpr uint8_t kGroupNoGateways = 0x04;
// The flags a moderator may switch; the profile gates are set at creation.
inline constexpr uint8_t kProfileGroupFlags = kGroupNoRecorders | kGroupNoGateways;
inline constexpr uint8_t kKnownGroupFlags = kGroupMutedAll | kProfileGroupFlags;

// The most entries a roles extension may hold. Entries of removed members
// may linger until a moderator prunes them, so the bound is the largest
// tree (kMaxTreeLeaves) rather than the current member count.
// implements: REQ-ROLES-002
inline constexpr size_t kMaxRolesEntries = kMaxTreeLeaves;

// struct {
//     opaque signature_key<V>;  /* SignaturePublicKey of a leaf, non-empty */
//     uint8 roles;              /* kRole* bits; no other bit may be set */
//     uint8 rights;             /* kRight* bits; no other bit may be set */
// } RolesEntry;
//
// An entry with roles == 0 and rights == 0 is the default and is omitted
// (kInvalidValue if present), so every state has exactly one encoding.
struct RolesEntry {
  Bytes signature_key;
  uint8_t roles = 0;
  uint8_t rights = 0;

  bool has_role(uint8_t role) const { return (roles & role) != 0; }
  bool has_right(uint8_t right) const { return (rights & right) != 0; }
};

// struct {
//     uint8 version;            /* kConclaveRolesVersion (1) */
//     uint8 group_flags;        /* kGroup* bits; no other bit may be set */
//     RolesEntry entries<V>;    /* sorted by signature_key, unique */
// } ConclaveRoles;
//
// The extension_data of the kExtConclaveRoles extension. `version` is always
// 1 and not stored. Entries are in strictly increasing lexicographic order
// of signature_key (bytewise, a proper prefix first) and at most
// kMaxRolesEntries.
struct ConclaveRoles {
  uint8_t group_flags = 0;
  std::vector<RolesEntry> entries;
};

// parse_roles_entry rejects an empty signature_key, unknown role or right
// bits and an entry with nothing set (kInvalidValue).
// implements: REQ-ROLES-002
[[nodiscard]] Result<RolesEntry> parse_roles_entry(Reader& r);
void write_roles_entry(Writer& w, const RolesEntry& e);

// parse_conclave_roles rejects a version other than 1 (kUnsupported),
// unknown group flags, entries out of order or repeated (kInvalidValue),
// more than kMaxRolesEntries entries (kLengthLimit), and whatever
// parse_roles_entry rejects.
// implements: REQ-ROLES-002
[[nodiscard]] Result<ConclaveRoles> parse_conclave_roles(Reader& r);
void write_conclave_roles(Writer& w, const ConclaveRoles& roles);

// Whole-value helpers: decode_* rejects trailing bytes. encode_* does not
// validate; a value that parse_conclave_roles would reject (e.g. unsorted)
// encodes to bytes that every member refuses.
[[nodiscard]] Result<ConclaveRoles> decode_conclave_roles(ByteView in);
[[nodiscard]] Result<Bytes> encode_conclave_roles(const ConclaveRoles& roles);

// roles_of decodes the roles extension of a GroupContext extension list:
// empty roles (nobody has any role) if the list has none, the decoding
// error if it is malformed.
[[nodiscard]] Result<ConclaveRoles> roles_of(const std::vector<Extension>& extensions);

// lookup returns the entry of `signature_key`, or nullptr when it has none
// (a plain participant without rights). The pointer borrows `roles`.
const RolesEntry* lookup(const ConclaveRoles& roles, ByteView signature_key);

// is_moderator says whether `signature_key` holds the moderator role.
bool is_moderator(const ConclaveRoles& roles, ByteView signature_key);

// speaking_allowed says whether `signature_key` holds the floor now: it has
// may_speak, and either the group is not muted or it is a moderator.
bool speaking_allowed(const ConclaveRoles& roles, ByteView signature_key);

// conclave_roles_policy is Conclave's GroupPolicy (group_policy.h): the
// rules of spec/04-group-keys-mls.md#roles-and-policy, judged against the
// roles of the current epoch (check.context), never the proposed ones. Every
// refusal is kPolicyViolation with a static detail naming the rule; a
// PolicyCheck with a null pointer is kInvalidArgument (a caller bug).
// implements: REQ-ROLES-003, REQ-ROLES-004, REQ-ROLES-005, REQ-ROLES-006,
// REQ-ROLES-007, REQ-ROLES-008, REQ-ROLES-009, REQ-ROLES-010, REQ-ROLES-011
[[nodiscard]] Result<void> conclave_roles_policy(const PolicyCheck& check);

// Builders for clients.

// set_entry sets the roles and rights of `signature_key` in `roles`,
// keeping entries sorted; setting both to zero deletes the entry.
// kInvalidArgument for an empty key or unknown bits.
[[nodiscard]] Result<void> set_entry(ConclaveRoles& roles, ByteView signature_key,
                                     uint8_t role_bits, uint8_t right_bits);

// RolesEdit changes a copy of the current roles; an error aborts the edit.
using RolesEdit = std::function<Result<void>(ConclaveRoles& roles)>;

// roles_change returns the GroupContextExtensions proposal that replaces the
// roles extension of `current` (the GroupContext extensions) with `edit`
// applied to it, every other extension unchanged and in place (the roles
// extension is appended if `current` has none). The edited roles must
// encode to a valid extension (kInvalidArgument otherwise); whether the
// sender may make the change is the policy's decision, not this function's.
[[nodiscard]] Result<Proposal> roles_change(const std::vector<Extension>& current,
                                            const RolesEdit& edit);

// hand_change is the proposal a participant sends to raise (or lower) its
// own hand: only its entry's hand_raised bit changes.
[[nodiscard]] Result<Proposal> hand_change(const std::vector<Extension>& current,
                                           ByteView own_signature_key, bool raised);

// profile_gate_violation says why `roles` breaks its own profile gates (a
// recorder while kGroupNoRecorders is set, a gateway while kGroupNoGateways
// is set), or nullptr when it does not. The server's mirror uses it too.
// implements: REQ-ROLES-011
const char* profile_gate_violation(const ConclaveRoles& roles);

// profile_flags are the group_flags of a meeting whose profile allows, or
// not, recorders and gateways.
uint8_t profile_flags(bool allow_recording, bool allow_gateways);

// initial_roles is the roles extension of a new meeting: its creator
// (`host_signature_key`) is moderator and may speak; everyone else joins as
// a participant without the floor. `group_flags` are the profile gates
// (profile_flags); kInvalidArgument for an empty key or other flag bits.
[[nodiscard]] Result<Extension> initial_roles(ByteView host_signature_key, uint8_t group_flags = 0);

}  // namespace conclave::mls
