// Tests for crypto/mls/group.h: the group state machine end to end with
// real keys in both suites — create, Add + Welcome, Remove, proposals by
// reference, PSKs, external senders, the staged own commit, the policy
// hook, and that every refused message leaves the group exactly as it was.
// tests/kat runs the official passive-client vectors through the same code.
#include "crypto/mls/group.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "../crypto_test_util.h"
#include "crypto/mls/external_senders.h"
#include "crypto/signature.h"

namespace conclave::mls {
namespace {

using crypto::testing::error_of;

struct Client {
  KeyPackageBundle bundle;
  Bytes signature_pub;
};

Client make_client(const CipherSuite& suite, const std::string& name) {
  auto sig = crypto::generate_signature_key_pair(suite.signature_scheme());
  CONCLAVE_ASSERT(sig.has_value());
  Credential cred;
  cred.credential_type = CredentialType::kBasic;
  cred.identity = to_bytes(as_bytes(name));
  auto kp = create_key_package(suite, cred, sig->private_key, sig->public_key);
  CONCLAVE_ASSERT(kp.has_value());
  return Client{std::move(kp).value(), sig->public_key};
}

Proposal add_of(const Client& c) { return Proposal{Add{c.bundle.key_package}}; }
Proposal remove_of(uint32_t leaf) { return Proposal{Remove{leaf}}; }

Bytes bytes_of(const SecretBytes& s) { return to_bytes(s.view()); }

Bytes exported(const Group& g) {
  auto s = g.export_secret("exporter", {}, 32);
  CONCLAVE_ASSERT(s.has_value());
  return bytes_of(*s);
}

// Snapshot is what must not change when a message is refused.
struct Snapshot {
  uint64_t epoch;
  Bytes authenticator;
  Bytes tree_hash;
  size_t members;
};

Snapshot snapshot(const Group& g) {
  return Snapshot{g.epoch(), bytes_of(g.epoch_authenticator()), g.context().tree_hash,
                  g.members().size()};
}

void expect_unchanged(const Group& g, const Snapshot& s) {
  EXPECT_EQ(g.epoch(), s.epoch);
  EXPECT_EQ(bytes_of(g.epoch_authenticator()), s.authenticator);
  EXPECT_EQ(g.context().tree_hash, s.tree_hash);
  EXPECT_EQ(g.members().size(), s.members);
}

class GroupTest : public ::testing::TestWithParam<CipherSuiteId> {
 protected:
  CipherSuite suite() const { return CipherSuite(GetParam()); }

  Group create(const Client& c, std::vector<Extension> ext = {}, GroupOptions opts = {}) {
    auto g = Group::create(suite(), as_bytes(std::string_view("group")), c.bundle, std::move(ext),
                           std::move(opts));
    CONCLAVE_ASSERT(g.has_value());
    return std::move(g).value();
  }

  // add commits Add(joiner) from `committer`, merges it, has every group in
  // `others` process it, and returns the joiner's group.
  Group add(Group& committer, const Client& joiner, std::vector<Group*> others = {},
            GroupOptions opts = {}) {
    CommitOptions co;
    co.inline_proposals.push_back(add_of(joiner));
    auto out = committer.commit(co);
    CONCLAVE_ASSERT(out.has_value());
    for (Group* o : others) {
      auto r = o->handle(out->commit);
      EXPECT_TRUE(r.has_value()) << to_string(error_of(r)) << " " << r.error().detail;
    }
    EXPECT_TRUE(committer.merge_pending_commit().has_value());
    CONCLAVE_ASSERT(out->welcome.has_value());
    auto joined = Group::join(std::get<Welcome>(out->welcome->body), joiner.bundle, std::nullopt,
                              std::move(opts));
    EXPECT_TRUE(joined.has_value()) << to_string(error_of(joined)) << " " << joined.error().detail;
    CONCLAVE_ASSERT(joined.has_value());
    return std::move(joined).value();
  }

  void expect_agree(const std::vector<const Group*>& groups) {
    for (const Group* g : groups) {
      EXPECT_EQ(g->epoch(), groups[0]->epoch());
      EXPECT_EQ(bytes_of(g->epoch_authenticator()), bytes_of(groups[0]->epoch_authenticator()));
      EXPECT_EQ(exported(*g), exported(*groups[0]));
      EXPECT_EQ(g->context().tree_hash, groups[0]->context().tree_hash);
    }
  }

  void expect_delivers(Group& from, Group& to, const std::string& text) {
    auto m = from.protect(as_bytes(std::string_view(text)));
    ASSERT_TRUE(m.has_value());
    auto r = to.handle(*m);
    ASSERT_TRUE(r.has_value()) << to_string(error_of(r)) << " " << r.error().detail;
    EXPECT_EQ(r->kind, ReceivedKind::kApplication);
    EXPECT_EQ(r->application_data, to_bytes(as_bytes(std::string_view(text))));
    EXPECT_EQ(r->sender.index, from.own_leaf().value());
  }
};

// verifies: REQ-MLS-300
TEST_P(GroupTest, NewGroupHasOneMemberAtEpochZero) {
  const Client a = make_client(suite(), "alice");
  const Group g = create(a);
  EXPECT_EQ(g.epoch(), 0u);
  EXPECT_EQ(g.members().size(), 1u);
  EXPECT_EQ(g.own_leaf(), LeafIndex(0));
  EXPECT_EQ(g.epoch_authenticator().size(), suite().nh());
}

// verifies: REQ-MLS-303, REQ-MLS-304, REQ-MLS-307
TEST_P(GroupTest, ReferenceScenarioThreeMembersAgreeAndExchangeMessages) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  const Client c = make_client(suite(), "carol");
  Group ga = create(a);
  Group gb = add(ga, b);
  expect_agree({&ga, &gb});
  EXPECT_EQ(ga.epoch(), 1u);
  expect_delivers(ga, gb, "hello bob");
  expect_delivers(gb, ga, "hello alice");

  Group gc = add(gb, c, {&ga});
  expect_agree({&ga, &gb, &gc});
  EXPECT_EQ(gc.epoch(), 2u);
  expect_delivers(gc, ga, "from carol");
  expect_delivers(gc, gb, "from carol again");
  expect_delivers(ga, gc, "welcome carol");
}

// verifies: REQ-MLS-304
TEST_P(GroupTest, EmptyCommitRefreshesKeysAndAdvancesTheEpoch) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  Group ga = create(a);
  Group gb = add(ga, b);
  const Bytes before = bytes_of(ga.epoch_authenticator());
  auto out = gb.commit({});
  ASSERT_TRUE(out.has_value());
  EXPECT_FALSE(out->welcome.has_value());
  ASSERT_TRUE(ga.handle(out->commit).has_value());
  // The committer learns that its commit won when the server relays it back.
  auto echoed = gb.handle(out->commit);
  ASSERT_TRUE(echoed.has_value()) << echoed.error().detail;
  EXPECT_EQ(echoed->kind, ReceivedKind::kCommit);
  expect_agree({&ga, &gb});
  EXPECT_EQ(ga.epoch(), 2u);
  EXPECT_NE(bytes_of(ga.epoch_authenticator()), before);
}

// verifies: REQ-MLS-301
TEST_P(GroupTest, StagedCommitChangesNothingUntilMergedAndCanBeDiscarded) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  Group ga = create(a);
  Group gb = add(ga, b);
  const Snapshot sa = snapshot(ga);
  auto mine = ga.commit({});
  ASSERT_TRUE(mine.has_value());
  EXPECT_TRUE(ga.has_pending_commit());
  expect_unchanged(ga, sa);
  // The server ordered Bob's commit first: Alice drops hers and follows his.
  auto his = gb.commit({});
  ASSERT_TRUE(his.has_value());
  ASSERT_TRUE(gb.merge_pending_commit().has_value());
  ga.discard_pending_commit();
  ASSERT_TRUE(ga.handle(his->commit).has_value());
  expect_agree({&ga, &gb});
  // Alice's own stale commit is now for an old epoch.
  EXPECT_EQ(error_of(gb.handle(mine->commit)), Err::kWrongEpoch);
}

// verifies: REQ-MLS-305
TEST_P(GroupTest, OwnCommitThatWasNotStagedIsRefused) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  Group ga = create(a);
  Group gb = add(ga, b);
  auto out = ga.commit({});
  ASSERT_TRUE(out.has_value());
  ga.discard_pending_commit();
  const Snapshot s = snapshot(ga);
  EXPECT_EQ(error_of(ga.handle(out->commit)), Err::kUnexpectedMessage);
  expect_unchanged(ga, s);
}

// verifies: REQ-MLS-304, REQ-MLS-308
TEST_P(GroupTest, RemovedMemberLearnsItAndHoldsNoKeyOfTheNextEpoch) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  const Client c = make_client(suite(), "carol");
  Group ga = create(a);
  Group gb = add(ga, b);
  Group gc = add(ga, c, {&gb});
  CommitOptions co;
  co.inline_proposals.push_back(remove_of(gb.own_leaf().value()));
  auto out = ga.commit(co);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(ga.merge_pending_commit().has_value());
  ASSERT_TRUE(gc.handle(out->commit).has_value());
  auto r = gb.handle(out->commit);
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_TRUE(r->removed_self);
  EXPECT_FALSE(gb.active());
  expect_agree({&ga, &gc});
  EXPECT_EQ(ga.members().size(), 2u);
  // The removed member can neither read nor send in the new epoch.
  auto m = ga.protect(as_bytes(std::string_view("after removal")));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(error_of(gb.handle(*m)), Err::kUnexpectedMessage);
  EXPECT_FALSE(gb.export_secret("exporter", {}, 32).has_value());
  EXPECT_FALSE(gb.protect(as_bytes(std::string_view("x"))).has_value());
  expect_delivers(ga, gc, "still here");
}

// verifies: REQ-MLS-303
TEST_P(GroupTest, CommitThatRemovesTheCommitterIsRefused) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  Group ga = create(a);
  Group gb = add(ga, b);
  CommitOptions co;
  co.inline_proposals.push_back(remove_of(ga.own_leaf().value()));
  const Snapshot s = snapshot(ga);
  EXPECT_FALSE(ga.commit(co).has_value());
  EXPECT_FALSE(ga.has_pending_commit());
  expect_unchanged(ga, s);
}

// verifies: REQ-MLS-303
TEST_P(GroupTest, CommitThatRemovesOneLeafTwiceIsRefused) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  Group ga = create(a);
  Group gb = add(ga, b);
  CommitOptions co;
  co.inline_proposals = {remove_of(1), remove_of(1)};
  EXPECT_EQ(error_of(ga.commit(co)), Err::kProtocol);
}

// verifies: REQ-MLS-303
TEST_P(GroupTest, AddingAClientAlreadyInTheGroupIsRefused) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  Group ga = create(a);
  Group gb = add(ga, b);
  CommitOptions co;
  co.inline_proposals.push_back(add_of(b));
  EXPECT_FALSE(ga.commit(co).has_value());
  EXPECT_FALSE(ga.has_pending_commit());
}

// verifies: REQ-MLS-302
TEST_P(GroupTest, KeyPackageValidationRefusesTamperingAndExpiry) {
  const Client b = make_client(suite(), "bob");
  EXPECT_TRUE(validate_key_package(suite(), b.bundle.key_package, 1000).has_value());
  KeyPackage tampered = b.bundle.key_package;
  tampered.leaf_node.credential.identity.push_back('!');
  EXPECT_EQ(error_of(validate_key_package(suite(), tampered, std::nullopt)), Err::kAuthFailed);
  KeyPackage same_keys = b.bundle.key_package;
  same_keys.init_key = same_keys.leaf_node.encryption_key;
  EXPECT_FALSE(validate_key_package(suite(), same_keys, std::nullopt).has_value());
  const CipherSuite other(suite().id() == CipherSuiteId::kP256Aes128GcmSha256P256
                              ? CipherSuiteId::kX25519Aes128GcmSha256Ed25519
                              : CipherSuiteId::kP256Aes128GcmSha256P256);
  EXPECT_EQ(error_of(validate_key_package(other, b.bundle.key_package, std::nullopt)),
            Err::kProtocol);

  auto sig = crypto::generate_signature_key_pair(suite().signature_scheme());
  ASSERT_TRUE(sig.has_value());
  KeyPackageOptions opts;
  opts.lifetime = Lifetime{100, 200};
  auto expiring = create_key_package(suite(), b.bundle.key_package.leaf_node.credential,
                                     sig->private_key, sig->public_key, opts);
  ASSERT_TRUE(expiring.has_value());
  EXPECT_TRUE(validate_key_package(suite(), expiring->key_package, 150).has_value());
  EXPECT_EQ(error_of(validate_key_package(suite(), expiring->key_package, 201)),
            Err::kInvalidValue);
}

// verifies: REQ-MLS-301, REQ-MLS-304
TEST_P(GroupTest, TamperedCommitIsRefusedAndTheGenuineOneStillApplies) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  const Client c = make_client(suite(), "carol");
  Group ga = create(a);
  Group gb = add(ga, b);
  CommitOptions co;
  co.inline_proposals.push_back(add_of(c));
  auto out = ga.commit(co);
  ASSERT_TRUE(out.has_value());
  const Snapshot s = snapshot(gb);

  MlsMessage bad_tag = out->commit;
  std::get<PublicMessage>(bad_tag.body).auth.confirmation_tag[0] ^= 1;
  EXPECT_EQ(error_of(gb.handle(bad_tag)), Err::kAuthFailed);
  expect_unchanged(gb, s);

  MlsMessage bad_sig = out->commit;
  std::get<PublicMessage>(bad_sig.body).auth.signature[4] ^= 1;
  EXPECT_FALSE(gb.handle(bad_sig).has_value());
  expect_unchanged(gb, s);

  MlsMessage bad_path = out->commit;
  auto& commit = std::get<Commit>(std::get<PublicMessage>(bad_path.body).content.content);
  commit.path->nodes[0].encrypted_path_secret[0].ciphertext[0] ^= 1;
  EXPECT_FALSE(gb.handle(bad_path).has_value());
  expect_unchanged(gb, s);

  ASSERT_TRUE(gb.handle(out->commit).has_value());
  ASSERT_TRUE(ga.merge_pending_commit().has_value());
  expect_agree({&ga, &gb});
}

// verifies: REQ-MLS-305, REQ-MLS-309
TEST_P(GroupTest, MessagesOfAnotherEpochOrGroupAreRefused) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  Group ga = create(a);
  Group gb = add(ga, b);
  auto old = ga.protect(as_bytes(std::string_view("epoch 1")));
  ASSERT_TRUE(old.has_value());
  auto out = ga.commit({});
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(ga.merge_pending_commit().has_value());
  ASSERT_TRUE(gb.handle(out->commit).has_value());
  EXPECT_EQ(error_of(gb.handle(out->commit)), Err::kWrongEpoch);
  // Application data of the previous epoch still opens until the keys are
  // forgotten (REQ-MLS-309), and only then is it kWrongEpoch.
  auto late = gb.handle(*old);
  ASSERT_TRUE(late.has_value()) << late.error().detail;
  EXPECT_EQ(late->epoch, 1u);
  EXPECT_EQ(late->application_data, to_bytes(as_bytes(std::string_view("epoch 1"))));
  gb.forget_previous_epoch();
  EXPECT_FALSE(gb.holds_previous_epoch());
  EXPECT_EQ(error_of(gb.handle(*old)), Err::kWrongEpoch);
  // Two epochs back is never accepted.
  auto older = ga.protect(as_bytes(std::string_view("epoch 2")));
  ASSERT_TRUE(older.has_value());
  for (int i = 0; i < 2; ++i) {
    auto c = ga.commit({});
    ASSERT_TRUE(c.has_value());
    ASSERT_TRUE(ga.merge_pending_commit().has_value());
    ASSERT_TRUE(gb.handle(c->commit).has_value());
  }
  EXPECT_TRUE(gb.holds_previous_epoch());
  EXPECT_EQ(error_of(gb.handle(*older)), Err::kWrongEpoch);

  MlsMessage other = *old;
  std::get<PrivateMessage>(other.body).group_id.push_back(1);
  EXPECT_EQ(error_of(gb.handle(other)), Err::kProtocol);
  EXPECT_EQ(error_of(gb.handle(MlsMessage{b.bundle.key_package})), Err::kUnexpectedMessage);
}

// verifies: REQ-MLS-305
TEST_P(GroupTest, ProposalsByReferenceAreCommittedByAnotherMember) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  const Client c = make_client(suite(), "carol");
  Group ga = create(a);
  Group gb = add(ga, b);
  auto proposal = ga.propose(add_of(c));
  ASSERT_TRUE(proposal.has_value());
  auto r = gb.handle(*proposal);
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_EQ(r->kind, ReceivedKind::kProposal);
  auto out = gb.commit({});  // commits the cached Add by reference
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  ASSERT_TRUE(out->welcome.has_value());
  const auto& proposals =
      std::get<Commit>(std::get<PublicMessage>(out->commit.body).content.content).proposals;
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].type(), ProposalOrRefType::kReference);
  ASSERT_TRUE(ga.handle(out->commit).has_value());
  ASSERT_TRUE(gb.merge_pending_commit().has_value());
  auto gc = Group::join(std::get<Welcome>(out->welcome->body), c.bundle, std::nullopt, {});
  ASSERT_TRUE(gc.has_value()) << gc.error().detail;
  expect_agree({&ga, &gb, &*gc});
}

// verifies: REQ-MLS-303
TEST_P(GroupTest, CommitReferencingAnUnknownProposalIsRefused) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  const Client c = make_client(suite(), "carol");
  Group ga = create(a);
  Group gb = add(ga, b);
  ASSERT_TRUE(ga.propose(add_of(c)).has_value());
  // Bob never received the proposal.
  auto out = ga.commit({});
  ASSERT_TRUE(out.has_value());
  const Snapshot s = snapshot(gb);
  EXPECT_EQ(error_of(gb.handle(out->commit)), Err::kProtocol);
  expect_unchanged(gb, s);
}

// verifies: REQ-MLS-113, REQ-MLS-304
TEST_P(GroupTest, ExternalPskEntersTheKeySchedule) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  const Bytes psk_id = {'p', 's', 'k'};
  GroupOptions with_psk;
  with_psk.external_psks = [psk_id](const PreSharedKeyId& id) -> Result<SecretBytes> {
    if (!equal(id.psk_id, psk_id)) {
      return Error(Err::kProtocol, "unknown");
    }
    return SecretBytes::copy_of(as_bytes(std::string_view("shared secret")));
  };
  Group ga = create(a, {}, with_psk);
  Group gb = add(ga, b, {}, with_psk);
  PreSharedKeyId id;
  id.psktype = PskType::kExternal;
  id.psk_id = psk_id;
  id.psk_nonce = Bytes(suite().nh(), 7);
  CommitOptions co;
  co.inline_proposals.push_back(Proposal{PreSharedKey{id}});
  auto out = ga.commit(co);
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  ASSERT_TRUE(gb.handle(out->commit).has_value());
  ASSERT_TRUE(ga.merge_pending_commit().has_value());
  expect_agree({&ga, &gb});

  // A member that does not know the PSK cannot follow, and stays put.
  const Client c = make_client(suite(), "carol");
  Group gc = add(ga, c, {&gb});
  auto again = ga.commit(co);  // same proposal list: the PSK again
  ASSERT_TRUE(again.has_value());
  const Snapshot s = snapshot(gc);
  EXPECT_EQ(error_of(gc.handle(again->commit)), Err::kProtocol);
  expect_unchanged(gc, s);
}

// verifies: REQ-MLS-306
TEST_P(GroupTest, PolicyHookRejectsACommitForEveryMemberAndChangesNothing) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  const Client c = make_client(suite(), "carol");
  // Only leaf 0 may add.
  GroupOptions opts;
  opts.policy = [](const PolicyCheck& check) -> Result<void> {
    for (const SenderedProposal& p : check.proposals) {
      if (p.proposal->proposal_type() == ProposalType::kAdd && p.sender.index != 0) {
        return Error(Err::kPolicyViolation, "only leaf 0 adds");
      }
    }
    return {};
  };
  Group ga = create(a, {}, opts);
  // Bob's client runs without the policy (a modified client, or a server
  // that forges on his behalf cannot do better than this).
  Group gb = add(ga, b, {}, GroupOptions{});
  CommitOptions co;
  co.inline_proposals.push_back(add_of(c));
  auto out = gb.commit(co);
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  const Snapshot s = snapshot(ga);
  EXPECT_EQ(error_of(ga.handle(out->commit)), Err::kPolicyViolation);
  expect_unchanged(ga, s);
  // A by-reference Add proposed by Bob is refused on receipt as well.
  gb.discard_pending_commit();
  auto proposal = gb.propose(add_of(c));
  ASSERT_TRUE(proposal.has_value());
  EXPECT_EQ(error_of(ga.handle(*proposal)), Err::kPolicyViolation);
  expect_unchanged(ga, s);
  // Alice's own client refuses to make a forbidden commit, too: only leaf 0
  // may add, and Alice is leaf 0, so she may.
  EXPECT_TRUE(ga.commit(co).has_value());
}

// verifies: REQ-MLS-308
TEST_P(GroupTest, ExternalSenderRemoveIsCommittedByAMember) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  const Client c = make_client(suite(), "carol");
  auto server = crypto::generate_signature_key_pair(suite().signature_scheme());
  ASSERT_TRUE(server.has_value());
  ExternalSender es;
  es.signature_key = server->public_key;
  es.credential.identity = to_bytes(as_bytes(std::string_view("server")));
  auto ext = encode_external_senders({es});
  ASSERT_TRUE(ext.has_value());
  Group ga = create(a, {Extension{kExtExternalSenders, *ext}});
  Group gb = add(ga, b);
  Group gc = add(ga, c, {&gb});

  // The server signs Remove(carol) as external sender 0.
  FramedContent content;
  content.group_id = ga.group_id();
  content.epoch = ga.epoch();
  content.sender = Sender{SenderType::kExternal, 0};
  content.content = remove_of(gc.own_leaf().value());
  auto msg = protect_public_message(suite(), ga.context(), SecretBytes(suite().nh()),
                                    server->private_key, content, {});
  ASSERT_TRUE(msg.has_value()) << msg.error().detail;
  const MlsMessage proposal{*msg};
  for (Group* g : {&ga, &gb, &gc}) {
    auto r = g->handle(proposal);
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_EQ(r->sender.sender_type, SenderType::kExternal);
  }
  auto out = gb.commit({});
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  ASSERT_TRUE(ga.handle(out->commit).has_value());
  ASSERT_TRUE(gb.merge_pending_commit().has_value());
  auto removed = gc.handle(out->commit);
  ASSERT_TRUE(removed.has_value());
  EXPECT_TRUE(removed->removed_self);
  expect_agree({&ga, &gb});

  // A forged server signature is refused.
  auto forger = crypto::generate_signature_key_pair(suite().signature_scheme());
  ASSERT_TRUE(forger.has_value());
  content.epoch = ga.epoch();
  content.content = remove_of(gb.own_leaf().value());
  auto forged = protect_public_message(suite(), ga.context(), SecretBytes(suite().nh()),
                                       forger->private_key, content, {});
  ASSERT_TRUE(forged.has_value());
  EXPECT_EQ(error_of(ga.handle(MlsMessage{*forged})), Err::kAuthFailed);
}

// verifies: REQ-MLS-307
TEST_P(GroupTest, WelcomeForSomeoneElseOrWithAWrongKeyIsRefused) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  const Client c = make_client(suite(), "carol");
  Group ga = create(a);
  CommitOptions co;
  co.inline_proposals.push_back(add_of(b));
  auto out = ga.commit(co);
  ASSERT_TRUE(out.has_value());
  const Welcome& w = std::get<Welcome>(out->welcome->body);
  EXPECT_EQ(error_of(Group::join(w, c.bundle, std::nullopt, {})), Err::kProtocol);
  KeyPackageBundle wrong{b.bundle.key_package, c.bundle.init_priv.clone(),
                         b.bundle.encryption_priv.clone(), b.bundle.signature_priv.clone()};
  EXPECT_FALSE(Group::join(w, wrong, std::nullopt, {}).has_value());
  // An empty tree argument is not "no tree": the tree must match.
  EXPECT_FALSE(Group::join(w, b.bundle, RatchetTree{}, {}).has_value());
  EXPECT_TRUE(Group::join(w, b.bundle, std::nullopt, {}).has_value());
}

// verifies: REQ-MLS-405
TEST_P(GroupTest, ApplicationMessagesAreRefusedAfterTamperingAndOnReplay) {
  const Client a = make_client(suite(), "alice");
  const Client b = make_client(suite(), "bob");
  Group ga = create(a);
  Group gb = add(ga, b);
  auto m = ga.protect(as_bytes(std::string_view("once")));
  ASSERT_TRUE(m.has_value());
  MlsMessage bad = *m;
  std::get<PrivateMessage>(bad.body).ciphertext[0] ^= 1;
  EXPECT_EQ(error_of(gb.handle(bad)), Err::kAuthFailed);
  ASSERT_TRUE(gb.handle(*m).has_value());
  EXPECT_FALSE(gb.handle(*m).has_value());
}

INSTANTIATE_TEST_SUITE_P(Suites, GroupTest,
                         ::testing::Values(CipherSuiteId::kX25519Aes128GcmSha256Ed25519,
                                           CipherSuiteId::kP256Aes128GcmSha256P256),
                         [](const auto& suite_info) {
                           return suite_info.param == CipherSuiteId::kX25519Aes128GcmSha256Ed25519
                                      ? std::string("Suite1")
                                      : std::string("Suite2");
                         });

}  // namespace
}  // namespace conclave::mls
