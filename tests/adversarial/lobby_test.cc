// The waiting room and moderation against the real server over TLS: a
// joiner that skips admission, a member that plays moderator, an excluded
// member that tries to stay (spec/06-signaling-lobby.md "The waiting room",
// "Admit", "Exclude"). Each test names the threat it exercises.
#include <gtest/gtest.h>

#include "crypto/mls/roles.h"
#include "tests/adversarial/server_fixture.h"

namespace conclave::adversarial {
namespace {

class Lobby : public ServerFixture {};

std::pair<std::string, std::string> bearer(ByteView token) {
  return {"Authorization", "Bearer " + to_hex(token)};
}

// T-14: a waiting joiner that behaves as if admitted gets no group traffic,
// cannot put anything into the group and cannot read the shared files.
// verifies: REQ-SIG-040
// verifies: REQ-SIG-048
TEST_F(Lobby, WaitingJoinerGetsNoRelayCannotSendAndCannotFetchBlobs) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto eve = guest("eve", meeting_a_);
  ASSERT_NE(eve, nullptr);
  ASSERT_TRUE(eve->submit());
  ASSERT_TRUE(entry_of(*host, "eve").has_value());

  ASSERT_TRUE(bob->chat("the numbers are bad"));
  ASSERT_TRUE(host->wait<protocol::Relay>().has_value());
  // Eve replays the chat she might have sniffed, and sends chat of her own
  // making as if she held the epoch: both refused as "not a member".
  auto chat = bob->group->protect(as_bytes(std::string_view("x")));
  ASSERT_TRUE(chat.has_value());
  ASSERT_TRUE(eve->send(protocol::MlsMessage{bob->group->epoch(), mls_bytes(*chat)}));
  auto err = eve->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kUnexpectedMessage));
  // Nor can she play moderator.
  ASSERT_TRUE(eve->send(protocol::Deny{1}));
  err = eve->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kPolicyViolation));
  ASSERT_TRUE(eve->barrier());
  EXPECT_EQ(eve->count<protocol::Relay>(), 0u);
  EXPECT_EQ(eve->count<protocol::LobbyUpdate>(), 0u);
  EXPECT_EQ(eve->count<protocol::Admitted>(), 0u);
  // Bob saw nothing from eve either.
  ASSERT_TRUE(bob->barrier());
  EXPECT_EQ(bob->count<protocol::Relay>(), 0u);

  // Shared files: bob (member) uploads; eve's blob token is refused both ways.
  const std::vector<uint8_t> file(1000, 0x5a);
  auto up = http("POST", "/v1/blobs",
                 {bearer(bob->info.blob_token), {"X-Conclave-Meeting", meeting_a_.id}}, file);
  ASSERT_TRUE(up.has_value());
  ASSERT_EQ(up->status, 200u) << text_of(up->body);
  const std::string body = text_of(up->body);
  const auto at = body.find("\"blob_id\":\"");
  ASSERT_NE(at, std::string::npos);
  const std::string blob_id = body.substr(at + 11, 32);
  auto down = http("GET", "/v1/blobs/" + blob_id,
                   {bearer(eve->info.blob_token), {"X-Conclave-Meeting", meeting_a_.id}}, {});
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->status, 403u);
  auto eve_up = http("POST", "/v1/blobs",
                     {bearer(eve->info.blob_token), {"X-Conclave-Meeting", meeting_a_.id}}, file);
  ASSERT_TRUE(eve_up.has_value());
  EXPECT_EQ(eve_up->status, 403u);
}

// T-08: a member that is not a moderator, with a client that skips the
// roles policy, commits Add(eve) and sends it as an Admit: refused, and
// eve is not admitted; the host's genuine Admit still works afterwards.
// verifies: REQ-SIG-044
TEST_F(Lobby, NonModeratorAdmitIsRefused) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()}, mls::GroupOptions{});
  ASSERT_NE(bob, nullptr);
  auto eve = guest("eve", meeting_a_);
  ASSERT_NE(eve, nullptr);
  ASSERT_TRUE(eve->submit());
  auto entry = entry_of(*host, "eve");
  ASSERT_TRUE(entry.has_value());
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Add{eve->bundle.key_package}});
  auto out = bob->group->commit(co);
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  const uint64_t epoch = bob->group->epoch();
  ASSERT_TRUE(
      bob->send(protocol::Admit{*entry, epoch, mls_bytes(out->commit), mls_bytes(*out->welcome)}));
  auto err = bob->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kPolicyViolation));
  // The same commit as an ordinary MlsMessage: membership changes go
  // through Admit only.
  ASSERT_TRUE(bob->send(protocol::MlsMessage{epoch, mls_bytes(out->commit)}));
  err = bob->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kPolicyViolation));
  bob->group->discard_pending_commit();
  ASSERT_TRUE(eve->barrier());
  EXPECT_EQ(eve->count<protocol::Admitted>(), 0u);
  ASSERT_TRUE(host->barrier());
  EXPECT_EQ(host->count<protocol::Relay>(), 0u);
  // The entry still waits; the host admits it for real.
  ASSERT_TRUE(admit(*host, *eve, {host.get(), bob.get()}, with_roles(), entry));
  EXPECT_EQ(host->group->epoch(), epoch + 1);
  EXPECT_TRUE(host->group->epoch_authenticator().ct_equal(eve->group->epoch_authenticator()));
}

// T-11: a member whose client skips the policy commits a roles change that
// makes it moderator. The server refuses it (its mirror follows roles only
// as the members' policy would), and a server that relayed it anyway would
// achieve nothing: every honest member refuses the commit and stays in its
// epoch. The would-be moderator gets no waiting list and cannot exclude.
// verifies: REQ-SIG-042
// verifies: REQ-ROLES-006
// verifies: REQ-ROLES-010
TEST_F(Lobby, SelfPromotionToModeratorIsRefusedByServerAndMembers) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()}, mls::GroupOptions{});
  ASSERT_NE(bob, nullptr);
  auto carol = member("carol", meeting_a_, *host, {host.get(), bob.get()});
  ASSERT_NE(carol, nullptr);
  const uint64_t epoch = host->group->epoch();
  ASSERT_TRUE(bob->pump(epoch));

  auto promote = mls::roles_change(bob->group->context().extensions, [&](mls::ConclaveRoles& r) {
    return mls::set_entry(r, bob->signature_key, mls::kRoleModerator, mls::kRightMaySpeak);
  });
  ASSERT_TRUE(promote.has_value());
  mls::CommitOptions co;
  co.inline_proposals = {*promote};
  auto out = bob->group->commit(co);
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  ASSERT_TRUE(bob->send(protocol::MlsMessage{epoch, mls_bytes(out->commit)}));
  auto err = bob->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kPolicyViolation));
  ASSERT_TRUE(host->barrier());
  EXPECT_EQ(host->count<protocol::Relay>(), 0u);

  // Delivered anyway (a compromised server): every honest member refuses.
  for (Peer* p : {host.get(), carol.get()}) {
    auto r = p->group->handle(out->commit);
    EXPECT_FALSE(r.has_value()) << p->name() << " accepted a self-promotion";
    EXPECT_EQ(p->group->epoch(), epoch);
  }
  bob->group->discard_pending_commit();

  // The server's view did not change: bob sees no waiting list and cannot
  // exclude the host; the host still commits in the same epoch.
  auto dave = guest("dave", meeting_a_);
  ASSERT_NE(dave, nullptr);
  ASSERT_TRUE(dave->submit());
  const auto dave_entry = entry_of(*host, "dave");
  ASSERT_TRUE(dave_entry.has_value());
  ASSERT_TRUE(bob->barrier());
  EXPECT_EQ(bob->count<protocol::LobbyUpdate>(), 0u);
  mls::CommitOptions kick;
  kick.inline_proposals.push_back(mls::Proposal{mls::Remove{0}});
  auto ko = bob->group->commit(kick);
  ASSERT_TRUE(ko.has_value()) << ko.error().detail;
  ASSERT_TRUE(bob->send(protocol::Exclude{0, epoch, mls_bytes(ko->commit)}));
  err = bob->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kPolicyViolation));
  bob->group->discard_pending_commit();
  EXPECT_FALSE(host->closed());
  ASSERT_TRUE(admit(*host, *dave, {host.get(), bob.get(), carol.get()}, with_roles(), dave_entry));
  EXPECT_TRUE(carol->group->epoch_authenticator().ct_equal(dave->group->epoch_authenticator()));
}

// T-13: the excluded member's session is closed with 4003 and it is relayed
// nothing of the new epoch; the others carry on in it.
// verifies: REQ-SIG-045
TEST_F(Lobby, ExcludedMemberIsClosedAndReceivesNothingOfTheNewEpoch) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto bob = member("bob", meeting_a_, *host, {host.get()});
  ASSERT_NE(bob, nullptr);
  auto carol = member("carol", meeting_a_, *host, {host.get(), bob.get()});
  ASSERT_NE(carol, nullptr);
  const uint64_t epoch = host->group->epoch();
  const uint32_t carol_leaf = carol->group->own_leaf().value();
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Remove{carol_leaf}});
  auto out = host->group->commit(co);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(host->send(protocol::Exclude{carol_leaf, epoch, mls_bytes(out->commit)}));
  ASSERT_TRUE(host->pump(epoch + 1));
  ASSERT_TRUE(bob->pump(epoch + 1));
  ASSERT_TRUE(bob->chat("after carol"));
  auto relay = host->wait<protocol::Relay>();
  ASSERT_TRUE(relay.has_value());
  EXPECT_EQ(relay->epoch, epoch + 1);
  // Carol tries to keep going: she keeps sending chat in the old epoch.
  (void)carol->chat("still here");
  EXPECT_TRUE(carol->wait_closed());
  EXPECT_EQ(carol->close_code(), std::optional<uint16_t>(4003));
  for (const auto& m : carol->inbox()) {
    const auto* r = std::get_if<protocol::Relay>(&m);
    EXPECT_TRUE(r == nullptr || r->epoch < epoch) << "relay of epoch " << r->epoch;
  }
  ASSERT_TRUE(host->barrier());
  EXPECT_EQ(host->count<protocol::Relay>(), 0u);  // carol's old-epoch chat went nowhere
}

// T-13: an excluded member that comes back with the same invitation lands
// in the waiting room, not in the group.
// verifies: REQ-SIG-045
// verifies: REQ-SIG-040
TEST_F(Lobby, ExcludedMemberReconnectingWaitsInTheWaitingRoom) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto carol = member("carol", meeting_a_, *host, {host.get()});
  ASSERT_NE(carol, nullptr);
  const uint64_t epoch = host->group->epoch();
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Remove{carol->group->own_leaf().value()}});
  auto out = host->group->commit(co);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(host->send(
      protocol::Exclude{carol->group->own_leaf().value(), epoch, mls_bytes(out->commit)}));
  ASSERT_TRUE(host->pump(epoch + 1));
  ASSERT_TRUE(carol->wait_closed());

  auto again = guest("carol", meeting_a_);
  ASSERT_NE(again, nullptr);
  EXPECT_FALSE(again->info.host);
  // Her old group state is useless to the server: sending a commit or chat
  // of the group is "not a member".
  ASSERT_TRUE(again->send(protocol::MlsMessage{epoch, mls_bytes(out->commit)}));
  auto err = again->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kUnexpectedMessage));
  ASSERT_TRUE(again->submit());
  ASSERT_TRUE(entry_of(*host, "carol").has_value());
  ASSERT_TRUE(host->chat("carol is out"));
  ASSERT_TRUE(again->barrier());
  EXPECT_EQ(again->count<protocol::Relay>(), 0u);
  EXPECT_EQ(again->count<protocol::Admitted>(), 0u);
}

// T-14: a second denial blocks the joiner for the meeting; coming back
// with the same invitation and name is refused at the KeyPackage.
// verifies: REQ-SIG-045
TEST_F(Lobby, SecondDenialBlocksAndTheBlockOutlivesTheSession) {
  auto host = this->host(meeting_a_);
  ASSERT_NE(host, nullptr);
  auto eve = guest("eve", meeting_a_);
  ASSERT_NE(eve, nullptr);
  ASSERT_TRUE(eve->submit());
  auto entry = entry_of(*host, "eve");
  ASSERT_TRUE(entry.has_value());
  ASSERT_TRUE(host->send(protocol::Deny{*entry}));
  ASSERT_TRUE(eve->wait<protocol::Denied>().has_value());
  ASSERT_TRUE(eve->make_key_package("eve") && eve->submit());
  entry = entry_of(*host, "eve");
  ASSERT_TRUE(entry.has_value());
  ASSERT_TRUE(host->send(protocol::Deny{*entry}));
  ASSERT_TRUE(eve->wait<protocol::Blocked>().has_value());
  EXPECT_TRUE(eve->wait_closed());
  EXPECT_EQ(eve->close_code(), std::optional<uint16_t>(4004));
  auto back = guest("eve", meeting_a_);
  ASSERT_NE(back, nullptr);
  ASSERT_TRUE(back->submit());
  auto err = back->wait<protocol::ErrorMessage>();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, static_cast<uint16_t>(Err::kUnexpectedMessage));
  EXPECT_NE(audit_text(meeting_a_.id).find("\"blocked\""), std::string::npos);
}

}  // namespace
}  // namespace conclave::adversarial
