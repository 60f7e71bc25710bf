// Commit ordering against the real server: replays, commits and messages
// of the wrong epoch, envelope epochs that lie, commits passed off as
// another member's, and a captured Welcome replayed to a third party
// (spec/06-signaling-lobby.md "Commit ordering").
#include <gtest/gtest.h>

#include "crypto/mls/roles.h"
#include "tests/adversarial/server_fixture.h"

namespace conclave::adversarial {
namespace {

class Ordering : public ServerFixture {};

// hand_commit is `p`'s commit raising its own hand (allowed to anyone).
std::optional<mls::CommitOutput> hand_commit(Peer& p, bool raised = true) {
  auto hand = mls::hand_change(p.group->context().extensions, p.signature_key, raised);
  if (!hand) {
    return std::nullopt;
  }
  mls::CommitOptions co;
  co.inline_proposals = {*hand};
  auto out = p.group->commit(co);
  if (!out) {
    return std::nullopt;
  }
  return std::move(out).value();
}

// T-10: a commit that already won its epoch, sent again, is rejected with
// the current epoch; so is a replayed Admit (its entry no longer waits).
// verifies: REQ-SIG-043
TEST_F(Ordering, ReplayedCommitOfAnOldEpochIsRejected) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  const uint64_t e = host->group->epoch();
  auto c = hand_commit(*bob);
  ASSERT_TRUE(c.has_value());
  const Bytes commit = mls_bytes(c->commit);
  ASSERT_TRUE(bob->send(protocol::MlsMessage{e, commit}));
  ASSERT_TRUE(bob->pump(e + 1));
  ASSERT_TRUE(host->pump(e + 1));
  // Replayed by bob, and by the host on its own session.
  ASSERT_TRUE(bob->send(protocol::MlsMessage{e, commit}));
  auto rejected = bob->wait<protocol::CommitRejected>();
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(rejected->current_epoch, e + 1);
  ASSERT_TRUE(host->send(protocol::MlsMessage{e, commit}));
  auto err = host->wait<protocol::ErrorMessage>();  // not its leaf
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kPolicyViolation));
  ASSERT_TRUE(host->barrier());
  ASSERT_TRUE(bob->barrier());
  EXPECT_EQ(host->count<protocol::Relay>(), 0u);
  EXPECT_EQ(bob->count<protocol::Relay>(), 0u);
  // Had a server replayed it, the members would refuse it too.
  EXPECT_FALSE(host->group->handle(c->commit).has_value());
  EXPECT_EQ(host->group->epoch(), e + 1);
}

// T-10: a replayed Admit names an entry that no longer waits.
// verifies: REQ-SIG-043
// verifies: REQ-SIG-044
TEST_F(Ordering, ReplayedAdmitIsRefused) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = guest("bob", meeting_a_);
  ASSERT_NE(bob, nullptr);
  ASSERT_TRUE(bob->submit());
  auto entry = entry_of(*host, "bob");
  ASSERT_TRUE(entry.has_value());
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Add{bob->bundle.key_package}});
  auto out = host->group->commit(co);
  ASSERT_TRUE(out.has_value());
  const protocol::Admit a{*entry, 0, mls_bytes(out->commit), mls_bytes(*out->welcome)};
  ASSERT_TRUE(host->send(a));
  ASSERT_TRUE(host->pump(1));
  ASSERT_TRUE(bob->wait<protocol::Admitted>().has_value());
  ASSERT_TRUE(host->send(a));
  auto err = host->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kUnexpectedMessage));
  ASSERT_TRUE(bob->barrier());
  EXPECT_EQ(bob->count<protocol::Admitted>(), 0u);
}

// T-10, T-14: a third party that captured another joiner's Welcome (a
// replaying server hands it to her as her Admitted) cannot join: the
// Welcome's secrets are encrypted to the other KeyPackage's init key. Nor
// does submitting a captured KeyPackage as her own help.
// verifies: REQ-SIG-044
TEST_F(Ordering, ReplayedWelcomeDoesNotLetAThirdPartyJoin) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = guest("bob", meeting_a_);
  ASSERT_NE(bob, nullptr);
  ASSERT_TRUE(bob->submit());
  auto entry = entry_of(*host, "bob");
  ASSERT_TRUE(entry.has_value());
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Add{bob->bundle.key_package}});
  auto out = host->group->commit(co);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(
      host->send(protocol::Admit{*entry, 0, mls_bytes(out->commit), mls_bytes(*out->welcome)}));
  ASSERT_TRUE(host->pump(1));
  auto admitted = bob->wait<protocol::Admitted>();
  ASSERT_TRUE(admitted.has_value());
  auto w = mls::decode_mls_message(admitted->welcome);
  ASSERT_TRUE(w.has_value());
  const auto& welcome = std::get<mls::Welcome>(w->body);

  auto eve = guest("eve", meeting_a_);
  ASSERT_NE(eve, nullptr);
  // With her own KeyPackage: no entry for her.
  EXPECT_FALSE(mls::Group::join(welcome, eve->bundle, std::nullopt, with_roles()).has_value());
  // With bob's public KeyPackage and her own private keys: cannot decrypt.
  mls::KeyPackageBundle forged{bob->bundle.key_package, eve->bundle.init_priv.clone(),
                               eve->bundle.encryption_priv.clone(),
                               eve->bundle.signature_priv.clone()};
  EXPECT_FALSE(mls::Group::join(welcome, forged, std::nullopt, with_roles()).has_value());
  // Submitting bob's KeyPackage as her own: it is an Add of a member
  // already in the group, which no commit can carry.
  ASSERT_TRUE(
      eve->send(protocol::SubmitKeyPackage{mls_bytes(mls::MlsMessage{bob->bundle.key_package})}));
  auto entry2 = entry_of(*host, "bob");
  ASSERT_TRUE(entry2.has_value());
  mls::CommitOptions again;
  again.inline_proposals.push_back(mls::Proposal{mls::Add{bob->bundle.key_package}});
  EXPECT_FALSE(host->group->commit(again).has_value());
  // And the real bob is in.
  auto g = mls::Group::join(welcome, bob->bundle, std::nullopt, with_roles());
  ASSERT_TRUE(g.has_value()) << g.error().detail;
  EXPECT_TRUE(g->epoch_authenticator().ct_equal(host->group->epoch_authenticator()));
}

// T-10: the Envelope's epoch must be the MLS message's own; a lie is
// kProtocol for commits, proposals, chat, Admit and Exclude alike.
// verifies: REQ-SIG-043
TEST_F(Ordering, EnvelopeEpochThatDiffersFromTheMlsEpochIsRefused) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  const uint64_t e = host->group->epoch();
  auto c = hand_commit(*bob);
  ASSERT_TRUE(c.has_value());
  for (uint64_t lie : {e + 1, e - 1, uint64_t{0xffffffffffffffff}}) {
    ASSERT_TRUE(bob->send(protocol::MlsMessage{lie, mls_bytes(c->commit)}));
    auto err = bob->wait<protocol::ErrorMessage>();
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kProtocol)) << lie;
  }
  bob->group->discard_pending_commit();
  auto chat = bob->group->protect(as_bytes(std::string_view("hi")));
  ASSERT_TRUE(chat.has_value());
  ASSERT_TRUE(bob->send(protocol::MlsMessage{e + 1, mls_bytes(*chat)}));
  auto err = bob->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kProtocol));
  // The host's Admit with a lying epoch.
  auto eve = guest("eve", meeting_a_);
  ASSERT_NE(eve, nullptr);
  ASSERT_TRUE(eve->submit());
  auto entry = entry_of(*host, "eve");
  ASSERT_TRUE(entry.has_value());
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Add{eve->bundle.key_package}});
  auto out = host->group->commit(co);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(
      host->send(protocol::Admit{*entry, e + 1, mls_bytes(out->commit), mls_bytes(*out->welcome)}));
  err = host->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kProtocol));
  ASSERT_TRUE(eve->barrier());
  EXPECT_EQ(eve->count<protocol::Admitted>(), 0u);
  // Nothing moved: the honest Admit with the true epoch still wins.
  ASSERT_TRUE(
      host->send(protocol::Admit{*entry, e, mls_bytes(out->commit), mls_bytes(*out->welcome)}));
  ASSERT_TRUE(host->pump(e + 1));
  ASSERT_TRUE(bob->pump(e + 1));
  EXPECT_TRUE(eve->wait<protocol::Admitted>().has_value());
}

// T-10: a session may only send commits signed as its own leaf; passing
// off the host's commit as bob's is refused and does not spend the epoch.
// verifies: REQ-SIG-043
TEST_F(Ordering, CommitFromAnotherLeafIsRefused) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  const uint64_t e = host->group->epoch();
  auto grant = mls::roles_change(host->group->context().extensions, [&](mls::ConclaveRoles& r) {
    return mls::set_entry(r, bob->signature_key, 0, mls::kRightMaySpeak);
  });
  ASSERT_TRUE(grant.has_value());
  mls::CommitOptions co;
  co.inline_proposals = {*grant};
  auto c = host->group->commit(co);
  ASSERT_TRUE(c.has_value());
  ASSERT_TRUE(bob->send(protocol::MlsMessage{e, mls_bytes(c->commit)}));
  auto err = bob->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kPolicyViolation));
  ASSERT_TRUE(host->barrier());
  EXPECT_EQ(host->count<protocol::Relay>(), 0u);
  ASSERT_TRUE(host->send(protocol::MlsMessage{e, mls_bytes(c->commit)}));
  ASSERT_TRUE(host->pump(e + 1));
  ASSERT_TRUE(bob->pump(e + 1));
  EXPECT_TRUE(bob->group->epoch_authenticator().ct_equal(host->group->epoch_authenticator()));
}

// T-10: two commits race for an epoch; the loser gets CommitRejected with
// the current epoch, and a chat two epochs old is kWrongEpoch.
// verifies: REQ-SIG-043
TEST_F(Ordering, LosingCommitAndStaleChatAreRefused) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  const uint64_t e = host->group->epoch();
  auto old_chat = bob->group->protect(as_bytes(std::string_view("old")));
  ASSERT_TRUE(old_chat.has_value());
  auto hc = hand_commit(*host);
  auto bc = hand_commit(*bob);
  ASSERT_TRUE(hc.has_value() && bc.has_value());
  ASSERT_TRUE(host->send(protocol::MlsMessage{e, mls_bytes(hc->commit)}));
  ASSERT_TRUE(host->pump(e + 1));
  ASSERT_TRUE(bob->send(protocol::MlsMessage{e, mls_bytes(bc->commit)}));
  auto rejected = bob->wait<protocol::CommitRejected>();
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(rejected->current_epoch, e + 1);
  bob->group->discard_pending_commit();
  ASSERT_TRUE(bob->pump(e + 1));
  auto bc2 = hand_commit(*bob);
  ASSERT_TRUE(bc2.has_value());
  ASSERT_TRUE(bob->send(protocol::MlsMessage{e + 1, mls_bytes(bc2->commit)}));
  ASSERT_TRUE(bob->pump(e + 2));
  ASSERT_TRUE(host->pump(e + 2));
  ASSERT_TRUE(bob->send(protocol::MlsMessage{e, mls_bytes(*old_chat)}));
  auto err = bob->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kWrongEpoch));
  ASSERT_TRUE(host->barrier());
  EXPECT_EQ(host->count<protocol::Relay>(), 0u);
}

}  // namespace
}  // namespace conclave::adversarial
