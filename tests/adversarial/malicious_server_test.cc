// A malicious SERVER against honest clients: the test plays the server
// (it holds the group's external-sender key, as the meeting's server does)
// and relays what a compromised server would inject into honest members'
// mls::Group state: an Add of its own, a commit by a non-moderator, a
// self-promotion. Every honest member refuses each one and stays in its
// epoch (spec/06-signaling-lobby.md "Who is a moderator", spec/04 "Roles
// and policy"). No network is needed: the members are real clients' group
// state and the "server" is whatever this test delivers to them.
#include <gtest/gtest.h>

#include "core/reader.h"
#include "crypto/mls/credential.h"
#include "crypto/mls/external_senders.h"
#include "crypto/mls/message_protection.h"
#include "crypto/mls/roles.h"
#include "crypto/signature.h"
#include "tests/adversarial/server_fixture.h"

namespace conclave::adversarial {
namespace {

struct Client {
  std::string name;
  mls::KeyPackageBundle bundle;
  Bytes signature_key;
  std::optional<mls::Group> group;
};

class MaliciousServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = crypto::generate_signature_key_pair(meeting_suite().signature_scheme());
    ASSERT_TRUE(key.has_value());
    server_pub_ = key->public_key;
    server_priv_ = std::move(key->private_key);
    mls::ExternalSender es;
    es.signature_key = server_pub_;
    const std::string id = "conclave-server:evil";
    es.credential.identity = Bytes(id.begin(), id.end());
    auto senders = mls::encode_external_senders({es});
    ASSERT_TRUE(senders.has_value());
    host_ = make("host");
    auto roles = mls::initial_roles(host_.signature_key);
    ASSERT_TRUE(roles.has_value());
    auto g = mls::Group::create(meeting_suite(), group_id_, host_.bundle,
                                {mls::Extension{mls::kExtExternalSenders, *senders}, *roles},
                                with_roles());
    ASSERT_TRUE(g.has_value()) << g.error().detail;
    host_.group.emplace(std::move(g).value());
    bob_ = make("bob");
    add(bob_, {&host_}, mls::GroupOptions{});  // bob's client skips the policy
    carol_ = make("carol");
    add(carol_, {&host_, &bob_}, with_roles());
    eve_ = make("eve");
  }

  Client make(const std::string& name) {
    Client c;
    c.name = name;
    auto sig = crypto::generate_signature_key_pair(meeting_suite().signature_scheme());
    CONCLAVE_ASSERT(sig.has_value());
    mls::Credential cred;
    cred.identity = Bytes(name.begin(), name.end());
    mls::KeyPackageOptions opts;
    opts.extra_extensions = {mls::kExtConclaveRoles};
    auto kp =
        mls::create_key_package(meeting_suite(), cred, sig->private_key, sig->public_key, opts);
    CONCLAVE_ASSERT(kp.has_value());
    c.bundle = std::move(kp).value();
    c.signature_key = sig->public_key;
    return c;
  }

  // add is an honest admission by the host: `others` process the commit.
  void add(Client& joiner, const std::vector<Client*>& members, mls::GroupOptions options) {
    mls::CommitOptions co;
    co.inline_proposals.push_back(mls::Proposal{mls::Add{joiner.bundle.key_package}});
    auto out = host_.group->commit(co);
    ASSERT_TRUE(out.has_value()) << out.error().detail;
    for (Client* m : members) {
      ASSERT_TRUE(m->group->handle(out->commit).has_value()) << m->name;
    }
    auto g = mls::Group::join(std::get<mls::Welcome>(out->welcome->body), joiner.bundle,
                              std::nullopt, std::move(options));
    ASSERT_TRUE(g.has_value()) << g.error().detail;
    joiner.group.emplace(std::move(g).value());
  }

  // external_proposal is `proposal` signed by the server as external sender 0.
  mls::MlsMessage external_proposal(mls::Proposal proposal) {
    mls::FramedContent content;
    content.group_id = group_id_;
    content.epoch = host_.group->epoch();
    content.sender = mls::Sender{mls::SenderType::kExternal, 0};
    content.content = std::move(proposal);
    auto pm =
        mls::protect_public_message(meeting_suite(), host_.group->context(),
                                    SecretBytes(meeting_suite().nh()), server_priv_, content, {});
    CONCLAVE_ASSERT(pm.has_value());
    return mls::MlsMessage{*pm};
  }

  // expect_refused delivers `m` to every honest member: each refuses it and
  // stays in its epoch.
  void expect_refused(const mls::MlsMessage& m, const char* what) {
    for (Client* c : {&host_, &carol_}) {
      const uint64_t epoch = c->group->epoch();
      auto r = c->group->handle(m);
      EXPECT_FALSE(r.has_value()) << c->name << " accepted " << what;
      EXPECT_EQ(c->group->epoch(), epoch) << c->name;
    }
  }

  const Bytes group_id_ = Bytes{'e', 'v', 'i', 'l'};
  Bytes server_pub_;
  SecretBytes server_priv_;
  Client host_, bob_, carol_, eve_;
};

// T-08: the server, as the group's external sender, proposes Add(eve):
// refused by every member (external senders may only propose Remove),
// while its Remove proposal, same key and framing, is accepted.
// verifies: REQ-ROLES-005
TEST_F(MaliciousServer, ExternalSenderAddProposalIsRefusedByEveryMember) {
  expect_refused(external_proposal(mls::Proposal{mls::Add{eve_.bundle.key_package}}),
                 "an external Add");
  // Control: the same signer's Remove is accepted, so the refusal above is
  // the policy's, not a bad signature.
  const auto remove = external_proposal(mls::Proposal{mls::Remove{2}});
  EXPECT_TRUE(host_.group->handle(remove).has_value());
  EXPECT_TRUE(carol_.group->handle(remove).has_value());
}

// T-08: a non-moderator's commit adding eve (bob's client skips the policy;
// the server relays it instead of refusing the Admit) is refused by every
// honest member, and eve's Welcome leads only into bob's private fork.
// verifies: REQ-ROLES-004
// verifies: REQ-ROLES-010
TEST_F(MaliciousServer, NonModeratorAddCommitIsRefusedByEveryMember) {
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Add{eve_.bundle.key_package}});
  auto out = bob_.group->commit(co);
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  expect_refused(out->commit, "a non-moderator's Add");
  // The meeting goes on without bob's commit: the host commits, everyone
  // honest (and bob, once he drops his fork) follows.
  bob_.group->discard_pending_commit();
  auto hand = mls::hand_change(host_.group->context().extensions, host_.signature_key, true);
  ASSERT_TRUE(hand.has_value());
  mls::CommitOptions hc;
  hc.inline_proposals = {*hand};
  auto next = host_.group->commit(hc);
  ASSERT_TRUE(next.has_value());
  ASSERT_TRUE(host_.group->merge_pending_commit().has_value());
  ASSERT_TRUE(carol_.group->handle(next->commit).has_value());
  ASSERT_TRUE(bob_.group->handle(next->commit).has_value());
  EXPECT_TRUE(carol_.group->epoch_authenticator().ct_equal(host_.group->epoch_authenticator()));
  EXPECT_EQ(host_.group->members().size(), 3u);
}

// T-08, T-11: a commit that carries the server's external Add by reference
// (bob's policy-free client took the proposal) is refused, as is a commit
// in which bob makes himself moderator.
// verifies: REQ-ROLES-005
// verifies: REQ-ROLES-006
// verifies: REQ-ROLES-010
TEST_F(MaliciousServer, InjectedProposalCommittedByReferenceAndSelfPromotionAreRefused) {
  const auto add = external_proposal(mls::Proposal{mls::Add{eve_.bundle.key_package}});
  ASSERT_TRUE(bob_.group->handle(add).has_value());  // no policy: cached
  auto out = bob_.group->commit({});
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  expect_refused(out->commit, "a commit of the server's Add");
  bob_.group->discard_pending_commit();

  auto promote = mls::roles_change(bob_.group->context().extensions, [&](mls::ConclaveRoles& r) {
    return mls::set_entry(r, bob_.signature_key, mls::kRoleModerator, mls::kRightMaySpeak);
  });
  ASSERT_TRUE(promote.has_value());
  mls::CommitOptions co;
  co.inline_proposals = {*promote};
  co.include_cached = false;
  auto self = bob_.group->commit(co);
  ASSERT_TRUE(self.has_value()) << self.error().detail;
  expect_refused(self->commit, "a self-promotion");
  // A server that "promotes" bob by proposing the roles change itself is
  // refused as well: external senders propose nothing but Remove.
  expect_refused(external_proposal(*promote), "an external roles change");
}

}  // namespace
}  // namespace conclave::adversarial
