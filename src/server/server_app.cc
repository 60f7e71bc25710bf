#include "server/server_app.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "core/json_object.h"
#include "core/unix_time.h"
#include "crypto/rand.h"
#include "crypto/tls/device_certificate.h"
#include "protocol/wire/signaling_wire.h"
#include "server/invitation.h"

namespace conclave::server {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kLoginTokenSeconds = 12 * 3600;
constexpr size_t kBlobTokenLen = 32;
constexpr size_t kBlobIdLen = 16;
// WebSocket close code for a refused Hello: no reason text, no oracle
// (spec/06 "Sessions", STYLE.md STY-11).
constexpr uint16_t kCloseRefused = 1008;

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

net::HttpResponse json_response(unsigned status, const JsonObject& o) {
  auto text = write_json_object(o);
  net::HttpResponse r;
  r.status = status;
  r.body = bytes_of(text ? *text : std::string("{}"));
  return r;
}

// http_error answers with a static reason: never input, never secrets.
net::HttpResponse http_error(unsigned status, const char* why) {
  JsonObject o;
  o.set("error", std::string(why));
  return json_response(status, o);
}

net::HttpResponse text_response(unsigned status, std::string content_type, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = bytes_of(body);
  return r;
}

// audit_name makes a participant's name fit the audit log's printable ASCII
// field: accounts are already ASCII; a guest's display name keeps its ASCII
// letters and digits, marked as a guest.
std::string audit_name(const std::string& name) {
  std::string out;
  for (char ch : name) {
    if (out.size() >= 64) {
      break;
    }
    out.push_back(ch >= 0x20 && ch < 0x7f ? ch : '?');
  }
  return out;
}

std::optional<Bytes> bearer(const net::HttpRequest& r) {
  auto h = r.header("authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (!h.has_value() || h->size() <= kPrefix.size() ||
      h->compare(0, kPrefix.size(), kPrefix) != 0) {
    return std::nullopt;
  }
  auto token = from_hex(std::string_view(*h).substr(kPrefix.size()));
  if (!token) {
    return std::nullopt;
  }
  return std::move(token).value();
}

std::string_view body_text(const net::HttpRequest& r) {
  return std::string_view(reinterpret_cast<const char*>(r.body.data()), r.body.size());
}

// account_of returns the account `id` names (the store looks accounts up by
// name; a server has few enough that a scan is fine).
std::optional<store::Store::User> account_of(store::Store& store, int64_t id) {
  auto users = store.list_users();
  if (users) {
    for (const auto& u : *users) {
      if (u.id == id) {
        return u;
      }
    }
  }
  return std::nullopt;
}

bool valid_blob_id(std::string_view id) {
  return id.size() == 2 * kBlobIdLen && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

SignalingApp::SignalingApp(store::ServerConfig config, store::Store& store, std::mutex& store_mutex,
                           Metrics& metrics, std::string public_address)
    : config_(std::move(config)),
      store_(store),
      store_mutex_(store_mutex),
      metrics_(metrics),
      public_address_(std::move(public_address)) {}

void SignalingApp::on_open(net::ConnectionId id, const std::string& peer_address) {
  connections_[id] = Connection{peer_address, std::nullopt};
  metrics_.connections_opened++;
  live_sessions = connections_.size();
}

void SignalingApp::audit(const std::string& meeting_id, const AuditRecord& a) {
  std::lock_guard<std::mutex> lock(store_mutex_);
  // The audit log is a record, not a gate: a failed write is reported by
  // verify, and the meeting goes on.
  (void)store_.audit(a.event, meeting_id, audit_name(a.actor), audit_name(a.detail),
                     unix_seconds());
}

// flush sends what a room decided and records its audit and blocks.
namespace {
// steady_ms is the media plane's clock: monotonic milliseconds.
uint64_t steady_ms() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
          .count());
}
}  // namespace

Result<uint16_t> SignalingApp::open_media() {
  CONCLAVE_ASSERT(server_ != nullptr);
  auto exporter = [this](net::ConnectionId id, std::string_view label, ByteView context,
                         size_t length) {
    return server_->export_keying_material(id, label, context, length);
  };
  auto sink = [this](net::ConnectionId id, const protocol::SignalingMessage& m) {
    auto wire = protocol::to_wire(m);
    if (wire) {
      server_->send(id, std::move(wire).value());
    }
  };
  CONCLAVE_TRY_ASSIGN(media_, MediaPlane::open(config_.media, config_.listen_address,
                                               std::move(exporter), std::move(sink)));
  CONCLAVE_TRY(server_->watch_readable(media_->fd(), [this] {
    media_->on_readable(steady_ms());
    publish_media_metrics();
  }));
  return media_->udp_port();
}

// implements: REQ-MEDIA-021
void SignalingApp::sync_media(const std::string& meeting_id) {
  if (!media_) {
    return;
  }
  std::vector<MediaMember> members;
  auto room = rooms_.find(meeting_id);
  if (room != rooms_.end() && media_ended_.count(meeting_id) == 0) {
    // Audio and video both need the floor (spec/04 "Roles and policy":
    // may_speak, and not muted unless a moderator); camera_requested is a
    // request, not a right.
    for (const MemberFloor& f : room->second->member_floors()) {
      members.push_back(MediaMember{f.id, f.leaf, sfu::Rights{f.may_speak, f.may_speak}});
    }
  }
  media_->sync(meeting_id, members);
  publish_media_metrics();
}

void SignalingApp::publish_media_metrics() {
  if (!media_) {
    return;
  }
  const MediaCounters& c = media_->counters();
  const sfu::ForwardCounters& f = media_->forward_counters();
  metrics_.media_paths = media_->path_count();
  metrics_.media_udp_in = c.udp_datagrams_in;
  metrics_.media_ws_in = c.ws_packets_in;
  metrics_.media_udp_out = c.udp_copies_out;
  metrics_.media_ws_out = c.ws_copies_out;
  metrics_.media_keepalives_answered = f.keepalives_answered;
  metrics_.media_dropped_malformed = f.malformed + c.udp_truncated;
  metrics_.media_dropped_unknown_path = f.unknown_path + c.ws_foreign_path + c.ws_no_path;
  metrics_.media_dropped_transport = f.transport_dropped;
  metrics_.media_dropped_no_floor = f.no_floor;
  metrics_.media_not_selected = f.not_selected;
  metrics_.media_receiver_unbound = f.receiver_unbound;
  metrics_.media_send_dropped = c.udp_send_dropped + f.receiver_seal_failed;
  metrics_.media_dropped_wrong_stream = f.wrong_stream;
  metrics_.media_feedback_in = f.feedback_received;
  metrics_.media_dropped_feedback_foreign = f.feedback_foreign;
  metrics_.media_pli_forwarded = f.pli_forwarded;
  metrics_.media_pli_rate_limited = f.pli_rate_limited;
  metrics_.media_retransmitted = f.nack_retransmitted;
  metrics_.media_nack_missed = f.nack_missed;
  metrics_.media_nack_rate_limited = f.nack_rate_limited;
  metrics_.media_udp_kernel_drops = media_->kernel_drops();
}

void SignalingApp::flush(const std::string& meeting_id, Outbox& out) {
  for (auto& [to, m] : out.messages) {
    auto wire = protocol::to_wire(m);
    if (!wire) {
      continue;  // a room bug would show here; never send what we cannot encode
    }
    if (std::holds_alternative<protocol::Relay>(m)) {
      metrics_.relays_out++;
    }
    if (std::holds_alternative<protocol::Admitted>(m)) {
      metrics_.admissions++;
    }
    server_->send(to, std::move(wire).value());
  }
  for (const auto& c : out.closes) {
    if (c.code == kCloseExcluded) {
      metrics_.exclusions++;
    }
    server_->close(c.id, c.code, c.reason);
    if (auto it = connections_.find(c.id); it != connections_.end()) {
      it->second.meeting.reset();  // the room is done with it
    }
  }
  for (const auto& a : out.audit) {
    if (a.event == "epoch_change") {
      metrics_.commits_won++;
    }
    audit(meeting_id, a);
  }
  for (const auto& key : out.blocks) {
    std::lock_guard<std::mutex> lock(store_mutex_);
    (void)store_.add_block(meeting_id, bytes_of(key));
  }
  // After the messages: a new member's MediaPath follows its Admitted.
  sync_media(meeting_id);
}

// device_refusal checks the secret profile's device certificate (spec/06
// "Device certificates"): the session's TLS client certificate verifies
// against the organisation CA, names the logged-in account, was issued by
// this server and is not revoked. Null if it passes (and `who` then holds
// it); otherwise the reason for the audit log. The store lock is held.
// implements: REQ-SIG-051
const char* SignalingApp::device_refusal(net::ConnectionId id, uint64_t now, JoinIdentity& who) {
  auto der = server_->peer_certificate(id);
  if (!der.has_value()) {
    return "profile requires a device certificate";
  }
  if (org_ca_pem_.empty()) {
    return "no organisation CA";
  }
  auto device = crypto::verify_device_certificate(*der, org_ca_pem_, now);
  if (!device) {
    return "device certificate does not verify";
  }
  if (device->account != who.account) {
    return "device certificate of another account";
  }
  auto record = store_.device(device->fingerprint);
  if (!record || record->username != who.account) {
    return "device certificate not on record";
  }
  if (record->revoked.has_value()) {
    return "device certificate revoked";
  }
  who.device_certificate = std::move(*der);
  who.device_key = std::move(device->signature_public_key);
  return nullptr;
}

// invitation_throttled says whether the meeting has seen
// invitation_failures_per_minute failed invitation or PIN checks in the last
// minute; if so the next attempt is refused unchecked (spec/06 "Sessions").
// The map only holds meetings with recent failures.
// implements: REQ-SIG-052
bool SignalingApp::invitation_throttled(const std::string& meeting_id) {
  auto it = invitation_failures_.find(meeting_id);
  if (it == invitation_failures_.end()) {
    return false;
  }
  const auto horizon = Clock::now() - std::chrono::minutes(1);
  auto& times = it->second;
  while (!times.empty() && times.front() < horizon) {
    times.pop_front();
  }
  if (times.empty()) {
    invitation_failures_.erase(it);
    return false;
  }
  return times.size() >= config_.limits.invitation_failures_per_minute;
}

// implements: REQ-SIG-047
void SignalingApp::hello(net::ConnectionId id, Connection& c, const protocol::Hello& h) {
  const uint64_t now = unix_seconds();
  JoinIdentity who;
  who.display_name = h.display_name;
  std::optional<store::Store::Meeting> meeting;
  std::optional<store::Store::Profile> profile;
  const char* refused = nullptr;
  {
    std::lock_guard<std::mutex> lock(store_mutex_);
    auto m = store_.meeting(h.meeting_id);
    if (!m || m->ended) {
      refused = "unknown or ended meeting";
    } else {
      meeting = *m;
      auto p = store_.profile(m->profile);
      if (!p) {
        refused = "meeting profile missing";
      } else {
        profile = *p;
      }
    }
    std::optional<int64_t> user;
    if (refused == nullptr && !h.auth_token.empty()) {
      auto u = store_.resolve_login_token(h.auth_token, now);
      if (!u) {
        refused = "bad login token";
      } else {
        user = *u;
        if (auto acct = account_of(store_, *u)) {
          who.account = acct->username;
        }
      }
    }
    if (refused == nullptr) {
      who.host = user.has_value() && *user == meeting->host_user_id;
      if (!who.host) {
        std::optional<std::string_view> pin;
        if (!h.pin.empty()) {
          pin = h.pin;
        }
        if (invitation_throttled(h.meeting_id)) {
          refused = "too many failed invitations: throttled";
        } else if (!store_.check_invitation(h.meeting_id, h.invite_token, pin)) {
          refused = "invitation, PIN, lock or end";
          invitation_failures_[h.meeting_id].push_back(Clock::now());
        }
      }
    }
    if (refused == nullptr && profile->require_account && who.account.empty()) {
      refused = "profile requires an account";
    }
    if (refused == nullptr && profile->require_device_cert) {
      refused = device_refusal(id, now, who);
    }
    if (refused != nullptr) {
      (void)store_.audit("auth_failed", meeting ? h.meeting_id : std::string(),
                         audit_name(who.account.empty() ? h.display_name : who.account), refused,
                         now);
    }
  }
  if (refused != nullptr) {
    metrics_.hello_refused++;
    server_->close(id, kCloseRefused, "");
    return;
  }
  who.block_key = who.account.empty() ? "guest:" + h.display_name : "account:" + who.account;
  who.blob_token.resize(kBlobTokenLen);
  if (!crypto::random_bytes(MutableByteView(who.blob_token.data(), who.blob_token.size()))) {
    server_->close(id, kCloseRefused, "");
    return;
  }
  auto& room = rooms_[h.meeting_id];
  if (!room) {
    RoomSettings settings;
    settings.meeting_id = h.meeting_id;
    settings.title = meeting->title.substr(0, protocol::kMaxDisplayNameLen);
    settings.cipher_suite = profile->cipher_suite;
    settings.require_device_cert = profile->require_device_cert;
    settings.allow_recording = profile->allow_recording;
    settings.allow_gateways = profile->allow_gateways;
    settings.commit_deadline = std::chrono::seconds(config_.limits.commit_deadline_seconds);
    settings.wait_timeout = std::chrono::seconds(config_.limits.wait_timeout_seconds);
    auto created = MeetingRoom::create(std::move(settings));
    if (!created) {
      rooms_.erase(h.meeting_id);
      server_->close(id, kCloseRefused, "");
      return;
    }
    room = std::move(created).value();
    live_meetings = rooms_.size();
  }
  c.meeting = h.meeting_id;
  Outbox out;
  room->join(id, std::move(who), Clock::now(), out);
  flush(h.meeting_id, out);
}

// A media envelope is a MediaPacket of at most kMaxMediaPacketLen bytes plus
// the Cap'n Proto framing (segment table, pointers, padding: well under 256
// bytes); anything longer is signaling and is not decoded twice.
constexpr size_t kMaxMediaEnvelopeLen = protocol::kMaxMediaPacketLen + 256;

// implements: REQ-SIG-057
bool SignalingApp::is_media_message(ByteView message) {
  if (message.size() > kMaxMediaEnvelopeLen) {
    return false;
  }
  // The same decoder as on_message, so a message counts as media exactly
  // when it will be handled as media.
  auto m = protocol::from_wire(message);
  return m && std::holds_alternative<protocol::MediaPacketMessage>(*m);
}

void SignalingApp::on_media_rate_limited(net::ConnectionId) { metrics_.media_ws_rate_limited++; }

void SignalingApp::on_message(net::ConnectionId id, ByteView message) {
  metrics_.messages_in++;
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    return;
  }
  Connection& c = it->second;
  auto m = protocol::from_wire(message);
  if (!c.meeting.has_value()) {
    // Before Hello nothing is answered: a bad first message closes silently.
    if (!m || !std::holds_alternative<protocol::Hello>(*m)) {
      metrics_.hello_refused++;
      server_->close(id, kCloseRefused, "");
      return;
    }
    hello(id, c, std::get<protocol::Hello>(*m));
    return;
  }
  if (!m) {
    metrics_.messages_refused++;
    auto wire = protocol::to_wire(protocol::ErrorMessage{static_cast<uint16_t>(m.error().code),
                                                         "malformed signaling message"});
    if (wire) {
      server_->send(id, std::move(wire).value());
    }
    return;
  }
  if (const auto* packet = std::get_if<protocol::MediaPacketMessage>(&*m)) {
    // Media on the WebSocket fallback goes to the media plane, not the room:
    // the plane accepts it only on the session's own path.
    if (media_) {
      media_->on_signaling_packet(id, packet->packet, steady_ms());
      publish_media_metrics();
    }
    return;
  }
  const std::string meeting_id = *c.meeting;
  auto room = rooms_.find(meeting_id);
  if (room == rooms_.end()) {
    return;
  }
  Outbox out;
  room->second->receive(id, *m, Clock::now(), out);
  flush(meeting_id, out);
  if (room->second->empty()) {
    drop_room(meeting_id);
  }
}

void SignalingApp::on_close(net::ConnectionId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    return;
  }
  std::optional<std::string> meeting = it->second.meeting;
  connections_.erase(it);
  live_sessions = connections_.size();
  if (media_) {
    media_->forget(id);
    publish_media_metrics();
  }
  if (!meeting.has_value()) {
    return;
  }
  auto room = rooms_.find(*meeting);
  if (room == rooms_.end()) {
    return;
  }
  Outbox out;
  room->second->disconnect(id, Clock::now(), out);
  flush(*meeting, out);
  if (room->second->empty()) {
    drop_room(*meeting);
  }
}

// A room without sessions is over: its group is gone with its members, and
// so are the meeting's shared files (spec/06 "Shared files").
// implements: REQ-SIG-048
void SignalingApp::drop_room(const std::string& meeting_id) {
  rooms_.erase(meeting_id);
  sync_media(meeting_id);  // no room: every path of the meeting goes
  media_ended_.erase(meeting_id);
  live_meetings = rooms_.size();
  std::error_code ec;
  fs::remove_all(fs::path(config_.data_dir) / "blobs" / meeting_id, ec);
  blob_bytes_.erase(meeting_id);
}

void SignalingApp::on_tick() {
  std::vector<std::string> empty;
  for (auto& [meeting_id, room] : rooms_) {
    Outbox out;
    room->tick(Clock::now(), out);
    flush(meeting_id, out);
    if (room->empty()) {
      empty.push_back(meeting_id);
    }
  }
  for (const auto& m : empty) {
    drop_room(m);
  }
  std::vector<std::string> failed;
  for (const auto& [meeting_id, times] : invitation_failures_) {
    failed.push_back(meeting_id);
  }
  for (const auto& m : failed) {
    (void)invitation_throttled(m);  // forgets failures older than a minute
  }
}

std::optional<int64_t> SignalingApp::bearer_user(const net::HttpRequest& r) {
  auto token = bearer(r);
  if (!token) {
    return std::nullopt;
  }
  std::lock_guard<std::mutex> lock(store_mutex_);
  auto u = store_.resolve_login_token(*token, unix_seconds());
  if (!u) {
    return std::nullopt;
  }
  return *u;
}

net::HttpResponse SignalingApp::login(const net::HttpRequest& r) {
  auto body = parse_json_object(body_text(r));
  if (!body || body->get_string("username") == nullptr || body->get_string("password") == nullptr) {
    return http_error(400, "expected {\"username\", \"password\", \"totp\"?}");
  }
  std::optional<std::string_view> totp;
  if (const std::string* t = body->get_string("totp")) {
    totp = *t;
  }
  std::lock_guard<std::mutex> lock(store_mutex_);
  const uint64_t now = unix_seconds();
  auto user =
      store_.verify_login(*body->get_string("username"), *body->get_string("password"), totp, now);
  if (!user) {
    (void)store_.audit("auth_failed", "", audit_name(*body->get_string("username")), "login", now);
    return http_error(401, "login failed");
  }
  auto token = store_.create_login_token(*user, now, kLoginTokenSeconds);
  if (!token) {
    return http_error(500, "cannot create a login token");
  }
  (void)store_.audit("auth_ok", "", audit_name(*body->get_string("username")), "login", now);
  JsonObject o;
  o.set("token", to_hex(*token));
  o.set("expires", static_cast<int64_t>(now + kLoginTokenSeconds));
  return json_response(200, o);
}

// implements: REQ-SIG-049
net::HttpResponse SignalingApp::create_meeting(const net::HttpRequest& r) {
  auto user = bearer_user(r);
  if (!user) {
    return http_error(401, "a login token is required");
  }
  auto body = parse_json_object(body_text(r));
  if (!body) {
    return http_error(400, "expected {\"title\", \"profile\"?, \"pin\"?}");
  }
  const std::string* title = body->get_string("title");
  const std::string* profile = body->get_string("profile");
  const std::string* pin = body->get_string("pin");
  std::optional<std::string_view> pin_view;
  if (pin != nullptr && !pin->empty()) {
    if (pin->size() > protocol::kMaxPinLen) {
      return http_error(400, "PIN too long");
    }
    pin_view = *pin;
  }
  std::lock_guard<std::mutex> lock(store_mutex_);
  const uint64_t now = unix_seconds();
  auto m =
      store_.create_meeting(*user, profile ? *profile : "open", pin_view, title ? *title : "", now);
  if (!m) {
    return http_error(400, "cannot create the meeting (unknown profile or bad title)");
  }
  (void)store_.audit("meeting_created", m->meeting_id, "", profile ? audit_name(*profile) : "open",
                     now);
  JsonObject o;
  o.set("meeting_id", m->meeting_id);
  o.set("invite_token", to_hex(m->invite_token));
  const std::string link =
      "conclave://" + public_address_ + "/" + m->meeting_id + "?invite=" + to_hex(m->invite_token);
  o.set("link", link);
  o.set("ics", ics_invitation(m->meeting_id, title ? *title : "", link, now));
  return json_response(200, o);
}

// Host actions on a meeting: lock, unlock, end, rotate the invitation, and
// the ICS text of the invitation.
net::HttpResponse SignalingApp::meeting_action(const net::HttpRequest& r,
                                               const std::string& meeting_id,
                                               const std::string& action) {
  auto user = bearer_user(r);
  if (!user) {
    return http_error(401, "a login token is required");
  }
  std::lock_guard<std::mutex> lock(store_mutex_);
  const uint64_t now = unix_seconds();
  auto m = store_.meeting(meeting_id);
  if (!m || m->host_user_id != *user) {
    return http_error(404, "no such meeting of yours");
  }
  JsonObject o;
  if (action == "lock" || action == "unlock") {
    if (!store_.set_locked(meeting_id, action == "lock")) {
      return http_error(500, "cannot change the lock");
    }
    (void)store_.audit(action == "lock" ? "meeting_locked" : "meeting_unlocked", meeting_id, "", "",
                       now);
  } else if (action == "end") {
    if (!store_.end_meeting(meeting_id, now)) {
      return http_error(500, "cannot end the meeting");
    }
    (void)store_.audit("meeting_end", meeting_id, "", "by host", now);
    // The meeting's media ends now (spec/07 "Server integration").
    media_ended_.insert(meeting_id);
    sync_media(meeting_id);
  } else if (action == "rotate") {
    auto token = store_.rotate_invitation(meeting_id);
    if (!token) {
      return http_error(500, "cannot rotate the invitation");
    }
    (void)store_.audit("invite_rotated", meeting_id, "", "", now);
    // Guesses against the old invitation say nothing about the new one.
    invitation_failures_.erase(meeting_id);
    const std::string link =
        "conclave://" + public_address_ + "/" + meeting_id + "?invite=" + to_hex(*token);
    o.set("invite_token", to_hex(*token));
    o.set("link", link);
    o.set("ics", ics_invitation(meeting_id, m->title, link, now));
  } else {
    return http_error(404, "unknown meeting action");
  }
  o.set("meeting_id", meeting_id);
  return json_response(200, o);
}

MeetingRoom* SignalingApp::room_for_blob(const net::HttpRequest& r) {
  auto token = bearer(r);
  auto meeting = r.header("x-conclave-meeting");
  if (!token || !meeting) {
    return nullptr;
  }
  auto it = rooms_.find(*meeting);
  if (it == rooms_.end() || !it->second->member_with_blob_token(*token)) {
    return nullptr;
  }
  return it->second.get();
}

// Shared files are ciphertext the client made; the server stores bytes it
// cannot read, for members only, within size limits, until the room ends.
// implements: REQ-SIG-048
net::HttpResponse SignalingApp::upload_blob(const net::HttpRequest& r) {
  MeetingRoom* room = room_for_blob(r);
  if (room == nullptr) {
    return http_error(403, "only members of a running meeting may upload");
  }
  const std::string& meeting_id = room->settings().meeting_id;
  if (r.body.empty() || r.body.size() > config_.limits.blob_max_bytes) {
    return http_error(413, "file empty or over the per-file limit");
  }
  if (blob_bytes_[meeting_id] + r.body.size() > config_.limits.blob_meeting_max_bytes) {
    return http_error(413, "meeting over its shared-file limit");
  }
  Bytes id(kBlobIdLen);
  if (!crypto::random_bytes(MutableByteView(id.data(), id.size()))) {
    return http_error(500, "no randomness");
  }
  const std::string blob_id = to_hex(id);
  const fs::path dir = fs::path(config_.data_dir) / "blobs" / meeting_id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::ofstream f(dir / blob_id, std::ios::binary);
  f.write(reinterpret_cast<const char*>(r.body.data()),
          static_cast<std::streamsize>(r.body.size()));
  if (!f) {
    return http_error(500, "cannot store the file");
  }
  blob_bytes_[meeting_id] += r.body.size();
  metrics_.blob_bytes_stored += r.body.size();
  JsonObject o;
  o.set("blob_id", blob_id);
  return json_response(200, o);
}

net::HttpResponse SignalingApp::download_blob(const net::HttpRequest& r,
                                              const std::string& blob_id) {
  MeetingRoom* room = room_for_blob(r);
  if (room == nullptr) {
    return http_error(403, "only members of a running meeting may download");
  }
  if (!valid_blob_id(blob_id)) {
    return http_error(404, "no such file");
  }
  const fs::path p = fs::path(config_.data_dir) / "blobs" / room->settings().meeting_id / blob_id;
  std::ifstream f(p, std::ios::binary);
  if (!f) {
    return http_error(404, "no such file");
  }
  net::HttpResponse resp;
  resp.content_type = "application/octet-stream";
  resp.body.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return resp;
}

net::HttpResponse SignalingApp::on_http(const net::HttpRequest& r) {
  const std::string& t = r.target;
  if (r.method == "POST" && t == "/v1/login") {
    return login(r);
  }
  if (r.method == "POST" && t == "/v1/meetings") {
    return create_meeting(r);
  }
  constexpr std::string_view kMeetings = "/v1/meetings/";
  if (r.method == "POST" && t.rfind(kMeetings, 0) == 0) {
    const std::string rest = t.substr(kMeetings.size());
    const size_t slash = rest.find('/');
    if (slash != std::string::npos) {
      return meeting_action(r, rest.substr(0, slash), rest.substr(slash + 1));
    }
  }
  if (r.method == "POST" && t == "/v1/blobs") {
    return upload_blob(r);
  }
  constexpr std::string_view kBlobs = "/v1/blobs/";
  if (r.method == "GET" && t.rfind(kBlobs, 0) == 0) {
    return download_blob(r, t.substr(kBlobs.size()));
  }
  return http_error(404, "no such endpoint");
}

AdminApp::AdminApp(store::Store& store, std::mutex& store_mutex, const Metrics& metrics,
                   const SignalingApp& signaling)
    : store_(store), store_mutex_(store_mutex), metrics_(metrics), signaling_(signaling) {}

// implements: REQ-SIG-050
net::HttpResponse AdminApp::on_http(const net::HttpRequest& r) {
  if (r.method == "GET" && r.target == "/healthz") {
    std::lock_guard<std::mutex> lock(store_mutex_);
    auto users = store_.list_users();
    return text_response(users ? 200 : 503, "text/plain", users ? "ok\n" : "store unavailable\n");
  }
  if (r.method == "GET" && r.target == "/metrics") {
    std::string m;
    auto counter = [&](const char* name, const char* help, uint64_t v) {
      m += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(v) + "\n";
    };
    auto gauge = [&](const char* name, const char* help, uint64_t v) {
      m += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name +
           " " + std::to_string(v) + "\n";
    };
    counter("conclave_connections_opened_total", "Signaling connections accepted.",
            metrics_.connections_opened);
    counter("conclave_hello_refused_total", "Sessions closed at Hello.", metrics_.hello_refused);
    counter("conclave_messages_in_total", "Signaling messages received.", metrics_.messages_in);
    counter("conclave_messages_refused_total", "Malformed signaling messages.",
            metrics_.messages_refused);
    counter("conclave_relays_out_total", "MLS messages relayed.", metrics_.relays_out);
    counter("conclave_commits_won_total", "Epoch changes ordered.", metrics_.commits_won);
    counter("conclave_admissions_total", "Joiners admitted.", metrics_.admissions);
    counter("conclave_exclusions_total", "Members excluded.", metrics_.exclusions);
    counter("conclave_blob_bytes_stored_total", "Encrypted file bytes stored.",
            metrics_.blob_bytes_stored);
    gauge("conclave_live_meetings", "Meetings with at least one session.",
          signaling_.live_meetings);
    gauge("conclave_live_sessions", "Open signaling connections.", signaling_.live_sessions);
    gauge("conclave_media_paths", "Open media paths.", metrics_.media_paths);
    counter("conclave_media_udp_in_total", "Media datagrams received.", metrics_.media_udp_in);
    counter("conclave_media_udp_kernel_drops_total",
            "Media datagrams the kernel dropped: the socket's receive buffer was full.",
            metrics_.media_udp_kernel_drops);
    counter("conclave_media_ws_in_total", "Media packets received on the WebSocket fallback.",
            metrics_.media_ws_in);
    counter("conclave_media_udp_out_total", "Media datagrams sent.", metrics_.media_udp_out);
    counter("conclave_media_ws_out_total", "Media packets sent on the WebSocket fallback.",
            metrics_.media_ws_out);
    counter("conclave_media_keepalives_answered_total", "Keepalives answered.",
            metrics_.media_keepalives_answered);
    counter("conclave_media_dropped_malformed_total", "Media packets dropped: malformed.",
            metrics_.media_dropped_malformed);
    counter("conclave_media_dropped_unknown_path_total", "Media packets dropped: no such path.",
            metrics_.media_dropped_unknown_path);
    counter("conclave_media_dropped_transport_total",
            "Media packets dropped: replayed, over the sequence limit or not authentic.",
            metrics_.media_dropped_transport);
    counter("conclave_media_dropped_no_floor_total",
            "Media packets dropped: sender lacks the floor.", metrics_.media_dropped_no_floor);
    counter("conclave_media_not_selected_total", "Audio copies withheld by last-N.",
            metrics_.media_not_selected);
    counter("conclave_media_receiver_unbound_total", "Copies skipped: receiver path not bound.",
            metrics_.media_receiver_unbound);
    counter("conclave_media_send_dropped_total", "Copies the send path dropped.",
            metrics_.media_send_dropped);
    counter("conclave_media_dropped_wrong_stream_total",
            "Media packets dropped: not the sender's own stream id or kind.",
            metrics_.media_dropped_wrong_stream);
    counter("conclave_media_feedback_in_total", "Feedback packets (PLI, NACK) received.",
            metrics_.media_feedback_in);
    counter("conclave_media_dropped_feedback_foreign_total",
            "Feedback dropped: no other member of the meeting owns the stream.",
            metrics_.media_dropped_feedback_foreign);
    counter("conclave_media_pli_forwarded_total", "PLIs sent to a stream's sender.",
            metrics_.media_pli_forwarded);
    counter("conclave_media_pli_rate_limited_total", "PLIs withheld by the per-stream interval.",
            metrics_.media_pli_rate_limited);
    counter("conclave_media_retransmitted_total", "Cached packets re-sent for a NACK.",
            metrics_.media_retransmitted);
    counter("conclave_media_nack_missed_total", "NACKed packets not in the cache.",
            metrics_.media_nack_missed);
    counter("conclave_media_ws_rate_limited_total",
            "Media packets dropped: over the WebSocket media budget.",
            metrics_.media_ws_rate_limited);
    counter("conclave_media_nack_rate_limited_total",
            "NACKed packets over the requester's retransmission budget.",
            metrics_.media_nack_rate_limited);
    return text_response(200, "text/plain; version=0.0.4", m);
  }
  // Everything else needs an administrator's login token.
  auto token = bearer(r);
  std::lock_guard<std::mutex> lock(store_mutex_);
  const uint64_t now = unix_seconds();
  std::optional<store::Store::User> admin;
  if (token) {
    if (auto id = store_.resolve_login_token(*token, now)) {
      if (auto u = account_of(store_, *id); u && u->admin) {
        admin = u;
      }
    }
  }
  if (!admin) {
    return http_error(401, "an administrator's login token is required");
  }
  const std::string& t = r.target;
  if (r.method == "GET" && t == "/admin/v1/audit/verify") {
    auto v = store_.verify_audit();
    JsonObject o;
    o.set("ok", v.has_value());
    if (v) {
      o.set("entries", static_cast<int64_t>(v->entries));
      o.set("head", to_hex(v->head));
    } else {
      o.set("error", store_.last_error());
    }
    return json_response(v ? 200 : 409, o);
  }
  if (r.method == "GET" && t == "/admin/v1/audit/export") {
    auto e = store_.export_audit(std::nullopt);
    return e ? text_response(200, "application/jsonl", *e) : http_error(500, "export failed");
  }
  if (r.method == "GET" && t == "/admin/v1/users") {
    auto users = store_.list_users();
    if (!users) {
      return http_error(500, "store unavailable");
    }
    std::string lines;
    for (const auto& u : *users) {
      JsonObject o;
      o.set("username", u.username);
      o.set("admin", u.admin);
      o.set("totp", u.totp);
      o.set("created", static_cast<int64_t>(u.created));
      auto line = write_json_object(o);
      lines += (line ? *line : std::string("{}")) + "\n";
    }
    return text_response(200, "application/jsonl", lines);
  }
  constexpr std::string_view kUsers = "/admin/v1/users/";
  if (t.rfind(kUsers, 0) == 0) {
    std::string rest = t.substr(kUsers.size());
    if (r.method == "GET" && rest.size() > 7 && rest.substr(rest.size() - 7) == "/export") {
      auto e = store_.export_user(rest.substr(0, rest.size() - 7));
      return e ? text_response(200, "application/json", *e) : http_error(404, "no such user");
    }
    if (r.method == "DELETE" && store::is_valid_name(rest)) {
      if (!store_.erase_user(rest, now)) {
        return http_error(404, "no such user");
      }
      (void)store_.audit("user_erased", "", audit_name(admin->username), "", now);
      JsonObject o;
      o.set("erased", rest);
      return json_response(200, o);
    }
  }
  if (r.method == "POST" && t == "/admin/v1/users") {
    auto body = parse_json_object(body_text(r));
    if (!body || !body->get_string("username") || !body->get_string("password")) {
      return http_error(400, "expected {\"username\", \"password\", \"admin\"?}");
    }
    const bool* is_admin = body->get_bool("admin");
    auto id = store_.create_user(*body->get_string("username"), *body->get_string("password"),
                                 is_admin != nullptr && *is_admin);
    if (!id) {
      return http_error(400, "cannot create the user (name rules or taken)");
    }
    (void)store_.audit("user_created", "", audit_name(admin->username),
                       audit_name(*body->get_string("username")), now);
    JsonObject o;
    o.set("username", *body->get_string("username"));
    return json_response(200, o);
  }
  return http_error(404, "no such endpoint");
}

}  // namespace conclave::server
