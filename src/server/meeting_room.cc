#include "server/meeting_room.h"

#include <algorithm>
#include <type_traits>

#include "core/unix_time.h"
#include "crypto/mls/credential.h"
#include "crypto/mls/external_senders.h"
#include "crypto/mls/group.h"
#include "crypto/mls/mls_message.h"
#include "crypto/mls/roles.h"
#include "crypto/rand.h"
#include "crypto/signature.h"

namespace conclave::server {
namespace {

using protocol::lobby::Event;
using protocol::lobby::Guard;
using protocol::lobby::State;

constexpr size_t kGroupIdLen = 16;

bool waiting(State s) { return s == State::kWaiting || s == State::kWaitingAgain; }

// name_of is how a session appears in the audit log: its account, or a
// guest's display name.
const std::string& name_of(const JoinIdentity& who) {
  return who.account.empty() ? who.display_name : who.account;
}

Result<uint64_t> random_u64() {
  uint8_t b[8];
  CONCLAVE_TRY(crypto::random_bytes(MutableByteView(b, sizeof b)));
  uint64_t v = 0;
  for (uint8_t x : b) {
    v = (v << 8) | x;
  }
  return v;
}

// only_own_hand_changes says whether `after` differs from `before` at most
// in the hand_raised bit of `own_key`'s entry: the one roles change a member
// that is not a moderator may make (REQ-ROLES-006). The server's mirror
// follows no other change from such a member, so that a client skipping the
// policy cannot make the server treat it as a moderator.
bool only_own_hand_changes(const mls::ConclaveRoles& before, const mls::ConclaveRoles& after,
                           ByteView own_key) {
  if (before.group_flags != after.group_flags) {
    return false;
  }
  auto same = [&](const mls::RolesEntry* a, const mls::RolesEntry* b, ByteView key) {
    const bool own =
        key.size() == own_key.size() && std::equal(key.begin(), key.end(), own_key.begin());
    const uint8_t mask = own ? static_cast<uint8_t>(~mls::kRightHandRaised) : uint8_t{0xff};
    const uint8_t a_roles = a != nullptr ? a->roles : 0;
    const uint8_t b_roles = b != nullptr ? b->roles : 0;
    const uint8_t a_rights = a != nullptr ? a->rights : 0;
    const uint8_t b_rights = b != nullptr ? b->rights : 0;
    return a_roles == b_roles && (a_rights & mask) == (b_rights & mask);
  };
  for (const auto& e : before.entries) {
    if (!same(&e, mls::lookup(after, e.signature_key), e.signature_key)) {
      return false;
    }
  }
  for (const auto& e : after.entries) {
    if (!same(mls::lookup(before, e.signature_key), &e, e.signature_key)) {
      return false;
    }
  }
  return true;
}

}  // namespace

MeetingRoom::MeetingRoom(RoomSettings settings, mls::CipherSuite suite, Bytes group_id,
                         SecretBytes signature_priv, Bytes external_sender)
    : settings_(std::move(settings)),
      suite_(suite),
      group_id_(std::move(group_id)),
      signature_priv_(std::move(signature_priv)),
      external_sender_(std::move(external_sender)) {}

Result<std::unique_ptr<MeetingRoom>> MeetingRoom::create(RoomSettings settings) {
  CONCLAVE_TRY_ASSIGN(mls::CipherSuite suite, mls::CipherSuite::from_wire(settings.cipher_suite));
  Bytes group_id = settings.group_id;
  if (group_id.empty()) {
    group_id.resize(kGroupIdLen);
    CONCLAVE_TRY(crypto::random_bytes(MutableByteView(group_id.data(), group_id.size())));
  }
  CONCLAVE_TRY_ASSIGN(crypto::SignatureKeyPair key,
                      crypto::generate_signature_key_pair(suite.signature_scheme()));
  mls::ExternalSender es;
  es.signature_key = key.public_key;
  const std::string name = "conclave-server:" + settings.meeting_id;
  es.credential.identity = Bytes(name.begin(), name.end());
  // SessionInfo carries the one ExternalSender, not the extension's list.
  Writer w;
  mls::write_external_sender(w, es);
  CONCLAVE_TRY_ASSIGN(Bytes es_wire, std::move(w).finish());
  return std::unique_ptr<MeetingRoom>(
      new MeetingRoom(std::move(settings), suite, std::move(group_id), std::move(key.private_key),
                      std::move(es_wire)));
}

void MeetingRoom::send(Outbox& out, ConnectionId to, protocol::SignalingMessage m) const {
  out.messages.emplace_back(to, std::move(m));
}

void MeetingRoom::error(Outbox& out, ConnectionId to, Err code, const char* detail) const {
  send(out, to, protocol::ErrorMessage{static_cast<uint16_t>(code), detail});
}

// implements: REQ-SIG-020
void MeetingRoom::move(Session& s, Event e, Guard g) {
  // Every transition the room makes is a row of lobby.csv; a missing row is
  // a bug of this file, caught by the tests, and leaves the state alone.
  if (auto t = protocol::lobby::next(s.state, e, g)) {
    s.state = t->to;
  }
}

bool MeetingRoom::moderator(const Session& s) const {
  return mirror_.has_value() && s.leaf.has_value() && mirror_->is_moderator(*s.leaf);
}

MeetingRoom::Session* MeetingRoom::waiting_entry(uint64_t entry_id) {
  for (auto& [id, s] : sessions_) {
    if (waiting(s.state) && s.entry_id == entry_id) {
      return &s;
    }
  }
  return nullptr;
}

MeetingRoom::Session* MeetingRoom::by_leaf(uint32_t leaf) {
  for (auto& [id, s] : sessions_) {
    if (s.leaf == leaf) {
      return &s;
    }
  }
  return nullptr;
}

std::vector<MeetingRoom::Session*> MeetingRoom::members() {
  std::vector<Session*> out;
  for (auto& [id, s] : sessions_) {
    if (s.leaf.has_value()) {
      out.push_back(&s);
    }
  }
  return out;
}

size_t MeetingRoom::member_count() const {
  return static_cast<size_t>(std::count_if(sessions_.begin(), sessions_.end(), [](const auto& kv) {
    return kv.second.leaf.has_value();
  }));
}

std::optional<uint64_t> MeetingRoom::epoch() const {
  if (!mirror_.has_value()) {
    return std::nullopt;
  }
  return mirror_->epoch();
}

bool MeetingRoom::member_with_blob_token(ByteView blob_token) const {
  if (blob_token.empty()) {
    return false;
  }
  for (const auto& [id, s] : sessions_) {
    if (s.leaf.has_value() && s.who.blob_token.size() == blob_token.size() &&
        ct_equal(s.who.blob_token, blob_token)) {
      return true;
    }
  }
  return false;
}

bool MeetingRoom::may_speak(ConnectionId id) const {
  auto it = sessions_.find(id);
  return it != sessions_.end() && it->second.leaf.has_value() && mirror_.has_value() &&
         mirror_->may_speak(*it->second.leaf);
}

std::vector<MemberFloor> MeetingRoom::member_floors() const {
  std::vector<MemberFloor> out;
  for (const auto& [id, s] : sessions_) {
    if (s.state == protocol::lobby::State::kAdmitted && s.leaf.has_value()) {
      out.push_back(MemberFloor{id, *s.leaf, may_speak(id)});
    }
  }
  return out;
}

void MeetingRoom::join(ConnectionId id, JoinIdentity who, Clock::time_point, Outbox& out) {
  Session s;
  s.id = id;
  s.who = std::move(who);
  // The host creates the group only while there is none; a host coming back
  // to a running meeting waits like everyone else (a session is never
  // resumed, spec/06 "Sessions").
  s.who.host = s.who.host && !mirror_.has_value() &&
               std::none_of(sessions_.begin(), sessions_.end(),
                            [](const auto& kv) { return kv.second.who.host; });
  protocol::SessionInfo info;
  info.host = s.who.host;
  info.group_id = group_id_;
  info.cipher_suite = suite_.wire_value();
  info.external_sender = external_sender_;
  info.blob_token = s.who.blob_token;
  info.meeting_title = settings_.title;
  info.allow_recording = settings_.allow_recording;
  info.allow_gateways = settings_.allow_gateways;
  out.audit.push_back({"auth_ok", name_of(s.who),
                       s.who.host ? "host" : (s.who.account.empty() ? "guest" : "account")});
  sessions_.emplace(id, std::move(s));
  send(out, id, std::move(info));
}

void MeetingRoom::receive(ConnectionId id, const protocol::SignalingMessage& m,
                          Clock::time_point now, Outbox& out) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    return;
  }
  Session& s = it->second;
  std::visit(
      [&](const auto& msg) {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, protocol::SubmitKeyPackage>) {
          on_submit(s, msg, now, out);
        } else if constexpr (std::is_same_v<T, protocol::MlsMessage>) {
          on_mls(s, msg, out);
        } else if constexpr (std::is_same_v<T, protocol::Admit>) {
          on_admit(s, msg, out);
        } else if constexpr (std::is_same_v<T, protocol::Deny>) {
          on_deny(s, msg, out);
        } else if constexpr (std::is_same_v<T, protocol::Exclude>) {
          on_exclude(s, msg, out);
        } else if constexpr (std::is_same_v<T, protocol::Leave>) {
          out.closes.push_back({id, kCloseNormal, "left"});
          disconnect(id, now, out);
        } else {
          // Hello twice, or a server-to-client message.
          error(out, id, Err::kUnexpectedMessage, "message not allowed now");
        }
      },
      m);
}

// credential_name is the name a KeyPackage's credential gives its holder: a
// basic credential's identity, or for a device certificate the account it
// was issued to (checked against the certificate at Hello).
std::string MeetingRoom::credential_name(const Session& s, const mls::KeyPackage& kp) {
  const mls::Credential& cred = kp.leaf_node.credential;
  if (cred.credential_type == mls::CredentialType::kX509) {
    return s.who.account;
  }
  return std::string(cred.identity.begin(), cred.identity.end());
}

// implements: REQ-SIG-040
void MeetingRoom::on_submit(Session& s, const protocol::SubmitKeyPackage& m, Clock::time_point now,
                            Outbox& out) {
  if (s.state != State::kReady && s.state != State::kDeniedOnce) {
    error(out, s.id, Err::kUnexpectedMessage, "not expecting a KeyPackage now");
    return;
  }
  auto bad = [&](Err code, const char* why) {
    move(s, Event::kSubmitKeyPackage, Guard::kKeyPackageBad);
    error(out, s.id, code, why);
  };
  auto msg = mls::decode_mls_message(m.key_package);
  if (!msg || !std::holds_alternative<mls::KeyPackage>(msg->body)) {
    return bad(Err::kInvalidValue, "not an MLSMessage holding a KeyPackage");
  }
  mls::KeyPackage kp = std::get<mls::KeyPackage>(msg->body);
  if (kp.cipher_suite != suite_.wire_value()) {
    return bad(Err::kInvalidValue, "KeyPackage of another cipher suite than the meeting's");
  }
  if (!mls::validate_key_package(suite_, kp, unix_seconds())) {
    return bad(Err::kInvalidValue, "KeyPackage does not verify");
  }
  const mls::Credential& cred = kp.leaf_node.credential;
  if (settings_.require_device_cert || !s.who.device_certificate.empty()) {
    // The secret profile: the MLS credential is the device certificate this
    // session's TLS client certificate proved, and its key signs the leaf.
    // implements: REQ-SIG-051
    if (s.who.device_certificate.empty() || cred.credential_type != mls::CredentialType::kX509 ||
        cred.certificates.size() != 1 ||
        cred.certificates[0].cert_data != s.who.device_certificate ||
        kp.leaf_node.signature_key != s.who.device_key) {
      return bad(Err::kInvalidValue, "credential is not this session's device certificate");
    }
  } else if (cred.credential_type != mls::CredentialType::kBasic) {
    return bad(Err::kInvalidValue, "X.509 credentials only in meetings that require them");
  } else if (!s.who.account.empty() && credential_name(s, kp) != s.who.account) {
    return bad(Err::kInvalidValue, "credential identity is not the logged-in account");
  }
  const std::string identity = credential_name(s, kp);
  if (settings_.blocked.count(s.who.block_key) != 0) {
    return bad(Err::kUnexpectedMessage, "blocked from this meeting");
  }
  if (s.who.host) {
    // The host creates the group: epoch 0 with itself in leaf 0.
    auto mirror = GroupMirror::create(
        suite_, group_id_, kp,
        mls::profile_flags(settings_.allow_recording, settings_.allow_gateways));
    if (!mirror) {
      return bad(Err::kInvalidValue, "host KeyPackage unusable");
    }
    mirror_ = std::move(*mirror);
    s.leaf = 0;
    s.state = State::kAdmitted;
    s.parsed = std::move(kp);
    out.audit.push_back({"meeting_start", s.who.account, "epoch 0"});
    send(out, s.id, protocol::Admitted{0, {}});
    notify_moderators(out);
    return;
  }
  auto entry_id = random_u64();
  if (!entry_id || used_entry_ids_.count(*entry_id) != 0) {
    return bad(Err::kCryptoInternal, "no fresh entry id");
  }
  used_entry_ids_.insert(*entry_id);
  s.entry_id = *entry_id;
  s.key_package = m.key_package;
  s.parsed = std::move(kp);
  s.waiting_since = now;
  move(s, Event::kSubmitKeyPackage, Guard::kKeyPackageOk);
  out.audit.push_back({"waiting", identity, s.who.account.empty() ? "unverified" : "verified"});
  notify_moderators(out);
}

// implements: REQ-SIG-041
void MeetingRoom::notify_moderators(Outbox& out) const {
  protocol::LobbyUpdate update;
  std::vector<const Session*> queue;
  for (const auto& [id, s] : sessions_) {
    if (waiting(s.state)) {
      queue.push_back(&s);
    }
  }
  std::sort(queue.begin(), queue.end(),
            [](const Session* a, const Session* b) { return a->waiting_since < b->waiting_since; });
  // Oldest first, as many as one Envelope holds (spec/06, lobbyUpdate).
  size_t bytes = 0;
  for (const Session* s : queue) {
    bytes += s->key_package.size() + 1024;
    if (update.entries.size() >= protocol::kMaxWaitingEntries ||
        bytes > protocol::kMaxSignalingMessageLen - (size_t{64} << 10)) {
      break;
    }
    protocol::WaitingEntry e;
    e.entry_id = s->entry_id;
    e.display_name = s->who.display_name;
    e.identity = credential_name(*s, s->parsed);
    e.verified = !s->who.account.empty();
    e.denials = s->denials;
    e.key_package = s->key_package;
    update.entries.push_back(std::move(e));
  }
  for (const auto& [id, s] : sessions_) {
    if (moderator(s)) {
      send(out, id, update);
    }
  }
}

// implements: REQ-SIG-043
bool MeetingRoom::check_commit(Session& s, uint64_t envelope_epoch, const Inspected& in,
                               Outbox& out) {
  if (!in.commit.has_value()) {
    error(out, s.id, Err::kProtocol, "not a commit");
    return false;
  }
  if (in.epoch != envelope_epoch) {
    error(out, s.id, Err::kProtocol, "envelope epoch differs from the MLS message's");
    return false;
  }
  if (in.sender.index != *s.leaf) {
    // A member signs as its own leaf; anything else is an impersonation
    // attempt the members would refuse anyway.
    error(out, s.id, Err::kPolicyViolation, "commit sender is not this session's leaf");
    return false;
  }
  if (in.epoch != mirror_->epoch()) {
    send(out, s.id, protocol::CommitRejected{mirror_->epoch()});
    return false;
  }
  for (const Bytes& ref : mirror_->pending_removes()) {
    const auto& refs = in.commit->referenced;
    if (std::find(refs.begin(), refs.end(), ref) == refs.end()) {
      // A departed member's Remove rides on the next commit, whoever makes it.
      send(out, s.id, protocol::CommitRejected{mirror_->epoch()});
      return false;
    }
  }
  if (in.commit->other_proposals) {
    error(out, s.id, Err::kPolicyViolation, "commit carries proposals this profile refuses");
    return false;
  }
  if (in.commit->extensions.has_value() && !mirror_->is_moderator(*s.leaf)) {
    // implements: REQ-SIG-042
    // The mirror must not follow a roles change the members' policy
    // refuses: a participant may only raise or lower its own hand.
    auto after = mls::roles_of(*in.commit->extensions);
    const auto& own = mirror_->leaves()[*s.leaf];
    if (!after || !own.has_value() ||
        !only_own_hand_changes(mirror_->roles(), *after, own->signature_key)) {
      error(out, s.id, Err::kPolicyViolation, "only a moderator changes roles");
      return false;
    }
  }
  if (in.commit->extensions.has_value()) {
    // implements: REQ-ROLES-012
    // Defence in depth: the members refuse a forbidden label through the
    // gate flags in the group state; the server refuses it by its profile.
    auto after = mls::roles_of(*in.commit->extensions);
    if (after) {
      for (const mls::RolesEntry& e : after->entries) {
        if ((e.has_role(mls::kRoleRecorder) && !settings_.allow_recording) ||
            (e.has_role(mls::kRoleGateway) && !settings_.allow_gateways)) {
          error(out, s.id, Err::kPolicyViolation, "the meeting's profile forbids this label");
          return false;
        }
      }
    }
  }
  return true;
}

std::optional<std::vector<uint32_t>> MeetingRoom::win(const Inspected& in, ByteView wire,
                                                      std::optional<ConnectionId> skip,
                                                      Outbox& out) {
  const uint64_t epoch = mirror_->epoch();
  const mls::ConclaveRoles before = mirror_->roles();
  auto added = mirror_->apply(*in.commit);
  if (!added) {
    return std::nullopt;
  }
  for (Session* m : members()) {
    if (m->id != skip) {
      send(out, m->id, protocol::Relay{epoch, Bytes(wire.begin(), wire.end())});
    }
  }
  // The winning commit included every pending Remove (check_commit).
  duty_event(protocol::commit_duty::Event::kCommitWon, Clock::time_point{}, out);
  out.audit.push_back({"epoch_change", "", "epoch " + std::to_string(epoch + 1)});
  if (in.commit->extensions.has_value()) {
    const auto& after = mirror_->roles();
    bool changed =
        after.group_flags != before.group_flags || after.entries.size() != before.entries.size();
    for (size_t i = 0; !changed && i < after.entries.size(); ++i) {
      changed = after.entries[i].signature_key != before.entries[i].signature_key ||
                after.entries[i].roles != before.entries[i].roles ||
                after.entries[i].rights != before.entries[i].rights;
    }
    if (changed) {
      out.audit.push_back({"role_change", "", "epoch " + std::to_string(epoch + 1)});
    }
  }
  return std::move(*added);
}

// implements: REQ-SIG-043
void MeetingRoom::on_mls(Session& s, const protocol::MlsMessage& m, Outbox& out) {
  if (!s.leaf.has_value() || !mirror_.has_value()) {
    error(out, s.id, Err::kUnexpectedMessage, "not a member");
    return;
  }
  auto in = mirror_->inspect(m.message);
  if (!in) {
    error(out, s.id, in.error().code, "MLS message refused");
    return;
  }
  if (in->epoch != m.epoch) {
    error(out, s.id, Err::kProtocol, "envelope epoch differs from the MLS message's");
    return;
  }
  const uint64_t current = mirror_->epoch();
  switch (in->content_type) {
    case mls::ContentType::kApplication: {
      // Chat of this epoch, and of the previous one while a commit lands.
      if (in->epoch != current && in->epoch + 1 != current) {
        error(out, s.id, Err::kWrongEpoch, "application message of another epoch");
        return;
      }
      // Not to members who joined after that epoch: they hold no key of it.
      for (Session* member : members()) {
        if (member->id != s.id && member->joined_epoch <= in->epoch) {
          send(out, member->id, protocol::Relay{in->epoch, m.message});
        }
      }
      return;
    }
    case mls::ContentType::kProposal: {
      if (in->epoch != current) {
        error(out, s.id, Err::kWrongEpoch, "proposal of another epoch");
        return;
      }
      if (in->sender.index != *s.leaf) {
        error(out, s.id, Err::kPolicyViolation, "proposal sender is not this session's leaf");
        return;
      }
      // Members change membership only by Admit and Exclude, whose commits
      // the server checks; by-reference proposals are role and hand changes.
      if (!std::holds_alternative<mls::GroupContextExtensions>(in->proposal->body)) {
        error(out, s.id, Err::kPolicyViolation, "only roles proposals are relayed");
        return;
      }
      mirror_->record(*in);
      for (Session* member : members()) {
        if (member->id != s.id) {
          send(out, member->id, protocol::Relay{in->epoch, m.message});
        }
      }
      return;
    }
    case mls::ContentType::kCommit: {
      if (!check_commit(s, m.epoch, *in, out)) {
        return;
      }
      if (!in->commit->adds.empty() || in->commit->inline_removes) {
        error(out, s.id, Err::kPolicyViolation, "membership changes go through Admit and Exclude");
        return;
      }
      if (!win(*in, m.message, std::nullopt, out)) {
        error(out, s.id, Err::kProtocol, "commit does not apply to the group");
      }
      return;
    }
  }
}

// implements: REQ-SIG-044
void MeetingRoom::on_admit(Session& s, const protocol::Admit& m, Outbox& out) {
  if (!moderator(s)) {
    error(out, s.id, Err::kPolicyViolation, "only a moderator admits");
    return;
  }
  Session* joiner = waiting_entry(m.entry_id);
  if (joiner == nullptr) {
    error(out, s.id, Err::kUnexpectedMessage, "no such waiting entry");
    return;
  }
  auto in = mirror_->inspect(m.commit);
  if (!in) {
    move(*joiner, Event::kAdmit, Guard::kDecisionBad);
    error(out, s.id, in.error().code, "Admit commit refused");
    return;
  }
  if (!check_commit(s, m.epoch, *in, out)) {
    // Lost to another commit of the epoch, or refused: the entry waits on.
    move(*joiner, Event::kAdmit,
         in->epoch != mirror_->epoch() ? Guard::kEpochLost : Guard::kDecisionBad);
    return;
  }
  auto decision_bad = [&](const char* why) {
    move(*joiner, Event::kAdmit, Guard::kDecisionBad);
    error(out, s.id, Err::kPolicyViolation, why);
  };
  const CommitView& c = *in->commit;
  if (c.adds.size() != 1 || c.inline_removes) {
    return decision_bad("Admit commit must add exactly the entry's KeyPackage");
  }
  auto own = mls::encode_key_package(joiner->parsed);
  auto added = mls::encode_key_package(c.adds[0]);
  if (!own || !added || *own != *added) {
    return decision_bad("Admit commit adds another KeyPackage than the entry's");
  }
  auto welcome_msg = mls::decode_mls_message(m.welcome);
  auto ref = mls::key_package_ref(joiner->parsed);
  const mls::Welcome* welcome =
      welcome_msg ? std::get_if<mls::Welcome>(&welcome_msg->body) : nullptr;
  if (welcome == nullptr || !ref ||
      std::none_of(welcome->secrets.begin(), welcome->secrets.end(),
                   [&](const mls::EncryptedGroupSecrets& e) { return e.new_member == *ref; })) {
    return decision_bad("Welcome is not addressed to the entry's KeyPackage");
  }
  const uint64_t joined_epoch = mirror_->epoch() + 1;
  auto leaves = win(*in, m.commit, std::nullopt, out);
  if (!leaves || leaves->size() != 1) {
    return decision_bad("Admit commit does not apply to the group");
  }
  move(*joiner, Event::kAdmit, Guard::kDecisionOk);
  joiner->leaf = (*leaves)[0];
  joiner->joined_epoch = joined_epoch;
  send(out, joiner->id, protocol::Admitted{joined_epoch, m.welcome});
  // The Admitted message is queued on the joiner's connection now.
  move(*joiner, Event::kWelcomeDelivered, Guard::kNone);
  out.audit.push_back({"admitted", name_of(joiner->who), "by leaf " + std::to_string(*s.leaf)});
  notify_moderators(out);
}

// implements: REQ-SIG-045
void MeetingRoom::on_deny(Session& s, const protocol::Deny& m, Outbox& out) {
  if (!moderator(s)) {
    error(out, s.id, Err::kPolicyViolation, "only a moderator denies");
    return;
  }
  Session* joiner = waiting_entry(m.entry_id);
  if (joiner == nullptr) {
    error(out, s.id, Err::kUnexpectedMessage, "no such waiting entry");
    return;
  }
  const std::string who = name_of(joiner->who);
  const bool second = joiner->state == State::kWaitingAgain;
  move(*joiner, Event::kDeny, Guard::kDecisionOk);
  if (second) {
    settings_.blocked.insert(joiner->who.block_key);
    out.blocks.push_back(joiner->who.block_key);
    out.audit.push_back({"blocked", who, "second denial"});
    send(out, joiner->id, protocol::Blocked{});
    out.closes.push_back({joiner->id, kCloseBlocked, "blocked"});
    sessions_.erase(joiner->id);
  } else {
    joiner->denials = 1;
    joiner->key_package.clear();
    out.audit.push_back({"denied", who, ""});
    send(out, joiner->id, protocol::Denied{});
  }
  notify_moderators(out);
}

// implements: REQ-SIG-045
void MeetingRoom::on_exclude(Session& s, const protocol::Exclude& m, Outbox& out) {
  if (!moderator(s)) {
    error(out, s.id, Err::kPolicyViolation, "only a moderator excludes");
    return;
  }
  if (!mirror_->occupied(m.leaf_index) || m.leaf_index == *s.leaf) {
    error(out, s.id, Err::kUnexpectedMessage, "no such member to exclude");
    return;
  }
  auto in = mirror_->inspect(m.commit);
  if (!in) {
    error(out, s.id, in.error().code, "Exclude commit refused");
    return;
  }
  if (!check_commit(s, m.epoch, *in, out)) {
    return;
  }
  const CommitView& c = *in->commit;
  if (!c.adds.empty() ||
      std::find(c.removes.begin(), c.removes.end(), m.leaf_index) == c.removes.end()) {
    error(out, s.id, Err::kPolicyViolation, "Exclude commit must remove the named leaf");
    return;
  }
  Session* excluded = by_leaf(m.leaf_index);
  // The excluded member's session is not relayed the commit that removes it.
  auto applied = win(*in, m.commit, excluded ? std::optional(excluded->id) : std::nullopt, out);
  if (!applied) {
    error(out, s.id, Err::kProtocol, "Exclude commit does not apply to the group");
    return;
  }
  if (excluded != nullptr) {
    out.audit.push_back({"excluded", name_of(excluded->who), "by leaf " + std::to_string(*s.leaf)});
    out.closes.push_back({excluded->id, kCloseExcluded, "excluded"});
    sessions_.erase(excluded->id);
  }
}

void MeetingRoom::disconnect(ConnectionId id, Clock::time_point now, Outbox& out) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    return;
  }
  Session& s = it->second;
  const bool was_waiting = waiting(s.state);
  move(s, Event::kDisconnect, Guard::kNone);
  if (s.leaf.has_value()) {
    depart(s, "left", now, out);
  } else {
    out.audit.push_back({"left", name_of(s.who), was_waiting ? "while waiting" : "before waiting"});
  }
  sessions_.erase(id);
  if (was_waiting) {
    notify_moderators(out);
  }
}

// implements: REQ-SIG-046
void MeetingRoom::depart(Session& s, const char* why, Clock::time_point now, Outbox& out) {
  const uint32_t leaf = *s.leaf;
  out.audit.push_back({"left", name_of(s.who), why});
  s.leaf.reset();
  if (!mirror_.has_value() || !mirror_->occupied(leaf)) {
    return;
  }
  auto proposal = mirror_->external_remove(leaf, signature_priv_);
  if (!proposal) {
    return;
  }
  for (Session* m : members()) {
    send(out, m->id, protocol::Relay{mirror_->epoch(), *proposal});
  }
  duty_event(protocol::commit_duty::Event::kDeparture, now, out);
}

// implements: REQ-SIG-021, REQ-SIG-046
void MeetingRoom::duty_event(protocol::commit_duty::Event e, Clock::time_point now, Outbox& out) {
  namespace cd = protocol::commit_duty;
  const cd::Guard g = e == cd::Event::kCommitWon
                          ? cd::Guard::kNone
                          : (members().empty() ? cd::Guard::kNoCandidate : cd::Guard::kCandidate);
  auto t = cd::next(duty_state_, e, g);
  if (!t) {
    return;  // the table has no such row (unreachable: every state lists every event it can see)
  }
  duty_state_ = t->to;
  switch (t->action) {
    case cd::Action::kNone:
    case cd::Action::kProposeRemove:  // depart() relayed the proposal already
      break;
    case cd::Action::kProposeRemoveAssign:
      assign_duty(false, now, out);
      break;
    case cd::Action::kAssignNext:
      assign_duty(true, now, out);
      break;
    case cd::Action::kClearDuty:
      duty_.reset();
      break;
  }
}

// assign_duty gives CommitDuty to the committer: the current one (its
// deadline restarted) while it is connected and `next` is false, else the
// next candidate that has not timed out in this epoch.
void MeetingRoom::assign_duty(bool next, Clock::time_point now, Outbox& out) {
  if (!duty_.has_value() || duty_->epoch != mirror_->epoch()) {
    duty_ = Duty{mirror_->epoch(), std::nullopt, {}, {}};
  }
  if (next && duty_->committer.has_value()) {
    duty_->timed_out.insert(*duty_->committer);
    duty_->committer.reset();
  }
  // Candidates: connected moderators by leaf, then the other members by leaf.
  std::vector<Session*> order = members();
  std::sort(order.begin(), order.end(), [&](const Session* a, const Session* b) {
    const bool ma = moderator(*a);
    const bool mb = moderator(*b);
    return ma != mb ? ma : *a->leaf < *b->leaf;
  });
  if (order.empty()) {
    duty_->committer.reset();
    return;
  }
  Session* pick = nullptr;
  // A departure while a committer is on duty restarts its deadline.
  if (duty_->committer.has_value() && sessions_.count(*duty_->committer) != 0 &&
      sessions_.at(*duty_->committer).leaf.has_value()) {
    pick = &sessions_.at(*duty_->committer);
  }
  for (Session* c : order) {
    if (pick == nullptr && duty_->timed_out.count(c->id) == 0) {
      pick = c;
    }
  }
  if (pick == nullptr) {
    // Everyone timed out: start again from the first.
    duty_->timed_out.clear();
    pick = order.front();
  }
  duty_->committer = pick->id;
  duty_->deadline = now + settings_.commit_deadline;
  send(out, pick->id,
       protocol::CommitDuty{mirror_->epoch(),
                            static_cast<uint16_t>(settings_.commit_deadline.count())});
}

void MeetingRoom::tick(Clock::time_point now, Outbox& out) {
  if (duty_state_ == protocol::commit_duty::State::kOnDuty && duty_.has_value() &&
      now >= duty_->deadline) {
    duty_event(protocol::commit_duty::Event::kDeadline, now, out);
  }
  std::vector<ConnectionId> expired;
  for (auto& [id, s] : sessions_) {
    if (waiting(s.state) && now - s.waiting_since >= settings_.wait_timeout) {
      expired.push_back(id);
    }
  }
  for (ConnectionId id : expired) {
    Session& s = sessions_.at(id);
    move(s, Event::kWaitTimeout, Guard::kNone);
    out.audit.push_back({"left", s.who.display_name, "waited too long"});
    out.closes.push_back({id, kCloseNormal, "waited too long"});
    sessions_.erase(id);
  }
  if (!expired.empty()) {
    notify_moderators(out);
  }
}

}  // namespace conclave::server
