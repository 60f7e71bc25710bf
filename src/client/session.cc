#include "client/session.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "client/file_crypto.h"
#include "client/new_file.h"
#include "client/security_code.h"
#include "core/unix_time.h"
#include "crypto/mls/external_senders.h"
#include "crypto/mls/roles.h"
#include "crypto/signature.h"
#include "media/limits.h"

namespace conclave::client {
namespace {

namespace csm = protocol::client_session;

// What a failed Hello looks like to the client: the server closes without a
// reply (spec 06 "Sessions": no oracle before authentication), so the client
// can only list the causes.
constexpr const char* kHelloRefused =
    "the server closed the connection after Hello: wrong meeting, invitation, PIN, login or "
    "device certificate, or the meeting is locked/ended";

Event event_of(EventType t) {
  Event e;
  e.type = t;
  return e;
}

std::string text_of(ByteView v) { return std::string(v.begin(), v.end()); }

std::string describe(const Error& e, const char* context) {
  std::string s = context;
  s += ": ";
  s += to_string(e.code);
  if (e.detail != nullptr && e.detail[0] != '\0') {
    s += " (";
    s += e.detail;
    s += ")";
  }
  return s;
}

uint64_t now_seconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

const char* to_string(EventType t) {
  switch (t) {
    case EventType::kSessionInfo:
      return "session";
    case EventType::kAdmitted:
      return "admitted";
    case EventType::kWaiting:
      return "waiting";
    case EventType::kEpoch:
      return "epoch";
    case EventType::kRights:
      return "rights";
    case EventType::kRoster:
      return "roster";
    case EventType::kRecordingNotice:
      return "recording_notice";
    case EventType::kChat:
      return "chat";
    case EventType::kFile:
      return "file";
    case EventType::kExcluded:
      return "excluded";
    case EventType::kDenied:
      return "denied";
    case EventType::kBlocked:
      return "blocked";
    case EventType::kSecurityAlert:
      return "security_alert";
    case EventType::kError:
      return "error";
    case EventType::kRejected:
      return "rejected";
    case EventType::kClosed:
      return "closed";
  }
  return "unknown";
}

Session::Session(SessionConfig config, Send send, BlobStore* blobs)
    : config_(std::move(config)), send_(std::move(send)), blobs_(blobs) {}

Session::~Session() = default;

void Session::emit(Event e) { events_.push_back(std::move(e)); }

void Session::emit_error(EventType type, const Error& e, const char* context) {
  Event ev;
  ev.type = type;
  ev.error_code = static_cast<uint16_t>(e.code);
  ev.detail = describe(e, context);
  emit(std::move(ev));
}

std::vector<Event> Session::take_events() { return std::exchange(events_, {}); }

Result<void> Session::send(const protocol::SignalingMessage& m) {
  CONCLAVE_REQUIRE(static_cast<bool>(send_), Err::kInvalidArgument);
  return send_(m);
}

namespace {

// check_member_leaf is the credential rule every leaf this member accepts
// must pass (spec/08 "Member credentials"): with a device credential, a
// device certificate of the organisation CA for the leaf's key; without
// one, a basic credential.
// implements: REQ-CLIENT-010
Result<void> check_member_leaf(const DeviceCredential* device, const mls::LeafNode& leaf) {
  if (device == nullptr) {
    if (leaf.credential.credential_type != mls::CredentialType::kBasic) {
      return Error(Err::kPolicyViolation, "member credential is not a basic credential");
    }
    return {};
  }
  CONCLAVE_TRY(verify_member_leaf(leaf, device->org_ca_pem, unix_seconds()));
  return {};
}

}  // namespace

// --- the state machine (spec/state-machines/client.csv) ---

void Session::protocol_error(const char* what) {
  Event e;
  e.type = EventType::kError;
  e.error_code = static_cast<uint16_t>(Err::kUnexpectedMessage);
  e.detail = std::string("protocol error: ") + what + " is not expected in state " +
             to_string(state_) + " (spec/state-machines/client.csv); ignored";
  emit(std::move(e));
}

// implements: REQ-CLIENT-011
bool Session::accept(SmEvent on) {
  if (!csm::lists_event(state_, on)) {
    protocol_error(to_string(on));
    return false;
  }
  return true;
}

std::optional<csm::Transition> Session::row(SmEvent on, SmGuard guard) {
  auto t = csm::next(state_, on, guard);
  if (!t) {
    // Unreachable while client.csv lists every guard of an event it lists
    // (tests/unit/protocol/sm/client_sm_test.cc); refused all the same.
    protocol_error(to_string(on));
    return std::nullopt;
  }
  return *t;
}

Result<csm::Transition> Session::command(SmEvent on, const char* refusal) const {
  auto t = csm::next(state_, on, csm::Guard::kNone);
  if (!t) {
    return Error(Err::kUnexpectedMessage, refusal);
  }
  return *t;
}

void Session::enter(const csm::Transition& t) {
  CONCLAVE_ASSERT(t.from == state_);
  state_ = t.to;
  if (csm::is_final(state_)) {
    // A closed session commits nothing more and never joins.
    attempt_.reset();
    ops_.clear();
    bundle_.reset();
  }
}

void Session::report_and_leave(const csm::Transition& t, Event report) {
  emit(std::move(report));
  (void)send(protocol::Leave{});
  enter(t);
  Event e;
  e.type = EventType::kClosed;
  e.detail = "left the meeting";
  emit(std::move(e));
}

mls::GroupOptions Session::group_options() const {
  mls::GroupOptions o;
  // The roles policy, then the credential rule for every leaf a proposal or
  // commit brings in.
  o.policy = [device = config_.device](const mls::PolicyCheck& check) -> Result<void> {
    CONCLAVE_TRY(mls::conclave_roles_policy(check));
    for (const mls::SenderedProposal& p : check.proposals) {
      if (const auto* add = std::get_if<mls::Add>(&p.proposal->body)) {
        CONCLAVE_TRY(check_member_leaf(device.get(), add->key_package.leaf_node));
      } else if (const auto* update = std::get_if<mls::Update>(&p.proposal->body)) {
        CONCLAVE_TRY(check_member_leaf(device.get(), update->leaf_node));
      }
    }
    if (check.committer_leaf != nullptr) {
      CONCLAVE_TRY(check_member_leaf(device.get(), *check.committer_leaf));
    }
    return {};
  };
  return o;
}

uint64_t Session::epoch() const { return group_.has_value() ? group_->epoch() : 0; }

std::string Session::code() const {
  if (!group_.has_value() || !group_->active()) {
    return "";
  }
  return security_code(group_->epoch_authenticator().view());
}

// --- start and the waiting room ---

Result<void> Session::start() {
  CONCLAVE_TRY_ASSIGN(const csm::Transition t,
                      command(csm::Event::kStart, "the session was started already"));
  protocol::Hello h;
  h.meeting_id = config_.meeting_id;
  h.display_name = config_.display_name;
  h.auth_token = config_.auth_token;
  h.invite_token = config_.invite_token;
  h.pin = config_.pin;
  CONCLAVE_TRY(send(h));
  enter(t);
  return {};
}

Result<void> Session::submit_key_package() {
  CONCLAVE_REQUIRE(suite_.has_value(), Err::kUnexpectedMessage);
  crypto::SignatureKeyPair keys;
  mls::Credential cred;
  if (config_.device != nullptr) {
    // The device's certified key signs the leaf; the certificate is the
    // credential (spec/08 "Member credentials").
    if (suite_->signature_scheme() != crypto::SignatureScheme::kEcdsaP256Sha256) {
      return Error(Err::kUnsupported, "device certificates need an ECDSA P-256 cipher suite");
    }
    keys.private_key = config_.device->signature_key.clone();
    keys.public_key = config_.device->public_key;
    cred.credential_type = mls::CredentialType::kX509;
    cred.certificates.push_back(mls::Certificate{config_.device->cert_der});
  } else {
    CONCLAVE_TRY_ASSIGN(keys, crypto::generate_signature_key_pair(suite_->signature_scheme()));
    cred.credential_type = mls::CredentialType::kBasic;
    cred.identity = to_bytes(as_bytes(config_.display_name));
  }
  mls::KeyPackageOptions opts;
  // Every member's leaf must support the roles extension (RFC 9420 §12.1.7).
  opts.extra_extensions = {mls::kExtConclaveRoles};
  CONCLAVE_TRY_ASSIGN(
      mls::KeyPackageBundle bundle,
      mls::create_key_package(*suite_, cred, keys.private_key, keys.public_key, opts));
  CONCLAVE_TRY_ASSIGN(Bytes encoded, mls::encode_mls_message(mls::MlsMessage{bundle.key_package}));
  CONCLAVE_TRY(send(protocol::SubmitKeyPackage{std::move(encoded)}));
  bundle_ = std::make_unique<mls::KeyPackageBundle>(std::move(bundle));
  return {};
}

// implements: REQ-CLIENT-011
void Session::receive(const protocol::SignalingMessage& m) {
  if (csm::is_final(state_)) {
    return;  // sent before the server saw our Leave or closed the session
  }
  std::visit(
      [&](const auto& msg) {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, protocol::SessionInfo>) {
          if (accept(csm::Event::kSessionInfo)) {
            on_session_info(msg);
          }
        } else if constexpr (std::is_same_v<T, protocol::Admitted>) {
          if (accept(csm::Event::kAdmitted)) {
            on_admitted(msg);
          }
        } else if constexpr (std::is_same_v<T, protocol::Denied>) {
          if (accept(csm::Event::kDenied)) {
            on_denied();
          }
        } else if constexpr (std::is_same_v<T, protocol::Blocked>) {
          if (accept(csm::Event::kBlocked)) {
            on_blocked();
          }
        } else if constexpr (std::is_same_v<T, protocol::Relay>) {
          if (accept(csm::Event::kRelay)) {
            on_relay(msg);
          }
        } else if constexpr (std::is_same_v<T, protocol::LobbyUpdate>) {
          if (accept(csm::Event::kLobbyUpdate)) {
            on_lobby_update(msg);
          }
        } else if constexpr (std::is_same_v<T, protocol::CommitDuty>) {
          if (accept(csm::Event::kCommitDuty)) {
            on_commit_duty(msg);
          }
        } else if constexpr (std::is_same_v<T, protocol::CommitRejected>) {
          if (accept(csm::Event::kCommitRejected)) {
            on_commit_rejected(msg);
          }
        } else if constexpr (std::is_same_v<T, protocol::ErrorMessage>) {
          if (accept(csm::Event::kError)) {
            on_error(msg);
          }
        } else if constexpr (std::is_same_v<T, protocol::MediaPathInfo>) {
          if (accept(csm::Event::kMediaPath)) {
            on_media_path(msg);
          }
        } else if constexpr (std::is_same_v<T, protocol::MediaPacketMessage>) {
          if (accept(csm::Event::kMediaPacket)) {
            on_media_packet(msg);
          }
        } else {
          // A client-to-server message is no event of client.csv at all.
          protocol_error("a client-to-server message");
        }
      },
      m);
}

void Session::on_closed(std::optional<uint16_t> close_code) {
  if (csm::is_final(state_)) {
    return;
  }
  const auto t = row(csm::Event::kDisconnect,
                     close_code == kCloseExcluded ? csm::Guard::kExcluded : csm::Guard::kNone);
  if (!t) {
    return;
  }
  Event e;
  e.close_code = close_code;
  if (t->action == csm::Action::kReportExcluded) {
    e.type = EventType::kExcluded;
    e.detail = "a moderator excluded this member";
  } else if (t->action == csm::Action::kReportHelloRefused) {
    e.type = EventType::kError;
    e.error_code = static_cast<uint16_t>(Err::kUnexpectedMessage);
    e.detail = kHelloRefused;
  } else {
    e.type = EventType::kClosed;
    e.detail = "the server closed the session";
  }
  enter(*t);
  emit(std::move(e));
}

void Session::on_session_info(const protocol::SessionInfo& m) {
  // A SessionInfo this client cannot use is fatal: it cannot make a
  // KeyPackage for the meeting, so it ends the session instead of hanging.
  const auto refuse = [&](const Error& error, const char* context) {
    if (const auto t = row(csm::Event::kSessionInfo, csm::Guard::kSessionInfoBad)) {
      Event e;
      e.type = EventType::kError;
      e.error_code = static_cast<uint16_t>(error.code);
      e.detail = describe(error, context);
      report_and_leave(*t, std::move(e));
    }
  };
  auto suite = mls::CipherSuite::from_wire(m.cipher_suite);
  if (!suite) {
    return refuse(suite.error(), "the meeting's cipher suite");
  }
  auto sender = decode_all<mls::ExternalSender>(
      m.external_sender, "ExternalSender", [](Reader& r) { return mls::parse_external_sender(r); });
  if (!sender) {
    return refuse(sender.error(), "the server's external sender");
  }
  const auto t = row(csm::Event::kSessionInfo, csm::Guard::kSessionInfoOk);
  if (!t) {
    return;
  }
  info_ = m;
  suite_ = *suite;
  Event e;
  e.type = EventType::kSessionInfo;
  e.host = m.host;
  e.text = m.meeting_title;
  emit(std::move(e));
  // A failed action changes nothing: the session stays in hello_sent.
  if (auto ok = submit_key_package(); !ok) {
    emit_error(EventType::kError, ok.error(), "submitting the KeyPackage");
    return;
  }
  enter(*t);
}

void Session::on_admitted(const protocol::Admitted& m) {
  // welcome_bad: this session can never become a member, and the server
  // believes it did (its leaf may be in the group), so it leaves: the
  // server then proposes the Remove of that leaf.
  const auto refuse = [&](EventType type, const Error& error, const char* context) {
    if (const auto t = row(csm::Event::kAdmitted, csm::Guard::kWelcomeBad)) {
      Event e;
      e.type = type;
      e.error_code = static_cast<uint16_t>(error.code);
      e.detail = describe(error, context);
      report_and_leave(*t, std::move(e));
    }
  };
  if (bundle_ == nullptr || !info_.has_value()) {
    // Unreachable: waiting implies both; refused all the same.
    return refuse(EventType::kError, Error(Err::kUnexpectedMessage), "Admitted while not waiting");
  }
  std::optional<mls::Group> group;
  if (m.welcome.empty()) {
    // The host: it creates the group the server announced, with the server
    // as the only external sender and itself as moderator.
    if (!info_->host) {
      return refuse(EventType::kSecurityAlert, Error(Err::kProtocol),
                    "Admitted without a Welcome for a session that is not the host's");
    }
    auto sender =
        decode_all<mls::ExternalSender>(info_->external_sender, "ExternalSender",
                                        [](Reader& r) { return mls::parse_external_sender(r); });
    auto senders = sender ? mls::encode_external_senders({*sender}) : Result<Bytes>(sender.error());
    // implements: REQ-ROLES-011
    // The profile's gates go into the group state at creation: from then
    // on every member enforces them and nobody can lift them.
    auto roles =
        mls::initial_roles(bundle_->key_package.leaf_node.signature_key,
                           mls::profile_flags(info_->allow_recording, info_->allow_gateways));
    if (!senders || !roles) {
      return refuse(EventType::kError, !senders ? senders.error() : roles.error(),
                    "creating the group");
    }
    auto g = mls::Group::create(*suite_, info_->group_id, *bundle_,
                                {mls::Extension{mls::kExtExternalSenders, *senders}, *roles},
                                group_options());
    if (!g) {
      return refuse(EventType::kError, g.error(), "creating the group");
    }
    group.emplace(std::move(g).value());
  } else {
    auto msg = mls::decode_mls_message(m.welcome);
    if (!msg || !std::holds_alternative<mls::Welcome>(msg->body)) {
      return refuse(EventType::kSecurityAlert, msg ? Error(Err::kProtocol) : msg.error(),
                    "the Welcome does not decode");
    }
    auto g = mls::Group::join(std::get<mls::Welcome>(msg->body), *bundle_, std::nullopt,
                              group_options());
    if (!g) {
      return refuse(EventType::kSecurityAlert, g.error(), "the Welcome was refused");
    }
    //= spec/06-signaling-lobby.md#message-catalogue
    //# answers an accepted Hello: the group the host creates, or that a
    //# joiner checks its Welcome against
    // implements: REQ-CLIENT-005
    if (!equal(g->group_id(), info_->group_id)) {
      return refuse(EventType::kSecurityAlert, Error(Err::kProtocol),
                    "the Welcome is for another group than the meeting's");
    }
    // The policy sees proposals and commits; a Welcome brings a whole tree,
    // so its leaves pass the same credential rule here.
    for (const mls::LeafIndex i : g->members()) {
      const mls::LeafNode* node = g->tree().leaf(i);
      auto ok = node != nullptr ? check_member_leaf(config_.device.get(), *node)
                                : Result<void>(Error(Err::kProtocol));
      if (!ok) {
        return refuse(EventType::kSecurityAlert, ok.error(), "the Welcome's roster was refused");
      }
    }
    group.emplace(std::move(g).value());
  }
  const auto t = row(csm::Event::kAdmitted, csm::Guard::kWelcomeOk);
  if (!t) {
    return;
  }
  group_.emplace(std::move(*group));
  bundle_.reset();
  enter(*t);
  Event e;
  e.type = EventType::kAdmitted;
  e.epoch = group_->epoch();
  emit(std::move(e));
  after_epoch_change();
  pump();
}

void Session::on_denied() {
  const auto t = row(csm::Event::kDenied, csm::Guard::kNone);
  if (!t) {
    return;
  }
  bundle_.reset();  // the next attempt (retry) brings a fresh KeyPackage
  enter(*t);
  emit(event_of(EventType::kDenied));
}

void Session::on_blocked() {
  const auto t = row(csm::Event::kBlocked, csm::Guard::kNone);
  if (!t) {
    return;
  }
  enter(*t);
  emit(event_of(EventType::kBlocked));
}

void Session::on_lobby_update(const protocol::LobbyUpdate& m) {
  const auto t = row(csm::Event::kLobbyUpdate, csm::Guard::kNone);
  if (!t) {
    return;
  }
  enter(*t);
  waiting_.clear();
  waiting_key_packages_.clear();
  for (const auto& entry : m.entries) {
    waiting_.push_back(WaitingInfo{entry.entry_id, entry.display_name, entry.identity,
                                   entry.verified, entry.denials});
    waiting_key_packages_.push_back(entry.key_package);
  }
  Event e;
  e.type = EventType::kWaiting;
  e.waiting = waiting_;
  emit(std::move(e));
}

// --- members ---

// member_name is what a leaf's credential says about its holder: the
// identity of a basic credential, the account of a device certificate
// (verified when the leaf was accepted).
std::string Session::member_name(const mls::LeafNode& node) const {
  if (config_.device != nullptr) {
    auto account = verify_member_leaf(node, config_.device->org_ca_pem, unix_seconds());
    return account ? *account : "(unverified device)";
  }
  return text_of(node.credential.identity);
}

std::string Session::name_of(uint32_t leaf) const {
  if (group_.has_value()) {
    if (const mls::LeafNode* node = group_->tree().leaf(mls::LeafIndex(leaf))) {
      return member_name(*node);
    }
  }
  return "leaf " + std::to_string(leaf);
}

std::vector<MemberInfo> Session::members() const {
  std::vector<MemberInfo> out;
  if (!group_.has_value() || !group_->active()) {
    return out;
  }
  auto roles = mls::roles_of(group_->context().extensions);
  for (const mls::LeafIndex i : group_->members()) {
    const mls::LeafNode* node = group_->tree().leaf(i);
    if (node == nullptr) {
      continue;
    }
    MemberInfo m;
    m.name = member_name(*node);
    m.leaf = i.value();
    m.self = i == group_->own_leaf();
    if (roles) {
      if (const mls::RolesEntry* e = mls::lookup(*roles, node->signature_key)) {
        m.roles = e->roles;
        m.rights = e->rights;
      }
      m.speaking = mls::speaking_allowed(*roles, node->signature_key);
    }
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

// labelled fills `e.recorders` and `e.gateways` from `members`.
void labelled(const std::vector<MemberInfo>& members, Event& e) {
  for (const MemberInfo& m : members) {
    if ((m.roles & mls::kRoleRecorder) != 0) {
      e.recorders.push_back(m.name);
    }
    if ((m.roles & mls::kRoleGateway) != 0) {
      e.gateways.push_back(m.name);
    }
  }
}

}  // namespace

void Session::after_epoch_change() {
  // implements: REQ-CLIENT-037
  // Every member announces a change of the labelled recorders and
  // gateways, whoever made it: recording is never silent.
  {
    Event n;
    n.type = EventType::kRecordingNotice;
    n.epoch = group_->epoch();
    labelled(members(), n);
    if (n.recorders != last_recorders_ || n.gateways != last_gateways_) {
      last_recorders_ = n.recorders;
      last_gateways_ = n.gateways;
      emit(std::move(n));
    }
  }
  Event e;
  e.type = EventType::kEpoch;
  e.epoch = group_->epoch();
  e.members = members();
  e.code = code();
  auto roles = mls::roles_of(group_->context().extensions);
  e.muted_all = roles && (roles->group_flags & mls::kGroupMutedAll) != 0;
  // Own rights: announce a change (a grant, a revocation, mute-all).
  for (const MemberInfo& m : e.members) {
    if (m.self && (m.rights != last_rights_ || m.roles != last_roles_)) {
      last_rights_ = m.rights;
      last_roles_ = m.roles;
      Event r;
      r.type = EventType::kRights;
      r.members = {m};
      r.muted_all = e.muted_all;
      emit(std::move(e));
      emit(std::move(r));
      return;
    }
  }
  emit(std::move(e));
}

void Session::roster() {
  Event e;
  e.type = EventType::kRoster;
  e.epoch = epoch();
  e.members = members();
  labelled(e.members, e);
  emit(std::move(e));
}

void Session::rights() {
  Event e;
  e.type = EventType::kRights;
  for (MemberInfo& m : members()) {
    if (m.self) {
      e.members = {std::move(m)};
    }
  }
  if (group_.has_value() && group_->active()) {
    auto roles = mls::roles_of(group_->context().extensions);
    e.muted_all = roles && (roles->group_flags & mls::kGroupMutedAll) != 0;
  }
  emit(std::move(e));
}

void Session::on_relay(const protocol::Relay& m) {
  // Each outcome of the checks is a guard of client.csv; the member stays a
  // member except when a commit removes it.
  const auto step = [&](csm::Guard guard) { return row(csm::Event::kRelay, guard); };
  for (const Bytes& own : own_messages_) {
    if (equal(own, m.message)) {
      // Our own chat relayed back: its sender cannot decrypt it.
      if (const auto t = step(csm::Guard::kOwnMessage)) {
        enter(*t);
      }
      return;
    }
  }
  auto msg = mls::decode_mls_message(m.message);
  if (!msg) {
    if (const auto t = step(csm::Guard::kMessageBad)) {
      enter(*t);
      emit_error(EventType::kSecurityAlert, msg.error(), "a relayed message does not decode");
    }
    return;
  }
  const uint32_t own_leaf = group_->own_leaf().value();
  // implements: REQ-CLIENT-004
  auto r = group_->handle(*msg);
  if (!r) {
    // The group is unchanged (all or nothing): this member stays in its
    // epoch and tells the user, whoever sent or relayed the message.
    if (const auto t = step(csm::Guard::kMessageBad)) {
      enter(*t);
      emit_error(EventType::kSecurityAlert, r.error(), "a relayed message was refused");
    }
    return;
  }
  switch (r->kind) {
    case mls::ReceivedKind::kProposal:
      // Cached by the group for the next commit (e.g. the server's Remove).
      if (const auto t = step(csm::Guard::kProposalOk)) {
        enter(*t);
      }
      return;
    case mls::ReceivedKind::kApplication:
      if (const auto t = step(csm::Guard::kApplicationOk)) {
        enter(*t);
        on_application(*r);
      }
      return;
    case mls::ReceivedKind::kCommit:
      break;
  }
  const auto t = step(r->removed_self ? csm::Guard::kRemovedSelf : csm::Guard::kCommitOk);
  if (!t) {
    return;
  }
  enter(*t);
  if (r->removed_self) {
    emit(event_of(EventType::kExcluded));
    return;
  }
  const bool own = r->sender.sender_type == mls::SenderType::kMember && r->sender.index == own_leaf;
  if (attempt_.has_value()) {
    if (own) {
      finish_attempt(/*won=*/true);
    } else {
      // Another commit won the epoch; Group dropped our staged one. The
      // server's CommitRejected for ours is still to come.
      attempt_->lost = true;
    }
  }
  after_epoch_change();
  pump();
}

void Session::on_application(const mls::Received& r) {
  const std::string from = name_of(r.sender.index);
  auto app = decode_app_message(r.application_data);
  if (!app) {
    emit_error(EventType::kSecurityAlert, app.error(), "a member sent a malformed message");
    return;
  }
  if (const auto* c = std::get_if<ChatMessage>(&app->body)) {
    ++chats_received_;
    Event e;
    e.type = EventType::kChat;
    e.from = from;
    e.text = c->text;
    e.epoch = r.epoch;
    emit(std::move(e));
    return;
  }
  on_file(from, std::get<FileMessage>(app->body));
}

void Session::on_file(const std::string& from, const FileMessage& f) {
  if (blobs_ == nullptr || info_ == std::nullopt) {
    emit_error(EventType::kError, Error(Err::kUnsupported), "a file was shared but no blob store");
    return;
  }
  auto blob = blobs_->download(info_->blob_token, f.blob_id);
  if (!blob) {
    emit_error(EventType::kError, blob.error(), "downloading a shared file");
    return;
  }
  // implements: REQ-CLIENT-003
  auto plain = open_file(f, *blob);
  if (!plain) {
    emit_error(EventType::kSecurityAlert, plain.error(),
               "a shared file is not what its sender announced");
    return;
  }
  Event e;
  e.type = EventType::kFile;
  e.from = from;
  e.name = f.name;
  e.size = f.size;
  e.sha256 = to_hex(f.sha256);
  if (!config_.download_dir.empty()) {
    auto path = save_new_file(config_.download_dir, f.name, *plain);
    if (!path) {
      emit_error(EventType::kError, path.error(), "saving a shared file");
      return;
    }
    e.path = *path;
  }
  ++files_received_;
  emit(std::move(e));
}

void Session::on_commit_duty(const protocol::CommitDuty& m) {
  const auto t = row(csm::Event::kCommitDuty, csm::Guard::kNone);
  if (!t) {
    return;
  }
  enter(*t);
  Op op;
  op.kind = OpKind::kDuty;
  op.duty_epoch = m.epoch;
  // Ahead of other queued changes: departed members must leave the group
  // first (and the server accepts no other commit until they did).
  ops_.insert(attempt_.has_value() && !ops_.empty() ? ops_.begin() + 1 : ops_.begin(),
              std::move(op));
  pump();
}

void Session::on_commit_rejected(const protocol::CommitRejected& m) {
  const auto t = row(csm::Event::kCommitRejected, csm::Guard::kNone);
  if (!t) {
    return;
  }
  enter(*t);
  Event e;
  e.type = EventType::kRejected;
  e.epoch = m.current_epoch;
  emit(std::move(e));
  if (!attempt_.has_value() || ops_.empty() || !group_.has_value()) {
    return;
  }
  // implements: REQ-CLIENT-006
  group_->discard_pending_commit();
  attempt_.reset();
  Op& op = ops_.front();
  ++op.retries;
  if (op.retries > kMaxCommitRetries) {
    emit_error(EventType::kError, Error(Err::kProtocol, "commit rejected too often"),
               "a group change failed");
    ops_.pop_front();
  } else if (group_->epoch() < m.current_epoch) {
    // The winning commit has not reached us yet: retry once it has.
    op.not_before_epoch = m.current_epoch;
  }
  pump();
}

void Session::on_error(const protocol::ErrorMessage& m) {
  const auto t = row(csm::Event::kError, csm::Guard::kNone);
  if (!t) {
    return;
  }
  Event e;
  e.type = EventType::kError;
  e.error_code = m.code;
  e.detail = "the server refused a request: " + m.detail;
  if (t->action == csm::Action::kReportAndLeave) {
    // While waiting, the one request outstanding is the KeyPackage: the
    // server refused it (or this identity is blocked) and keeps the session
    // without a waiting entry. No other KeyPackage would fare better.
    report_and_leave(*t, std::move(e));
    return;
  }
  enter(*t);
  emit(std::move(e));
  // The server answers a refused commit (Admit, Exclude, MlsMessage) with
  // an error: the change it carried is dropped.
  if (attempt_.has_value() && group_.has_value()) {
    group_->discard_pending_commit();
    attempt_.reset();
    if (!ops_.empty()) {
      ops_.pop_front();
    }
    pump();
  }
}

// implements: REQ-SIG-056
void Session::on_media_path(const protocol::MediaPathInfo& m) {
  // The hop keys come from this end's own TLS exporter: the server only
  // names the path, so it cannot choose or learn keys another way. A path
  // is assigned once per session; a second assignment would reset the
  // sequence numbers of a live path and is refused.
  std::optional<media::MediaPath> path;
  const char* why = nullptr;
  if (media_path_.has_value()) {
    why = "the server assigned a second media path";
  } else if (!exporter_) {
    why = "no TLS exporter for the media path";
  } else {
    const auto context = media::hop_exporter_context(m.path_id);
    auto secret = exporter_(media::kHopExporterLabel, context, media::kHopSecretLen);
    if (!secret) {
      why = "the TLS exporter failed";
    } else if (auto p = media::MediaPath::create(media::HopRole::kClient, m.path_id, *secret)) {
      path.emplace(std::move(p).value());
    } else {
      why = "the media path's keys could not be derived";
    }
  }
  const auto t = row(csm::Event::kMediaPath,
                     path.has_value() ? csm::Guard::kMediaPathOk : csm::Guard::kMediaPathBad);
  if (!t) {
    return;
  }
  enter(*t);
  if (!path.has_value()) {
    Event e;
    e.type = EventType::kError;
    e.error_code = static_cast<uint16_t>(Err::kInvalidValue);
    e.detail = std::string("media unavailable: ") + why;
    emit(std::move(e));
    return;
  }
  media_assignment_ = m;
  media_path_ = std::move(path);
}

void Session::on_media_packet(const protocol::MediaPacketMessage& m) {
  const auto t = row(csm::Event::kMediaPacket, csm::Guard::kNone);
  if (!t) {
    return;
  }
  enter(*t);
  if (media_handler_) {
    media_handler_(m.packet);
  }
}

// implements: REQ-SIG-055
Result<void> Session::send_media(ByteView packet) {
  CONCLAVE_TRY_ASSIGN(const auto t,
                      command(csm::Event::kSendMedia, "media needs a member session"));
  if (!media_path_.has_value()) {
    return Error(Err::kUnexpectedMessage, "no media path assigned yet");
  }
  if (packet.size() < protocol::kMinMediaPacketLen ||
      packet.size() > protocol::kMaxMediaPacketLen) {
    return Error(Err::kInvalidArgument, "not a media packet");
  }
  enter(t);
  return send(protocol::MediaPacketMessage{to_bytes(packet)});
}

// --- commands ---

Result<void> Session::require_member() const {
  // A group command is a row of client.csv in state member only; it leaves
  // the state as it is.
  CONCLAVE_TRY(command(csm::Event::kGroupCommand, "not a member of the meeting"));
  if (!group_.has_value() || !group_->active()) {
    return Error(Err::kUnexpectedMessage, "not a member of the meeting");
  }
  return {};
}

Result<void> Session::require_moderator() const {
  CONCLAVE_TRY(require_member());
  CONCLAVE_TRY_ASSIGN(const mls::ConclaveRoles roles, mls::roles_of(group_->context().extensions));
  const mls::LeafNode* own = group_->tree().leaf(group_->own_leaf());
  if (own == nullptr || !mls::is_moderator(roles, own->signature_key)) {
    return Error(Err::kPolicyViolation, "only a moderator may do that");
  }
  return {};
}

Result<const WaitingInfo*> Session::find_waiting(std::string_view name) const {
  const WaitingInfo* found = nullptr;
  for (const WaitingInfo& w : waiting_) {
    if (w.name == name) {
      if (found != nullptr) {
        return Error(Err::kInvalidArgument, "two waiting entries have that name");
      }
      found = &w;
    }
  }
  if (found == nullptr) {
    return Error(Err::kInvalidArgument, "no waiting entry has that name");
  }
  return found;
}

Result<uint32_t> Session::find_member(std::string_view name) const {
  std::optional<uint32_t> found;
  for (const MemberInfo& m : members()) {
    if (m.name == name) {
      if (found.has_value()) {
        return Error(Err::kInvalidArgument, "two members have that name");
      }
      found = m.leaf;
    }
  }
  if (!found.has_value()) {
    return Error(Err::kInvalidArgument, "no member has that name");
  }
  return *found;
}

Result<void> Session::admit(std::string_view name) {
  CONCLAVE_TRY(require_moderator());
  std::vector<uint64_t> ids;
  if (name == "all") {
    for (const WaitingInfo& w : waiting_) {
      ids.push_back(w.entry_id);
    }
  } else {
    CONCLAVE_TRY_ASSIGN(const WaitingInfo* w, find_waiting(name));
    ids.push_back(w->entry_id);
  }
  for (const uint64_t id : ids) {
    const bool queued = std::any_of(ops_.begin(), ops_.end(), [&](const Op& o) {
      return o.kind == OpKind::kAdmit && o.entry_id == id;
    });
    if (!queued) {
      Op op;
      op.kind = OpKind::kAdmit;
      op.entry_id = id;
      enqueue(std::move(op));
    }
  }
  return {};
}

Result<void> Session::deny(std::string_view name) {
  CONCLAVE_TRY(require_moderator());
  CONCLAVE_TRY_ASSIGN(const WaitingInfo* w, find_waiting(name));
  return send(protocol::Deny{w->entry_id});
}

Result<void> Session::exclude(std::string_view name) {
  CONCLAVE_TRY(require_moderator());
  CONCLAVE_TRY_ASSIGN(const uint32_t leaf, find_member(name));
  if (leaf == group_->own_leaf().value()) {
    return Error(Err::kInvalidArgument, "use leave to leave the meeting");
  }
  Op op;
  op.kind = OpKind::kExclude;
  op.target = std::string(name);
  enqueue(std::move(op));
  return {};
}

Result<void> Session::grant(std::string_view name, Grant what, bool on) {
  CONCLAVE_TRY(require_moderator());
  CONCLAVE_TRY(find_member(name));
  if (on && (what == Grant::kRecorder || what == Grant::kGateway)) {
    // Every member would refuse the commit (REQ-ROLES-011); saying so here
    // is clearer than a commit that fails later.
    CONCLAVE_TRY_ASSIGN(const mls::ConclaveRoles roles,
                        mls::roles_of(group_->context().extensions));
    const uint8_t gate = what == Grant::kRecorder ? mls::kGroupNoRecorders : mls::kGroupNoGateways;
    if ((roles.group_flags & gate) != 0) {
      return Error(Err::kPolicyViolation, what == Grant::kRecorder
                                              ? "the meeting's profile forbids recorders"
                                              : "the meeting's profile forbids gateways");
    }
  }
  Op op;
  op.kind = OpKind::kRoles;
  op.target = std::string(name);
  op.what = what;
  op.on = on;
  enqueue(std::move(op));
  return {};
}

Result<void> Session::hand(bool up) {
  CONCLAVE_TRY(require_member());
  Op op;
  op.kind = OpKind::kHand;
  op.on = up;
  enqueue(std::move(op));
  return {};
}

Result<void> Session::mute_all(bool on) {
  CONCLAVE_TRY(require_moderator());
  Op op;
  op.kind = OpKind::kMuteAll;
  op.on = on;
  enqueue(std::move(op));
  return {};
}

Result<void> Session::protect_and_send(const AppMessage& m) {
  CONCLAVE_TRY_ASSIGN(const Bytes data, encode_app_message(m));
  CONCLAVE_TRY_ASSIGN(const mls::MlsMessage protected_msg, group_->protect(data));
  CONCLAVE_TRY_ASSIGN(Bytes encoded, mls::encode_mls_message(protected_msg));
  own_messages_.push_back(encoded);
  if (own_messages_.size() > kOwnMessagesRemembered) {
    own_messages_.pop_front();
  }
  return send(protocol::MlsMessage{group_->epoch(), std::move(encoded)});
}

Result<void> Session::chat(std::string_view text) {
  CONCLAVE_TRY(require_member());
  return protect_and_send(AppMessage{ChatMessage{std::string(text)}});
}

Result<void> Session::share(std::string_view name, ByteView contents) {
  CONCLAVE_TRY(require_member());
  if (!is_valid_file_name(name)) {
    return Error(Err::kInvalidArgument, "not a plain file name");
  }
  if (blobs_ == nullptr) {
    return Error(Err::kUnsupported, "no blob store");
  }
  // implements: REQ-CLIENT-003
  CONCLAVE_TRY_ASSIGN(SealedFile sealed, seal_file(contents));
  CONCLAVE_TRY_ASSIGN(std::string blob_id, blobs_->upload(info_->blob_token, sealed.ciphertext));
  if (!is_valid_blob_id(blob_id)) {
    return Error(Err::kProtocol, "the blob store returned an invalid blob id");
  }
  FileMessage f;
  f.name = std::string(name);
  f.size = contents.size();
  f.sha256 = sealed.sha256;
  f.blob_id = std::move(blob_id);
  f.key = std::move(sealed.key);
  return protect_and_send(AppMessage{std::move(f)});
}

Result<void> Session::retry() {
  CONCLAVE_TRY_ASSIGN(const csm::Transition t,
                      command(csm::Event::kRetry, "retry is for a denied joiner"));
  CONCLAVE_TRY(submit_key_package());
  enter(t);
  return {};
}

Result<void> Session::leave() {
  if (csm::is_final(state_)) {
    return {};  // leaving a closed session does nothing
  }
  CONCLAVE_TRY_ASSIGN(const csm::Transition t,
                      command(csm::Event::kLeave, "the session cannot be left now"));
  // Before start() nothing was sent: the first message must be Hello.
  Result<void> sent;
  if (t.action == csm::Action::kSendLeave) {
    sent = send(protocol::Leave{});
  }
  enter(t);
  Event e;
  e.type = EventType::kClosed;
  e.detail = "left the meeting";
  emit(std::move(e));
  return sent;
}

// --- the commit queue ---

void Session::enqueue(Op op) {
  ops_.push_back(std::move(op));
  pump();
}

void Session::finish_attempt(bool won) {
  attempt_.reset();
  if (won && !ops_.empty()) {
    ops_.pop_front();
  }
}

// implements: REQ-CLIENT-006
void Session::pump() {
  while (!attempt_.has_value() && !ops_.empty() && is_member()) {
    Op& op = ops_.front();
    if (op.not_before_epoch.has_value() && group_->epoch() < *op.not_before_epoch) {
      return;
    }
    op.not_before_epoch.reset();
    if (auto ok = start_op(op); !ok) {
      emit_error(EventType::kError, ok.error(), "a group change failed");
      ops_.pop_front();
      continue;
    }
    if (!attempt_.has_value()) {
      ops_.pop_front();  // nothing left to do (e.g. the member already left)
    }
  }
}

Result<void> Session::start_op(Op& op) {
  const auto& extensions = group_->context().extensions;
  mls::CommitOptions co;  // include_cached: pending Removes go with every commit
  std::optional<uint64_t> admit_entry;
  std::optional<uint32_t> exclude_leaf;
  switch (op.kind) {
    case OpKind::kAdmit: {
      size_t i = 0;
      while (i < waiting_.size() && waiting_[i].entry_id != op.entry_id) {
        ++i;
      }
      if (i == waiting_.size()) {
        return Error(Err::kUnexpectedMessage, "the entry is no longer waiting");
      }
      CONCLAVE_TRY_ASSIGN(mls::MlsMessage kp_msg,
                          mls::decode_mls_message(waiting_key_packages_[i]));
      auto* kp = std::get_if<mls::KeyPackage>(&kp_msg.body);
      if (kp == nullptr) {
        return Error(Err::kInvalidValue, "the waiting entry holds no KeyPackage");
      }
      CONCLAVE_TRY(mls::validate_key_package(group_->suite(), *kp, now_seconds()));
      co.inline_proposals.push_back(mls::Proposal{mls::Add{std::move(*kp)}});
      admit_entry = op.entry_id;
      break;
    }
    case OpKind::kExclude: {
      auto leaf = find_member(op.target);
      if (!leaf) {
        return {};  // already gone
      }
      co.inline_proposals.push_back(mls::Proposal{mls::Remove{*leaf}});
      exclude_leaf = *leaf;
      break;
    }
    case OpKind::kRoles: {
      CONCLAVE_TRY_ASSIGN(const uint32_t leaf, find_member(op.target));
      const Bytes key = group_->tree().leaf(mls::LeafIndex(leaf))->signature_key;
      const Grant what = op.what;
      const bool on = op.on;
      CONCLAVE_TRY_ASSIGN(mls::Proposal p,
                          mls::roles_change(extensions, [&](mls::ConclaveRoles& r) {
                            const mls::RolesEntry* e = mls::lookup(r, key);
                            uint8_t roles = e == nullptr ? 0 : e->roles;
                            uint8_t rights = e == nullptr ? 0 : e->rights;
                            const auto apply = [on](uint8_t bits, uint8_t bit) {
                              return static_cast<uint8_t>(on ? (bits | bit) : (bits & ~bit));
                            };
                            switch (what) {
                              case Grant::kSpeak:
                                rights = apply(rights, mls::kRightMaySpeak);
                                if (on) {
                                  // The floor answers a raised hand.
                                  rights = static_cast<uint8_t>(rights & ~mls::kRightHandRaised);
                                }
                                break;
                              case Grant::kModerator:
                                roles = apply(roles, mls::kRoleModerator);
                                break;
                              case Grant::kCamera:
                                rights = apply(rights, mls::kRightCameraRequested);
                                break;
                              case Grant::kRecorder:
                                roles = apply(roles, mls::kRoleRecorder);
                                break;
                              case Grant::kGateway:
                                roles = apply(roles, mls::kRoleGateway);
                                break;
                            }
                            return mls::set_entry(r, key, roles, rights);
                          }));
      co.inline_proposals.push_back(std::move(p));
      break;
    }
    case OpKind::kHand: {
      const Bytes key = group_->tree().leaf(group_->own_leaf())->signature_key;
      CONCLAVE_TRY_ASSIGN(mls::Proposal p, mls::hand_change(extensions, key, op.on));
      co.inline_proposals.push_back(std::move(p));
      break;
    }
    case OpKind::kMuteAll: {
      const bool on = op.on;
      CONCLAVE_TRY_ASSIGN(
          mls::Proposal p, mls::roles_change(extensions, [on](mls::ConclaveRoles& r) {
            // The profile gates stay as they are.
            r.group_flags = static_cast<uint8_t>((r.group_flags & ~mls::kGroupMutedAll) |
                                                 (on ? mls::kGroupMutedAll : 0));
            return Result<void>();
          }));
      co.inline_proposals.push_back(std::move(p));
      break;
    }
    case OpKind::kDuty:
      if (group_->epoch() != op.duty_epoch) {
        return {};  // a commit already moved the epoch, and with it the Removes
      }
      break;  // commit the cached proposals only
  }
  // A change that changes nothing (a grant already held) is not committed.
  if (const auto* gce = co.inline_proposals.empty() ? nullptr
                                                    : std::get_if<mls::GroupContextExtensions>(
                                                          &co.inline_proposals[0].body)) {
    const bool same = gce->extensions.size() == extensions.size() &&
                      std::equal(extensions.begin(), extensions.end(), gce->extensions.begin(),
                                 [](const mls::Extension& a, const mls::Extension& b) {
                                   return a.extension_type == b.extension_type &&
                                          equal(a.extension_data, b.extension_data);
                                 });
    if (same) {
      return {};
    }
  }
  const uint64_t epoch = group_->epoch();
  CONCLAVE_TRY_ASSIGN(mls::CommitOutput out, group_->commit(co));
  auto commit = mls::encode_mls_message(out.commit);
  Result<void> sent = commit ? Result<void>() : Result<void>(commit.error());
  if (sent) {
    if (admit_entry.has_value()) {
      auto welcome = out.welcome.has_value() ? mls::encode_mls_message(*out.welcome)
                                             : Result<Bytes>(Error(Err::kProtocol));
      sent = welcome ? send(protocol::Admit{*admit_entry, epoch, *commit, *welcome})
                     : Result<void>(welcome.error());
    } else if (exclude_leaf.has_value()) {
      sent = send(protocol::Exclude{*exclude_leaf, epoch, *commit});
    } else {
      sent = send(protocol::MlsMessage{epoch, *commit});
    }
  }
  if (!sent) {
    group_->discard_pending_commit();
    return sent.error();
  }
  attempt_ = Attempt{epoch, false};
  return {};
}

}  // namespace conclave::client
