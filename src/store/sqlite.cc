#include "store/sqlite.h"

#include <sqlite3.h>

#include <limits>

namespace conclave::store {

Stmt::Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_), bind_rc_(o.bind_rc_) {
  o.stmt_ = nullptr;
}

Stmt::~Stmt() {
  if (stmt_ != nullptr) {
    sqlite3_finalize(stmt_);
  }
}

Stmt& Stmt::bind(int index, int64_t v) {
  const int rc = sqlite3_bind_int64(stmt_, index, v);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
  }
  return *this;
}

Stmt& Stmt::bind(int index, std::string_view v) {
  // SQLITE_TRANSIENT: SQLite copies the text, so `v` need not outlive step().
  const int rc =
      v.size() > static_cast<size_t>(std::numeric_limits<int>::max())
          ? SQLITE_TOOBIG
          : sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
  }
  return *this;
}

Stmt& Stmt::bind(int index, ByteView v) {
  // An empty view may have a null data pointer, which SQLite would store as
  // NULL; a zero-length blob keeps "empty" distinct from "absent".
  const int rc = v.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ? SQLITE_TOOBIG
                 : v.empty() ? sqlite3_bind_zeroblob(stmt_, index, 0)
                             : sqlite3_bind_blob(stmt_, index, v.data(), static_cast<int>(v.size()),
                                                 SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
  }
  return *this;
}

Stmt& Stmt::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
  }
  return *this;
}

Result<bool> Stmt::step() {
  if (bind_rc_ != SQLITE_OK) {
    return db_->fail("binding a statement parameter failed");
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return db_->fail("SQLite statement failed");
}

Result<void> Stmt::run() {
  for (;;) {
    CONCLAVE_TRY_ASSIGN(const bool row, step());
    if (!row) {
      return {};
    }
  }
}

int64_t Stmt::i64(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Stmt::text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  if (p == nullptr || n <= 0) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

Bytes Stmt::blob(int col) const {
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  if (p == nullptr || n <= 0) {
    return {};
  }
  return Bytes(p, p + n);
}

SecretBytes Stmt::secret(int col) const {
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  if (p == nullptr || n <= 0) {
    return SecretBytes();
  }
  return SecretBytes::copy_of(ByteView(p, static_cast<size_t>(n)));
}

bool Stmt::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

void Db::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Result<Db> Db::open(const std::string& path, std::string* out_message) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  if (rc != SQLITE_OK) {
    if (out_message != nullptr) {
      *out_message = path + ": " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    }
    sqlite3_close_v2(raw);
    return Error(Err::kStorage, "cannot open the database");
  }
  return Db(raw, path);
}

Error Db::fail(const char* detail) {
  last_error_ = path_ + ": " + sqlite3_errmsg(db_.get());
  return Error(Err::kStorage, detail);
}

Result<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return fail("cannot prepare a statement");
  }
  return Stmt(this, stmt);
}

Result<void> Db::exec(const char* sql) {
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail("SQLite statement failed");
  }
  return {};
}

int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

int Db::changes() const { return sqlite3_changes(db_.get()); }

Result<Transaction> Transaction::begin(Db& db) {
  CONCLAVE_TRY(db.exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) {
    (void)db_->exec("ROLLBACK");
  }
}

Result<void> Transaction::commit() {
  CONCLAVE_REQUIRE(db_ != nullptr, Err::kUsage);
  CONCLAVE_TRY(db_->exec("COMMIT"));
  db_ = nullptr;
  return {};
}

}  // namespace conclave::store
