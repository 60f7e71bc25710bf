// Store: the server's persistent state in one SQLite file.
//
// Accounts (Argon2id passwords, optional TOTP, login tokens), meetings
// (invitation tokens and PINs stored hashed, lock/end state, blocks),
// security profiles, settings, and the hash-chained audit log. The file is
// opened in WAL mode with foreign keys on; every statement is prepared with
// bound parameters; the schema is versioned and migrated in schema.cc only.
//
// Errors: kAuthFailed for every failed authentication (login, token,
// invitation), kPolicyViolation for a locked or ended meeting or a change to
// a built-in profile, kNotFound / kAlreadyExists for names, kInvalidArgument
// for names or values the rules below forbid, kStorage when SQLite fails
// (last_error() then holds "PATH: SQLite's message").
//
// A Store is one connection; it is not thread-safe. It is movable so that
// open() can return it, but not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/password_hash.h"
#include "store/sqlite.h"

namespace conclave::store {

// StoreOptions tunes a Store. Tests lower the Argon2id cost; production uses
// the defaults (REQ-STORE-001).
struct StoreOptions {
  crypto::PasswordHashParams password_params{};
};

inline constexpr size_t kMaxUsernameLen = 64;
inline constexpr size_t kMaxTitleLen = 200;
inline constexpr size_t kMaxAuditFieldLen = 200;
inline constexpr size_t kTokenLen = 32;
inline constexpr size_t kMeetingIdBytes = 16;
inline constexpr uint16_t kDefaultCipherSuite = 0x0002;

// Setting keys read by purge_expired, with their defaults in days.
inline constexpr std::string_view kRetentionMeetingsDays = "retention.meetings_days";
inline constexpr std::string_view kRetentionAuditDays = "retention.audit_days";
inline constexpr uint64_t kDefaultMeetingsDays = 30;
inline constexpr uint64_t kDefaultAuditDays = 365;

// is_valid_name is the rule for usernames and profile names: 1 to 64
// characters from [a-z0-9._-].
bool is_valid_name(std::string_view name);

// is_audit_event says whether `event` is one of the fixed audit event names.
bool is_audit_event(std::string_view event);

// prepare_data_dir creates the data directory `dir` (and its parents) with
// mode 0700 when it does not exist. It returns true when the directory is
// private to its owner, false when an existing one grants the group or others
// any access (the caller warns: the secrets inside are protected file by file,
// REQ-STORE-012), and kStorage when it cannot be created or is not a
// directory.
[[nodiscard]] Result<bool> prepare_data_dir(const std::string& dir);

class Store {
 public:
  // open opens `path`, creating the file and the schema if missing and
  // migrating an older schema. A new database file is created with mode
  // 0600; an existing one that grants the group or others any access is
  // refused with kStorage (it holds password hashes and TOTP secrets,
  // REQ-STORE-012). The dummy password hash for unknown users is computed
  // here, before the first login (REQ-STORE-003). On failure `*out_message`
  // (if given) receives "PATH: SQLite's message" (or why the schema or the
  // file is unusable).
  [[nodiscard]] static Result<Store> open(const std::string& path, const StoreOptions& options = {},
                                          std::string* out_message = nullptr);

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  Store(Store&&) noexcept = default;
  Store& operator=(Store&&) noexcept = default;
  ~Store() = default;

  // last_error is "PATH: SQLite's message" for the latest kStorage error.
  const std::string& last_error() const { return db_.last_error(); }

  // ---- Accounts

  // create_user adds an account and returns its id. The username must pass
  // is_valid_name (else kInvalidArgument); a taken one is kAlreadyExists.
  [[nodiscard]] Result<int64_t> create_user(std::string_view username, std::string_view password,
                                            bool admin);
  // verify_login returns the user id if the password matches and, for an
  // account with TOTP, `totp_code` is a fresh valid code. Every failure
  // (unknown user, wrong password, missing, wrong or replayed code) is the
  // same kAuthFailed, and an unknown user costs the same Argon2id work.
  [[nodiscard]] Result<int64_t> verify_login(std::string_view username, std::string_view password,
                                             std::optional<std::string_view> totp_code,
                                             uint64_t now);
  // enable_totp gives the account a new TOTP secret (replacing any earlier
  // one) and returns the otpauth:// URI to show once as a QR code.
  [[nodiscard]] Result<std::string> enable_totp(int64_t user_id);
  // create_login_token returns a new 32-byte bearer token valid for
  // `ttl_seconds`; only its SHA-256 hash is stored.
  [[nodiscard]] Result<Bytes> create_login_token(int64_t user_id, uint64_t now,
                                                 uint64_t ttl_seconds);
  // resolve_login_token returns the user id of a valid, unexpired token, or
  // kAuthFailed.
  [[nodiscard]] Result<int64_t> resolve_login_token(ByteView token, uint64_t now);
  // revoke_login_token invalidates a token (logout); unknown tokens are fine.
  [[nodiscard]] Result<void> revoke_login_token(ByteView token);

  struct User {
    int64_t id = 0;
    std::string username;
    bool admin = false;
    bool totp = false;
    uint64_t created = 0;
  };
  [[nodiscard]] Result<std::vector<User>> list_users();
  [[nodiscard]] Result<User> user(std::string_view username);

  // export_user returns, as JSON text, everything stored about the user: the
  // account (no password hash, TOTP secret or tokens), the meetings it hosts
  // and the audit entries naming it (GDPR Art. 15 and 20).
  [[nodiscard]] Result<std::string> export_user(std::string_view username);
  // erase_user deletes the account, its tokens and its meetings' invitations,
  // titles and PINs (GDPR Art. 17). Audit entries stay (the chain must stay
  // verifiable) but only ever held a pseudonym of the username; erasure
  // deletes the link from pseudonym to name.
  [[nodiscard]] Result<void> erase_user(std::string_view username, uint64_t now);

  // ---- Meetings

  struct NewMeeting {
    std::string meeting_id;  // 16 random bytes, lower-case base32 (26 characters)
    Bytes invite_token;      // 32 random bytes; only the SHA-256 hash is stored
  };
  // create_meeting creates a meeting under an existing profile. An empty PIN
  // counts as none; a PIN is stored as an Argon2id hash.
  [[nodiscard]] Result<NewMeeting> create_meeting(int64_t host_user_id, std::string_view profile,
                                                  std::optional<std::string_view> pin,
                                                  std::string_view title, uint64_t now);
  struct Meeting {
    std::string meeting_id;
    int64_t host_user_id = 0;  // 0 once the host's account is erased
    std::string profile;
    std::string title;
    bool locked = false;
    bool ended = false;
    bool has_pin = false;
    uint64_t created = 0;
  };
  [[nodiscard]] Result<Meeting> meeting(std::string_view meeting_id);
  // check_invitation succeeds if `token` is the meeting's current invitation
  // and `pin` its PIN (if it has one). Wrong token, wrong or missing PIN, or
  // an unknown meeting are kAuthFailed; a locked or ended meeting, once the
  // token and PIN are right, is kPolicyViolation.
  [[nodiscard]] Result<void> check_invitation(std::string_view meeting_id, ByteView token,
                                              std::optional<std::string_view> pin);
  [[nodiscard]] Result<void> set_locked(std::string_view meeting_id, bool locked);
  [[nodiscard]] Result<void> end_meeting(std::string_view meeting_id, uint64_t now);
  // rotate_invitation returns a new invitation token; the old one stops
  // working at once.
  [[nodiscard]] Result<Bytes> rotate_invitation(std::string_view meeting_id);
  [[nodiscard]] Result<void> add_block(std::string_view meeting_id, ByteView identity_key);
  [[nodiscard]] Result<bool> is_blocked(std::string_view meeting_id, ByteView identity_key);

  // ---- Device certificates (the secret profile, spec/06 "Device certificates")

  struct Device {
    Bytes fingerprint;  // SHA-256 of the certificate's DER
    std::string serial_hex;
    std::string username;
    uint64_t issued = 0;
    uint64_t not_after = 0;
    std::optional<uint64_t> revoked;  // when, if revoked
  };
  // add_device records a certificate the organisation CA issued to an
  // existing account. kNotFound for an unknown user, kAlreadyExists for a
  // fingerprint or serial already recorded.
  [[nodiscard]] Result<void> add_device(std::string_view username, const Device& device);
  // device returns the record of a fingerprint (kNotFound if none).
  [[nodiscard]] Result<Device> device(ByteView fingerprint);
  // list_devices lists every device, or one account's, oldest first.
  [[nodiscard]] Result<std::vector<Device>> list_devices(
      std::optional<std::string_view> username = std::nullopt);
  // revoke_device revokes by serial (hex, either case); kNotFound if none.
  // Revocation is permanent; revoking twice keeps the first time.
  [[nodiscard]] Result<Device> revoke_device(std::string_view serial_hex, uint64_t now);

  // ---- Security profiles: open, restricted and secret are built in.

  struct Profile {
    std::string name;
    bool require_account = false;
    bool require_device_cert = false;
    bool lobby_mandatory = false;
    uint16_t cipher_suite = kDefaultCipherSuite;
    bool allow_recording = false;
    bool allow_gateways = false;
    bool builtin = false;
  };
  [[nodiscard]] Result<std::vector<Profile>> profiles();
  [[nodiscard]] Result<Profile> profile(std::string_view name);
  // put_profile creates or replaces an admin-defined profile. A built-in
  // name is kPolicyViolation; a suite other than 0x0001/0x0002 or a bad name
  // is kInvalidArgument. `builtin` is ignored.
  [[nodiscard]] Result<void> put_profile(const Profile& profile);

  // ---- Settings and retention

  [[nodiscard]] Result<void> set_setting(std::string_view key, std::string_view value);
  [[nodiscard]] Result<std::optional<std::string>> setting(std::string_view key);
  // purge_expired deletes ended meetings older than retention.meetings_days,
  // expired login tokens, and audit entries older than retention.audit_days.
  // The purged audit prefix leaves a checkpoint (its last id and entry hash)
  // from which verify_audit continues. Returns the number of rows deleted.
  [[nodiscard]] Result<size_t> purge_expired(uint64_t now);

  // ---- Audit log: append-only and hash-chained.

  // audit appends an entry. `event` must pass is_audit_event; `actor` (a
  // username or a participant's display identity) is stored only as a
  // pseudonym; `detail` is a short printable note that never holds message
  // content, keys or names (at most kMaxAuditFieldLen printable ASCII).
  [[nodiscard]] Result<void> audit(std::string_view event, std::string_view meeting_id,
                                   std::string_view actor, std::string_view detail, uint64_t now);
  struct AuditVerify {
    size_t entries = 0;
    Bytes head;  // entry hash of the newest entry (or of the checkpoint)
  };
  // verify_audit recomputes the whole chain from the checkpoint. A changed,
  // inserted or deleted entry is kAuthFailed, and last_error() names the
  // first bad row id.
  // dummy_hash_ready says whether the Argon2id hash that unknown-user
  // logins verify against exists; open() computes it, so it always does.
  bool dummy_hash_ready() const { return !dummy_hash_.empty(); }

  [[nodiscard]] Result<AuditVerify> verify_audit();
  // export_audit returns the entries (of one meeting, or all) as JSON lines.
  [[nodiscard]] Result<std::string> export_audit(std::optional<std::string_view> meeting_id);

 private:
  Store(Db db, const StoreOptions& options) : db_(std::move(db)), options_(options) {}
  [[nodiscard]] Result<std::string> pseudonym(std::string_view actor);
  [[nodiscard]] Result<void> append_audit(std::string_view event, std::string_view meeting_id,
                                          std::string_view actor_pseudonym, std::string_view detail,
                                          uint64_t now);
  [[nodiscard]] Result<uint64_t> retention_days(std::string_view key, uint64_t fallback);

  Db db_;
  StoreOptions options_;
  // Burned for unknown users; computed by open() so that the first unknown
  // user costs one Argon2id like every later one (finding V-04).
  std::string dummy_hash_;
};

}  // namespace conclave::store
