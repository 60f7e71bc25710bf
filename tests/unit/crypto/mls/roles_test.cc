// Unit tests of the roles extension and the Conclave roles policy
// (crypto/mls/roles.h): the codec (round trips, an annotated encoding, every
// rejection rule, the malformation sweep), every policy rule allowed and
// refused on a real ratchet tree whose members have real signature keys,
// and the builders clients use.
#include "crypto/mls/roles.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mls_test_vectors.h"
#include "tree_test_group.h"

namespace conclave::mls {
namespace {

using test::TestGroup;
using testing::encode;
using testing::error_of;

const CipherSuite kSuite(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);

// An unrelated GroupContext extension that must survive every roles edit.
const Extension kOther{kExtExternalSenders, Bytes{0x01, 0x02, 0x03}};

Bytes hex(std::string_view h) { return from_hex(h).value(); }

Bytes encode_roles(const ConclaveRoles& r) { return encode(r, write_conclave_roles); }

// ---------------------------------------------------------------------------
// Codec.

// An annotated encoding (spec/04-group-keys-mls.md#the-roles-extension).
const char* const kAnnotated =
    "01"  // version 1
    "01"  // group_flags: muted_all
    "09"  // entries<V>: 9 bytes
    "02"
    "0a0b"  //   signature_key (2 bytes)
    "01"    //   roles: moderator
    "01"    //   rights: may_speak
    "01"
    "0c"   //   signature_key (1 byte), after 0a0b bytewise
    "00"   //   roles: none (participant)
    "04";  //   rights: hand_raised

// verifies: REQ-ROLES-002
TEST(RolesCodec, DecodesAnAnnotatedEncodingAndReencodesIt) {
  auto roles = decode_conclave_roles(hex(kAnnotated));
  ASSERT_TRUE(roles.has_value()) << roles.error().detail;
  EXPECT_EQ(roles->group_flags, kGroupMutedAll);
  ASSERT_EQ(roles->entries.size(), 2u);
  EXPECT_EQ(roles->entries[0].signature_key, (Bytes{0x0a, 0x0b}));
  EXPECT_EQ(roles->entries[0].roles, kRoleModerator);
  EXPECT_EQ(roles->entries[0].rights, kRightMaySpeak);
  EXPECT_EQ(roles->entries[1].signature_key, (Bytes{0x0c}));
  EXPECT_EQ(roles->entries[1].roles, 0);
  EXPECT_EQ(roles->entries[1].rights, kRightHandRaised);
  EXPECT_EQ(to_hex(encode_conclave_roles(*roles).value()), kAnnotated);
}

// verifies: REQ-ROLES-002
TEST(RolesCodec, RoundTripsEveryKnownBitAndEmptyRoles) {
  ConclaveRoles all;
  all.group_flags = kKnownGroupFlags;
  ASSERT_TRUE(set_entry(all, Bytes{0x01}, kKnownRoles, kKnownRights).has_value());
  ASSERT_TRUE(set_entry(all, Bytes{0x01, 0x00}, kRoleGateway, 0).has_value());
  ASSERT_TRUE(set_entry(all, Bytes(100, 0xff), kRoleRecorder, kRightCameraRequested).has_value());
  for (const ConclaveRoles& r : {ConclaveRoles{}, all}) {
    const Bytes bytes = encode_roles(r);
    testing::expect_round_trip<ConclaveRoles>(bytes, parse_conclave_roles, write_conclave_roles);
  }
  EXPECT_EQ(to_hex(encode_roles(ConclaveRoles{})), "010000");
}

// verifies: REQ-ROLES-002
TEST(RolesCodec, MalformationSweepRejectsEveryVariant) {
  EXPECT_GT(testing::expect_sweep_rejected<ConclaveRoles>(hex(kAnnotated), parse_conclave_roles),
            10u);
  ConclaveRoles many;
  for (uint8_t i = 1; i <= 20; ++i) {
    ASSERT_TRUE(set_entry(many, Bytes(i, i), kRoleModerator, kRightMaySpeak).has_value());
  }
  testing::expect_sweep_rejected<ConclaveRoles>(encode_roles(many), parse_conclave_roles);
}

// verifies: REQ-ROLES-002
TEST(RolesCodec, RejectsAnotherVersion) {
  EXPECT_EQ(error_of(decode_conclave_roles(hex("000000"))), Err::kUnsupported);
  EXPECT_EQ(error_of(decode_conclave_roles(hex("020000"))), Err::kUnsupported);
  EXPECT_EQ(error_of(decode_conclave_roles(hex("ff0000"))), Err::kUnsupported);
}

// verifies: REQ-ROLES-002
TEST(RolesCodec, RejectsEveryUnknownBit) {
  for (int bit = 0; bit < 8; ++bit) {
    SCOPED_TRACE(bit);
    const uint8_t b = static_cast<uint8_t>(1u << bit);
    const std::string flag = to_hex(Bytes{b});
    // group_flags
    auto g = decode_conclave_roles(hex("01" + flag + "00"));
    EXPECT_EQ(g.has_value(), (b & kKnownGroupFlags) != 0);
    // roles, with may_speak so the entry is never empty
    auto r =
        decode_conclave_roles(hex("0100"
                                  "04"
                                  "01aa" +
                                  flag + "01"));
    EXPECT_EQ(r.has_value(), (b & kKnownRoles) != 0);
    // rights, with moderator so the entry is never empty
    auto s =
        decode_conclave_roles(hex("0100"
                                  "04"
                                  "01aa"
                                  "01" +
                                  flag));
    EXPECT_EQ(s.has_value(), (b & kKnownRights) != 0);
    for (const auto* res : {&g, &r, &s}) {
      if (!res->has_value()) {
        EXPECT_EQ(res->error().code, Err::kInvalidValue);
      }
    }
  }
}

// verifies: REQ-ROLES-002
TEST(RolesCodec, RejectsUnsortedAndRepeatedEntries) {
  // 0b before 0a
  EXPECT_EQ(error_of(decode_conclave_roles(hex("0100"
                                               "08"
                                               "010b0101"
                                               "010a0101"))),
            Err::kInvalidValue);
  // 0a twice, same or different rights
  EXPECT_EQ(error_of(decode_conclave_roles(hex("0100"
                                               "08"
                                               "010a0101"
                                               "010a0101"))),
            Err::kInvalidValue);
  EXPECT_EQ(error_of(decode_conclave_roles(hex("0100"
                                               "08"
                                               "010a0101"
                                               "010a0001"))),
            Err::kInvalidValue);
  // a proper prefix sorts first: 0a0b before 0a is out of order, the
  // reverse is accepted.
  EXPECT_EQ(error_of(decode_conclave_roles(hex("0100"
                                               "09"
                                               "020a0b0101"
                                               "010a0101"))),
            Err::kInvalidValue);
  EXPECT_TRUE(decode_conclave_roles(hex("0100"
                                        "09"
                                        "010a0101"
                                        "020a0b0101"))
                  .has_value());
}

// verifies: REQ-ROLES-002
TEST(RolesCodec, RejectsEmptyKeyAndDefaultEntry) {
  EXPECT_EQ(error_of(decode_conclave_roles(hex("0100"
                                               "03"
                                               "000101"))),
            Err::kInvalidValue);
  EXPECT_EQ(error_of(decode_conclave_roles(hex("0100"
                                               "04"
                                               "01aa0000"))),
            Err::kInvalidValue);
}

// verifies: REQ-ROLES-002
TEST(RolesCodec, AcceptsMaxEntriesAndRejectsOneMore) {
  // Entry i: a 3-byte big-endian key (increasing), moderator, no rights.
  auto build = [](size_t n) {
    Writer w;
    w.u8(kConclaveRolesVersion);
    w.u8(0);
    w.vec_of([&](Writer& body) {
      for (size_t i = 0; i < n; ++i) {
        body.u8(3);
        body.u8(static_cast<uint8_t>(i >> 16));
        body.u8(static_cast<uint8_t>(i >> 8));
        body.u8(static_cast<uint8_t>(i));
        body.u8(kRoleModerator);
        body.u8(0);
      }
    });
    return std::move(w).finish().value();
  };
  auto max = decode_conclave_roles(build(kMaxRolesEntries));
  ASSERT_TRUE(max.has_value());
  EXPECT_EQ(max->entries.size(), kMaxRolesEntries);
  EXPECT_EQ(error_of(decode_conclave_roles(build(kMaxRolesEntries + 1))), Err::kLengthLimit);
}

// verifies: REQ-ROLES-001
TEST(RolesExtension, IsPrivateUseTypeKeyedBySignatureKey) {
  EXPECT_EQ(kExtConclaveRoles, 0xF0C0);
  EXPECT_GE(kExtConclaveRoles, 0xF000);  // RFC 9420 §17.3 private use
  const Bytes host{0x11, 0x22};
  auto ext = initial_roles(host);
  ASSERT_TRUE(ext.has_value());
  EXPECT_EQ(ext->extension_type, kExtConclaveRoles);
  // version 1, no flags, one entry: key 1122, moderator, may_speak
  EXPECT_EQ(to_hex(ext->extension_data),
            "0100"
            "05"
            "021122"
            "01"
            "01");
  auto roles = roles_of({kOther, *ext});
  ASSERT_TRUE(roles.has_value());
  EXPECT_TRUE(is_moderator(*roles, host));
  EXPECT_TRUE(speaking_allowed(*roles, host));
  EXPECT_FALSE(is_moderator(*roles, Bytes{0x11}));
  EXPECT_EQ(lookup(*roles, Bytes{0x11, 0x22, 0x33}), nullptr);
  EXPECT_EQ(error_of(initial_roles(Bytes{})), Err::kInvalidArgument);
}

TEST(RolesExtension, RolesOfIsEmptyWithoutTheExtensionAndAnErrorWhenMalformed) {
  auto none = roles_of({kOther});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->entries.empty());
  EXPECT_EQ(none->group_flags, 0);
  EXPECT_FALSE(roles_of({Extension{kExtConclaveRoles, hex("0100")}}).has_value());
}

TEST(RolesExtension, MutedAllLeavesTheFloorToModerators) {
  ConclaveRoles r;
  const Bytes mod{0x01};
  const Bytes speaker{0x02};
  const Bytes silent_mod{0x03};
  ASSERT_TRUE(set_entry(r, mod, kRoleModerator, kRightMaySpeak).has_value());
  ASSERT_TRUE(set_entry(r, speaker, 0, kRightMaySpeak).has_value());
  ASSERT_TRUE(set_entry(r, silent_mod, kRoleModerator, 0).has_value());
  EXPECT_TRUE(speaking_allowed(r, mod));
  EXPECT_TRUE(speaking_allowed(r, speaker));
  EXPECT_FALSE(speaking_allowed(r, silent_mod));
  EXPECT_FALSE(speaking_allowed(r, Bytes{0x04}));
  r.group_flags = kGroupMutedAll;
  EXPECT_TRUE(speaking_allowed(r, mod));
  EXPECT_FALSE(speaking_allowed(r, speaker));
  EXPECT_FALSE(speaking_allowed(r, silent_mod));
}

// ---------------------------------------------------------------------------
// Policy.

// PolicyFixture: a 4-member group on a real tree. Member 0 is the host
// (moderator, may_speak); 1, 2 and 3 are participants. The context carries
// an unrelated extension before the roles extension.
class PolicyFixture {
 public:
  PolicyFixture() : g_(kSuite, 4) {
    ctx_ = g_.context();
    ctx_.extensions = {kOther, initial_roles(key(0)).value()};
  }

  Bytes key(uint32_t i) const { return g_.tree().leaf(LeafIndex(i))->signature_key; }
  TestGroup& group() { return g_; }
  GroupContext& context() { return ctx_; }

  // check runs the policy over `proposals`; `next` defaults to what the
  // proposals install (the last GroupContextExtensions, else the current).
  Result<void> check(const std::vector<SenderedProposal>& proposals,
                     std::optional<LeafIndex> committer = std::nullopt,
                     const std::vector<Extension>* next = nullptr) const {
    const std::vector<Extension>* n = &ctx_.extensions;
    for (const SenderedProposal& sp : proposals) {
      if (const auto* gce = std::get_if<GroupContextExtensions>(&sp.proposal->body)) {
        n = &gce->extensions;
      }
    }
    PolicyCheck c;
    c.context = &ctx_;
    c.tree = &g_.tree();
    c.proposals = proposals;
    c.committer = committer;
    c.next_extensions = next != nullptr ? next : n;
    return conclave_roles_policy(c);
  }

  // one checks a single proposal as the proposal cache would.
  Result<void> one(const Proposal& p, Sender s) const { return check({{&p, s}}); }

  // edit is a GroupContextExtensions proposal editing the current roles.
  Proposal edit(const RolesEdit& e) const { return roles_change(ctx_.extensions, e).value(); }

  // set_roles replaces the current roles.
  void set_roles(const RolesEdit& e) {
    const Proposal p = edit(e);
    ctx_.extensions = std::get<GroupContextExtensions>(p.body).extensions;
  }

 private:
  TestGroup g_;
  GroupContext ctx_;
};

Sender member(uint32_t i) { return Sender{SenderType::kMember, i}; }
Sender external(uint32_t i) { return Sender{SenderType::kExternal, i}; }

Proposal add() { return Proposal{Add{}}; }
Proposal remove(uint32_t leaf) { return Proposal{Remove{leaf}}; }

// expect_refused: the result is kPolicyViolation with `detail`.
void expect_refused(const Result<void>& r, const std::string& detail) {
  ASSERT_FALSE(r.has_value()) << "expected refusal: " << detail;
  EXPECT_EQ(r.error().code, Err::kPolicyViolation);
  EXPECT_EQ(std::string(r.error().detail), detail);
}

void expect_allowed(const Result<void>& r) {
  EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().detail);
}

// verifies: REQ-ROLES-003
TEST(RolesPolicy, ModeratorIsReadFromTheCurrentRolesNeverTheProposedOnes) {
  PolicyFixture f;
  // Participant 1 cannot make itself moderator and use it in one commit:
  // the grant by the host and 1's Add are judged against today's roles.
  const Bytes k1 = f.key(1);
  const Proposal grant =
      f.edit([&](ConclaveRoles& r) { return set_entry(r, k1, kRoleModerator, 0); });
  const Proposal a = add();
  expect_allowed(f.one(grant, member(0)));
  expect_refused(f.check({{&grant, member(0)}, {&a, member(1)}}, LeafIndex(0)),
                 "roles: only a moderator may add a member");
  // Conversely the host keeps its rights until the commit revoking them is
  // applied: a revocation and the host's own Add go together.
  const Bytes k0 = f.key(0);
  const Proposal handover = f.edit([&](ConclaveRoles& r) -> Result<void> {
    CONCLAVE_TRY(set_entry(r, k1, kRoleModerator, kRightMaySpeak));
    return set_entry(r, k0, 0, 0);
  });
  expect_allowed(f.check({{&handover, member(0)}, {&a, member(0)}}, LeafIndex(0)));
}

// verifies: REQ-ROLES-003, REQ-ROLES-001
TEST(RolesPolicy, ANewcomerAtAModeratorsOldLeafIndexHasNoRights) {
  PolicyFixture f;
  // Make member 2 a moderator, then remove it and add a newcomer, which takes
  // leaf 2 (the leftmost blank).
  const Bytes k2 = f.key(2);
  f.set_roles([&](ConclaveRoles& r) { return set_entry(r, k2, kRoleModerator, 0); });
  const Proposal a = add();
  expect_allowed(f.one(a, member(2)));
  f.group().remove(LeafIndex(2));
  expect_refused(f.one(a, member(2)), "roles: the sender is not a member");
  EXPECT_EQ(f.group().add().value(), 2u);
  EXPECT_NE(f.key(2), k2);
  expect_refused(f.one(a, member(2)), "roles: only a moderator may add a member");
}

// verifies: REQ-ROLES-004
TEST(RolesPolicy, OnlyAModeratorAdds) {
  PolicyFixture f;
  const Proposal a = add();
  expect_allowed(f.one(a, member(0)));
  for (uint32_t i = 1; i < 4; ++i) {
    expect_refused(f.one(a, member(i)), "roles: only a moderator may add a member");
  }
  // A recorder or gateway, or a member with the floor, is no moderator.
  const Bytes k1 = f.key(1);
  f.set_roles([&](ConclaveRoles& r) {
    return set_entry(r, k1, kRoleRecorder | kRoleGateway, kKnownRights);
  });
  expect_refused(f.one(a, member(1)), "roles: only a moderator may add a member");
}

// verifies: REQ-ROLES-004
TEST(RolesPolicy, OnlyAModeratorRemovesOthersButEveryoneMayLeave) {
  PolicyFixture f;
  for (uint32_t i = 1; i < 4; ++i) {
    const Proposal self = remove(i);
    expect_allowed(f.one(self, member(i)));
    const Proposal other = remove(i == 3 ? 1 : i + 1);
    expect_refused(f.one(other, member(i)), "roles: only a moderator may remove another member");
    expect_allowed(f.one(other, member(0)));
  }
  const Proposal host = remove(0);
  expect_refused(f.one(host, member(1)), "roles: only a moderator may remove another member");
  expect_allowed(f.one(host, member(0)));
}

// verifies: REQ-ROLES-005
TEST(RolesPolicy, AnExternalSenderMayOnlyProposeRemove) {
  PolicyFixture f;
  const Proposal rm = remove(0);
  expect_allowed(f.one(rm, external(0)));
  const Proposal rm2 = remove(2);
  expect_allowed(f.one(rm2, external(3)));
  const Proposal gce = f.edit([](ConclaveRoles&) { return Result<void>{}; });
  for (const Proposal& p :
       {add(), Proposal{PreSharedKey{}}, Proposal{Update{}}, gce, Proposal{ReInit{}}}) {
    SCOPED_TRACE(static_cast<int>(p.proposal_type()));
    expect_refused(f.one(p, external(0)), "roles: an external sender may only propose Remove");
  }
}

// verifies: REQ-ROLES-005
TEST(RolesPolicy, NewMemberSendersAreRefused) {
  PolicyFixture f;
  for (SenderType t : {SenderType::kNewMemberProposal, SenderType::kNewMemberCommit}) {
    for (const Proposal& p : {add(), remove(1), Proposal{ExternalInit{}}}) {
      expect_refused(f.one(p, Sender{t, 0}), "roles: new-member senders are not allowed");
    }
  }
}

// verifies: REQ-ROLES-006
TEST(RolesPolicy, AModeratorMayChangeAnyRightAndAnyExtension) {
  PolicyFixture f;
  const Bytes k1 = f.key(1);
  const Bytes k2 = f.key(2);
  const Bytes k3 = f.key(3);
  const std::vector<Proposal> edits = {
      f.edit([&](ConclaveRoles& r) { return set_entry(r, k1, 0, kRightMaySpeak); }),
      f.edit([&](ConclaveRoles& r) { return set_entry(r, k2, 0, kRightCameraRequested); }),
      f.edit([&](ConclaveRoles& r) { return set_entry(r, k3, kRoleModerator, 0); }),
      f.edit([&](ConclaveRoles& r) { return set_entry(r, k3, kRoleRecorder, kRightHandRaised); }),
      f.edit([](ConclaveRoles& r) {
        r.group_flags = kGroupMutedAll;
        return Result<void>{};
      }),
  };
  for (const Proposal& p : edits) {
    expect_allowed(f.one(p, member(0)));
  }
  // Other extensions: changed, dropped, added, reordered.
  std::vector<Extension> list = f.context().extensions;
  list[0].extension_data = {0x09};
  expect_allowed(f.one(Proposal{GroupContextExtensions{list}}, member(0)));
  list.erase(list.begin());
  expect_allowed(f.one(Proposal{GroupContextExtensions{list}}, member(0)));
  list.push_back(Extension{0x0a0a, {}});
  expect_allowed(f.one(Proposal{GroupContextExtensions{list}}, member(0)));
  // A hand lowered for someone else, a stale entry pruned.
  f.set_roles([&](ConclaveRoles& r) { return set_entry(r, k2, 0, kRightHandRaised); });
  expect_allowed(
      f.one(f.edit([&](ConclaveRoles& r) { return set_entry(r, k2, 0, 0); }), member(0)));
}

// verifies: REQ-ROLES-006
TEST(RolesPolicy, AParticipantMayOnlyRaiseOrLowerItsOwnHand) {
  PolicyFixture f;
  const Bytes k1 = f.key(1);
  const Bytes k2 = f.key(2);
  const auto& now = f.context().extensions;
  // Raise (no entry yet) and lower (entry with may_speak kept).
  expect_allowed(f.one(hand_change(now, k1, true).value(), member(1)));
  f.set_roles(
      [&](ConclaveRoles& r) { return set_entry(r, k1, 0, kRightMaySpeak | kRightHandRaised); });
  expect_allowed(f.one(hand_change(f.context().extensions, k1, false).value(), member(1)));
  expect_allowed(f.one(hand_change(f.context().extensions, k1, true).value(), member(1)));

  const std::string only_hand = "roles: a participant may only raise or lower its own hand";
  // Someone else's hand, its own floor, a role, the group flags, the
  // host's entry.
  const std::vector<Proposal> refused = {
      hand_change(f.context().extensions, k2, true).value(),
      f.edit([&](ConclaveRoles& r) { return set_entry(r, k1, 0, kRightHandRaised); }),
      f.edit([&](ConclaveRoles& r) { return set_entry(r, k1, kRoleModerator, kRightMaySpeak); }),
      f.edit([&](ConclaveRoles& r) {
        return set_entry(r, k1, 0, kRightMaySpeak | kRightHandRaised | kRightCameraRequested);
      }),
      f.edit([](ConclaveRoles& r) {
        r.group_flags = kGroupMutedAll;
        return Result<void>{};
      }),
      f.edit([](ConclaveRoles& r) {
        r.entries.erase(r.entries.begin());
        return Result<void>{};
      }),
  };
  for (size_t i = 0; i < refused.size(); ++i) {
    SCOPED_TRACE(i);
    expect_refused(f.one(refused[i], member(1)), only_hand);
  }

  // Other extensions: changed, or reordered around the roles extension.
  Proposal hand = hand_change(f.context().extensions, k1, false).value();
  auto& list = std::get<GroupContextExtensions>(hand.body).extensions;
  std::swap(list[0], list[1]);
  expect_refused(f.one(hand, member(1)),
                 "roles: only a moderator may change other GroupContext extensions");
  std::swap(list[0], list[1]);
  list[0].extension_data.push_back(0);
  expect_refused(f.one(hand, member(1)),
                 "roles: only a moderator may change other GroupContext extensions");

  // Removing the roles extension, or adding one where there is none.
  expect_refused(f.one(Proposal{GroupContextExtensions{{kOther}}}, member(1)),
                 "roles: only a moderator may add or remove the roles extension");
  f.context().extensions = {kOther};
  expect_refused(f.one(hand_change(f.context().extensions, k1, true).value(), member(1)),
                 "roles: only a moderator may add or remove the roles extension");
}

// verifies: REQ-ROLES-006
TEST(RolesPolicy, AMalformedProposedRolesExtensionIsRefused) {
  PolicyFixture f;
  std::vector<Extension> list = f.context().extensions;
  list[1].extension_data =
      hex("0100"
          "04"
          "01aa0000");  // default entry
  for (uint32_t i : {0u, 1u}) {
    expect_refused(f.one(Proposal{GroupContextExtensions{list}}, member(i)),
                   "roles: the proposed roles extension is malformed");
  }
}

// verifies: REQ-ROLES-007
TEST(RolesPolicy, AChangeMustLeaveAModeratorAmongCurrentMembers) {
  PolicyFixture f;
  const Bytes k0 = f.key(0);
  const Bytes k1 = f.key(1);
  const std::string none = "roles: the change leaves no moderator";
  // The only moderator revokes itself; it may hand over in the same change.
  expect_refused(
      f.one(f.edit([&](ConclaveRoles& r) { return set_entry(r, k0, 0, kRightMaySpeak); }),
            member(0)),
      none);
  expect_allowed(f.one(f.edit([&](ConclaveRoles& r) -> Result<void> {
    CONCLAVE_TRY(set_entry(r, k1, kRoleModerator, 0));
    return set_entry(r, k0, 0, 0);
  }),
                       member(0)));
  // A moderator entry for a key no member holds does not count.
  expect_refused(f.one(f.edit([&](ConclaveRoles& r) -> Result<void> {
    CONCLAVE_TRY(set_entry(r, Bytes{0x42}, kRoleModerator, 0));
    return set_entry(r, k0, 0, 0);
  }),
                       member(0)),
                 none);
  // Removing the roles extension leaves no moderator.
  expect_refused(f.one(Proposal{GroupContextExtensions{{kOther}}}, member(0)), none);

  // With two moderators: a change that keeps only one that is removed in the
  // same commit is refused; without the Remove it is allowed.
  f.set_roles([&](ConclaveRoles& r) { return set_entry(r, k1, kRoleModerator, 0); });
  const Proposal demote0 = f.edit([&](ConclaveRoles& r) { return set_entry(r, k0, 0, 0); });
  const Proposal rm1 = remove(1);
  expect_allowed(f.one(demote0, member(0)));
  expect_refused(f.check({{&rm1, member(0)}, {&demote0, member(0)}}, LeafIndex(0)), none);
  expect_refused(f.check({{&demote0, member(0)}, {&rm1, member(1)}}, LeafIndex(0)), none);
  // A Remove alone is not an extension change: the last moderator may
  // leave, and the server may remove it.
  f.set_roles([&](ConclaveRoles& r) { return set_entry(r, k1, 0, 0); });
  const Proposal rm0 = remove(0);
  expect_allowed(f.one(rm0, member(0)));
  expect_allowed(f.one(rm0, external(0)));
}

// verifies: REQ-ROLES-008
TEST(RolesPolicy, AnUpdateMayNotChangeTheSignatureKey) {
  PolicyFixture f;
  LeafNode leaf = *f.group().tree().leaf(LeafIndex(1));
  leaf.encryption_key.back() ^= 1;  // a new encryption key is the point
  expect_allowed(f.one(Proposal{Update{leaf}}, member(1)));
  expect_allowed(f.one(Proposal{Update{*f.group().tree().leaf(LeafIndex(0))}}, member(0)));
  leaf.signature_key = f.key(0);  // someone else's (the moderator's) key
  expect_refused(f.one(Proposal{Update{leaf}}, member(1)),
                 "roles: an Update may not change the signature key");
  leaf.signature_key.back() ^= 1;  // a fresh key
  expect_refused(f.one(Proposal{Update{leaf}}, member(1)),
                 "roles: an Update may not change the signature key");
}

// verifies: REQ-ROLES-009
TEST(RolesPolicy, PskIsAllowedToEveryMemberReInitAndExternalInitToNobody) {
  PolicyFixture f;
  const Proposal psk{PreSharedKey{}};
  for (uint32_t i = 0; i < 4; ++i) {
    expect_allowed(f.one(psk, member(i)));
    for (const Proposal& p : {Proposal{ReInit{}}, Proposal{ExternalInit{}}}) {
      expect_refused(f.one(p, member(i)), "roles: ReInit and ExternalInit are not allowed");
    }
  }
}

// verifies: REQ-ROLES-010
TEST(RolesPolicy, ACommitIsRefusedIfAnyProposalIsRefused) {
  PolicyFixture f;
  const Proposal a = add();
  const Proposal rm2 = remove(2);
  const Proposal self3 = remove(3);
  const Proposal psk{PreSharedKey{}};
  // A participant commits the host's Add and the server's Remove by
  // reference with its own PSK inline: the committer needs no role.
  expect_allowed(f.check({{&a, member(0)}, {&rm2, external(0)}, {&psk, member(1)}}, LeafIndex(1)));
  // The same commit with the participant's own inline Add is refused.
  expect_refused(f.check({{&a, member(0)}, {&rm2, external(0)}, {&a, member(1)}}, LeafIndex(1)),
                 "roles: only a moderator may add a member");
  // A refused proposal anywhere in the list refuses the commit.
  expect_refused(f.check({{&self3, member(3)}, {&rm2, member(3)}}, LeafIndex(0)),
                 "roles: only a moderator may remove another member");
  expect_allowed(f.check({}, LeafIndex(2)));  // an empty commit (path only)
}

// verifies: REQ-ROLES-010
TEST(RolesPolicy, NextExtensionsMustBeThoseOfTheProposals) {
  PolicyFixture f;
  const Bytes k1 = f.key(1);
  const Proposal grant =
      f.edit([&](ConclaveRoles& r) { return set_entry(r, k1, 0, kRightMaySpeak); });
  const auto& granted = std::get<GroupContextExtensions>(grant.body).extensions;
  const Proposal psk{PreSharedKey{}};
  const std::string detail = "roles: the next extensions are not those of the proposals";
  // No GroupContextExtensions proposal, yet the extensions change.
  expect_refused(f.check({{&psk, member(1)}}, LeafIndex(1), &granted), detail);
  // A GroupContextExtensions proposal, but other extensions installed.
  expect_refused(f.check({{&grant, member(0)}}, LeafIndex(0), &f.context().extensions), detail);
  expect_allowed(f.check({{&grant, member(0)}}, LeafIndex(0), &granted));
  // A single proposal entering the cache installs nothing: it is judged by
  // its content whatever next_extensions the group layer shows.
  expect_allowed(f.check({{&grant, member(0)}}, std::nullopt, &f.context().extensions));
  expect_allowed(f.check({{&psk, member(1)}}, std::nullopt, &granted));
}

TEST(RolesPolicy, BrokenCurrentRolesAndNullPointersAreRefused) {
  PolicyFixture f;
  const Proposal psk{PreSharedKey{}};
  f.context().extensions[1].extension_data = hex("09");
  expect_refused(f.one(psk, member(0)), "roles: the current roles extension is malformed");
  PolicyCheck c;
  EXPECT_EQ(error_of(conclave_roles_policy(c)), Err::kInvalidArgument);
  const std::vector<SenderedProposal> null_proposal = {{nullptr, member(0)}};
  c.context = &f.context();
  c.tree = &f.group().tree();
  c.next_extensions = &f.context().extensions;
  c.proposals = null_proposal;
  EXPECT_EQ(error_of(conclave_roles_policy(c)), Err::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Builders.

TEST(RolesBuilders, RolesChangeEditsOnlyTheRolesExtensionInPlace) {
  const std::vector<Extension> current = {kOther, initial_roles(Bytes{0x05}).value(),
                                          Extension{0x0a0a, {0x01}}};
  auto p = roles_change(
      current, [](ConclaveRoles& r) { return set_entry(r, Bytes{0x01}, 0, kRightMaySpeak); });
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->proposal_type(), ProposalType::kGroupContextExtensions);
  const auto& next = std::get<GroupContextExtensions>(p->body).extensions;
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next[0].extension_data, kOther.extension_data);
  EXPECT_EQ(next[2].extension_data, current[2].extension_data);
  EXPECT_EQ(to_hex(next[1].extension_data),
            "0100"
            "08"
            "010100"
            "01"
            "010501"
            "01");
  // Without a roles extension, it is appended.
  auto appended = roles_change(
      {kOther}, [](ConclaveRoles& r) { return set_entry(r, Bytes{0x01}, kRoleModerator, 0); });
  ASSERT_TRUE(appended.has_value());
  const auto& list = std::get<GroupContextExtensions>(appended->body).extensions;
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].extension_type, kExtConclaveRoles);
}

TEST(RolesBuilders, RolesChangeRefusesAnEditEveryMemberWouldRefuse) {
  const std::vector<Extension> current = {initial_roles(Bytes{0x05}).value()};
  // Unsorted after a direct edit of the entries.
  EXPECT_EQ(error_of(roles_change(current,
                                  [](ConclaveRoles& r) {
                                    r.entries.push_back(RolesEntry{{0x01}, kRoleModerator, 0});
                                    return Result<void>{};
                                  })),
            Err::kInvalidArgument);
  // Unknown bits through set_entry.
  EXPECT_EQ(error_of(roles_change(
                current, [](ConclaveRoles& r) { return set_entry(r, Bytes{0x01}, 0x80, 0); })),
            Err::kInvalidArgument);
  // The edit's own error is returned.
  EXPECT_EQ(error_of(roles_change(current,
                                  [](ConclaveRoles&) { return Result<void>(Err::kUnsupported); })),
            Err::kUnsupported);
  // A malformed current extension.
  EXPECT_FALSE(roles_change({Extension{kExtConclaveRoles, {0x07}}}, [](ConclaveRoles&) {
                 return Result<void>{};
               }).has_value());
}

TEST(RolesBuilders, SetEntryKeepsOrderAndDropsDefaultEntries) {
  ConclaveRoles r;
  for (uint8_t k : {uint8_t{0x30}, uint8_t{0x10}, uint8_t{0x20}}) {
    ASSERT_TRUE(set_entry(r, Bytes{k}, 0, kRightMaySpeak).has_value());
  }
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.entries[0].signature_key, Bytes{0x10});
  EXPECT_EQ(r.entries[2].signature_key, Bytes{0x30});
  ASSERT_TRUE(set_entry(r, Bytes{0x20}, kRoleGateway, 0).has_value());
  EXPECT_EQ(lookup(r, Bytes{0x20})->roles, kRoleGateway);
  ASSERT_TRUE(set_entry(r, Bytes{0x20}, 0, 0).has_value());
  EXPECT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(lookup(r, Bytes{0x20}), nullptr);
  ASSERT_TRUE(set_entry(r, Bytes{0x40}, 0, 0).has_value());
  EXPECT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(error_of(set_entry(r, Bytes{}, kRoleModerator, 0)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(set_entry(r, Bytes{0x01}, 0, 0x08)), Err::kInvalidArgument);
  EXPECT_TRUE(decode_conclave_roles(encode_roles(r)).has_value());
}

TEST(RolesBuilders, HandChangeTouchesOnlyTheHandBit) {
  const Bytes me{0x07};
  std::vector<Extension> current = {initial_roles(Bytes{0x05}).value()};
  auto up = hand_change(current, me, true);
  ASSERT_TRUE(up.has_value());
  auto roles = roles_of(std::get<GroupContextExtensions>(up->body).extensions).value();
  ASSERT_NE(lookup(roles, me), nullptr);
  EXPECT_EQ(lookup(roles, me)->rights, kRightHandRaised);
  EXPECT_EQ(lookup(roles, me)->roles, 0);
  current = std::get<GroupContextExtensions>(up->body).extensions;
  auto down = hand_change(current, me, false);
  ASSERT_TRUE(down.has_value());
  roles = roles_of(std::get<GroupContextExtensions>(down->body).extensions).value();
  EXPECT_EQ(lookup(roles, me), nullptr);  // back to the default
}

}  // namespace
}  // namespace conclave::mls

// ---------------------------------------------------------------------------
// Profile gates (SF-13).

namespace conclave::mls {
namespace {

Result<void> set_flags(ConclaveRoles& r, uint8_t flags) {
  r.group_flags = flags;
  return {};
}

// verifies: REQ-ROLES-011
TEST(RolesProfileGate, AForbiddenRecorderOrGatewayLabelIsRefusedEvenFromAModerator) {
  PolicyFixture f;
  const Bytes k1 = f.key(1);
  f.set_roles([](ConclaveRoles& r) { return set_flags(r, profile_flags(false, false)); });
  expect_refused(f.one(f.edit([&](ConclaveRoles& r) { return set_entry(r, k1, kRoleRecorder, 0); }),
                       member(0)),
                 "roles: the meeting's profile forbids recorders");
  expect_refused(
      f.one(f.edit([&](ConclaveRoles& r) { return set_entry(r, k1, kRoleGateway, 0); }), member(0)),
      "roles: the meeting's profile forbids gateways");
  // Other grants stay possible under the gate.
  expect_allowed(f.one(
      f.edit([&](ConclaveRoles& r) { return set_entry(r, k1, kRoleModerator, kRightMaySpeak); }),
      member(0)));
}

// verifies: REQ-ROLES-011
TEST(RolesProfileGate, EachGateForbidsOnlyItsOwnRole) {
  PolicyFixture f;
  const Bytes k1 = f.key(1);
  f.set_roles([](ConclaveRoles& r) { return set_flags(r, profile_flags(true, false)); });
  expect_allowed(f.one(f.edit([&](ConclaveRoles& r) { return set_entry(r, k1, kRoleRecorder, 0); }),
                       member(0)));
  f.set_roles([](ConclaveRoles& r) { return set_flags(r, profile_flags(false, true)); });
  expect_allowed(f.one(f.edit([&](ConclaveRoles& r) { return set_entry(r, k1, kRoleGateway, 0); }),
                       member(0)));
}

// verifies: REQ-ROLES-011
TEST(RolesProfileGate, AGateIsNeverClearedButMutingStillWorks) {
  PolicyFixture f;
  f.set_roles([](ConclaveRoles& r) { return set_flags(r, kGroupNoRecorders | kGroupNoGateways); });
  for (uint8_t flags : {uint8_t{0}, kGroupNoRecorders, kGroupNoGateways, kGroupMutedAll}) {
    SCOPED_TRACE(static_cast<int>(flags));
    expect_refused(f.one(f.edit([&](ConclaveRoles& r) { return set_flags(r, flags); }), member(0)),
                   "roles: the profile forbids recorders or gateways; the gate stays");
  }
  expect_allowed(f.one(f.edit([](ConclaveRoles& r) {
    return set_flags(r, kGroupMutedAll | kGroupNoRecorders | kGroupNoGateways);
  }),
                       member(0)));
}

// verifies: REQ-ROLES-011
TEST(RolesProfileGate, AGateCannotBeSetWhileALabelledMemberExists) {
  PolicyFixture f;
  const Bytes k1 = f.key(1);
  f.set_roles([&](ConclaveRoles& r) { return set_entry(r, k1, kRoleRecorder, 0); });
  expect_refused(
      f.one(f.edit([](ConclaveRoles& r) { return set_flags(r, kGroupNoRecorders); }), member(0)),
      "roles: the meeting's profile forbids recorders");
  // Setting it after the label is gone is a moderator's choice.
  f.set_roles([&](ConclaveRoles& r) { return set_entry(r, k1, 0, 0); });
  expect_allowed(
      f.one(f.edit([](ConclaveRoles& r) { return set_flags(r, kGroupNoRecorders); }), member(0)));
}

// verifies: REQ-ROLES-011
TEST(RolesProfileGate, InitialRolesCarryTheGatesAndProfileFlagsMapTheProfile) {
  EXPECT_EQ(profile_flags(true, true), 0);
  EXPECT_EQ(profile_flags(false, true), kGroupNoRecorders);
  EXPECT_EQ(profile_flags(true, false), kGroupNoGateways);
  const Bytes key = {0xaa};
  auto ext = initial_roles(key, profile_flags(false, false));
  ASSERT_TRUE(ext.has_value());
  auto roles = decode_conclave_roles(ext->extension_data);
  ASSERT_TRUE(roles.has_value());
  EXPECT_EQ(roles->group_flags, kGroupNoRecorders | kGroupNoGateways);
  EXPECT_EQ(error_of(initial_roles(key, kGroupMutedAll)), Err::kInvalidArgument);
  ConclaveRoles bad = *roles;
  ASSERT_TRUE(set_entry(bad, key, kRoleRecorder, 0).has_value());
  EXPECT_NE(profile_gate_violation(bad), nullptr);
  EXPECT_EQ(profile_gate_violation(*roles), nullptr);
}

}  // namespace
}  // namespace conclave::mls
