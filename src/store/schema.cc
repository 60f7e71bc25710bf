#include "store/schema.h"

#include <array>

#include "crypto/rand.h"

namespace conclave::store {

namespace {

// Version 1. The audit table is append-only: triggers refuse every UPDATE,
// and every DELETE of a row the checkpoint does not already cover, so only
// the retention purge (which first moves the checkpoint) can remove rows.
// implements: REQ-STORE-004, REQ-STORE-010
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL);
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  admin INTEGER NOT NULL,
  totp_secret BLOB,
  totp_last_step INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL);
CREATE TABLE login_tokens(
  token_hash BLOB PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires INTEGER NOT NULL);
CREATE INDEX login_tokens_user ON login_tokens(user_id);
CREATE TABLE profiles(
  name TEXT PRIMARY KEY,
  require_account INTEGER NOT NULL,
  require_device_cert INTEGER NOT NULL,
  lobby_mandatory INTEGER NOT NULL,
  cipher_suite INTEGER NOT NULL,
  allow_recording INTEGER NOT NULL,
  allow_gateways INTEGER NOT NULL,
  builtin INTEGER NOT NULL);
CREATE TABLE meetings(
  meeting_id TEXT PRIMARY KEY,
  host_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  profile TEXT NOT NULL REFERENCES profiles(name),
  title TEXT NOT NULL,
  invite_hash BLOB,
  pin_hash TEXT,
  locked INTEGER NOT NULL DEFAULT 0,
  ended INTEGER,
  created INTEGER NOT NULL);
CREATE INDEX meetings_host ON meetings(host_user_id);
CREATE TABLE blocks(
  meeting_id TEXT NOT NULL REFERENCES meetings(meeting_id) ON DELETE CASCADE,
  identity_key BLOB NOT NULL,
  PRIMARY KEY(meeting_id, identity_key));
CREATE TABLE settings(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);
CREATE TABLE audit(
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  event TEXT NOT NULL,
  meeting_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT NOT NULL,
  entry_hash BLOB NOT NULL);
CREATE INDEX audit_meeting ON audit(meeting_id);
CREATE INDEX audit_actor ON audit(actor);
CREATE TABLE audit_checkpoint(
  singleton INTEGER PRIMARY KEY CHECK(singleton = 1),
  last_id INTEGER NOT NULL,
  head BLOB NOT NULL);
INSERT INTO audit_checkpoint VALUES(1, 0, zeroblob(32));
CREATE TABLE audit_actors(
  pseudonym TEXT PRIMARY KEY,
  actor TEXT NOT NULL);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
WHEN OLD.id > (SELECT last_id FROM audit_checkpoint)
BEGIN SELECT RAISE(ABORT, 'audit entries are removed only behind the checkpoint'); END;
CREATE TRIGGER audit_checkpoint_forward BEFORE UPDATE ON audit_checkpoint
WHEN NEW.last_id < OLD.last_id
BEGIN SELECT RAISE(ABORT, 'the audit checkpoint only moves forward'); END;
CREATE TRIGGER audit_checkpoint_kept BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'the audit checkpoint cannot be deleted'); END;
INSERT INTO profiles VALUES('open', 0, 0, 0, 2, 0, 0, 1);
INSERT INTO profiles VALUES('restricted', 1, 0, 1, 2, 0, 0, 1);
INSERT INTO profiles VALUES('secret', 1, 1, 1, 2, 0, 0, 1);
)sql";

// Version 2: device certificates of the secret profile. The certificate
// itself lives on the device; the store keeps what the server checks at
// Hello (spec/06 "Device certificates"): which account a fingerprint belongs
// to, until when, and whether it was revoked.
// implements: REQ-STORE-011
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE devices(
  fingerprint BLOB PRIMARY KEY,
  serial TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  issued INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  revoked INTEGER);
CREATE INDEX devices_user ON devices(user_id);
)sql";

void set_message(std::string* out_message, const std::string& text) {
  if (out_message != nullptr) {
    *out_message = text;
  }
}

}  // namespace

Result<void> configure(Db& db) {
  CONCLAVE_TRY(db.exec("PRAGMA foreign_keys = ON"));
  CONCLAVE_TRY(db.exec("PRAGMA secure_delete = ON"));
  CONCLAVE_TRY(db.exec("PRAGMA busy_timeout = 5000"));
  // journal_mode returns a row: step it through a statement.
  CONCLAVE_TRY_ASSIGN(Stmt wal, db.prepare("PRAGMA journal_mode = WAL"));
  CONCLAVE_TRY(wal.run());
  return {};
}

Result<void> migrate(Db& db, std::string* out_message) {
  CONCLAVE_TRY_ASSIGN(Transaction tx, Transaction::begin(db));
  CONCLAVE_TRY_ASSIGN(Stmt version_stmt, db.prepare("PRAGMA user_version"));
  CONCLAVE_TRY_ASSIGN(const bool has_row, version_stmt.step());
  const int64_t version = has_row ? version_stmt.i64(0) : 0;
  if (version > kSchemaVersion) {
    set_message(out_message, "schema version " + std::to_string(version) +
                                 " is newer than this build understands (" +
                                 std::to_string(kSchemaVersion) + ")");
    return Error(Err::kUnsupported, "database schema is newer than this build");
  }
  if (version == kSchemaVersion) {
    return tx.commit();
  }
  // Version 0: a new, empty file. Each later version adds one step below.
  if (version == 0) {
    if (!db.exec(kSchemaV1)) {
      set_message(out_message, db.last_error());
      return Error(Err::kStorage, "cannot create the schema");
    }
    // The salt of the audit pseudonyms: random per installation, so a
    // pseudonym cannot be matched against a list of names hashed elsewhere.
    std::array<uint8_t, 32> salt{};
    CONCLAVE_TRY(crypto::random_bytes(salt));
    CONCLAVE_TRY_ASSIGN(Stmt ins,
                        db.prepare("INSERT INTO meta(key, value) VALUES('pseudonym_salt', ?1)"));
    CONCLAVE_TRY(ins.bind(1, ByteView(salt)).run());
  }
  if (version <= 1 && !db.exec(kSchemaV2)) {
    set_message(out_message, db.last_error());
    return Error(Err::kStorage, "cannot migrate the schema to version 2");
  }
  CONCLAVE_TRY(db.exec("PRAGMA user_version = 2"));
  return tx.commit();
}

}  // namespace conclave::store
