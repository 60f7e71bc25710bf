// MeetingRoom with real MLS clients: each test plays clients built on
// mls::Group against the real room logic, delivering the room's Outbox by
// hand. Each adversarial test names the threat it covers (threat-model/).
#include "server/meeting_room.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/reader.h"
#include "core/unix_time.h"
#include "crypto/mls/external_senders.h"
#include "crypto/mls/group.h"
#include "crypto/mls/mls_message.h"
#include "crypto/mls/roles.h"
#include "crypto/signature.h"
#include "crypto/tls/device_certificate.h"

namespace conclave::server {
namespace {

using namespace std::chrono_literals;
using protocol::SignalingMessage;

constexpr uint16_t kSuite = 2;

mls::CipherSuite suite() { return mls::CipherSuite(mls::CipherSuiteId::kP256Aes128GcmSha256P256); }

mls::GroupOptions with_roles() {
  mls::GroupOptions o;
  o.policy = mls::conclave_roles_policy;
  return o;
}

Bytes mls_bytes(const mls::MlsMessage& m) {
  auto b = mls::encode_mls_message(m);
  CONCLAVE_ASSERT(b.has_value());
  return std::move(b).value();
}

// Client is one participant's process: its keys, group and inbox.
struct Client {
  ConnectionId id = 0;
  std::string name;
  mls::KeyPackageBundle bundle;
  Bytes signature_key;
  std::optional<mls::Group> group;
  std::deque<SignalingMessage> inbox;
  std::optional<uint16_t> closed;

  template <typename T>
  std::vector<T> take() {
    std::vector<T> out;
    for (auto it = inbox.begin(); it != inbox.end();) {
      if (auto* m = std::get_if<T>(&*it)) {
        out.push_back(*m);
        it = inbox.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }
};

class MeetingRoomTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RoomSettings settings;
    settings.meeting_id = "m1";
    settings.title = "Board";
    settings.cipher_suite = kSuite;
    settings.commit_deadline = 10s;
    settings.wait_timeout = 60s;
    auto r = MeetingRoom::create(settings);
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    room_ = std::move(r).value();
  }

  Client& connect(const std::string& name, bool host = false) {
    Client& c = clients_[name];
    c.id = next_id_++;
    c.name = name;
    JoinIdentity who;
    who.display_name = name;
    who.host = host;
    who.block_key = "guest:" + name;
    who.blob_token = Bytes(32, static_cast<uint8_t>(c.id));
    Outbox out;
    room_->join(c.id, who, now_, out);
    deliver(out);
    auto info = c.take<protocol::SessionInfo>();
    CONCLAVE_ASSERT(info.size() == 1);
    session_info_ = info[0];
    auto sig = crypto::generate_signature_key_pair(suite().signature_scheme());
    CONCLAVE_ASSERT(sig.has_value());
    mls::Credential cred;
    cred.identity = Bytes(name.begin(), name.end());
    mls::KeyPackageOptions opts;
    opts.extra_extensions = {mls::kExtConclaveRoles};
    auto kp = mls::create_key_package(suite(), cred, sig->private_key, sig->public_key, opts);
    CONCLAVE_ASSERT(kp.has_value());
    c.bundle = std::move(kp).value();
    c.signature_key = sig->public_key;
    return c;
  }

  void send(Client& c, SignalingMessage m) {
    Outbox out;
    room_->receive(c.id, m, now_, out);
    deliver(out);
  }

  void deliver(Outbox& out) {
    for (auto& [to, m] : out.messages) {
      for (auto& [name, c] : clients_) {
        if (c.id == to && !c.closed) {
          c.inbox.push_back(m);
        }
      }
    }
    for (const auto& close : out.closes) {
      for (auto& [name, c] : clients_) {
        if (c.id == close.id) {
          c.closed = close.code;
        }
      }
    }
    for (const auto& a : out.audit) {
      audit_.push_back(a.event);
    }
  }

  void submit(Client& c) {
    send(c, protocol::SubmitKeyPackage{mls_bytes(mls::MlsMessage{c.bundle.key_package})});
  }

  // The host creates the group as SessionInfo tells it to (`gates` false:
  // a host that ignores the profile's gates).
  void start_host(Client& h, bool gates = true) {
    submit(h);
    auto admitted = h.take<protocol::Admitted>();
    ASSERT_EQ(admitted.size(), 1u);
    EXPECT_EQ(admitted[0].epoch, 0u);
    Reader r(session_info_.external_sender);
    auto es = mls::parse_external_sender(r);
    ASSERT_TRUE(es.has_value());
    auto senders = mls::encode_external_senders({*es});
    const uint8_t flags =
        gates ? mls::profile_flags(session_info_.allow_recording, session_info_.allow_gateways) : 0;
    auto roles = mls::initial_roles(h.signature_key, flags);
    ASSERT_TRUE(senders.has_value() && roles.has_value());
    auto g = mls::Group::create(suite(), session_info_.group_id, h.bundle,
                                {mls::Extension{mls::kExtExternalSenders, *senders}, *roles},
                                with_roles());
    ASSERT_TRUE(g.has_value()) << g.error().detail;
    h.group.emplace(std::move(g).value());
  }

  // Relayed messages go through each member's group in order.
  void process_relays(Client& c) {
    for (const auto& relay : c.take<protocol::Relay>()) {
      auto m = mls::decode_mls_message(relay.message);
      ASSERT_TRUE(m.has_value());
      auto r = c.group->handle(*m);
      ASSERT_TRUE(r.has_value()) << c.name << ": " << r.error().detail;
    }
  }

  uint64_t entry_of(Client& moderator, const std::string& name) {
    auto updates = moderator.take<protocol::LobbyUpdate>();
    CONCLAVE_ASSERT(!updates.empty());
    for (const auto& e : updates.back().entries) {
      if (e.identity == name) {
        return e.entry_id;
      }
    }
    ADD_FAILURE() << name << " is not waiting";
    return 0;
  }

  protocol::Admit admit_message(Client& moderator, Client& joiner, uint64_t entry) {
    mls::CommitOptions co;
    co.inline_proposals.push_back(mls::Proposal{mls::Add{joiner.bundle.key_package}});
    auto out = moderator.group->commit(co);
    CONCLAVE_ASSERT(out.has_value() && out->welcome.has_value());
    return protocol::Admit{entry, moderator.group->epoch(), mls_bytes(out->commit),
                           mls_bytes(*out->welcome)};
  }

  // Admit `joiner` through the waiting room, by `moderator`.
  void admit(Client& moderator, Client& joiner, mls::GroupOptions options = with_roles()) {
    submit(joiner);
    const uint64_t entry = entry_of(moderator, joiner.name);
    send(moderator, admit_message(moderator, joiner, entry));
    for (auto& [name, c] : clients_) {
      if (c.group.has_value() && !c.closed) {
        process_relays(c);
      }
    }
    auto admitted = joiner.take<protocol::Admitted>();
    ASSERT_EQ(admitted.size(), 1u);
    auto w = mls::decode_mls_message(admitted[0].welcome);
    ASSERT_TRUE(w.has_value());
    auto g = mls::Group::join(std::get<mls::Welcome>(w->body), joiner.bundle, std::nullopt,
                              std::move(options));
    ASSERT_TRUE(g.has_value()) << g.error().detail;
    joiner.group.emplace(std::move(g).value());
    EXPECT_EQ(joiner.group->epoch(), admitted[0].epoch);
  }

  void expect_agree(std::initializer_list<Client*> cs) {
    const Client* first = *cs.begin();
    for (const Client* c : cs) {
      EXPECT_EQ(c->group->epoch(), room_->epoch());
      EXPECT_TRUE(c->group->epoch_authenticator().ct_equal(first->group->epoch_authenticator()))
          << c->name;
    }
  }

  std::unique_ptr<MeetingRoom> room_;
  std::map<std::string, Client> clients_;
  protocol::SessionInfo session_info_;
  ConnectionId next_id_ = 1;
  Clock::time_point now_ = Clock::time_point{} + 1000s;
  std::vector<std::string> audit_;
};

// verifies: REQ-SIG-040, REQ-SIG-041, REQ-SIG-044
TEST_F(MeetingRoomTest, HostCreatesAndModeratorAdmitsThroughTheWaitingRoom) {
  Client& host = connect("host", true);
  EXPECT_TRUE(session_info_.host);
  start_host(host);
  Client& bob = connect("bob");
  EXPECT_FALSE(session_info_.host);
  admit(host, bob);
  Client& carol = connect("carol");
  admit(host, carol);
  expect_agree({&host, &bob, &carol});
  EXPECT_EQ(room_->member_count(), 3u);
  EXPECT_TRUE(room_->may_speak(host.id));
  EXPECT_FALSE(room_->may_speak(bob.id));
  EXPECT_NE(std::find(audit_.begin(), audit_.end(), "admitted"), audit_.end());
}

// T-14: a joiner that was not admitted receives nothing of the group.
// verifies: REQ-SIG-040
TEST_F(MeetingRoomTest, WaitingJoinerReceivesNoGroupTraffic) {
  Client& host = connect("host", true);
  start_host(host);
  Client& bob = connect("bob");
  admit(host, bob);
  Client& eve = connect("eve");
  submit(eve);
  auto chat = bob.group->protect(as_bytes(std::string_view("secret")));
  ASSERT_TRUE(chat.has_value());
  send(bob, protocol::MlsMessage{bob.group->epoch(), mls_bytes(*chat)});
  EXPECT_TRUE(eve.take<protocol::Relay>().empty());
  EXPECT_EQ(host.take<protocol::Relay>().size(), 1u);
  // And eve cannot send into the group.
  send(eve, protocol::MlsMessage{bob.group->epoch(), mls_bytes(*chat)});
  auto errors = eve.take<protocol::ErrorMessage>();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, static_cast<uint16_t>(Err::kUnexpectedMessage));
}

// T-08: a non-moderator's Admit is refused by the server (and would be by
// every member's policy).
// verifies: REQ-SIG-044
TEST_F(MeetingRoomTest, NonModeratorAdmitIsRefused) {
  Client& host = connect("host", true);
  start_host(host);
  Client& bob = connect("bob");
  admit(host, bob, mls::GroupOptions{});  // Bob's modified client skips the policy
  Client& eve = connect("eve");
  submit(eve);
  const uint64_t entry = entry_of(host, "eve");
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Add{eve.bundle.key_package}});
  auto out = bob.group->commit(co);
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  send(bob, protocol::Admit{entry, bob.group->epoch(), mls_bytes(out->commit),
                            mls_bytes(*out->welcome)});
  auto errors = bob.take<protocol::ErrorMessage>();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, static_cast<uint16_t>(Err::kPolicyViolation));
  EXPECT_TRUE(eve.take<protocol::Admitted>().empty());
}

// T-08: a session cannot pass off a moderator's commit as its own.
// verifies: REQ-SIG-043, REQ-SIG-044
TEST_F(MeetingRoomTest, NonModeratorSessionCannotSendModeratorCommit) {
  Client& host = connect("host", true);
  start_host(host);
  Client& bob = connect("bob");
  admit(host, bob);
  Client& eve = connect("eve");
  submit(eve);
  const uint64_t entry = entry_of(host, "eve");
  protocol::Admit a = admit_message(host, eve, entry);
  send(bob, a);  // the host's commit, replayed on Bob's session
  auto errors = bob.take<protocol::ErrorMessage>();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, static_cast<uint16_t>(Err::kPolicyViolation));
  EXPECT_TRUE(eve.take<protocol::Admitted>().empty());
  // The host's genuine Admit still works afterwards.
  send(host, a);
  EXPECT_EQ(eve.take<protocol::Admitted>().size(), 1u);
}

// T-10: one commit per epoch; the loser is told the current epoch.
// verifies: REQ-SIG-043
TEST_F(MeetingRoomTest, SecondCommitOfAnEpochIsRejectedWithTheCurrentEpoch) {
  Client& host = connect("host", true);
  start_host(host);
  Client& bob = connect("bob");
  admit(host, bob);
  // Both grant something in epoch 1; the host's arrives first.
  auto grant = mls::roles_change(host.group->context().extensions, [&](mls::ConclaveRoles& r) {
    return mls::set_entry(r, bob.signature_key, 0, mls::kRightMaySpeak);
  });
  ASSERT_TRUE(grant.has_value());
  mls::CommitOptions co;
  co.inline_proposals = {*grant};
  auto c1 = host.group->commit(co);
  ASSERT_TRUE(c1.has_value()) << c1.error().detail;
  auto hand = mls::hand_change(bob.group->context().extensions, bob.signature_key, true);
  ASSERT_TRUE(hand.has_value());
  mls::CommitOptions co2;
  co2.inline_proposals = {*hand};
  auto c2 = bob.group->commit(co2);
  ASSERT_TRUE(c2.has_value()) << c2.error().detail;
  const uint64_t e = host.group->epoch();
  send(host, protocol::MlsMessage{e, mls_bytes(c1->commit)});
  send(bob, protocol::MlsMessage{e, mls_bytes(c2->commit)});
  auto rejected = bob.take<protocol::CommitRejected>();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].current_epoch, e + 1);
  bob.group->discard_pending_commit();
  process_relays(host);
  process_relays(bob);
  expect_agree({&host, &bob});
  EXPECT_TRUE(room_->may_speak(bob.id));
  // A replayed commit of an old epoch is rejected too (T-10, replay).
  send(host, protocol::MlsMessage{e, mls_bytes(c1->commit)});
  EXPECT_EQ(host.take<protocol::CommitRejected>().size(), 1u);
}

// verifies: REQ-SIG-045
TEST_F(MeetingRoomTest, SecondDenialBlocksAndIsRemembered) {
  Client& host = connect("host", true);
  start_host(host);
  Client& eve = connect("eve");
  submit(eve);
  send(host, protocol::Deny{entry_of(host, "eve")});
  EXPECT_EQ(eve.take<protocol::Denied>().size(), 1u);
  EXPECT_FALSE(eve.closed.has_value());
  submit(eve);
  auto updates = host.take<protocol::LobbyUpdate>();
  ASSERT_FALSE(updates.empty());
  ASSERT_EQ(updates.back().entries.size(), 1u);
  EXPECT_EQ(updates.back().entries[0].denials, 1u);
  send(host, protocol::Deny{updates.back().entries[0].entry_id});
  EXPECT_EQ(eve.take<protocol::Blocked>().size(), 1u);
  EXPECT_EQ(eve.closed, kCloseBlocked);
  // The same guest coming back is refused at its KeyPackage.
  clients_.erase("eve");
  Client& again = connect("eve");
  submit(again);
  auto errors = again.take<protocol::ErrorMessage>();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, static_cast<uint16_t>(Err::kUnexpectedMessage));
}

// T-13: the excluded member's session is closed and it is relayed nothing
// after its removal; the remaining members agree on a new epoch.
// verifies: REQ-SIG-045
TEST_F(MeetingRoomTest, ExcludeRemovesClosesAndStopsRelaying) {
  Client& host = connect("host", true);
  start_host(host);
  Client& bob = connect("bob");
  admit(host, bob);
  Client& carol = connect("carol");
  admit(host, carol);
  process_relays(bob);
  const uint32_t carol_leaf = carol.group->own_leaf().value();
  mls::CommitOptions co;
  co.inline_proposals.push_back(mls::Proposal{mls::Remove{carol_leaf}});
  auto out = host.group->commit(co);
  ASSERT_TRUE(out.has_value());
  send(host, protocol::Exclude{carol_leaf, host.group->epoch(), mls_bytes(out->commit)});
  EXPECT_EQ(carol.closed, kCloseExcluded);
  EXPECT_TRUE(carol.take<protocol::Relay>().empty());
  process_relays(host);
  process_relays(bob);
  expect_agree({&host, &bob});
  auto chat = bob.group->protect(as_bytes(std::string_view("after")));
  ASSERT_TRUE(chat.has_value());
  send(bob, protocol::MlsMessage{bob.group->epoch(), mls_bytes(*chat)});
  EXPECT_TRUE(carol.inbox.empty());
}

// verifies: REQ-SIG-046
TEST_F(MeetingRoomTest, DepartureIsRemovedByTheDutyCommitterAndDutyMovesOnTimeout) {
  Client& host = connect("host", true);
  start_host(host);
  Client& bob = connect("bob");
  admit(host, bob);
  Client& carol = connect("carol");
  admit(host, carol);
  process_relays(bob);
  Outbox out;
  room_->disconnect(carol.id, now_, out);
  carol.closed = 1000;
  deliver(out);
  // The server's Remove proposal reaches everyone; the host has the duty.
  process_relays(host);
  process_relays(bob);
  auto duty = host.take<protocol::CommitDuty>();
  ASSERT_EQ(duty.size(), 1u);
  EXPECT_EQ(duty[0].deadline_seconds, 10u);
  // The host stalls; after the deadline the duty moves to Bob.
  now_ += 11s;
  Outbox t;
  room_->tick(now_, t);
  deliver(t);
  ASSERT_EQ(bob.take<protocol::CommitDuty>().size(), 1u);
  // A commit without the pending Remove is rejected.
  auto hand = mls::hand_change(bob.group->context().extensions, bob.signature_key, true);
  ASSERT_TRUE(hand.has_value());
  mls::CommitOptions only_hand;
  only_hand.include_cached = false;
  only_hand.inline_proposals = {*hand};
  auto partial = bob.group->commit(only_hand);
  ASSERT_TRUE(partial.has_value()) << partial.error().detail;
  send(bob, protocol::MlsMessage{bob.group->epoch(), mls_bytes(partial->commit)});
  EXPECT_EQ(bob.take<protocol::CommitRejected>().size(), 1u);
  bob.group->discard_pending_commit();
  auto full = bob.group->commit({});
  ASSERT_TRUE(full.has_value()) << full.error().detail;
  send(bob, protocol::MlsMessage{bob.group->epoch(), mls_bytes(full->commit)});
  process_relays(host);
  process_relays(bob);
  expect_agree({&host, &bob});
  EXPECT_EQ(host.group->members().size(), 2u);
}

// T-01: messages that are not allowed in the session's state get an error
// and change nothing.
// verifies: REQ-SIG-040, REQ-SIG-043
TEST_F(MeetingRoomTest, MessagesOutOfPlaceAreRefused) {
  Client& host = connect("host", true);
  start_host(host);
  Client& bob = connect("bob");
  send(bob, protocol::Admit{1, 0, Bytes{1}, Bytes{1}});
  send(bob, protocol::Deny{1});
  send(bob, protocol::Exclude{0, 0, Bytes{1}});
  send(bob, protocol::SubmitKeyPackage{Bytes{1, 2, 3}});
  send(bob, protocol::Relay{0, Bytes{1}});
  EXPECT_EQ(bob.take<protocol::ErrorMessage>().size(), 5u);
  send(host, protocol::MlsMessage{0, Bytes{0, 1, 0, 1}});
  EXPECT_EQ(host.take<protocol::ErrorMessage>().size(), 1u);
  send(host, protocol::Admit{12345, 0, Bytes{1}, Bytes{1}});
  auto e = host.take<protocol::ErrorMessage>();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, static_cast<uint16_t>(Err::kUnexpectedMessage));
  EXPECT_EQ(room_->epoch(), 0u);
}

// verifies: REQ-SIG-043
TEST_F(MeetingRoomTest, ChatOfThePreviousEpochIsRelayedOlderIsNot) {
  Client& host = connect("host", true);
  start_host(host);
  Client& bob = connect("bob");
  admit(host, bob);
  auto old_chat = bob.group->protect(as_bytes(std::string_view("in flight")));
  ASSERT_TRUE(old_chat.has_value());
  const uint64_t e = bob.group->epoch();
  Client& carol = connect("carol");
  admit(host, carol);  // epoch e + 1
  send(bob, protocol::MlsMessage{e, mls_bytes(*old_chat)});
  EXPECT_EQ(host.take<protocol::Relay>().size(), 1u);
  Client& dave = connect("dave");
  admit(host, dave);  // epoch e + 2
  send(bob, protocol::MlsMessage{e, mls_bytes(*old_chat)});
  auto err = bob.take<protocol::ErrorMessage>();
  ASSERT_EQ(err.size(), 1u);
  EXPECT_EQ(err[0].code, static_cast<uint16_t>(Err::kWrongEpoch));
}

// ---- the secret profile: credentials bound to the device certificate

// A device enrolled with an organisation CA: its certificate (DER) and key.
struct Device {
  Bytes cert_der;
  SecretBytes key;
  Bytes public_key;
};

Device enrol(const crypto::CertificateAndKey& ca, const std::string& account) {
  Device d;
  auto request = crypto::generate_device_request(account);
  CONCLAVE_ASSERT(request.has_value());
  auto issued = crypto::issue_device_certificate(ca.cert_pem, ca.key_pem, request->csr_pem, account,
                                                 30, unix_seconds());
  CONCLAVE_ASSERT(issued.has_value());
  d.cert_der = *crypto::certificate_der(issued->cert_pem);
  d.key = *crypto::device_signature_key(request->key_pem);
  d.public_key = *crypto::signature_public_key(crypto::SignatureScheme::kEcdsaP256Sha256, d.key);
  return d;
}

// host_accepted creates a secret-profile room, joins the host with the TLS
// client certificate `tls` (as Hello established it) and submits a
// KeyPackage made with `credential` and the key `key`: whether the room
// admitted it (epoch 0) rather than refusing the KeyPackage.
bool host_accepted(const Device& tls, const mls::Credential& credential, const SecretBytes& key,
                   const Bytes& public_key, bool require_device_cert = true) {
  RoomSettings settings;
  settings.meeting_id = "m1";
  settings.cipher_suite = kSuite;
  settings.require_device_cert = require_device_cert;
  auto room = MeetingRoom::create(settings);
  CONCLAVE_ASSERT(room.has_value());
  JoinIdentity who;
  who.display_name = "ada";
  who.account = "ada";
  who.host = true;
  who.block_key = "account:ada";
  who.blob_token = Bytes(32, 1);
  if (require_device_cert) {
    who.device_certificate = tls.cert_der;
    who.device_key = tls.public_key;
  }
  Outbox out;
  const auto now = Clock::now();
  (*room)->join(1, who, now, out);
  mls::KeyPackageOptions opts;
  opts.extra_extensions = {mls::kExtConclaveRoles};
  auto kp = mls::create_key_package(suite(), credential, key, public_key, opts);
  CONCLAVE_ASSERT(kp.has_value());
  Outbox submitted;
  (*room)->receive(1, protocol::SubmitKeyPackage{mls_bytes(mls::MlsMessage{kp->key_package})}, now,
                   submitted);
  for (const auto& [to, m] : submitted.messages) {
    if (std::holds_alternative<protocol::Admitted>(m)) {
      return true;
    }
  }
  return false;
}

mls::Credential x509_of(const Bytes& der) {
  mls::Credential c;
  c.credential_type = mls::CredentialType::kX509;
  c.certificates.push_back(mls::Certificate{der});
  return c;
}

// verifies: REQ-SIG-051
TEST(MeetingRoomDevices, KeyPackageMustCarryTheSessionsDeviceCertificateAndKey) {
  auto ca = crypto::generate_org_ca("Org CA", 30);
  ASSERT_TRUE(ca.has_value());
  const Device ada = enrol(*ca, "ada");
  const Device other = enrol(*ca, "ada");  // a second device of the same account
  // The session's own certificate and key: accepted.
  EXPECT_TRUE(host_accepted(ada, x509_of(ada.cert_der), ada.key, ada.public_key));
  // A basic credential, another device's certificate, or the right
  // certificate over another key: refused.
  mls::Credential basic;
  basic.identity = Bytes{'a', 'd', 'a'};
  EXPECT_FALSE(host_accepted(ada, basic, ada.key, ada.public_key));
  EXPECT_FALSE(host_accepted(ada, x509_of(other.cert_der), other.key, other.public_key));
  EXPECT_FALSE(host_accepted(ada, x509_of(ada.cert_der), other.key, other.public_key));
  // A chain where one certificate is expected.
  mls::Credential two = x509_of(ada.cert_der);
  two.certificates.push_back(mls::Certificate{ada.cert_der});
  EXPECT_FALSE(host_accepted(ada, two, ada.key, ada.public_key));
  // In a meeting without device certificates, x509 credentials are refused.
  EXPECT_FALSE(host_accepted(ada, x509_of(ada.cert_der), ada.key, ada.public_key, false));
  EXPECT_TRUE(host_accepted(ada, basic, ada.key, ada.public_key, false));
}

}  // namespace
}  // namespace conclave::server

namespace conclave::server {
namespace {

// SF-13, defence in depth: a host that ignored the profile's gates (its
// group has none) still cannot make the server relay a recorder label in a
// meeting whose profile forbids recording; SessionInfo announces the gates.
// verifies: REQ-ROLES-012
TEST_F(MeetingRoomTest, ARecorderLabelIsRefusedWhereTheProfileForbidsIt) {
  Client& host = connect("host", true);
  EXPECT_FALSE(session_info_.allow_recording);
  EXPECT_FALSE(session_info_.allow_gateways);
  start_host(host, /*gates=*/false);
  Client& bob = connect("bob");
  admit(host, bob);
  for (const uint8_t role : {mls::kRoleRecorder, mls::kRoleGateway}) {
    SCOPED_TRACE(static_cast<int>(role));
    auto label = mls::roles_change(host.group->context().extensions, [&](mls::ConclaveRoles& r) {
      return mls::set_entry(r, bob.signature_key, role, 0);
    });
    ASSERT_TRUE(label.has_value());
    mls::CommitOptions co;
    co.inline_proposals = {*label};
    auto c = host.group->commit(co);
    ASSERT_TRUE(c.has_value()) << c.error().detail;
    send(host, protocol::MlsMessage{host.group->epoch(), mls_bytes(c->commit)});
    auto errors = host.take<protocol::ErrorMessage>();
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code, static_cast<uint16_t>(Err::kPolicyViolation));
    EXPECT_TRUE(bob.take<protocol::Relay>().empty());
    host.group->discard_pending_commit();
  }
  EXPECT_EQ(room_->epoch(), host.group->epoch());
}

}  // namespace
}  // namespace conclave::server
