#include "store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>

#include "core/secret_bytes.h"
#include "core/writer.h"
#include "crypto/hash.h"
#include "crypto/rand.h"
#include "crypto/totp.h"
#include "store/json.h"
#include "store/schema.h"

namespace conclave::store {

namespace {

using crypto::HashAlg;

constexpr uint64_t kSecondsPerDay = 86400;
constexpr size_t kMaxPinLen = 64;
// SQLite integers are signed 64-bit; times and counts beyond that are refused.
constexpr uint64_t kMaxStoredInt = static_cast<uint64_t>(INT64_MAX);

constexpr std::array<std::string_view, 24> kAuditEvents{
    "auth_ok",         "auth_failed",      "waiting",          "admitted",
    "denied",          "blocked",          "excluded",         "left",
    "role_change",     "epoch_change",     "meeting_start",    "meeting_end",
    "meeting_created", "meeting_locked",   "meeting_unlocked", "invite_rotated",
    "user_created",    "user_erased",      "totp_enabled",     "profile_changed",
    "audit_purged",    "settings_changed", "device_issued",    "device_revoked"};

int64_t to_db(uint64_t v) { return static_cast<int64_t>(std::min(v, kMaxStoredInt)); }
uint64_t from_db(int64_t v) { return v < 0 ? 0 : static_cast<uint64_t>(v); }

Bytes sha256(ByteView v) { return crypto::hash(HashAlg::kSha256, v); }

Result<Bytes> random_token() {
  Bytes token(kTokenLen);
  CONCLAVE_TRY(crypto::random_bytes(token));
  return token;
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return s;
}

bool is_printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

bool is_valid_suite(uint16_t suite) { return suite == 0x0001 || suite == 0x0002; }

// entry_hash = SHA-256(prev_hash || AuditEntry), where
//   struct {
//     uint64 id; uint64 time;
//     opaque event<V>; opaque meeting_id<V>; opaque actor<V>; opaque detail<V>;
//   } AuditEntry;
// in the TLS presentation language with RFC 9420 varint lengths, so the
// encoding of a row is unambiguous.
// implements: REQ-STORE-004
Result<Bytes> entry_hash(ByteView prev, int64_t id, int64_t time, std::string_view event,
                         std::string_view meeting_id, std::string_view actor,
                         std::string_view detail) {
  Writer w;
  w.bytes(prev);
  w.u64(static_cast<uint64_t>(id));
  w.u64(static_cast<uint64_t>(time));
  w.vec(as_bytes(event));
  w.vec(as_bytes(meeting_id));
  w.vec(as_bytes(actor));
  w.vec(as_bytes(detail));
  CONCLAVE_TRY_ASSIGN(const Bytes encoded, std::move(w).finish());
  return sha256(encoded);
}

std::string audit_json(const Stmt& row, const std::string& actor) {
  return "{\"id\":" + std::to_string(row.i64(0)) + ",\"time\":" + std::to_string(row.i64(1)) +
         ",\"event\":" + json_string(row.text(2)) + ",\"meeting_id\":" + json_string(row.text(3)) +
         ",\"actor\":" + json_string(actor) + ",\"detail\":" + json_string(row.text(5)) +
         ",\"entry_hash\":\"" + to_hex(row.blob(6)) + "\"}";
}

}  // namespace

bool is_valid_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxUsernameLen &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
         });
}

bool is_audit_event(std::string_view event) {
  return std::find(kAuditEvents.begin(), kAuditEvents.end(), event) != kAuditEvents.end();
}

namespace {

// kGroupOtherBits are the permission bits of the group and of others.
constexpr mode_t kGroupOtherBits = S_IRWXG | S_IRWXO;

// implements: REQ-STORE-012
// ensure_private_file creates the database file `path` with mode 0600 when it
// does not exist (whatever the umask: open's mode is masked by it, and 0600
// masked by any umask stays private), and refuses an existing file that
// grants the group or others any access. SQLite creates its -wal and -shm
// files with the database file's mode.
Result<void> ensure_private_file(const std::string& path, std::string* out_message) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd >= 0) {
    ::close(fd);
    return {};
  }
  struct stat st {};
  if (errno != EEXIST || ::stat(path.c_str(), &st) != 0) {
    return {};  // SQLite reports why it cannot open the path
  }
  if ((st.st_mode & kGroupOtherBits) != 0) {
    if (out_message != nullptr) {
      *out_message = path +
                     ": the database is accessible to the group or others; "
                     "restrict it with chmod 600";
    }
    return Error(Err::kStorage, "database file not private");
  }
  return {};
}

Result<std::string> make_dummy_hash(const crypto::PasswordHashParams& params) {
  std::array<uint8_t, 16> junk{};
  CONCLAVE_TRY(crypto::random_bytes(junk));
  return crypto::hash_password(to_hex(junk), params);
}

}  // namespace

// implements: REQ-STORE-012
Result<bool> prepare_data_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path path(dir);
  if (!fs::exists(path, ec)) {
    if (path.has_parent_path()) {
      fs::create_directories(path.parent_path(), ec);
    }
    if (::mkdir(dir.c_str(), S_IRWXU) != 0 && errno != EEXIST) {
      return Error(Err::kStorage, "cannot create the data directory");
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Error(Err::kStorage, "the data directory is not a directory");
  }
  return (st.st_mode & kGroupOtherBits) == 0;
}

Result<Store> Store::open(const std::string& path, const StoreOptions& options,
                          std::string* out_message) {
  CONCLAVE_TRY(ensure_private_file(path, out_message));
  CONCLAVE_TRY_ASSIGN(Db db, Db::open(path, out_message));
  if (!configure(db)) {
    if (out_message != nullptr) {
      *out_message = db.last_error();
    }
    return Error(Err::kStorage, "cannot configure the database");
  }
  CONCLAVE_TRY(migrate(db, out_message));
  Store store(std::move(db), options);
  // implements: REQ-STORE-003
  CONCLAVE_TRY_ASSIGN(store.dummy_hash_, make_dummy_hash(options.password_params));
  return store;
}

// ---- Accounts

Result<int64_t> Store::create_user(std::string_view username, std::string_view password,
                                   bool admin) {
  CONCLAVE_REQUIRE(is_valid_name(username), Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(const std::string phc,
                      crypto::hash_password(password, options_.password_params));
  CONCLAVE_TRY_ASSIGN(Stmt find, db_.prepare("SELECT 1 FROM users WHERE username = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool taken, find.bind(1, username).step());
  if (taken) {
    return Error(Err::kAlreadyExists, "username taken");
  }
  CONCLAVE_TRY_ASSIGN(Stmt ins,
                      db_.prepare("INSERT INTO users(username, password_hash, admin, created) "
                                  "VALUES(?1, ?2, ?3, strftime('%s','now'))"));
  CONCLAVE_TRY(ins.bind(1, username).bind(2, phc).bind(3, int64_t{admin ? 1 : 0}).run());
  return db_.last_insert_rowid();
}

// implements: REQ-STORE-003
Result<int64_t> Store::verify_login(std::string_view username, std::string_view password,
                                    std::optional<std::string_view> totp_code, uint64_t now) {
  const Error failed(Err::kAuthFailed, "authentication failed");
  CONCLAVE_TRY_ASSIGN(
      Stmt find, db_.prepare("SELECT id, password_hash, totp_secret, totp_last_step FROM users "
                             "WHERE username = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool found, find.bind(1, username).step());
  if (!found) {
    // Same Argon2id work as for a real account, so timing does not tell
    // whether the name exists.
    (void)crypto::verify_password(password, dummy_hash_);
    return failed;
  }
  const int64_t id = find.i64(0);
  const std::string phc = find.text(1);
  const bool has_totp = !find.is_null(2);
  const SecretBytes secret = find.secret(2);
  const uint64_t last_step = from_db(find.i64(3));
  CONCLAVE_TRY_ASSIGN(const bool password_ok, crypto::verify_password(password, phc));
  bool totp_ok = true;
  uint64_t step = 0;
  if (has_totp) {
    totp_ok = false;
    if (totp_code.has_value()) {
      auto matched = crypto::verify_totp(secret.view(), *totp_code, now);
      // A code is good once: a step at or before the last accepted one is a
      // replay (RFC 6238 §5.2).
      if (matched.has_value() && *matched > last_step) {
        totp_ok = true;
        step = *matched;
      }
    }
  }
  if (!password_ok || !totp_ok) {
    return failed;
  }
  if (has_totp) {
    CONCLAVE_TRY_ASSIGN(Stmt upd,
                        db_.prepare("UPDATE users SET totp_last_step = ?1 WHERE id = ?2"));
    CONCLAVE_TRY(upd.bind(1, to_db(step)).bind(2, id).run());
  }
  return id;
}

Result<std::string> Store::enable_totp(int64_t user_id) {
  CONCLAVE_TRY_ASSIGN(Stmt find, db_.prepare("SELECT username FROM users WHERE id = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool found, find.bind(1, user_id).step());
  if (!found) {
    return Error(Err::kNotFound, "no such user");
  }
  const std::string username = find.text(0);
  CONCLAVE_TRY_ASSIGN(const SecretBytes secret, crypto::generate_totp_secret());
  CONCLAVE_TRY_ASSIGN(
      Stmt upd, db_.prepare("UPDATE users SET totp_secret = ?1, totp_last_step = 0 WHERE id = ?2"));
  CONCLAVE_TRY(upd.bind(1, secret.view()).bind(2, user_id).run());
  // Usernames are [a-z0-9._-], so they need no percent-encoding.
  return "otpauth://totp/Conclave:" + username + "?secret=" + crypto::base32_encode(secret.view()) +
         "&issuer=Conclave&algorithm=SHA1&digits=6&period=30";
}

// implements: REQ-STORE-002
Result<Bytes> Store::create_login_token(int64_t user_id, uint64_t now, uint64_t ttl_seconds) {
  CONCLAVE_REQUIRE(ttl_seconds > 0 && now <= kMaxStoredInt && ttl_seconds <= kMaxStoredInt - now,
                   Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(Bytes token, random_token());
  CONCLAVE_TRY_ASSIGN(Stmt ins,
                      db_.prepare("INSERT INTO login_tokens(token_hash, user_id, expires) "
                                  "SELECT ?1, id, ?3 FROM users WHERE id = ?2"));
  CONCLAVE_TRY(ins.bind(1, ByteView(sha256(token)))
                   .bind(2, user_id)
                   .bind(3, to_db(now + ttl_seconds))
                   .run());
  if (db_.changes() != 1) {
    return Error(Err::kNotFound, "no such user");
  }
  return token;
}

// implements: REQ-STORE-002
Result<int64_t> Store::resolve_login_token(ByteView token, uint64_t now) {
  if (token.size() != kTokenLen) {
    return Error(Err::kAuthFailed, "authentication failed");
  }
  // The lookup is by the SHA-256 of a 256-bit random token: timing of the
  // index search reveals at most a prefix of a hash, which does not help
  // forge a token.
  const Bytes token_hash = sha256(token);
  CONCLAVE_TRY_ASSIGN(Stmt find,
                      db_.prepare("SELECT user_id, expires, token_hash FROM login_tokens "
                                  "WHERE token_hash = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool found, find.bind(1, ByteView(token_hash)).step());
  if (!found || !ct_equal(find.blob(2), token_hash) || now >= from_db(find.i64(1))) {
    return Error(Err::kAuthFailed, "authentication failed");
  }
  return find.i64(0);
}

Result<void> Store::revoke_login_token(ByteView token) {
  CONCLAVE_TRY_ASSIGN(Stmt del, db_.prepare("DELETE FROM login_tokens WHERE token_hash = ?1"));
  return del.bind(1, ByteView(sha256(token))).run();
}

Result<std::vector<Store::User>> Store::list_users() {
  CONCLAVE_TRY_ASSIGN(Stmt q,
                      db_.prepare("SELECT id, username, admin, totp_secret IS NOT NULL, created "
                                  "FROM users ORDER BY id"));
  std::vector<User> out;
  for (;;) {
    CONCLAVE_TRY_ASSIGN(const bool row, q.step());
    if (!row) {
      break;
    }
    out.push_back(User{q.i64(0), q.text(1), q.i64(2) != 0, q.i64(3) != 0, from_db(q.i64(4))});
  }
  return out;
}

Result<Store::User> Store::user(std::string_view username) {
  CONCLAVE_TRY_ASSIGN(Stmt q,
                      db_.prepare("SELECT id, username, admin, totp_secret IS NOT NULL, created "
                                  "FROM users WHERE username = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool row, q.bind(1, username).step());
  if (!row) {
    return Error(Err::kNotFound, "no such user");
  }
  return User{q.i64(0), q.text(1), q.i64(2) != 0, q.i64(3) != 0, from_db(q.i64(4))};
}

// implements: REQ-STORE-007
Result<std::string> Store::export_user(std::string_view username) {
  CONCLAVE_TRY_ASSIGN(const User u, user(username));
  std::string out = "{\"user\":{\"id\":" + std::to_string(u.id) +
                    ",\"username\":" + json_string(u.username) +
                    ",\"admin\":" + (u.admin ? "true" : "false") +
                    ",\"totp_enabled\":" + (u.totp ? "true" : "false") +
                    ",\"created\":" + std::to_string(u.created) + "},\"meetings\":[";
  CONCLAVE_TRY_ASSIGN(Stmt meetings,
                      db_.prepare("SELECT meeting_id, profile, title, locked, ended, created, "
                                  "pin_hash IS NOT NULL FROM meetings WHERE host_user_id = ?1 "
                                  "ORDER BY created, meeting_id"));
  meetings.bind(1, u.id);
  bool first = true;
  for (;;) {
    CONCLAVE_TRY_ASSIGN(const bool row, meetings.step());
    if (!row) {
      break;
    }
    out += first ? "" : ",";
    first = false;
    out += "{\"meeting_id\":" + json_string(meetings.text(0)) +
           ",\"profile\":" + json_string(meetings.text(1)) +
           ",\"title\":" + json_string(meetings.text(2)) +
           ",\"locked\":" + (meetings.i64(3) != 0 ? "true" : "false") + ",\"ended\":" +
           (meetings.is_null(4) ? std::string("null") : std::to_string(meetings.i64(4))) +
           ",\"created\":" + std::to_string(meetings.i64(5)) +
           ",\"has_pin\":" + (meetings.i64(6) != 0 ? "true" : "false") + "}";
  }
  out += "],\"devices\":[";
  CONCLAVE_TRY_ASSIGN(const std::vector<Device> devices, list_devices(username));
  first = true;
  for (const Device& d : devices) {
    out += first ? "" : ",";
    first = false;
    out += "{\"serial\":" + json_string(d.serial_hex) + ",\"issued\":" + std::to_string(d.issued) +
           ",\"not_after\":" + std::to_string(d.not_after) +
           ",\"revoked\":" + (d.revoked ? std::to_string(*d.revoked) : std::string("null")) + "}";
  }
  out += "],\"audit\":[";
  CONCLAVE_TRY_ASSIGN(const std::string alias, pseudonym(username));
  CONCLAVE_TRY_ASSIGN(Stmt entries,
                      db_.prepare("SELECT id, time, event, meeting_id, actor, detail, entry_hash "
                                  "FROM audit WHERE actor = ?1 ORDER BY id"));
  entries.bind(1, alias);
  first = true;
  for (;;) {
    CONCLAVE_TRY_ASSIGN(const bool row, entries.step());
    if (!row) {
      break;
    }
    out += first ? "" : ",";
    first = false;
    out += audit_json(entries, u.username);
  }
  out += "]}";
  return out;
}

// implements: REQ-STORE-007
Result<void> Store::erase_user(std::string_view username, uint64_t now) {
  CONCLAVE_TRY_ASSIGN(const User u, user(username));
  CONCLAVE_TRY_ASSIGN(const std::string alias, pseudonym(username));
  CONCLAVE_TRY_ASSIGN(Transaction tx, Transaction::begin(db_));
  // The meetings stay (their ids appear in the audit log) but lose every
  // personal or secret field and end now.
  CONCLAVE_TRY_ASSIGN(
      Stmt meetings,
      db_.prepare("UPDATE meetings SET invite_hash = NULL, pin_hash = NULL, title = '', "
                  "ended = COALESCE(ended, ?2), host_user_id = NULL WHERE host_user_id = ?1"));
  CONCLAVE_TRY(meetings.bind(1, u.id).bind(2, to_db(now)).run());
  // Tokens go by ON DELETE CASCADE.
  CONCLAVE_TRY_ASSIGN(Stmt del, db_.prepare("DELETE FROM users WHERE id = ?1"));
  CONCLAVE_TRY(del.bind(1, u.id).run());
  CONCLAVE_TRY_ASSIGN(Stmt unlink, db_.prepare("DELETE FROM audit_actors WHERE pseudonym = ?1"));
  CONCLAVE_TRY(unlink.bind(1, alias).run());
  // The entry names the pseudonym in its detail and no actor, so it does not
  // link the name again.
  CONCLAVE_TRY(append_audit("user_erased", "", "", alias, now));
  return tx.commit();
}

// ---- Meetings

// implements: REQ-STORE-001, REQ-STORE-002
Result<Store::NewMeeting> Store::create_meeting(int64_t host_user_id, std::string_view profile_name,
                                                std::optional<std::string_view> pin,
                                                std::string_view title, uint64_t now) {
  CONCLAVE_REQUIRE(title.size() <= kMaxTitleLen, Err::kInvalidArgument);
  const bool has_pin = pin.has_value() && !pin->empty();
  CONCLAVE_REQUIRE(!has_pin || pin->size() <= kMaxPinLen, Err::kInvalidArgument);
  CONCLAVE_TRY(profile(profile_name));
  std::array<uint8_t, kMeetingIdBytes> id_bytes{};
  CONCLAVE_TRY(crypto::random_bytes(id_bytes));
  NewMeeting out;
  out.meeting_id = lower(crypto::base32_encode(id_bytes));
  CONCLAVE_TRY_ASSIGN(out.invite_token, random_token());
  std::string pin_hash;
  if (has_pin) {
    // A PIN has little entropy, so it gets the password hash, not SHA-256.
    CONCLAVE_TRY_ASSIGN(pin_hash, crypto::hash_password(*pin, options_.password_params));
  }
  CONCLAVE_TRY_ASSIGN(Stmt ins,
                      db_.prepare("INSERT INTO meetings(meeting_id, host_user_id, profile, title, "
                                  "invite_hash, pin_hash, created) "
                                  "SELECT ?1, id, ?3, ?4, ?5, ?6, ?7 FROM users WHERE id = ?2"));
  ins.bind(1, out.meeting_id).bind(2, host_user_id).bind(3, profile_name).bind(4, title);
  ins.bind(5, ByteView(sha256(out.invite_token))).bind(7, to_db(now));
  if (has_pin) {
    ins.bind(6, pin_hash);
  } else {
    ins.bind_null(6);
  }
  CONCLAVE_TRY(ins.run());
  if (db_.changes() != 1) {
    return Error(Err::kNotFound, "no such host user");
  }
  return out;
}

Result<Store::Meeting> Store::meeting(std::string_view meeting_id) {
  CONCLAVE_TRY_ASSIGN(
      Stmt q, db_.prepare("SELECT meeting_id, host_user_id, profile, title, locked, ended, "
                          "pin_hash IS NOT NULL, created FROM meetings WHERE meeting_id = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool row, q.bind(1, meeting_id).step());
  if (!row) {
    return Error(Err::kNotFound, "no such meeting");
  }
  return Meeting{q.text(0),     q.is_null(1) ? 0 : q.i64(1),
                 q.text(2),     q.text(3),
                 q.i64(4) != 0, !q.is_null(5),
                 q.i64(6) != 0, from_db(q.i64(7))};
}

// implements: REQ-STORE-002, REQ-STORE-009
Result<void> Store::check_invitation(std::string_view meeting_id, ByteView token,
                                     std::optional<std::string_view> pin) {
  const Error failed(Err::kAuthFailed, "authentication failed");
  CONCLAVE_TRY_ASSIGN(Stmt q, db_.prepare("SELECT invite_hash, pin_hash, locked, ended "
                                          "FROM meetings WHERE meeting_id = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool row, q.bind(1, meeting_id).step());
  if (!row || q.is_null(0)) {
    return failed;
  }
  // Compare the hash of the presented token with the stored hash in
  // constant time (both are 32 bytes).
  const Bytes presented = sha256(token);
  if (!ct_equal(presented, q.blob(0))) {
    return failed;
  }
  if (!q.is_null(1)) {
    if (!pin.has_value()) {
      return failed;
    }
    auto ok = crypto::verify_password(*pin, q.text(1));
    if (!ok.has_value() || !*ok) {
      return failed;
    }
  }
  // Locked or ended is told only to someone holding the invitation.
  if (q.i64(2) != 0 || !q.is_null(3)) {
    return Error(Err::kPolicyViolation, "meeting is locked or has ended");
  }
  return {};
}

Result<void> Store::set_locked(std::string_view meeting_id, bool locked) {
  CONCLAVE_TRY_ASSIGN(Stmt upd,
                      db_.prepare("UPDATE meetings SET locked = ?2 WHERE meeting_id = ?1"));
  CONCLAVE_TRY(upd.bind(1, meeting_id).bind(2, int64_t{locked ? 1 : 0}).run());
  if (db_.changes() != 1) {
    return Error(Err::kNotFound, "no such meeting");
  }
  return {};
}

Result<void> Store::end_meeting(std::string_view meeting_id, uint64_t now) {
  CONCLAVE_TRY_ASSIGN(
      Stmt upd,
      db_.prepare("UPDATE meetings SET ended = COALESCE(ended, ?2) WHERE meeting_id = ?1"));
  CONCLAVE_TRY(upd.bind(1, meeting_id).bind(2, to_db(now)).run());
  if (db_.changes() != 1) {
    return Error(Err::kNotFound, "no such meeting");
  }
  return {};
}

// implements: REQ-STORE-002
Result<Bytes> Store::rotate_invitation(std::string_view meeting_id) {
  CONCLAVE_TRY_ASSIGN(Bytes token, random_token());
  CONCLAVE_TRY_ASSIGN(Stmt upd,
                      db_.prepare("UPDATE meetings SET invite_hash = ?2 WHERE meeting_id = ?1"));
  CONCLAVE_TRY(upd.bind(1, meeting_id).bind(2, ByteView(sha256(token))).run());
  if (db_.changes() != 1) {
    return Error(Err::kNotFound, "no such meeting");
  }
  return token;
}

// implements: REQ-STORE-009
Result<void> Store::add_block(std::string_view meeting_id, ByteView identity_key) {
  CONCLAVE_REQUIRE(!identity_key.empty(), Err::kInvalidArgument);
  CONCLAVE_TRY(meeting(meeting_id));
  CONCLAVE_TRY_ASSIGN(Stmt ins,
                      db_.prepare("INSERT OR IGNORE INTO blocks(meeting_id, identity_key) "
                                  "VALUES(?1, ?2)"));
  return ins.bind(1, meeting_id).bind(2, identity_key).run();
}

Result<bool> Store::is_blocked(std::string_view meeting_id, ByteView identity_key) {
  CONCLAVE_TRY_ASSIGN(
      Stmt q, db_.prepare("SELECT 1 FROM blocks WHERE meeting_id = ?1 AND identity_key = ?2"));
  return q.bind(1, meeting_id).bind(2, identity_key).step();
}

// ---- Device certificates

namespace {

constexpr const char* kDeviceColumns =
    "SELECT d.fingerprint, d.serial, u.username, d.issued, d.not_after, d.revoked "
    "FROM devices d JOIN users u ON u.id = d.user_id ";

Store::Device device_from(const Stmt& q) {
  Store::Device d;
  d.fingerprint = q.blob(0);
  d.serial_hex = q.text(1);
  d.username = q.text(2);
  d.issued = from_db(q.i64(3));
  d.not_after = from_db(q.i64(4));
  if (!q.is_null(5)) {
    d.revoked = from_db(q.i64(5));
  }
  return d;
}

}  // namespace

// implements: REQ-STORE-011
Result<void> Store::add_device(std::string_view username, const Device& device) {
  CONCLAVE_REQUIRE(device.fingerprint.size() == 32 && !device.serial_hex.empty() &&
                       device.serial_hex.size() <= 64,
                   Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(const User u, user(username));
  const std::string serial = lower(device.serial_hex);
  CONCLAVE_TRY_ASSIGN(Stmt dup, db_.prepare("SELECT 1 FROM devices WHERE fingerprint = ?1 OR "
                                            "serial = ?2"));
  CONCLAVE_TRY_ASSIGN(const bool taken,
                      dup.bind(1, ByteView(device.fingerprint)).bind(2, serial).step());
  if (taken) {
    return Error(Err::kAlreadyExists, "device certificate already recorded");
  }
  CONCLAVE_TRY_ASSIGN(Stmt ins, db_.prepare("INSERT INTO devices(fingerprint, serial, user_id, "
                                            "issued, not_after) VALUES(?1, ?2, ?3, ?4, ?5)"));
  return ins.bind(1, ByteView(device.fingerprint))
      .bind(2, serial)
      .bind(3, u.id)
      .bind(4, to_db(device.issued))
      .bind(5, to_db(device.not_after))
      .run();
}

Result<Store::Device> Store::device(ByteView fingerprint) {
  CONCLAVE_TRY_ASSIGN(Stmt q,
                      db_.prepare(std::string(kDeviceColumns) + "WHERE d.fingerprint = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool row, q.bind(1, fingerprint).step());
  if (!row) {
    return Error(Err::kNotFound, "no such device certificate");
  }
  return device_from(q);
}

Result<std::vector<Store::Device>> Store::list_devices(std::optional<std::string_view> username) {
  CONCLAVE_TRY_ASSIGN(
      Stmt q, db_.prepare(std::string(kDeviceColumns) +
                          "WHERE ?1 IS NULL OR u.username = ?1 ORDER BY d.issued, d.serial"));
  if (username.has_value()) {
    q.bind(1, *username);
  }
  std::vector<Device> out;
  for (;;) {
    CONCLAVE_TRY_ASSIGN(const bool row, q.step());
    if (!row) {
      break;
    }
    out.push_back(device_from(q));
  }
  return out;
}

// implements: REQ-STORE-011
Result<Store::Device> Store::revoke_device(std::string_view serial_hex, uint64_t now) {
  const std::string serial = lower(std::string(serial_hex));
  CONCLAVE_TRY_ASSIGN(Stmt upd, db_.prepare("UPDATE devices SET revoked = ?2 "
                                            "WHERE serial = ?1 AND revoked IS NULL"));
  CONCLAVE_TRY(upd.bind(1, serial).bind(2, to_db(now)).run());
  CONCLAVE_TRY_ASSIGN(Stmt q, db_.prepare(std::string(kDeviceColumns) + "WHERE d.serial = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool row, q.bind(1, serial).step());
  if (!row) {
    return Error(Err::kNotFound, "no such device certificate");
  }
  return device_from(q);
}

// ---- Profiles

namespace {

Store::Profile profile_from(const Stmt& q) {
  Store::Profile p;
  p.name = q.text(0);
  p.require_account = q.i64(1) != 0;
  p.require_device_cert = q.i64(2) != 0;
  p.lobby_mandatory = q.i64(3) != 0;
  p.cipher_suite = static_cast<uint16_t>(q.i64(4) & 0xffff);
  p.allow_recording = q.i64(5) != 0;
  p.allow_gateways = q.i64(6) != 0;
  p.builtin = q.i64(7) != 0;
  return p;
}

constexpr const char* kProfileColumns =
    "SELECT name, require_account, require_device_cert, lobby_mandatory, cipher_suite, "
    "allow_recording, allow_gateways, builtin FROM profiles";

}  // namespace

Result<std::vector<Store::Profile>> Store::profiles() {
  CONCLAVE_TRY_ASSIGN(Stmt q,
                      db_.prepare(std::string(kProfileColumns) + " ORDER BY builtin DESC, name"));
  std::vector<Profile> out;
  for (;;) {
    CONCLAVE_TRY_ASSIGN(const bool row, q.step());
    if (!row) {
      break;
    }
    out.push_back(profile_from(q));
  }
  return out;
}

Result<Store::Profile> Store::profile(std::string_view name) {
  CONCLAVE_TRY_ASSIGN(Stmt q, db_.prepare(std::string(kProfileColumns) + " WHERE name = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool row, q.bind(1, name).step());
  if (!row) {
    return Error(Err::kNotFound, "no such profile");
  }
  return profile_from(q);
}

// implements: REQ-STORE-010
Result<void> Store::put_profile(const Profile& p) {
  CONCLAVE_REQUIRE(is_valid_name(p.name) && is_valid_suite(p.cipher_suite), Err::kInvalidArgument);
  auto existing = profile(p.name);
  if (existing.has_value() && existing->builtin) {
    return Error(Err::kPolicyViolation, "built-in profiles cannot be changed");
  }
  CONCLAVE_TRY_ASSIGN(
      Stmt put,
      db_.prepare("INSERT OR REPLACE INTO profiles VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)"));
  put.bind(1, p.name).bind(2, int64_t{p.require_account}).bind(3, int64_t{p.require_device_cert});
  put.bind(4, int64_t{p.lobby_mandatory}).bind(5, int64_t{p.cipher_suite});
  put.bind(6, int64_t{p.allow_recording}).bind(7, int64_t{p.allow_gateways});
  return put.run();
}

// ---- Settings and retention

Result<void> Store::set_setting(std::string_view key, std::string_view value) {
  CONCLAVE_REQUIRE(!key.empty() && key.size() <= kMaxUsernameLen && is_printable_ascii(key),
                   Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(Stmt put, db_.prepare("INSERT OR REPLACE INTO settings VALUES(?1, ?2)"));
  return put.bind(1, key).bind(2, value).run();
}

Result<std::optional<std::string>> Store::setting(std::string_view key) {
  CONCLAVE_TRY_ASSIGN(Stmt q, db_.prepare("SELECT value FROM settings WHERE key = ?1"));
  CONCLAVE_TRY_ASSIGN(const bool row, q.bind(1, key).step());
  if (!row) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(q.text(0));
}

Result<uint64_t> Store::retention_days(std::string_view key, uint64_t fallback) {
  CONCLAVE_TRY_ASSIGN(const auto value, setting(key));
  if (!value.has_value()) {
    return fallback;
  }
  uint64_t days = 0;
  if (value->empty() || value->size() > 6 ||
      !std::all_of(value->begin(), value->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Error(Err::kInvalidValue, "retention setting is not a number of days");
  }
  for (const char c : *value) {
    days = days * 10 + static_cast<uint64_t>(c - '0');
  }
  if (days == 0) {
    return Error(Err::kInvalidValue, "retention setting must be at least one day");
  }
  return days;
}

// implements: REQ-STORE-008
Result<size_t> Store::purge_expired(uint64_t now) {
  CONCLAVE_REQUIRE(now <= kMaxStoredInt, Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(const uint64_t meeting_days,
                      retention_days(kRetentionMeetingsDays, kDefaultMeetingsDays));
  CONCLAVE_TRY_ASSIGN(const uint64_t audit_days,
                      retention_days(kRetentionAuditDays, kDefaultAuditDays));
  const auto cutoff = [now](uint64_t days) {
    const uint64_t span = days * kSecondsPerDay;
    return to_db(now > span ? now - span : 0);
  };
  size_t removed = 0;
  CONCLAVE_TRY_ASSIGN(Transaction tx, Transaction::begin(db_));
  CONCLAVE_TRY_ASSIGN(Stmt meetings,
                      db_.prepare("DELETE FROM meetings WHERE ended IS NOT NULL AND ended < ?1"));
  CONCLAVE_TRY(meetings.bind(1, cutoff(meeting_days)).run());
  removed += static_cast<size_t>(db_.changes());
  CONCLAVE_TRY_ASSIGN(Stmt tokens, db_.prepare("DELETE FROM login_tokens WHERE expires <= ?1"));
  CONCLAVE_TRY(tokens.bind(1, to_db(now)).run());
  removed += static_cast<size_t>(db_.changes());
  // Audit: find the newest entry older than the cutoff; it becomes the
  // checkpoint (its id and entry hash), and only then can the triggers let
  // the prefix up to it go. The newest entry always stays, so the chain's
  // head stays visible.
  CONCLAVE_TRY_ASSIGN(Stmt last, db_.prepare("SELECT id, entry_hash FROM audit WHERE time < ?1 "
                                             "AND id < (SELECT MAX(id) FROM audit) "
                                             "ORDER BY id DESC LIMIT 1"));
  CONCLAVE_TRY_ASSIGN(const bool any, last.bind(1, cutoff(audit_days)).step());
  if (any) {
    const int64_t last_id = last.i64(0);
    const Bytes head = last.blob(1);
    CONCLAVE_TRY_ASSIGN(Stmt cp, db_.prepare("UPDATE audit_checkpoint SET last_id = ?1, head = ?2 "
                                             "WHERE singleton = 1"));
    CONCLAVE_TRY(cp.bind(1, last_id).bind(2, ByteView(head)).run());
    CONCLAVE_TRY_ASSIGN(Stmt del, db_.prepare("DELETE FROM audit WHERE id <= ?1"));
    CONCLAVE_TRY(del.bind(1, last_id).run());
    removed += static_cast<size_t>(db_.changes());
    // The purge itself goes into the chain, so a checkpoint moved by hand
    // (which looks like a purge) lacks its entry.
    const std::string note =
        "through " + std::to_string(last_id) + " head " + to_hex(ByteView(head).first(8));
    CONCLAVE_TRY(append_audit("audit_purged", "", "", note, now));
  }
  CONCLAVE_TRY(tx.commit());
  return removed;
}

// ---- Audit

// pseudonym is "p-" and the first 16 bytes (hex) of
// SHA-256(installation salt || actor), recorded with the actor's name in
// audit_actors so exports can show names until the person is erased.
// implements: REQ-STORE-007
Result<std::string> Store::pseudonym(std::string_view actor) {
  if (actor.empty()) {
    return std::string();
  }
  CONCLAVE_TRY_ASSIGN(Stmt q, db_.prepare("SELECT value FROM meta WHERE key = 'pseudonym_salt'"));
  CONCLAVE_TRY_ASSIGN(const bool row, q.step());
  if (!row) {
    return Error(Err::kStorage, "pseudonym salt missing");
  }
  Bytes input = q.blob(0);
  input.insert(input.end(), actor.begin(), actor.end());
  const Bytes digest = sha256(input);
  return "p-" + to_hex(ByteView(digest).first(16));
}

Result<void> Store::append_audit(std::string_view event, std::string_view meeting_id,
                                 std::string_view actor_pseudonym, std::string_view detail,
                                 uint64_t now) {
  CONCLAVE_TRY_ASSIGN(
      Stmt head, db_.prepare("SELECT COALESCE((SELECT id FROM audit ORDER BY id DESC LIMIT 1), "
                             "last_id), COALESCE((SELECT entry_hash FROM audit ORDER BY id DESC "
                             "LIMIT 1), head) FROM audit_checkpoint"));
  CONCLAVE_TRY_ASSIGN(const bool row, head.step());
  if (!row) {
    return Error(Err::kStorage, "audit checkpoint missing");
  }
  const int64_t id = head.i64(0) + 1;
  const int64_t time = to_db(now);
  CONCLAVE_TRY_ASSIGN(const Bytes hash, entry_hash(head.blob(1), id, time, event, meeting_id,
                                                   actor_pseudonym, detail));
  CONCLAVE_TRY_ASSIGN(Stmt ins,
                      db_.prepare("INSERT INTO audit VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  ins.bind(1, id).bind(2, time).bind(3, event).bind(4, meeting_id).bind(5, actor_pseudonym);
  ins.bind(6, detail).bind(7, ByteView(hash));
  return ins.run();
}

// implements: REQ-STORE-004, REQ-STORE-005
Result<void> Store::audit(std::string_view event, std::string_view meeting_id,
                          std::string_view actor, std::string_view detail, uint64_t now) {
  CONCLAVE_REQUIRE(is_audit_event(event), Err::kInvalidArgument);
  // Short printable fields only: the API has no room for message content or
  // key material, and a field that looks like either is refused.
  CONCLAVE_REQUIRE(meeting_id.size() <= kMaxAuditFieldLen && is_printable_ascii(meeting_id),
                   Err::kInvalidArgument);
  CONCLAVE_REQUIRE(actor.size() <= kMaxAuditFieldLen && is_printable_ascii(actor),
                   Err::kInvalidArgument);
  CONCLAVE_REQUIRE(detail.size() <= kMaxAuditFieldLen && is_printable_ascii(detail),
                   Err::kInvalidArgument);
  CONCLAVE_TRY_ASSIGN(Transaction tx, Transaction::begin(db_));
  CONCLAVE_TRY_ASSIGN(const std::string alias, pseudonym(actor));
  if (!alias.empty()) {
    CONCLAVE_TRY_ASSIGN(Stmt link,
                        db_.prepare("INSERT OR IGNORE INTO audit_actors VALUES(?1, ?2)"));
    CONCLAVE_TRY(link.bind(1, alias).bind(2, actor).run());
  }
  CONCLAVE_TRY(append_audit(event, meeting_id, alias, detail, now));
  return tx.commit();
}

// implements: REQ-STORE-004
Result<Store::AuditVerify> Store::verify_audit() {
  CONCLAVE_TRY_ASSIGN(Stmt cp, db_.prepare("SELECT last_id, head FROM audit_checkpoint"));
  CONCLAVE_TRY_ASSIGN(const bool has_cp, cp.step());
  if (!has_cp) {
    return Error(Err::kAuthFailed, "audit checkpoint missing");
  }
  int64_t expected_id = cp.i64(0) + 1;
  Bytes prev = cp.blob(1);
  CONCLAVE_TRY_ASSIGN(Stmt rows,
                      db_.prepare("SELECT id, time, event, meeting_id, actor, detail, entry_hash "
                                  "FROM audit ORDER BY id"));
  AuditVerify out;
  for (;;) {
    CONCLAVE_TRY_ASSIGN(const bool row, rows.step());
    if (!row) {
      break;
    }
    const int64_t id = rows.i64(0);
    CONCLAVE_TRY_ASSIGN(const Bytes expected, entry_hash(prev, id, rows.i64(1), rows.text(2),
                                                         rows.text(3), rows.text(4), rows.text(5)));
    // A missing id is a deleted row; a wrong hash a changed or inserted one.
    if (id != expected_id || !equal(expected, rows.blob(6))) {
      db_.note("audit chain broken at row " + std::to_string(id != expected_id ? expected_id : id));
      return Error(Err::kAuthFailed, "audit chain broken");
    }
    prev = expected;
    ++expected_id;
    ++out.entries;
  }
  out.head = prev;
  return out;
}

Result<std::string> Store::export_audit(std::optional<std::string_view> meeting_id) {
  CONCLAVE_TRY_ASSIGN(
      Stmt rows,
      db_.prepare("SELECT a.id, a.time, a.event, a.meeting_id, COALESCE(n.actor, a.actor), "
                  "a.detail, a.entry_hash FROM audit a LEFT JOIN audit_actors n "
                  "ON n.pseudonym = a.actor WHERE ?1 IS NULL OR a.meeting_id = ?1 ORDER BY a.id"));
  if (meeting_id.has_value()) {
    rows.bind(1, *meeting_id);
  } else {
    rows.bind_null(1);
  }
  std::string out;
  for (;;) {
    CONCLAVE_TRY_ASSIGN(const bool row, rows.step());
    if (!row) {
      break;
    }
    out += audit_json(rows, rows.text(4));
    out += '\n';
  }
  return out;
}

}  // namespace conclave::store
