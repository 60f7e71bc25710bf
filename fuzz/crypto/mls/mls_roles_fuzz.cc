// Targets: parse_roles_entry, parse_conclave_roles, conclave_roles_policy, roles_change
// Requirements: REQ-ROLES-002, REQ-ROLES-006, REQ-ROLES-007
//
// Input: a selector byte, then the body.
//   selector % 3 == 0: a RolesEntry;
//   selector % 3 == 1: a ConclaveRoles;
//   selector % 3 == 2: a GroupContextExtensions proposal judged by the
//     policy: body = sender byte, u16 length n, n bytes of the current
//     roles extension data, then the proposed roles extension data.
// Properties: round trip (mls_fuzz_util.h); every entry of an accepted
// ConclaveRoles is found by lookup, and roles_change with an empty edit
// reproduces the input; the policy never aborts, refuses only with
// kPolicyViolation, and what it accepts from a non-moderator differs from
// the current roles at most in the sender's own hand_raised bit and leaves
// a moderator among the members.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/ratchet_tree.h"
#include "crypto/mls/roles.h"
#include "fuzz/crypto/mls/mls_fuzz_util.h"

namespace {

using namespace conclave;       // NOLINT(google-build-using-namespace)
using namespace conclave::mls;  // NOLINT(google-build-using-namespace)

constexpr uint32_t kMembers = 4;

// member_key is the signature key of leaf i of the fixed tree: one byte, so
// the fuzzer finds the members' keys easily.
Bytes member_key(uint32_t i) { return Bytes{static_cast<uint8_t>(0xa0 + i)}; }

// fixed_tree is a tree of kMembers leaves with fixed keys (no signatures:
// the policy reads only signature keys).
const PublicTree& fixed_tree() {
  static const PublicTree tree = [] {
    const CipherSuite suite(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
    auto leaf = [](uint32_t i) {
      LeafNode l;
      l.encryption_key = Bytes{0x50, static_cast<uint8_t>(i)};
      l.signature_key = member_key(i);
      return l;
    };
    PublicTree t = PublicTree::with_single_leaf(suite, leaf(0));
    for (uint32_t i = 1; i < kMembers; ++i) {
      CONCLAVE_FUZZ_CHECK(t.add_leaf(leaf(i)).has_value());
    }
    return t;
  }();
  return tree;
}

void check_roles(ByteView in) {
  fuzz::check_round_trip<ConclaveRoles>(in, parse_conclave_roles, write_conclave_roles);
  auto roles = decode_conclave_roles(in);
  if (!roles.has_value()) {
    return;
  }
  for (const RolesEntry& e : roles->entries) {
    const RolesEntry* found = lookup(*roles, e.signature_key);
    CONCLAVE_FUZZ_CHECK(found == &e);
  }
  const std::vector<Extension> current = {Extension{kExtConclaveRoles, to_bytes(in)}};
  auto same = roles_change(current, [](ConclaveRoles&) { return Result<void>{}; });
  CONCLAVE_FUZZ_CHECK(same.has_value());
  const auto& list = std::get<GroupContextExtensions>(same->body).extensions;
  CONCLAVE_FUZZ_CHECK(list.size() == 1 && equal(list[0].extension_data, in));
}

void check_policy(ByteView body) {
  Reader r(body);
  uint8_t sender = 0;
  uint16_t n = 0;
  ByteView before;
  if (!r.u8(&sender) || !r.u16(&n) || !r.bytes(n, &before)) {
    return;
  }
  ByteView after;
  if (!r.bytes(r.remaining(), &after)) {
    return;
  }
  const uint32_t leaf = sender % kMembers;
  const auto current_roles = decode_conclave_roles(before);
  if (!current_roles.has_value()) {
    return;  // members never hold a malformed roles extension
  }
  GroupContext ctx;
  ctx.extensions = {Extension{kExtConclaveRoles, to_bytes(before)}};
  const Proposal p{GroupContextExtensions{{Extension{kExtConclaveRoles, to_bytes(after)}}}};
  const std::vector<SenderedProposal> proposals = {{&p, Sender{SenderType::kMember, leaf}}};
  PolicyCheck check;
  check.context = &ctx;
  check.tree = &fixed_tree();
  check.proposals = proposals;
  check.next_extensions = &std::get<GroupContextExtensions>(p.body).extensions;
  const auto verdict = conclave_roles_policy(check);
  if (!verdict.has_value()) {
    CONCLAVE_FUZZ_CHECK(verdict.error().code == Err::kPolicyViolation);
    return;
  }
  const auto next = decode_conclave_roles(after);
  CONCLAVE_FUZZ_CHECK(next.has_value());
  bool moderator_left = false;
  for (uint32_t i = 0; i < kMembers; ++i) {
    moderator_left = moderator_left || is_moderator(*next, member_key(i));
  }
  CONCLAVE_FUZZ_CHECK(moderator_left);
  if (is_moderator(*current_roles, member_key(leaf))) {
    return;
  }
  // A participant's accepted change: same flags, and every key of either
  // side keeps its bits but the sender's own hand.
  CONCLAVE_FUZZ_CHECK(next->group_flags == current_roles->group_flags);
  for (const auto* side : {&*current_roles, &*next}) {
    for (const RolesEntry& e : side->entries) {
      const RolesEntry* x = lookup(*current_roles, e.signature_key);
      const RolesEntry* y = lookup(*next, e.signature_key);
      const uint8_t xr = x == nullptr ? 0 : x->roles;
      const uint8_t yr = y == nullptr ? 0 : y->roles;
      const uint8_t xs = x == nullptr ? 0 : x->rights;
      const uint8_t ys = y == nullptr ? 0 : y->rights;
      const uint8_t may_differ = equal(e.signature_key, member_key(leaf)) ? kRightHandRaised : 0;
      CONCLAVE_FUZZ_CHECK(xr == yr);
      CONCLAVE_FUZZ_CHECK(((xs ^ ys) & ~may_differ) == 0);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Selected in;
  if (!fuzz::select_input(data, size, &in)) {
    return 0;
  }
  switch (in.selector % 3) {
    case 0:
      fuzz::check_round_trip<RolesEntry>(in.body, parse_roles_entry, write_roles_entry);
      break;
    case 1:
      check_roles(in.body);
      break;
    default:
      check_policy(in.body);
      break;
  }
  return 0;
}
