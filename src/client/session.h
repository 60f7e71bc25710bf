// Session: one client's session of one meeting (spec/06-signaling-lobby.md),
// independent of any transport or user interface.
//
// The Session turns the server's signaling messages into MLS group
// operations and events, and the user's commands into signaling messages.
// It never blocks on the network: the embedding program (the `conclave` CLI,
// a GUI, a test playing the server) delivers each received message with
// receive(), reports the end of the connection with on_closed(), and sends
// what the Session hands to its Send callback. Events accumulate until
// take_events().
//
// Security-relevant behaviour (spec/requirements/client.toml):
//  - every member runs conclave_roles_policy: a relayed commit or proposal
//    that the policy or RFC 9420 refuses (a server-injected member, a
//    non-moderator's Add, a forged signature) leaves the group in its epoch
//    and raises a security_alert event (REQ-CLIENT-004);
//  - a joiner accepts a Welcome only for the group the server announced in
//    SessionInfo (REQ-CLIENT-005);
//  - at most one own commit is outstanding; a rejected one is re-made on top
//    of the winning commit, at most kMaxCommitRetries times (REQ-CLIENT-006);
//  - the media path the server assigns is keyed from this session's own TLS
//    connection (its exporter), never from anything the server sends
//    (spec/07-media-transport.md "Hop keys"; REQ-SIG-056);
//  - every state change is a row of spec/state-machines/client.csv, and a
//    message the table does not list for the current state is a protocol
//    error: reported as an error event and otherwise ignored (REQ-CLIENT-011).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/app_message.h"
#include "client/device_credential.h"
#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/mls/group.h"
#include "media/media_path.h"
#include "protocol/sm/client_sm.h"
#include "protocol/wire/signaling_wire.h"

namespace conclave::client {

inline constexpr int kMaxCommitRetries = 5;
// The WebSocket close code with which the server ends an excluded member's
// session (spec/06-signaling-lobby.md "Exclude").
inline constexpr uint16_t kCloseExcluded = 4003;
// How many of its own recent application messages a member remembers, to
// recognise them if the server relays them back (they cannot be decrypted by
// their sender).
inline constexpr size_t kOwnMessagesRemembered = 64;

// SessionConfig is what the user supplies to join a meeting.
struct SessionConfig {
  std::string meeting_id;
  std::string display_name;  // also the MLS credential identity
  Bytes auth_token;          // login token; empty for a guest
  Bytes invite_token;        // from the invitation link; empty for the host
  std::string pin;
  // Where received files are saved; empty: files are fetched and verified
  // but not saved.
  std::string download_dir;
  // The secret profile: this device's certificate and key, and the
  // organisation CA. With it, the MLS credential is the certificate and
  // every member must hold one the CA issued (spec/08 "Member credentials");
  // without it, every member must hold a basic credential.
  std::shared_ptr<const DeviceCredential> device;
};

// BlobStore is the session's access to the server's encrypted blob store
// (HTTPS /v1/blobs). It only ever sees ciphertext.
class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // upload stores `ciphertext` and returns its blob id.
  [[nodiscard]] virtual Result<std::string> upload(ByteView blob_token, ByteView ciphertext) = 0;
  // download returns the blob `blob_id`.
  [[nodiscard]] virtual Result<Bytes> download(ByteView blob_token, std::string_view blob_id) = 0;
};

// SessionState is the session's state in its normative machine,
// spec/state-machines/client.csv (idle, hello_sent, waiting, denied, member,
// closed); protocol::client_session::to_string spells it as the CSV does.
using SessionState = protocol::client_session::State;

enum class EventType : uint8_t {
  kSessionInfo,      // title, host
  kAdmitted,         // epoch
  kWaiting,          // waiting (moderators)
  kEpoch,            // epoch, members, code
  kRights,           // own rights changed (members[0] is this member)
  kRoster,           // members, recorders, gateways (answer to roster())
  kRecordingNotice,  // recorders, gateways: the labelled members changed
  kChat,             // from, text
  kFile,             // from, name, path, sha256, size
  kExcluded,         //
  kDenied,           //
  kBlocked,          //
  kSecurityAlert,    // error_code, detail
  kError,            // error_code, detail
  kRejected,         // epoch
  kClosed,           // detail, close_code
};
const char* to_string(EventType t);

// WaitingInfo is one waiting joiner as a moderator sees it.
struct WaitingInfo {
  uint64_t entry_id = 0;
  std::string name;
  std::string identity;
  bool verified = false;
  uint8_t denials = 0;
};

// MemberInfo is one member of the current epoch.
struct MemberInfo {
  std::string name;  // credential identity
  uint32_t leaf = 0;
  uint8_t roles = 0;      // mls::kRole* bits
  uint8_t rights = 0;     // mls::kRight* bits
  bool speaking = false;  // holds the floor now (mls::speaking_allowed)
  bool self = false;
};

// Event is something the user should see. Fields not named by the type's
// comment above are empty.
struct Event {
  EventType type = EventType::kError;
  uint64_t epoch = 0;
  std::string from;
  std::string text;
  std::string name;
  std::string path;
  std::string sha256;  // hex
  std::string code;    // security code
  std::string detail;
  uint64_t size = 0;
  uint16_t error_code = 0;
  std::optional<uint16_t> close_code;
  bool host = false;
  bool muted_all = false;
  std::vector<MemberInfo> members;
  std::vector<WaitingInfo> waiting;
  // Names of the members labelled recorder / gateway (SF-13).
  std::vector<std::string> recorders;
  std::vector<std::string> gateways;
};

// Rights a moderator grants or revokes.
enum class Grant : uint8_t {
  kSpeak,      // may_speak
  kModerator,  // the moderator role
  kCamera,     // camera_requested
  kRecorder,   // the recorder label (refused where the profile forbids it)
  kGateway,    // the gateway label (refused where the profile forbids it)
};

class Session {
 public:
  // Send hands one message to the transport.
  using Send = std::function<Result<void>(const protocol::SignalingMessage&)>;
  // Exporter is the TLS exporter (RFC 8446 §7.5) of the connection that
  // carries this session's signaling (net::WsClient::export_keying_material).
  using Exporter =
      std::function<Result<SecretBytes>(std::string_view label, ByteView context, size_t length)>;
  // MediaHandler receives each media packet that arrived on the WebSocket
  // fallback, exactly as sent (still hop-sealed; open it with media_path()
  // and media::PeerAddress::signaling()). The bytes are borrowed for the call.
  using MediaHandler = std::function<void(ByteView packet)>;

  // `blobs` is a nullable borrow that must outlive the session; without it
  // share() fails and received files are reported as errors.
  Session(SessionConfig config, Send send, BlobStore* blobs);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;

  // start sends Hello.
  [[nodiscard]] Result<void> start();
  // receive processes one message from the server. Problems with the
  // message become events; it never fails.
  void receive(const protocol::SignalingMessage& m);
  // on_closed reports that the transport closed (with its WebSocket close
  // code if any). Close code kCloseExcluded means a moderator excluded us.
  void on_closed(std::optional<uint16_t> close_code);

  // Commands. They return kUnexpectedMessage when the session is not in a
  // state that allows them, kInvalidArgument for an unknown or ambiguous
  // name, kPolicyViolation when this member lacks the role. Group changes
  // are queued and carried out one commit at a time.
  [[nodiscard]] Result<void> admit(std::string_view name);  // "all" admits every entry
  [[nodiscard]] Result<void> deny(std::string_view name);
  [[nodiscard]] Result<void> exclude(std::string_view name);
  [[nodiscard]] Result<void> grant(std::string_view name, Grant what, bool on);
  [[nodiscard]] Result<void> hand(bool up);
  [[nodiscard]] Result<void> mute_all(bool on);
  [[nodiscard]] Result<void> chat(std::string_view text);
  // share encrypts `contents`, uploads it and announces it as `name`.
  [[nodiscard]] Result<void> share(std::string_view name, ByteView contents);
  // retry submits a fresh KeyPackage after a denial.
  [[nodiscard]] Result<void> retry();
  [[nodiscard]] Result<void> leave();

  // Media (spec/07-media-transport.md). set_exporter must be called before
  // the server assigns the media path (any time before start() is safe);
  // without it the assignment is refused and reported as an error event.
  void set_exporter(Exporter exporter) { exporter_ = std::move(exporter); }
  void set_media_handler(MediaHandler handler) { media_handler_ = std::move(handler); }
  // media_assignment is what the server assigned (path id, stream ids, UDP
  // port), once it did.
  const std::optional<protocol::MediaPathInfo>& media_assignment() const {
    return media_assignment_;
  }
  // media_path is the client end of the assigned path (hop keys, sequence
  // numbers, replay window), shared by UDP and the WebSocket fallback; null
  // before the assignment. A borrow valid while the session lives.
  conclave::media::MediaPath* media_path() {
    return media_path_.has_value() ? &*media_path_ : nullptr;
  }
  // send_media sends one sealed media packet (from media_path()) on the
  // WebSocket fallback. kUnexpectedMessage unless a member with a path;
  // kInvalidArgument for a packet outside the packet length bounds.
  [[nodiscard]] Result<void> send_media(ByteView packet);

  // Queries; roster() and rights() also emit their event.
  SessionState state() const { return state_; }
  bool is_member() const { return group_.has_value() && state_ == SessionState::kMember; }
  uint64_t epoch() const;
  std::vector<MemberInfo> members() const;
  const std::vector<WaitingInfo>& waiting() const { return waiting_; }
  std::string code() const;
  size_t chats_received() const { return chats_received_; }
  size_t files_received() const { return files_received_; }
  bool commit_outstanding() const { return attempt_.has_value(); }
  void roster();
  void rights();
  // group is the MLS group once admitted, else nullptr (a borrow valid
  // until the next call that changes the session); for trust indicators
  // and tests.
  const mls::Group* group() const { return group_.has_value() ? &*group_ : nullptr; }

  std::vector<Event> take_events();

 private:
  enum class OpKind : uint8_t { kAdmit, kExclude, kRoles, kHand, kMuteAll, kDuty };
  // Op is a queued group change, kept as an intent so that a retry re-makes
  // it against the state after the commit that beat it.
  struct Op {
    OpKind kind = OpKind::kDuty;
    uint64_t entry_id = 0;  // kAdmit
    std::string target;     // kExclude, kRoles: the member's identity
    Grant what = Grant::kSpeak;
    bool on = false;          // kRoles, kHand, kMuteAll
    uint64_t duty_epoch = 0;  // kDuty
    int retries = 0;
    // Set after a rejection: do not retry before the group reached it.
    std::optional<uint64_t> not_before_epoch;
  };
  // Attempt is the one own commit the server has not answered yet.
  struct Attempt {
    uint64_t epoch = 0;
    // Another member's commit won `epoch`; the CommitRejected is still due.
    bool lost = false;
  };

  using SmEvent = protocol::client_session::Event;
  using SmGuard = protocol::client_session::Guard;
  using SmTransition = protocol::client_session::Transition;

  void emit(Event e);
  void emit_error(EventType type, const Error& e, const char* context);
  Result<void> send(const protocol::SignalingMessage& m);
  Result<void> submit_key_package();

  // The state machine (client.csv). accept says whether the table lists the
  // received message `on` in the current state, and reports a protocol
  // error if not. row returns the transition for (state_, on, guard), or
  // reports a protocol error. command returns the transition for a user's
  // command, or kUnexpectedMessage with `refusal`. enter moves to the row's
  // state and is the only writer of state_.
  bool accept(SmEvent on);
  std::optional<SmTransition> row(SmEvent on, SmGuard guard);
  Result<SmTransition> command(SmEvent on, const char* refusal) const;
  void enter(const SmTransition& t);
  void protocol_error(const char* what);
  // report_and_leave is the action of that name: tell the user `report`,
  // send Leave (best effort: the session ends either way) and close.
  void report_and_leave(const SmTransition& t, Event report);

  void on_session_info(const protocol::SessionInfo& m);
  void on_admitted(const protocol::Admitted& m);
  void on_denied();
  void on_blocked();
  void on_relay(const protocol::Relay& m);
  void on_lobby_update(const protocol::LobbyUpdate& m);
  void on_commit_duty(const protocol::CommitDuty& m);
  void on_commit_rejected(const protocol::CommitRejected& m);
  void on_error(const protocol::ErrorMessage& m);
  void on_media_path(const protocol::MediaPathInfo& m);
  void on_media_packet(const protocol::MediaPacketMessage& m);
  void on_application(const mls::Received& r);
  void on_file(const std::string& from, const FileMessage& f);
  void after_epoch_change();

  mls::GroupOptions group_options() const;
  Result<void> require_member() const;
  Result<void> require_moderator() const;
  Result<const WaitingInfo*> find_waiting(std::string_view name) const;
  Result<uint32_t> find_member(std::string_view name) const;
  std::string name_of(uint32_t leaf) const;
  std::string member_name(const mls::LeafNode& node) const;
  Result<void> protect_and_send(const AppMessage& m);

  void enqueue(Op op);
  void pump();
  // start_op makes the commit for `op` and sends it; an error drops the op.
  Result<void> start_op(Op& op);
  void finish_attempt(bool won);

  SessionConfig config_;
  Send send_;
  BlobStore* blobs_;
  SessionState state_ = SessionState::kIdle;
  std::optional<protocol::SessionInfo> info_;
  std::optional<mls::CipherSuite> suite_;
  std::unique_ptr<mls::KeyPackageBundle> bundle_;
  std::optional<mls::Group> group_;
  std::vector<WaitingInfo> waiting_;
  std::vector<Bytes> waiting_key_packages_;  // parallel to waiting_
  std::deque<Op> ops_;
  std::optional<Attempt> attempt_;
  std::deque<Bytes> own_messages_;
  uint8_t last_rights_ = 0;
  uint8_t last_roles_ = 0;
  std::vector<std::string> last_recorders_;
  std::vector<std::string> last_gateways_;
  size_t chats_received_ = 0;
  size_t files_received_ = 0;
  std::vector<Event> events_;
  Exporter exporter_;
  MediaHandler media_handler_;
  std::optional<protocol::MediaPathInfo> media_assignment_;
  std::optional<conclave::media::MediaPath> media_path_;
};

}  // namespace conclave::client
