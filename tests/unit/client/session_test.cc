// Session logic: two to four Session objects driven against each other, the
// test playing the server's part (ordering commits, relaying, the waiting
// room). This tests the client; the server's own tests come with the server.
#include "client/session.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/unix_time.h"
#include "crypto/mls/external_senders.h"
#include "crypto/mls/message_protection.h"
#include "crypto/mls/roles.h"
#include "crypto/signature.h"
#include "crypto/tls/device_certificate.h"
#include "media/hop_keys.h"
#include "media/limits.h"
#include "media/media_path.h"

namespace conclave::client {
namespace {

using protocol::SignalingMessage;
namespace csm = protocol::client_session;

const mls::CipherSuite kSuite(mls::CipherSuiteId::kP256Aes128GcmSha256P256);

// MemoryBlobStore is the blob store as the test's server keeps it.
class MemoryBlobStore : public BlobStore {
 public:
  Result<std::string> upload(ByteView token, ByteView ciphertext) override {
    if (!equal(token, as_bytes(std::string_view("blob-token")))) {
      return Error(Err::kAuthFailed);
    }
    const std::string id = "blob" + std::to_string(blobs.size());
    blobs[id] = to_bytes(ciphertext);
    return id;
  }
  Result<Bytes> download(ByteView, std::string_view id) override {
    auto it = blobs.find(std::string(id));
    if (it == blobs.end()) {
      return Error(Err::kInvalidArgument);
    }
    return it->second;
  }
  std::map<std::string, Bytes> blobs;
};

// fake_exporter stands in for a TLS connection's exporter: a deterministic
// function of label and context, the same at both ends.
Result<SecretBytes> fake_exporter(std::string_view label, ByteView context, size_t length) {
  SecretBytes out(length);
  for (size_t i = 0; i < length; ++i) {
    out.mutable_view()[i] = static_cast<uint8_t>(i + label.size() + context.size() +
                                                 (context.empty() ? 0 : context.back()));
  }
  return out;
}

struct Peer {
  std::string name;
  std::vector<SignalingMessage> outbox;
  std::vector<Event> events;
  std::vector<Bytes> media_in;  // packets the media handler received
  std::unique_ptr<Session> s;
  uint64_t entry_id = 0;

  // collect moves the session's new events into `events`.
  void collect() {
    for (Event& e : s->take_events()) {
      events.push_back(std::move(e));
    }
  }
  size_t count(EventType t) const {
    return static_cast<size_t>(
        std::count_if(events.begin(), events.end(), [t](const Event& e) { return e.type == t; }));
  }
  const Event* last(EventType t) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->type == t) {
        return &*it;
      }
    }
    return nullptr;
  }
};

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto keys = crypto::generate_signature_key_pair(kSuite.signature_scheme());
    ASSERT_TRUE(keys.has_value());
    server_keys_ = std::move(keys).value();
    mls::ExternalSender es;
    es.signature_key = server_keys_.public_key;
    es.credential.identity = to_bytes(as_bytes(std::string_view("server")));
    Writer w;
    mls::write_external_sender(w, es);
    external_sender_ = *std::move(w).finish();
    download_dir_ = std::filesystem::temp_directory_path() /
                    ("conclave-session-test-" + std::to_string(::getpid()) + "-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(download_dir_);
    std::filesystem::create_directories(download_dir_);
  }
  void TearDown() override { std::filesystem::remove_all(download_dir_); }

  Peer& make(const std::string& name) {
    peers_.push_back(std::make_unique<Peer>());
    Peer& p = *peers_.back();
    p.name = name;
    SessionConfig cfg;
    cfg.meeting_id = "m1";
    cfg.display_name = name;
    cfg.download_dir = download_dir_.string();
    if (auto it = devices_.find(name); it != devices_.end()) {
      cfg.device = it->second;
    }
    p.s = std::make_unique<Session>(
        cfg,
        [&p](const SignalingMessage& m) -> Result<void> {
          p.outbox.push_back(m);
          return {};
        },
        &blobs_);
    p.s->set_exporter(fake_exporter);
    p.s->set_media_handler([&p](ByteView packet) { p.media_in.push_back(to_bytes(packet)); });
    return p;
  }

  void deliver(Peer& p, const SignalingMessage& m) {
    p.s->receive(m);
    p.collect();
  }

  // take removes the one message `p` sent (the test fails if not exactly one).
  template <typename T>
  T take(Peer& p) {
    EXPECT_EQ(p.outbox.size(), 1u) << p.name;
    if (p.outbox.empty()) {
      return T{};
    }
    SignalingMessage m = p.outbox.front();
    p.outbox.erase(p.outbox.begin());
    const T* t = std::get_if<T>(&m);
    EXPECT_NE(t, nullptr) << p.name << " sent message index " << m.index();
    return t == nullptr ? T{} : *t;
  }

  // session_info is the SessionInfo the test's server sends.
  protocol::SessionInfo session_info(bool host) const {
    protocol::SessionInfo info;
    info.host = host;
    info.group_id = to_bytes(as_bytes(std::string_view("group-m1")));
    info.cipher_suite = kSuite.wire_value();
    info.external_sender = external_sender_;
    info.blob_token = to_bytes(as_bytes(std::string_view("blob-token")));
    info.meeting_title = "Weekly";
    info.allow_recording = allow_recording_;
    info.allow_gateways = allow_gateways_;
    return info;
  }

  // connect runs Hello, SessionInfo and SubmitKeyPackage; the host is then
  // admitted at once, a joiner enters the waiting room.
  void connect(Peer& p, bool host) {
    ASSERT_TRUE(p.s->start().has_value());
    const auto hello = take<protocol::Hello>(p);
    EXPECT_EQ(hello.display_name, p.name);
    deliver(p, session_info(host));
    const auto kp = take<protocol::SubmitKeyPackage>(p);
    ASSERT_FALSE(kp.key_package.empty());
    if (host) {
      deliver(p, protocol::Admitted{0, {}});
      ASSERT_TRUE(p.s->is_member());
      members_.push_back(&p);
      return;
    }
    wait(p, kp.key_package);
  }

  void wait(Peer& p, Bytes key_package) {
    p.entry_id = next_entry_++;
    protocol::WaitingEntry e;
    e.entry_id = p.entry_id;
    e.display_name = p.name;
    e.identity = p.name;
    e.key_package = std::move(key_package);
    lobby_.push_back(e);
    waiting_[p.entry_id] = &p;
    publish_lobby();
  }

  void publish_lobby() {
    for (Peer* m : members_) {
      deliver(*m, protocol::LobbyUpdate{lobby_});
    }
  }

  void relay(uint64_t epoch, const Bytes& message) {
    for (Peer* m : std::vector<Peer*>(members_)) {
      deliver(*m, protocol::Relay{epoch, message});
    }
  }

  // is_commit says whether an MlsMessage carries a commit.
  static bool is_commit(const Bytes& m) {
    auto msg = mls::decode_mls_message(m);
    if (!msg) {
      return false;
    }
    const auto* pub = std::get_if<mls::PublicMessage>(&msg->body);
    return pub != nullptr && pub->content.content_type() == mls::ContentType::kCommit;
  }

  // serve plays the server for everything `p` sent, in order.
  void serve(Peer& p) {
    while (!p.outbox.empty()) {
      SignalingMessage m = p.outbox.front();
      p.outbox.erase(p.outbox.begin());
      if (const auto* mm = std::get_if<protocol::MlsMessage>(&m)) {
        if (!is_commit(mm->message)) {
          relay(mm->epoch, mm->message);  // to everyone, the sender included
        } else if (mm->epoch != epoch_) {
          deliver(p, protocol::CommitRejected{epoch_});
        } else {
          ++epoch_;
          relay(mm->epoch, mm->message);
        }
      } else if (const auto* a = std::get_if<protocol::Admit>(&m)) {
        if (a->epoch != epoch_) {
          deliver(p, protocol::CommitRejected{epoch_});
          continue;
        }
        ++epoch_;
        relay(a->epoch, a->commit);
        Peer* joiner = waiting_.at(a->entry_id);
        remove_entry(a->entry_id);
        deliver(*joiner, protocol::Admitted{epoch_, a->welcome});
        members_.push_back(joiner);
        publish_lobby();
      } else if (const auto* d = std::get_if<protocol::Deny>(&m)) {
        Peer* joiner = waiting_.at(d->entry_id);
        remove_entry(d->entry_id);
        const bool second = denied_.count(joiner) != 0;
        denied_.insert(joiner);
        deliver(*joiner, second ? SignalingMessage{protocol::Blocked{}}
                                : SignalingMessage{protocol::Denied{}});
        publish_lobby();
      } else if (const auto* x = std::get_if<protocol::Exclude>(&m)) {
        ASSERT_EQ(x->epoch, epoch_);
        ++epoch_;
        Peer* gone = nullptr;
        for (Peer* q : members_) {
          if (q->s->group() != nullptr && q->s->group()->own_leaf().value() == x->leaf_index) {
            gone = q;
          }
        }
        ASSERT_NE(gone, nullptr);
        members_.erase(std::find(members_.begin(), members_.end(), gone));
        relay(x->epoch, x->commit);
        gone->s->on_closed(kCloseExcluded);
        gone->collect();
      } else {
        FAIL() << "unexpected message from " << p.name << ": index " << m.index();
      }
    }
  }

  void remove_entry(uint64_t id) {
    lobby_.erase(std::remove_if(lobby_.begin(), lobby_.end(),
                                [id](const protocol::WaitingEntry& e) { return e.entry_id == id; }),
                 lobby_.end());
    waiting_.erase(id);
  }

  // server_proposal signs `proposal` as the server (external sender 0) for
  // the group's current epoch, as a PublicMessage.
  Bytes server_proposal(const mls::Group& g, mls::Proposal proposal) {
    mls::FramedContent content;
    content.group_id = g.group_id();
    content.epoch = g.epoch();
    content.sender = mls::Sender{mls::SenderType::kExternal, 0};
    content.content = std::move(proposal);
    const SecretBytes unused(kSuite.nh());
    auto pm = mls::protect_public_message(kSuite, g.context(), unused, server_keys_.private_key,
                                          content, {});
    EXPECT_TRUE(pm.has_value());
    return *mls::encode_mls_message(mls::MlsMessage{*pm});
  }

  // meeting makes a host and admits `names` one by one.
  Peer& meeting(const std::vector<std::string>& names) {
    Peer& host = make("host");
    connect(host, true);
    for (const std::string& n : names) {
      Peer& p = make(n);
      connect(p, false);
      EXPECT_TRUE(host.s->admit(n).has_value());
      serve(host);
      EXPECT_TRUE(p.s->is_member()) << n;
    }
    return host;
  }

  Peer& peer(const std::string& name) {
    for (auto& p : peers_) {
      if (p->name == name) {
        return *p;
      }
    }
    CONCLAVE_ASSERT(false);
    return *peers_.front();
  }

  void expect_same_state() {
    ASSERT_FALSE(members_.empty());
    const std::string code = members_.front()->s->code();
    EXPECT_FALSE(code.empty());
    for (Peer* m : members_) {
      EXPECT_EQ(m->s->epoch(), epoch_) << m->name;
      EXPECT_EQ(m->s->code(), code) << m->name;
      EXPECT_EQ(m->count(EventType::kSecurityAlert), 0u) << m->name;
    }
  }

  // enrol gives `name` a device certificate of the CA `ca` (the secret
  // profile); make() then configures its session with it.
  void enrol(const std::string& name, const crypto::CertificateAndKey& ca) {
    auto request = crypto::generate_device_request(name);
    ASSERT_TRUE(request.has_value());
    auto issued = crypto::issue_device_certificate(ca.cert_pem, ca.key_pem, request->csr_pem, name,
                                                   30, unix_seconds());
    ASSERT_TRUE(issued.has_value());
    std::string why;
    auto device = load_device_credential(issued->cert_pem, request->key_pem, ca.cert_pem,
                                         unix_seconds(), &why);
    ASSERT_TRUE(device.has_value()) << why;
    devices_[name] = *device;
  }

  std::map<std::string, std::shared_ptr<const DeviceCredential>> devices_;
  crypto::SignatureKeyPair server_keys_;
  Bytes external_sender_;
  bool allow_recording_ = false;  // the profile's gates the server announces
  bool allow_gateways_ = false;
  MemoryBlobStore blobs_;
  std::filesystem::path download_dir_;
  std::vector<std::unique_ptr<Peer>> peers_;
  std::vector<Peer*> members_;
  std::vector<protocol::WaitingEntry> lobby_;
  std::map<uint64_t, Peer*> waiting_;
  std::set<Peer*> denied_;
  uint64_t epoch_ = 0;
  uint64_t next_entry_ = 100;
};

// verifies: REQ-CLIENT-005
TEST_F(SessionTest, HostCreatesTheGroupAndAdmitsJoiners) {
  Peer& host = meeting({"bob", "carol"});
  EXPECT_EQ(epoch_, 2u);
  expect_same_state();
  const auto roster = host.s->members();
  ASSERT_EQ(roster.size(), 3u);
  EXPECT_EQ(roster[0].name, "host");
  EXPECT_TRUE(roster[0].self);
  EXPECT_TRUE(roster[0].roles & mls::kRoleModerator);
  EXPECT_TRUE(roster[0].speaking);
  EXPECT_EQ(roster[1].name, "bob");
  EXPECT_FALSE(roster[1].speaking);
  EXPECT_TRUE(host.last(EventType::kWaiting) != nullptr);
  const Event* ep = peer("bob").last(EventType::kEpoch);
  ASSERT_NE(ep, nullptr);
  EXPECT_EQ(ep->members.size(), 3u);
  EXPECT_EQ(ep->code, host.s->code());
}

// verifies: REQ-CLIENT-005
TEST_F(SessionTest, JoinerRefusesWelcomeForAnotherGroup) {
  Peer& host = meeting({});
  Peer& bob = make("bob");
  connect(bob, false);
  ASSERT_TRUE(host.s->admit("bob").has_value());
  auto admit = take<protocol::Admit>(host);
  // The server hands Bob a Welcome, but announced another group id to him:
  // simulate by a second joiner session whose SessionInfo named another group.
  Peer& eve = make("bob");
  ASSERT_TRUE(eve.s->start().has_value());
  (void)take<protocol::Hello>(eve);
  protocol::SessionInfo info;
  info.group_id = to_bytes(as_bytes(std::string_view("another-group")));
  info.cipher_suite = kSuite.wire_value();
  info.external_sender = external_sender_;
  deliver(eve, info);
  (void)take<protocol::SubmitKeyPackage>(eve);
  deliver(eve, protocol::Admitted{1, admit.welcome});
  EXPECT_FALSE(eve.s->is_member());
  EXPECT_GE(eve.count(EventType::kSecurityAlert), 1u);
  // Bob, whose KeyPackage it is and whose group matches, joins.
  deliver(bob, protocol::Admitted{1, admit.welcome});
  EXPECT_TRUE(bob.s->is_member());
}

TEST_F(SessionTest, ChatReachesEveryMemberButNotItsSenderTwice) {
  Peer& host = meeting({"bob", "carol"});
  ASSERT_TRUE(peer("bob").s->chat("hello from bob").has_value());
  serve(peer("bob"));
  EXPECT_EQ(host.s->chats_received(), 1u);
  EXPECT_EQ(peer("carol").s->chats_received(), 1u);
  EXPECT_EQ(peer("bob").s->chats_received(), 0u);
  const Event* c = host.last(EventType::kChat);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->from, "bob");
  EXPECT_EQ(c->text, "hello from bob");
  expect_same_state();
}

TEST_F(SessionTest, DeniedJoinerMayRetryOnceThenIsBlocked) {
  Peer& host = meeting({});
  Peer& bob = make("bob");
  connect(bob, false);
  ASSERT_TRUE(host.s->deny("bob").has_value());
  serve(host);
  EXPECT_EQ(bob.count(EventType::kDenied), 1u);
  EXPECT_EQ(bob.s->state(), SessionState::kDenied);
  ASSERT_TRUE(bob.s->retry().has_value());
  wait(bob, take<protocol::SubmitKeyPackage>(bob).key_package);
  EXPECT_EQ(bob.s->state(), SessionState::kWaiting);
  ASSERT_TRUE(host.s->deny("bob").has_value());
  serve(host);
  EXPECT_EQ(bob.count(EventType::kBlocked), 1u);
  EXPECT_EQ(bob.s->state(), SessionState::kClosed);
  EXPECT_FALSE(bob.s->retry().has_value());
  EXPECT_EQ(host.s->members().size(), 1u);
}

TEST_F(SessionTest, ModeratorExcludesAMember) {
  Peer& host = meeting({"bob", "carol"});
  ASSERT_TRUE(host.s->exclude("carol").has_value());
  serve(host);
  EXPECT_EQ(peer("carol").count(EventType::kExcluded), 1u);
  EXPECT_EQ(peer("carol").s->state(), SessionState::kClosed);
  EXPECT_EQ(host.s->members().size(), 2u);
  EXPECT_EQ(peer("bob").s->members().size(), 2u);
  expect_same_state();
}

TEST_F(SessionTest, ParticipantsMayNotModerate) {
  meeting({"bob", "carol"});
  Peer& bob = peer("bob");
  EXPECT_EQ(bob.s->exclude("carol").error().code, Err::kPolicyViolation);
  EXPECT_EQ(bob.s->admit("all").error().code, Err::kPolicyViolation);
  EXPECT_EQ(bob.s->grant("bob", Grant::kSpeak, true).error().code, Err::kPolicyViolation);
  EXPECT_EQ(bob.s->mute_all(true).error().code, Err::kPolicyViolation);
  EXPECT_TRUE(bob.outbox.empty());
}

// verifies: REQ-CLIENT-006
TEST_F(SessionTest, RejectedCommitIsRetriedOnTopOfTheWinner) {
  Peer& host = meeting({"bob", "carol"});
  Peer& bob = peer("bob");
  ASSERT_TRUE(host.s->grant("bob", Grant::kModerator, true).has_value());
  serve(host);
  ASSERT_EQ(bob.s->members()[1].roles & mls::kRoleModerator, mls::kRoleModerator);
  // Both moderators change something in the same epoch; the host's arrives
  // first.
  ASSERT_TRUE(host.s->grant("carol", Grant::kSpeak, true).has_value());
  ASSERT_TRUE(bob.s->grant("carol", Grant::kCamera, true).has_value());
  ASSERT_TRUE(bob.s->commit_outstanding());
  serve(host);  // wins; bob processes it and drops his staged commit
  // Bob's commit is rejected; he re-makes it in the new epoch, and the
  // retry (served in the same call) wins.
  serve(bob);
  EXPECT_EQ(bob.count(EventType::kRejected), 1u);
  EXPECT_FALSE(bob.s->commit_outstanding());
  expect_same_state();
  const auto roster = peer("carol").s->members();
  EXPECT_TRUE(roster[2].rights & mls::kRightMaySpeak);
  EXPECT_TRUE(roster[2].rights & mls::kRightCameraRequested);
}

// verifies: REQ-CLIENT-006
TEST_F(SessionTest, GivesUpAfterTooManyRejections) {
  Peer& host = meeting({"bob"});
  ASSERT_TRUE(host.s->mute_all(true).has_value());
  for (int i = 0; i <= kMaxCommitRetries; ++i) {
    auto m = take<protocol::MlsMessage>(host);
    // The server claims another commit won, but never relays it.
    deliver(host, protocol::CommitRejected{m.epoch});
  }
  EXPECT_FALSE(host.s->commit_outstanding());
  EXPECT_TRUE(host.outbox.empty());
  const Event* err = host.last(EventType::kError);
  ASSERT_NE(err, nullptr);
  EXPECT_NE(err->detail.find("group change failed"), std::string::npos);
}

TEST_F(SessionTest, CommitDutyCommitsTheServersRemove) {
  Peer& host = meeting({"bob", "carol"});
  // Carol disconnects: the server proposes her Remove and names the host
  // committer.
  Peer& carol = peer("carol");
  members_.erase(std::find(members_.begin(), members_.end(), &carol));
  const uint32_t leaf = carol.s->group()->own_leaf().value();
  relay(epoch_, server_proposal(*host.s->group(), mls::Proposal{mls::Remove{leaf}}));
  deliver(host, protocol::CommitDuty{epoch_, 10});
  serve(host);
  EXPECT_EQ(host.s->members().size(), 2u);
  EXPECT_EQ(peer("bob").s->members().size(), 2u);
  expect_same_state();
}

// verifies: REQ-CLIENT-004
TEST_F(SessionTest, ServerInjectedAddRaisesASecurityAlert) {
  Peer& host = meeting({"bob"});
  // The server tries to add its own member "mallory" as an external sender.
  auto sig = crypto::generate_signature_key_pair(kSuite.signature_scheme());
  ASSERT_TRUE(sig.has_value());
  mls::Credential cred;
  cred.identity = to_bytes(as_bytes(std::string_view("mallory")));
  mls::KeyPackageOptions opts;
  opts.extra_extensions = {mls::kExtConclaveRoles};
  auto kp = mls::create_key_package(kSuite, cred, sig->private_key, sig->public_key, opts);
  ASSERT_TRUE(kp.has_value());
  const uint64_t before = host.s->epoch();
  const std::string code = host.s->code();
  relay(epoch_, server_proposal(*host.s->group(), mls::Proposal{mls::Add{kp->key_package}}));
  for (Peer* m : members_) {
    const Event* alert = m->last(EventType::kSecurityAlert);
    ASSERT_NE(alert, nullptr) << m->name;
    EXPECT_EQ(alert->error_code, static_cast<uint16_t>(Err::kPolicyViolation));
    EXPECT_EQ(m->s->epoch(), before);
    EXPECT_EQ(m->s->code(), code);
  }
  // The meeting goes on: a later commit still works.
  ASSERT_TRUE(host.s->grant("bob", Grant::kSpeak, true).has_value());
  serve(host);
  EXPECT_EQ(peer("bob").s->epoch(), before + 1);
}

// verifies: REQ-CLIENT-004
TEST_F(SessionTest, ForgedCommitFromAParticipantRaisesASecurityAlert) {
  Peer& host = meeting({"bob"});
  // A commit in the name of no member: garbage bytes that decode as nothing,
  // and a well-formed commit from another group.
  relay(epoch_, Bytes{0x00, 0x01, 0x00, 0x01});
  EXPECT_EQ(host.count(EventType::kSecurityAlert), 1u);
  Peer& other_host = make("other");
  ASSERT_TRUE(other_host.s->start().has_value());
  (void)take<protocol::Hello>(other_host);
  protocol::SessionInfo info;
  info.host = true;
  info.group_id = to_bytes(as_bytes(std::string_view("group-m1")));  // same id, other keys
  info.cipher_suite = kSuite.wire_value();
  info.external_sender = external_sender_;
  deliver(other_host, info);
  (void)take<protocol::SubmitKeyPackage>(other_host);
  deliver(other_host, protocol::Admitted{0, {}});
  ASSERT_TRUE(other_host.s->mute_all(true).has_value());
  auto forged = take<protocol::MlsMessage>(other_host);
  // Epoch 0 commit of a different group with the same id: wrong epoch for
  // the real group (at epoch 1), or a bad membership tag; refused either way.
  relay(epoch_, forged.message);
  EXPECT_EQ(host.count(EventType::kSecurityAlert), 2u);
  EXPECT_EQ(host.s->epoch(), epoch_);
}

TEST_F(SessionTest, ParticipantRaisesItsHandAndModeratorGivesTheFloor) {
  Peer& host = meeting({"bob"});
  Peer& bob = peer("bob");
  ASSERT_TRUE(bob.s->hand(true).has_value());
  serve(bob);
  auto roster = host.s->members();
  EXPECT_TRUE(roster[1].rights & mls::kRightHandRaised);
  ASSERT_TRUE(host.s->grant("bob", Grant::kSpeak, true).has_value());
  serve(host);
  roster = bob.s->members();
  EXPECT_TRUE(roster[1].speaking);
  EXPECT_FALSE(roster[1].rights & mls::kRightHandRaised);
  EXPECT_NE(bob.last(EventType::kRights), nullptr);
  ASSERT_TRUE(host.s->mute_all(true).has_value());
  serve(host);
  EXPECT_FALSE(bob.s->members()[1].speaking);
  EXPECT_TRUE(host.s->members()[0].speaking);  // moderators keep the floor
  expect_same_state();
}

// verifies: REQ-CLIENT-003, REQ-CLIENT-008
TEST_F(SessionTest, SharedFileIsDecryptedCheckedAndNeverOverwrites) {
  Peer& host = meeting({"bob"});
  const Bytes contents = to_bytes(as_bytes(std::string_view("quarterly numbers\n")));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(host.s->share("notes.txt", contents).has_value());
    serve(host);
  }
  Peer& bob = peer("bob");
  EXPECT_EQ(bob.s->files_received(), 2u);
  std::vector<std::string> paths;
  for (const Event& e : bob.events) {
    if (e.type == EventType::kFile) {
      paths.push_back(e.path);
      EXPECT_EQ(e.from, "host");
      EXPECT_EQ(e.size, contents.size());
    }
  }
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_NE(paths[0], paths[1]);
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(got, "quarterly numbers\n");
  }
  // The server swaps a blob: the receiver refuses it with an alert.
  ASSERT_TRUE(host.s->share("notes.txt", contents).has_value());
  auto m = take<protocol::MlsMessage>(host);
  for (auto& [id, blob] : blobs_.blobs) {
    blob[0] ^= 1;
  }
  relay(m.epoch, m.message);
  EXPECT_EQ(bob.s->files_received(), 2u);
  EXPECT_EQ(bob.count(EventType::kSecurityAlert), 1u);
}

TEST_F(SessionTest, SilentCloseAfterHelloExplainsItself) {
  Peer& bob = make("bob");
  ASSERT_TRUE(bob.s->start().has_value());
  bob.s->on_closed(std::nullopt);
  bob.collect();
  const Event* e = bob.last(EventType::kError);
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->detail.find("closed the connection after Hello"), std::string::npos);
}

TEST_F(SessionTest, LeaveSendsLeaveAndCloses) {
  meeting({"bob"});
  Peer& bob = peer("bob");
  ASSERT_TRUE(bob.s->leave().has_value());
  (void)take<protocol::Leave>(bob);
  EXPECT_EQ(bob.s->state(), SessionState::kClosed);
  EXPECT_FALSE(bob.s->chat("x").has_value());
}

// --- the session state machine (spec/state-machines/client.csv) ---

// fresh drops what `p` sent and saw so far.
void fresh(Peer& p) {
  p.collect();
  p.events.clear();
  p.outbox.clear();
  p.media_in.clear();
}

template <typename T>
bool sent(const Peer& p) {
  return std::any_of(p.outbox.begin(), p.outbox.end(),
                     [](const SignalingMessage& m) { return std::holds_alternative<T>(m); });
}

// expect_action checks that what `p` sent and reported since fresh() is what
// client.csv's action `a` says.
void expect_action(const Peer& p, csm::Action a) {
  SCOPED_TRACE(std::string("action ") + to_string(a));
  const auto has = [&p](EventType t) { return p.count(t) != 0; };
  switch (a) {
    case csm::Action::kNone:
    case csm::Action::kCacheProposal:
      EXPECT_TRUE(p.events.empty());
      EXPECT_TRUE(p.outbox.empty());
      return;
    case csm::Action::kSendHello:
      EXPECT_TRUE(sent<protocol::Hello>(p));
      return;
    case csm::Action::kSubmitKeyPackage:
      EXPECT_TRUE(sent<protocol::SubmitKeyPackage>(p));
      return;
    case csm::Action::kReportAndLeave:
      EXPECT_TRUE(has(EventType::kError) || has(EventType::kSecurityAlert));
      EXPECT_TRUE(sent<protocol::Leave>(p));
      EXPECT_TRUE(has(EventType::kClosed));
      return;
    case csm::Action::kJoinGroup:
      EXPECT_TRUE(has(EventType::kAdmitted));
      EXPECT_TRUE(p.s->is_member());
      return;
    case csm::Action::kReportDenied:
      EXPECT_TRUE(has(EventType::kDenied));
      return;
    case csm::Action::kReportBlocked:
      EXPECT_TRUE(has(EventType::kBlocked));
      return;
    case csm::Action::kRaiseSecurityAlert:
      EXPECT_TRUE(has(EventType::kSecurityAlert));
      EXPECT_TRUE(p.outbox.empty());
      return;
    case csm::Action::kDeliverApplication:
      EXPECT_TRUE(has(EventType::kChat));
      return;
    case csm::Action::kNextEpoch:
      EXPECT_TRUE(has(EventType::kEpoch));
      return;
    case csm::Action::kReportExcluded:
      EXPECT_TRUE(has(EventType::kExcluded));
      EXPECT_TRUE(p.outbox.empty());
      return;
    case csm::Action::kUpdateWaitingList:
      EXPECT_TRUE(has(EventType::kWaiting));
      return;
    case csm::Action::kQueueDuty:
    case csm::Action::kCarryOutCommand:
      EXPECT_TRUE(sent<protocol::MlsMessage>(p));
      return;
    case csm::Action::kRetryCommit:
      EXPECT_TRUE(has(EventType::kRejected));
      return;
    case csm::Action::kReportRefusal:
      EXPECT_TRUE(has(EventType::kError));
      EXPECT_TRUE(p.outbox.empty());
      return;
    case csm::Action::kSendLeave:
      EXPECT_TRUE(sent<protocol::Leave>(p));
      EXPECT_TRUE(has(EventType::kClosed));
      return;
    case csm::Action::kReportClosed:
    case csm::Action::kReportLeft:
      EXPECT_TRUE(has(EventType::kClosed));
      EXPECT_TRUE(p.outbox.empty());
      return;
    case csm::Action::kKeepMediaPath:
      EXPECT_TRUE(p.events.empty());
      EXPECT_TRUE(p.outbox.empty());
      EXPECT_TRUE(p.s->media_assignment().has_value());
      EXPECT_NE(p.s->media_path(), nullptr);
      return;
    case csm::Action::kReportMediaError:
      EXPECT_TRUE(has(EventType::kError));
      EXPECT_TRUE(p.outbox.empty());
      return;
    case csm::Action::kDeliverMedia:
      EXPECT_TRUE(p.events.empty());
      EXPECT_EQ(p.media_in.size(), 1u);
      return;
    case csm::Action::kSendMediaPacket:
      EXPECT_TRUE(sent<protocol::MediaPacketMessage>(p));
      EXPECT_TRUE(p.events.empty());
      return;
    case csm::Action::kReportHelloRefused: {
      const Event* e = p.last(EventType::kError);
      ASSERT_NE(e, nullptr);
      EXPECT_NE(e->detail.find("after Hello"), std::string::npos);
      return;
    }
  }
  ADD_FAILURE() << "no check for this action";
}

// SessionMachineTest brings sessions into each state of client.csv.
class SessionMachineTest : public SessionTest {
 protected:
  // in_state returns a session in state `s` with nothing sent or seen yet.
  // waiting and denied are a host's session before its Admitted (so that an
  // empty Welcome can admit it); member is "bob" of a meeting with "host"
  // and "carol".
  Peer& in_state(csm::State s) {
    if (s == csm::State::kMember) {
      meeting({"bob", "carol"});
      Peer& bob = peer("bob");
      fresh(bob);
      return bob;
    }
    Peer& p = make("joe");
    if (s != csm::State::kIdle) {
      EXPECT_TRUE(p.s->start().has_value());
    }
    if (s == csm::State::kWaiting || s == csm::State::kDenied) {
      deliver(p, session_info(true));
    }
    if (s == csm::State::kDenied) {
      deliver(p, protocol::Denied{});
    }
    if (s == csm::State::kClosed) {
      EXPECT_TRUE(p.s->leave().has_value());
    }
    fresh(p);
    EXPECT_EQ(p.s->state(), s);
    return p;
  }

  // happen makes event `on` with outcome `guard` happen to `p`, which is in
  // the state of a row that lists them.
  void happen(Peer& p, csm::Event on, csm::Guard guard) {
    Peer* host = members_.empty() ? nullptr : members_.front();
    switch (on) {
      case csm::Event::kStart:
        EXPECT_TRUE(p.s->start().has_value());
        break;
      case csm::Event::kSessionInfo: {
        protocol::SessionInfo info = session_info(false);
        if (guard == csm::Guard::kSessionInfoBad) {
          info.external_sender = {0x01, 0x02, 0x03};  // does not decode
        }
        p.s->receive(info);
        break;
      }
      case csm::Event::kAdmitted:
        p.s->receive(guard == csm::Guard::kWelcomeOk ? protocol::Admitted{0, {}}
                                                     : protocol::Admitted{1, {0x01, 0x02, 0x03}});
        break;
      case csm::Event::kDenied:
        p.s->receive(protocol::Denied{});
        break;
      case csm::Event::kBlocked:
        p.s->receive(protocol::Blocked{});
        break;
      case csm::Event::kRelay:
        relay_to(p, guard);
        break;
      case csm::Event::kLobbyUpdate:
        p.s->receive(protocol::LobbyUpdate{lobby_});
        break;
      case csm::Event::kCommitDuty: {
        ASSERT_NE(host, nullptr);
        const uint32_t leaf = peer("carol").s->group()->own_leaf().value();
        p.s->receive(protocol::Relay{
            epoch_, server_proposal(*p.s->group(), mls::Proposal{mls::Remove{leaf}})});
        fresh(p);
        p.s->receive(protocol::CommitDuty{epoch_, 10});
        break;
      }
      case csm::Event::kCommitRejected:
        p.s->receive(protocol::CommitRejected{epoch_});
        break;
      case csm::Event::kError:
        p.s->receive(protocol::ErrorMessage{static_cast<uint16_t>(Err::kInvalidValue), "refused"});
        break;
      case csm::Event::kRetry:
        EXPECT_TRUE(p.s->retry().has_value());
        break;
      case csm::Event::kGroupCommand:
        EXPECT_TRUE(p.s->chat("a command of a member").has_value());
        break;
      case csm::Event::kMediaPath:
        if (guard == csm::Guard::kMediaPathBad) {
          // A second assignment is refused: the first one stays.
          p.s->receive(protocol::MediaPathInfo{7, 1, 2, 8445});
          fresh(p);
        }
        p.s->receive(protocol::MediaPathInfo{9, 3, 4, 8445});
        break;
      case csm::Event::kMediaPacket:
        p.s->receive(protocol::MediaPacketMessage{Bytes(media::kMinPacketLen, 0x01)});
        break;
      case csm::Event::kSendMedia: {
        p.s->receive(protocol::MediaPathInfo{9, 3, 4, 8445});
        fresh(p);
        Bytes packet(media::kMinPacketLen);
        auto n = p.s->media_path()->seal_keepalive(packet);
        ASSERT_TRUE(n.has_value());
        EXPECT_TRUE(p.s->send_media(packet).has_value());
        break;
      }
      case csm::Event::kLeave:
        EXPECT_TRUE(p.s->leave().has_value());
        break;
      case csm::Event::kDisconnect:
        p.s->on_closed(guard == csm::Guard::kExcluded ? std::optional<uint16_t>(kCloseExcluded)
                                                      : std::nullopt);
        break;
    }
    p.collect();
  }

  // relay_to relays to member `p` a message whose checks come out as `guard`.
  void relay_to(Peer& p, csm::Guard guard) {
    Peer& host = *members_.front();
    if (guard == csm::Guard::kOwnMessage) {
      ASSERT_TRUE(p.s->chat("mine").has_value());
      const auto m = take<protocol::MlsMessage>(p);
      fresh(p);
      p.s->receive(protocol::Relay{m.epoch, m.message});
    } else if (guard == csm::Guard::kMessageBad) {
      p.s->receive(protocol::Relay{epoch_, Bytes{0x00, 0x01, 0x00, 0x01}});
    } else if (guard == csm::Guard::kProposalOk) {
      const uint32_t leaf = peer("carol").s->group()->own_leaf().value();
      p.s->receive(protocol::Relay{
          epoch_, server_proposal(*p.s->group(), mls::Proposal{mls::Remove{leaf}})});
    } else if (guard == csm::Guard::kApplicationOk) {
      ASSERT_TRUE(host.s->chat("hello").has_value());
      const auto m = take<protocol::MlsMessage>(host);
      p.s->receive(protocol::Relay{m.epoch, m.message});
    } else if (guard == csm::Guard::kCommitOk) {
      ASSERT_TRUE(host.s->grant("carol", Grant::kSpeak, true).has_value());
      const auto m = take<protocol::MlsMessage>(host);
      p.s->receive(protocol::Relay{m.epoch, m.message});
    } else if (guard == csm::Guard::kRemovedSelf) {
      ASSERT_TRUE(host.s->exclude(p.name).has_value());
      const auto x = take<protocol::Exclude>(host);
      p.s->receive(protocol::Relay{x.epoch, x.commit});
    } else {
      FAIL() << "no relay for guard " << to_string(guard);
    }
  }
};

class SessionRowTest : public SessionMachineTest, public ::testing::WithParamInterface<size_t> {};

// verifies: REQ-CLIENT-011
TEST_P(SessionRowTest, session_does_what_the_row_says) {
  const csm::Transition& row = csm::kTable[GetParam()];
  Peer& p = in_state(row.from);
  happen(p, row.on, row.guard);
  EXPECT_EQ(p.s->state(), row.to) << to_string(p.s->state());
  expect_action(p, row.action);
}

// row_name names a row's test after its (from, event, guard).
std::string row_name(const ::testing::TestParamInfo<size_t>& param) {
  const csm::Transition& row = csm::kTable[param.param];
  return std::string(to_string(row.from)) + "_" + to_string(row.on) + "_" + to_string(row.guard);
}

INSTANTIATE_TEST_SUITE_P(ClientCsv, SessionRowTest, ::testing::Range<size_t>(0, csm::kTable.size()),
                         row_name);

// A server message that client.csv does not list for the state is reported
// as a protocol error and changes nothing; in closed it is dropped unread.
// verifies: REQ-CLIENT-011
TEST_F(SessionMachineTest, UnlistedMessagesAreProtocolErrorsAndChangeNothing) {
  const std::vector<std::pair<std::optional<csm::Event>, SignalingMessage>> messages = {
      {csm::Event::kSessionInfo, session_info(false)},
      {csm::Event::kAdmitted, protocol::Admitted{0, {}}},
      {csm::Event::kDenied, protocol::Denied{}},
      {csm::Event::kBlocked, protocol::Blocked{}},
      {csm::Event::kRelay, protocol::Relay{0, Bytes{0x00, 0x01}}},
      {csm::Event::kLobbyUpdate, protocol::LobbyUpdate{}},
      {csm::Event::kCommitDuty, protocol::CommitDuty{0, 10}},
      {csm::Event::kCommitRejected, protocol::CommitRejected{0}},
      {csm::Event::kError, protocol::ErrorMessage{1, "x"}},
      {csm::Event::kMediaPath, protocol::MediaPathInfo{1, 2, 3, 4}},
      {csm::Event::kMediaPacket, protocol::MediaPacketMessage{Bytes(media::kMinPacketLen, 0)}},
      {std::nullopt, protocol::Leave{}},  // a client-to-server message
      {std::nullopt, protocol::Hello{}},
  };
  size_t refused = 0;
  for (csm::State s : {csm::State::kIdle, csm::State::kHelloSent, csm::State::kWaiting,
                       csm::State::kDenied, csm::State::kMember, csm::State::kClosed}) {
    Peer& p = in_state(s);
    const uint64_t epoch = p.s->epoch();
    for (const auto& [on, m] : messages) {
      if (on.has_value() && csm::lists_event(s, *on)) {
        continue;
      }
      SCOPED_TRACE(std::string(to_string(s)) + " receives message index " +
                   std::to_string(m.index()));
      deliver(p, m);
      EXPECT_EQ(p.s->state(), s);
      EXPECT_EQ(p.s->epoch(), epoch);
      EXPECT_TRUE(p.outbox.empty());
      if (s == csm::State::kClosed) {
        EXPECT_TRUE(p.events.empty());
      } else {
        ASSERT_EQ(p.events.size(), 1u);
        EXPECT_EQ(p.events[0].type, EventType::kError);
        EXPECT_EQ(p.events[0].error_code, static_cast<uint16_t>(Err::kUnexpectedMessage));
        ++refused;
      }
      fresh(p);
    }
  }
  EXPECT_GE(refused, 30u);
  // The member is still in the meeting and its group works.
  ASSERT_TRUE(peer("host").s->grant("bob", Grant::kSpeak, true).has_value());
  serve(peer("host"));
  expect_same_state();
}

// Before start() nothing was sent, so leave() sends nothing either: the
// first message of a session must be Hello (spec 06 "Sessions").
// verifies: REQ-CLIENT-011
TEST_F(SessionMachineTest, LeaveBeforeStartSendsNothing) {
  Peer& p = in_state(csm::State::kIdle);
  ASSERT_TRUE(p.s->leave().has_value());
  EXPECT_TRUE(p.outbox.empty());
  EXPECT_EQ(p.s->state(), SessionState::kClosed);
  EXPECT_FALSE(p.s->start().has_value());
  ASSERT_TRUE(p.s->leave().has_value());  // leaving again does nothing
  EXPECT_TRUE(p.outbox.empty());
}

// Commands outside their state fail and change nothing.
// verifies: REQ-CLIENT-011
TEST_F(SessionMachineTest, CommandsOutsideTheirStateAreRefused) {
  Peer& p = in_state(csm::State::kWaiting);
  EXPECT_EQ(p.s->start().error().code, Err::kUnexpectedMessage);
  EXPECT_EQ(p.s->retry().error().code, Err::kUnexpectedMessage);
  EXPECT_EQ(p.s->chat("x").error().code, Err::kUnexpectedMessage);
  EXPECT_EQ(p.s->admit("all").error().code, Err::kUnexpectedMessage);
  EXPECT_EQ(p.s->hand(true).error().code, Err::kUnexpectedMessage);
  EXPECT_EQ(p.s->send_media(Bytes(media::kMinPacketLen)).error().code, Err::kUnexpectedMessage);
  EXPECT_TRUE(p.outbox.empty());
  EXPECT_EQ(p.s->state(), SessionState::kWaiting);
}

// The client keys its media path from its own TLS exporter with the path id
// the server assigned: a packet it seals opens at a server end derived from
// the same exporter output, and nothing but a media packet goes on the
// WebSocket.
// verifies: REQ-SIG-055
// verifies: REQ-SIG-056
TEST_F(SessionMachineTest, MediaPathIsKeyedFromTheOwnTlsExporter) {
  Peer& p = in_state(csm::State::kMember);
  EXPECT_EQ(p.s->media_path(), nullptr);
  EXPECT_EQ(p.s->send_media(Bytes(media::kMinPacketLen)).error().code, Err::kUnexpectedMessage);
  deliver(p, protocol::MediaPathInfo{0x01020304, 11, 12, 8445});
  ASSERT_NE(p.s->media_path(), nullptr);
  EXPECT_EQ(p.s->media_path()->path_id(), 0x01020304u);
  EXPECT_EQ(p.s->media_assignment()->audio_stream_id, 11u);
  const auto context = media::hop_exporter_context(0x01020304);
  auto secret = fake_exporter(media::kHopExporterLabel, context, media::kHopSecretLen);
  ASSERT_TRUE(secret.has_value());
  auto server = media::MediaPath::create(media::HopRole::kServer, 0x01020304, *secret);
  ASSERT_TRUE(server.has_value());
  Bytes packet(media::kMinPacketLen);
  ASSERT_TRUE(p.s->media_path()->seal_keepalive(packet).has_value());
  Bytes out(packet.size());
  EXPECT_TRUE(server->open(out, packet, media::PeerAddress::signaling()).has_value());
  EXPECT_EQ(p.s->send_media(Bytes(media::kMinPacketLen - 1)).error().code, Err::kInvalidArgument);
  EXPECT_EQ(p.s->send_media(Bytes(media::kMaxPacketLen + 1)).error().code, Err::kInvalidArgument);
  ASSERT_TRUE(p.s->send_media(packet).has_value());
  EXPECT_EQ(take<protocol::MediaPacketMessage>(p).packet, packet);
}

// Without an exporter there are no keys: the assignment is refused and
// reported, and nothing is sent.
// verifies: REQ-SIG-056
TEST_F(SessionMachineTest, MediaPathWithoutExporterIsRefused) {
  Peer& p = in_state(csm::State::kMember);
  p.s->set_exporter(nullptr);
  deliver(p, protocol::MediaPathInfo{5, 1, 2, 8445});
  EXPECT_EQ(p.s->media_path(), nullptr);
  EXPECT_FALSE(p.s->media_assignment().has_value());
  ASSERT_EQ(p.count(EventType::kError), 1u);
  EXPECT_TRUE(p.outbox.empty());
}

// A joiner whose Welcome is refused cannot become a member in this session,
// while the server counts it as one: it leaves, so that the server removes
// its leaf, instead of waiting for ever.
// verifies: REQ-CLIENT-005, REQ-CLIENT-011
TEST_F(SessionMachineTest, RefusedWelcomeEndsTheSessionWithLeave) {
  Peer& host = meeting({});
  Peer& bob = make("bob");
  connect(bob, false);
  ASSERT_TRUE(host.s->admit("bob").has_value());
  auto admit = take<protocol::Admit>(host);
  admit.welcome.back() ^= 1;  // the server tampers with it
  deliver(bob, protocol::Admitted{1, admit.welcome});
  EXPECT_EQ(bob.s->state(), SessionState::kClosed);
  EXPECT_EQ(bob.count(EventType::kSecurityAlert), 1u);
  (void)take<protocol::Leave>(bob);
}

// The server refuses the KeyPackage (here: the identity is blocked); the
// session has no waiting entry and ends instead of waiting for ever.
// verifies: REQ-CLIENT-011
TEST_F(SessionMachineTest, RefusedKeyPackageEndsTheSessionWithLeave) {
  Peer& bob = make("bob");
  ASSERT_TRUE(bob.s->start().has_value());
  (void)take<protocol::Hello>(bob);
  deliver(bob, session_info(false));
  (void)take<protocol::SubmitKeyPackage>(bob);
  deliver(bob, protocol::ErrorMessage{static_cast<uint16_t>(Err::kUnexpectedMessage),
                                      "blocked from this meeting"});
  EXPECT_EQ(bob.s->state(), SessionState::kClosed);
  const Event* e = bob.last(EventType::kError);
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->detail.find("blocked from this meeting"), std::string::npos);
  (void)take<protocol::Leave>(bob);
}

// A SessionInfo naming a cipher suite this client does not support ends the
// session: it could never submit a KeyPackage.
// verifies: REQ-CLIENT-011
TEST_F(SessionMachineTest, UnusableSessionInfoEndsTheSessionWithLeave) {
  Peer& bob = make("bob");
  ASSERT_TRUE(bob.s->start().has_value());
  (void)take<protocol::Hello>(bob);
  protocol::SessionInfo info = session_info(false);
  info.cipher_suite = 0xFEFE;
  deliver(bob, info);
  EXPECT_EQ(bob.s->state(), SessionState::kClosed);
  EXPECT_EQ(bob.count(EventType::kError), 1u);
  (void)take<protocol::Leave>(bob);
}

// ---- member credentials (the secret profile)

crypto::CertificateAndKey make_ca(const char* name) {
  auto ca = crypto::generate_org_ca(name, 30);
  EXPECT_TRUE(ca.has_value());
  return ca.has_value() ? std::move(ca).value() : crypto::CertificateAndKey{};
}

// verifies: REQ-CLIENT-010
TEST_F(SessionTest, DeviceMembersUseTheirCertificatesAndAreNamedByAccount) {
  const auto ca = make_ca("Org CA");
  for (const char* n : {"host", "bob", "carol"}) {
    enrol(n, ca);
  }
  Peer& host = meeting({"bob", "carol"});
  expect_same_state();
  const mls::LeafNode* leaf = host.s->group()->tree().leaf(host.s->group()->own_leaf());
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->credential.credential_type, mls::CredentialType::kX509);
  ASSERT_EQ(leaf->credential.certificates.size(), 1u);
  EXPECT_EQ(leaf->credential.certificates[0].cert_data, devices_["host"]->cert_der);
  EXPECT_EQ(leaf->signature_key, devices_["host"]->public_key);
  std::set<std::string> names;
  for (const MemberInfo& m : peer("carol").s->members()) {
    names.insert(m.name);
  }
  EXPECT_EQ(names, (std::set<std::string>{"host", "bob", "carol"}));
}

// verifies: REQ-CLIENT-010
TEST_F(SessionTest, DeviceMemberRefusesAJoinerWithoutACertificateOfItsCa) {
  const auto ca = make_ca("Org CA");
  const auto other = make_ca("Other CA");
  enrol("host", ca);
  enrol("bob", ca);
  enrol("mallory", other);  // a device of another organisation
  Peer& host = meeting({"bob"});
  const uint64_t before = host.s->epoch();
  // A joiner with a basic credential, and one whose certificate another CA
  // issued: the moderator's own policy refuses to commit either Add.
  for (const char* n : {"eve", "mallory"}) {
    Peer& p = make(n);
    connect(p, false);
    (void)host.s->admit(n);
    serve(host);
    EXPECT_FALSE(p.s->is_member()) << n;
    EXPECT_EQ(host.s->epoch(), before) << n;
  }
  // The server injecting the same Add itself: every member refuses it.
  auto sig = crypto::generate_signature_key_pair(kSuite.signature_scheme());
  ASSERT_TRUE(sig.has_value());
  mls::Credential cred;
  cred.credential_type = mls::CredentialType::kX509;
  cred.certificates.push_back(mls::Certificate{devices_["bob"]->cert_der});  // bob's, not its key
  mls::KeyPackageOptions opts;
  opts.extra_extensions = {mls::kExtConclaveRoles};
  auto kp = mls::create_key_package(kSuite, cred, sig->private_key, sig->public_key, opts);
  ASSERT_TRUE(kp.has_value());
  relay(epoch_, server_proposal(*host.s->group(), mls::Proposal{mls::Add{kp->key_package}}));
  for (Peer* m : members_) {
    const Event* alert = m->last(EventType::kSecurityAlert);
    ASSERT_NE(alert, nullptr) << m->name;
    EXPECT_EQ(alert->error_code, static_cast<uint16_t>(Err::kPolicyViolation));
    EXPECT_EQ(m->s->epoch(), before);
  }
}

// verifies: REQ-CLIENT-010
TEST_F(SessionTest, MemberWithoutDeviceCredentialAcceptsBasicCredentialsOnly) {
  const auto ca = make_ca("Org CA");
  enrol("bob", ca);  // bob has a device; the host (no device) takes basic only
  Peer& host = make("host");
  connect(host, true);
  Peer& bob = make("bob");
  connect(bob, false);
  (void)host.s->admit("bob");
  serve(host);
  EXPECT_FALSE(bob.s->is_member());
  EXPECT_EQ(host.s->epoch(), 0u);
}

// verifies: REQ-CLIENT-010
TEST(DeviceCredential, LoadChecksTheCaAndTheKey) {
  const auto ca = make_ca("Org CA");
  const auto other = make_ca("Other CA");
  auto request = crypto::generate_device_request("alice");
  ASSERT_TRUE(request.has_value());
  auto issued = crypto::issue_device_certificate(ca.cert_pem, ca.key_pem, request->csr_pem, "alice",
                                                 30, unix_seconds());
  ASSERT_TRUE(issued.has_value());
  std::string why;
  auto ok =
      load_device_credential(issued->cert_pem, request->key_pem, ca.cert_pem, unix_seconds(), &why);
  ASSERT_TRUE(ok.has_value()) << why;
  EXPECT_EQ((*ok)->account, "alice");
  EXPECT_FALSE(load_device_credential(issued->cert_pem, request->key_pem, other.cert_pem,
                                      unix_seconds(), &why)
                   .has_value());
  EXPECT_FALSE(why.empty());
  auto another = crypto::generate_device_request("alice");
  ASSERT_TRUE(another.has_value());
  auto wrong_key =
      load_device_credential(issued->cert_pem, another->key_pem, ca.cert_pem, unix_seconds(), &why);
  EXPECT_FALSE(wrong_key.has_value());
  EXPECT_EQ(why, "the device key is not the key of the device certificate");
}

}  // namespace
}  // namespace conclave::client

namespace conclave::client {
namespace {

std::vector<std::string> names(std::initializer_list<const char*> l) {
  return std::vector<std::string>(l.begin(), l.end());
}

// verifies: REQ-CLIENT-037, REQ-ROLES-011
TEST_F(SessionTest, EveryMemberAnnouncesTheLabelledRecordersAndGateways) {
  allow_recording_ = true;
  allow_gateways_ = true;
  Peer& host = meeting({"bob", "rec", "gw"});
  for (Peer* p : {&host, &peer("bob"), &peer("rec"), &peer("gw")}) {
    EXPECT_EQ(p->count(EventType::kRecordingNotice), 0u) << p->name;
  }
  ASSERT_TRUE(host.s->grant("rec", Grant::kRecorder, true).has_value());
  serve(host);
  ASSERT_TRUE(host.s->grant("gw", Grant::kGateway, true).has_value());
  serve(host);
  expect_same_state();
  for (Peer* p : {&host, &peer("bob"), &peer("rec"), &peer("gw")}) {
    SCOPED_TRACE(p->name);
    EXPECT_EQ(p->count(EventType::kRecordingNotice), 2u);
    const Event* n = p->last(EventType::kRecordingNotice);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->recorders, names({"rec"}));
    EXPECT_EQ(n->gateways, names({"gw"}));
    p->s->roster();
    p->collect();
    const Event* r = p->last(EventType::kRoster);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->recorders, names({"rec"}));
    EXPECT_EQ(r->gateways, names({"gw"}));
  }
  // The recorder learns its own label as a change of its rights.
  const Event* own = peer("rec").last(EventType::kRights);
  ASSERT_NE(own, nullptr);
  EXPECT_TRUE(own->members.front().roles & mls::kRoleRecorder);
  // Revoked: announced again, with nobody recording.
  ASSERT_TRUE(host.s->grant("rec", Grant::kRecorder, false).has_value());
  serve(host);
  const Event* n = peer("bob").last(EventType::kRecordingNotice);
  ASSERT_NE(n, nullptr);
  EXPECT_TRUE(n->recorders.empty());
  EXPECT_EQ(n->gateways, names({"gw"}));
}

// verifies: REQ-ROLES-011
TEST_F(SessionTest, AProfileWithoutRecordingRefusesTheLabels) {
  Peer& host = meeting({"rec"});
  EXPECT_EQ(host.s->grant("rec", Grant::kRecorder, true).error().code, Err::kPolicyViolation);
  EXPECT_EQ(host.s->grant("rec", Grant::kGateway, true).error().code, Err::kPolicyViolation);
  EXPECT_TRUE(host.outbox.empty());
  // Mute-all keeps the gates: the commit passes every member's policy.
  ASSERT_TRUE(host.s->mute_all(true).has_value());
  serve(host);
  expect_same_state();
  EXPECT_EQ(peer("rec").count(EventType::kRecordingNotice), 0u);
  EXPECT_EQ(host.s->grant("rec", Grant::kRecorder, true).error().code, Err::kPolicyViolation);
}

}  // namespace
}  // namespace conclave::client
