// The roles policy running inside real groups (group.h + roles.h): every
// member runs conclave_roles_policy, so a commit from a non-moderator that
// adds someone, or that grants its sender moderator, is refused by every
// other member even when the sender's own client skipped the policy (a
// modified client, or a server forging on its behalf, can do no better).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../crypto_test_util.h"
#include "crypto/mls/external_senders.h"
#include "crypto/mls/group.h"
#include "crypto/mls/roles.h"
#include "crypto/signature.h"

namespace conclave::mls {
namespace {

using crypto::testing::error_of;

CipherSuite suite() { return CipherSuite(CipherSuiteId::kP256Aes128GcmSha256P256); }

struct Client {
  KeyPackageBundle bundle;
  Bytes key;  // signature public key
};

Client make_client(const std::string& name) {
  auto sig = crypto::generate_signature_key_pair(suite().signature_scheme());
  CONCLAVE_ASSERT(sig.has_value());
  Credential cred;
  cred.identity = to_bytes(as_bytes(name));
  KeyPackageOptions opts;
  opts.extra_extensions = {kExtConclaveRoles};
  auto kp = create_key_package(suite(), cred, sig->private_key, sig->public_key, opts);
  CONCLAVE_ASSERT(kp.has_value());
  return Client{std::move(kp).value(), sig->public_key};
}

GroupOptions with_roles() {
  GroupOptions o;
  o.policy = conclave_roles_policy;
  return o;
}

Bytes auth(const Group& g) { return to_bytes(g.epoch_authenticator().view()); }

// Meeting: host (moderator, leaf 0), bob and carol (participants), and the
// server as external sender 0. Everyone runs the roles policy.
class GroupRolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server_keys = crypto::generate_signature_key_pair(suite().signature_scheme());
    ASSERT_TRUE(server_keys.has_value());
    server_ = std::move(server_keys).value();
    ExternalSender es;
    es.signature_key = server_.public_key;
    es.credential.identity = to_bytes(as_bytes(std::string_view("server")));
    auto senders = encode_external_senders({es});
    ASSERT_TRUE(senders.has_value());
    auto roles = initial_roles(host_.key);
    ASSERT_TRUE(roles.has_value());
    auto g = Group::create(suite(), as_bytes(std::string_view("meeting")), host_.bundle,
                           {*roles, Extension{kExtExternalSenders, *senders}}, with_roles());
    ASSERT_TRUE(g.has_value()) << g.error().detail;
    host_g_.emplace(std::move(g).value());
    CommitOptions co;
    co.inline_proposals = {Proposal{Add{bob_.bundle.key_package}},
                           Proposal{Add{carol_.bundle.key_package}}};
    auto out = host_g_->commit(co);
    ASSERT_TRUE(out.has_value()) << out.error().detail;
    ASSERT_TRUE(host_g_->merge_pending_commit().has_value());
    const Welcome& w = std::get<Welcome>(out->welcome->body);
    auto b = Group::join(w, bob_.bundle, std::nullopt, with_roles());
    auto c = Group::join(w, carol_.bundle, std::nullopt, with_roles());
    ASSERT_TRUE(b.has_value() && c.has_value());
    bob_g_.emplace(std::move(b).value());
    carol_g_.emplace(std::move(c).value());
    // Bob's second client: same keys, no policy (a modified client).
    auto rogue = Group::join(w, bob_.bundle, std::nullopt, GroupOptions{});
    ASSERT_TRUE(rogue.has_value());
    rogue_bob_.emplace(std::move(rogue).value());
  }

  // expect_refused_by_others: host and carol refuse `m` and stay put.
  void expect_refused_by_others(const MlsMessage& m) {
    for (Group* g : {&*host_g_, &*carol_g_}) {
      const uint64_t epoch = g->epoch();
      const Bytes before = auth(*g);
      EXPECT_EQ(error_of(g->handle(m)), Err::kPolicyViolation);
      EXPECT_EQ(g->epoch(), epoch);
      EXPECT_EQ(auth(*g), before);
    }
  }

  // commit_from makes `committer` commit `proposals`, everyone else process.
  void commit_everywhere(Group& committer, std::vector<Proposal> proposals) {
    CommitOptions co;
    co.inline_proposals = std::move(proposals);
    auto out = committer.commit(co);
    ASSERT_TRUE(out.has_value()) << out.error().detail;
    ASSERT_TRUE(committer.merge_pending_commit().has_value());
    for (Group* g : {&*host_g_, &*bob_g_, &*carol_g_}) {
      if (g != &committer) {
        auto r = g->handle(out->commit);
        ASSERT_TRUE(r.has_value()) << r.error().detail;
      }
    }
  }

  Client host_ = make_client("host");
  Client bob_ = make_client("bob");
  Client carol_ = make_client("carol");
  Client dave_ = make_client("dave");
  crypto::SignatureKeyPair server_;
  std::optional<Group> host_g_, bob_g_, carol_g_, rogue_bob_;
};

// verifies: REQ-ROLES-004, REQ-MLS-306
TEST_F(GroupRolesTest, NonModeratorAddIsRefusedByEveryMember) {
  CommitOptions co;
  co.inline_proposals.push_back(Proposal{Add{dave_.bundle.key_package}});
  // Bob's honest client will not even make it.
  EXPECT_EQ(error_of(bob_g_->commit(co)), Err::kPolicyViolation);
  // A commit made without the policy is refused by everyone else.
  auto forged = rogue_bob_->commit(co);
  ASSERT_TRUE(forged.has_value()) << forged.error().detail;
  expect_refused_by_others(forged->commit);
  // So is the same Add proposed by reference.
  rogue_bob_->discard_pending_commit();
  auto proposal = rogue_bob_->propose(Proposal{Add{dave_.bundle.key_package}});
  ASSERT_TRUE(proposal.has_value());
  expect_refused_by_others(*proposal);
}

// verifies: REQ-ROLES-006, REQ-MLS-306
TEST_F(GroupRolesTest, CommitThatGrantsItsSenderModeratorIsRefused) {
  auto grant = roles_change(bob_g_->context().extensions, [&](ConclaveRoles& r) {
    return set_entry(r, bob_.key, kRoleModerator, kRightMaySpeak);
  });
  ASSERT_TRUE(grant.has_value());
  CommitOptions co;
  co.inline_proposals.push_back(*grant);
  EXPECT_EQ(error_of(bob_g_->commit(co)), Err::kPolicyViolation);
  auto forged = rogue_bob_->commit(co);
  ASSERT_TRUE(forged.has_value()) << forged.error().detail;
  expect_refused_by_others(forged->commit);
}

// verifies: REQ-ROLES-006, REQ-ROLES-004
TEST_F(GroupRolesTest, ModeratorGrantsModeratorWhoThenAdmitsSomeone) {
  auto grant = roles_change(host_g_->context().extensions, [&](ConclaveRoles& r) {
    return set_entry(r, bob_.key, kRoleModerator, 0);
  });
  ASSERT_TRUE(grant.has_value());
  commit_everywhere(*host_g_, {*grant});
  auto roles = roles_of(carol_g_->context().extensions);
  ASSERT_TRUE(roles.has_value());
  EXPECT_TRUE(is_moderator(*roles, bob_.key));
  EXPECT_FALSE(is_moderator(*roles, carol_.key));
  commit_everywhere(*bob_g_, {Proposal{Add{dave_.bundle.key_package}}});
  EXPECT_EQ(host_g_->members().size(), 4u);
  EXPECT_EQ(auth(*host_g_), auth(*carol_g_));
}

// verifies: REQ-ROLES-006
TEST_F(GroupRolesTest, ParticipantMayRaiseItsOwnHandButNotAnothers) {
  auto raise = hand_change(carol_g_->context().extensions, carol_.key, true);
  ASSERT_TRUE(raise.has_value());
  commit_everywhere(*carol_g_, {*raise});
  auto roles = roles_of(host_g_->context().extensions);
  ASSERT_TRUE(roles.has_value());
  ASSERT_NE(lookup(*roles, carol_.key), nullptr);
  EXPECT_TRUE(lookup(*roles, carol_.key)->has_right(kRightHandRaised));
  // Raising Bob's hand for him is a change to another's entry.
  auto other = hand_change(carol_g_->context().extensions, bob_.key, true);
  ASSERT_TRUE(other.has_value());
  CommitOptions co;
  co.inline_proposals.push_back(*other);
  EXPECT_EQ(error_of(carol_g_->commit(co)), Err::kPolicyViolation);
}

// verifies: REQ-ROLES-005, REQ-MLS-308
TEST_F(GroupRolesTest, ServerMayProposeRemoveButNotAdd) {
  FramedContent content;
  content.group_id = host_g_->group_id();
  content.epoch = host_g_->epoch();
  content.sender = Sender{SenderType::kExternal, 0};
  content.content = Proposal{Add{dave_.bundle.key_package}};
  const SecretBytes unused(suite().nh());
  auto add =
      protect_public_message(suite(), host_g_->context(), unused, server_.private_key, content, {});
  ASSERT_TRUE(add.has_value());
  expect_refused_by_others(MlsMessage{*add});

  content.content = Proposal{Remove{bob_g_->own_leaf().value()}};
  auto remove =
      protect_public_message(suite(), host_g_->context(), unused, server_.private_key, content, {});
  ASSERT_TRUE(remove.has_value());
  for (Group* g : {&*host_g_, &*bob_g_, &*carol_g_}) {
    ASSERT_TRUE(g->handle(MlsMessage{*remove}).has_value());
  }
  // A participant (not a moderator) commits the server's Remove.
  auto out = carol_g_->commit({});
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  ASSERT_TRUE(carol_g_->merge_pending_commit().has_value());
  ASSERT_TRUE(host_g_->handle(out->commit).has_value());
  auto removed = bob_g_->handle(out->commit);
  ASSERT_TRUE(removed.has_value());
  EXPECT_TRUE(removed->removed_self);
  EXPECT_EQ(auth(*host_g_), auth(*carol_g_));
}

// verifies: REQ-ROLES-008
TEST_F(GroupRolesTest, CommitPathLeafMayNotChangeTheSignatureKey) {
  const LeafNode* now = bob_g_->tree().leaf(bob_g_->own_leaf());
  ASSERT_NE(now, nullptr);
  LeafNode swapped = *now;
  swapped.signature_key = dave_.key;
  const std::vector<SenderedProposal> none;
  PolicyCheck check{&host_g_->context(),
                    &host_g_->tree(),
                    none,
                    bob_g_->own_leaf(),
                    &host_g_->context().extensions,
                    &swapped};
  EXPECT_EQ(error_of(conclave_roles_policy(check)), Err::kPolicyViolation);
  check.committer_leaf = now;
  EXPECT_TRUE(conclave_roles_policy(check).has_value());
}

}  // namespace
}  // namespace conclave::mls
