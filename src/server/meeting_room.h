// One live meeting on the server: its sessions, waiting room, commit
// ordering and the departed members' Removes (spec/06-signaling-lobby.md).
//
// MeetingRoom is pure logic: it never touches a socket or a clock. The
// server calls it with each decoded message, disconnect and tick, and it
// answers through an Outbox of messages to send, connections to close and
// audit records to write. So every rule of the chapter is testable, and
// fuzzable, without a network.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/key_package.h"
#include "protocol/sm/commit_duty_sm.h"
#include "protocol/sm/lobby_sm.h"
#include "protocol/wire/signaling_wire.h"
#include "server/group_mirror.h"

namespace conclave::server {

using ConnectionId = uint64_t;
using Clock = std::chrono::steady_clock;

// WebSocket close codes the room asks for (spec/06, "Sessions").
inline constexpr uint16_t kCloseNormal = 1000;
inline constexpr uint16_t kCloseExcluded = 4003;
inline constexpr uint16_t kCloseBlocked = 4004;

// AuditRecord is one security event, never content or keys.
struct AuditRecord {
  std::string event;  // auth_ok, waiting, admitted, denied, blocked, excluded, ...
  std::string actor;
  std::string detail;
};

// Outbox collects what one call of the room decided.
struct Outbox {
  std::vector<std::pair<ConnectionId, protocol::SignalingMessage>> messages;
  struct Close {
    ConnectionId id;
    uint16_t code;
    std::string reason;
  };
  std::vector<Close> closes;
  std::vector<AuditRecord> audit;
  std::vector<std::string> blocks;  // block keys to persist for the meeting
};

// JoinIdentity is what the server established at Hello.
struct JoinIdentity {
  std::string display_name;
  std::string account;    // the logged-in account, empty for a guest
  bool host = false;      // the account that created the meeting
  std::string block_key;  // what a second denial blocks (account, or the guest's invitation)
  Bytes blob_token;       // authorises this session's blob requests
  // The secret profile: the DER of the device certificate the session's TLS
  // client certificate proved (verified against the organisation CA at
  // Hello) and its public key in the MLS encoding. Empty otherwise.
  Bytes device_certificate;
  Bytes device_key;
};

// MemberFloor is one member session as the media plane sees it: its leaf
// and whether the mirrored roles give it the floor.
struct MemberFloor {
  ConnectionId id = 0;
  uint32_t leaf = 0;
  bool may_speak = false;
};

struct RoomSettings {
  std::string meeting_id;
  std::string title;
  uint16_t cipher_suite = 1;
  std::chrono::seconds commit_deadline{10};
  std::chrono::seconds wait_timeout{1800};
  std::set<std::string> blocked;     // block keys from earlier sessions
  Bytes group_id;                    // empty: a fresh random one (tests and fuzzing fix it)
  bool require_device_cert = false;  // the secret profile
  // The profile's SF-13 gates, announced in SessionInfo; off unless the
  // profile says otherwise.
  bool allow_recording = false;
  bool allow_gateways = false;
};

// implements: REQ-SIG-040, REQ-SIG-041, REQ-SIG-043, REQ-SIG-044, REQ-SIG-045, REQ-SIG-046
class MeetingRoom {
 public:
  // create makes the room with a fresh group id and a fresh signature key
  // for the server's external sender.
  [[nodiscard]] static Result<std::unique_ptr<MeetingRoom>> create(RoomSettings settings);

  // join starts a session that passed Hello: it is sent SessionInfo.
  void join(ConnectionId id, JoinIdentity who, Clock::time_point now, Outbox& out);
  // receive handles one message of a joined session.
  void receive(ConnectionId id, const protocol::SignalingMessage& m, Clock::time_point now,
               Outbox& out);
  // disconnect ends a session for any reason but an exclusion.
  void disconnect(ConnectionId id, Clock::time_point now, Outbox& out);
  // tick runs the timeouts: commit duty deadlines and the waiting limit.
  void tick(Clock::time_point now, Outbox& out);

  bool empty() const { return sessions_.empty(); }
  bool has(ConnectionId id) const { return sessions_.count(id) != 0; }
  const RoomSettings& settings() const { return settings_; }
  // member_of says whether the session `blob_token` belongs to is a member.
  bool member_with_blob_token(ByteView blob_token) const;
  // may_speak is the mirrored speaking right of a member session (for the
  // media plane); false for any other session.
  bool may_speak(ConnectionId id) const;
  // member_floors lists the sessions that are members (the host once it
  // created the group, a joiner once its Welcome was delivered), in
  // connection order, with their mirrored floor (spec/07 "Server
  // integration").
  // implements: REQ-MEDIA-021
  std::vector<MemberFloor> member_floors() const;
  std::optional<uint64_t> epoch() const;
  size_t member_count() const;

 private:
  struct Session {
    ConnectionId id = 0;
    JoinIdentity who;
    protocol::lobby::State state = protocol::lobby::State::kReady;
    uint64_t entry_id = 0;
    Bytes key_package;  // the encoded MLSMessage(KeyPackage) waiting
    mls::KeyPackage parsed;
    Clock::time_point waiting_since{};
    uint8_t denials = 0;
    std::optional<uint32_t> leaf;  // a member
    uint64_t joined_epoch = 0;     // the first epoch it holds keys of
  };
  struct Duty {
    uint64_t epoch = 0;
    std::optional<ConnectionId> committer;
    Clock::time_point deadline{};
    std::set<ConnectionId> timed_out;
  };

  MeetingRoom(RoomSettings settings, mls::CipherSuite suite, Bytes group_id,
              SecretBytes signature_priv, Bytes external_sender);

  void send(Outbox& out, ConnectionId to, protocol::SignalingMessage m) const;
  void error(Outbox& out, ConnectionId to, Err code, const char* detail) const;
  void move(Session& s, protocol::lobby::Event e, protocol::lobby::Guard g);

  void on_submit(Session& s, const protocol::SubmitKeyPackage& m, Clock::time_point now,
                 Outbox& out);
  void on_mls(Session& s, const protocol::MlsMessage& m, Outbox& out);
  void on_admit(Session& s, const protocol::Admit& m, Outbox& out);
  void on_deny(Session& s, const protocol::Deny& m, Outbox& out);
  void on_exclude(Session& s, const protocol::Exclude& m, Outbox& out);

  // check_commit runs the ordering rules shared by every commit: the
  // sender's own leaf, the current epoch, the pending Removes included.
  // False means it answered already (CommitRejected or an error).
  bool check_commit(Session& s, uint64_t envelope_epoch, const Inspected& in, Outbox& out);
  // win installs a commit that won its epoch and relays it to the members
  // (but `skip`); it returns the leaves of the added members.
  std::optional<std::vector<uint32_t>> win(const Inspected& in, ByteView wire,
                                           std::optional<ConnectionId> skip, Outbox& out);
  void depart(Session& s, const char* why, Clock::time_point now, Outbox& out);
  // duty_event runs one event through the commit-duty table (commit_duty.csv).
  void duty_event(protocol::commit_duty::Event e, Clock::time_point now, Outbox& out);
  void assign_duty(bool next, Clock::time_point now, Outbox& out);
  void notify_moderators(Outbox& out) const;
  static std::string credential_name(const Session& s, const mls::KeyPackage& kp);
  bool moderator(const Session& s) const;
  Session* by_leaf(uint32_t leaf);
  Session* waiting_entry(uint64_t entry_id);
  std::vector<Session*> members();

  RoomSettings settings_;
  mls::CipherSuite suite_;
  Bytes group_id_;
  SecretBytes signature_priv_;
  Bytes external_sender_;
  std::optional<GroupMirror> mirror_;
  std::map<ConnectionId, Session> sessions_;
  std::set<uint64_t> used_entry_ids_;
  protocol::commit_duty::State duty_state_ = protocol::commit_duty::State::kIdle;
  std::optional<Duty> duty_;
};

}  // namespace conclave::server
