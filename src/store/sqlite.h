// A thin RAII layer over SQLite for the store: one connection, prepared
// statements with bound parameters only (no SQL is ever built from input),
// and SQLite's error text kept for the caller to report.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"

struct sqlite3;
struct sqlite3_stmt;

namespace conclave::store {

class Db;

// Stmt is one prepared statement. Parameters are bound by 1-based index;
// step() returns true while a row is available. Columns are read by 0-based
// index. A Stmt borrows its Db, which must outlive it.
class Stmt {
 public:
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  Stmt& bind(int index, int64_t v);
  Stmt& bind(int index, std::string_view v);
  Stmt& bind(int index, ByteView v);
  Stmt& bind_null(int index);

  // step runs the statement one row further: true if a row is available,
  // false when done, kStorage on failure (a bind failure is reported here).
  [[nodiscard]] Result<bool> step();
  // run steps until done (for statements that return no rows).
  [[nodiscard]] Result<void> run();

  int64_t i64(int col) const;
  std::string text(int col) const;
  Bytes blob(int col) const;
  // secret copies a blob column straight into SecretBytes (key material).
  SecretBytes secret(int col) const;
  bool is_null(int col) const;

 private:
  friend class Db;
  Stmt(Db* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Db* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = 0;
};

// Db owns one SQLite connection. It is movable (the Store returns it in a
// Result) but not copyable.
class Db {
 public:
  // open opens or creates `path`; on failure `*out_message` (if given)
  // receives "PATH: SQLite's message".
  [[nodiscard]] static Result<Db> open(const std::string& path, std::string* out_message);

  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  Db(Db&& o) noexcept = default;
  Db& operator=(Db&& o) noexcept = default;
  ~Db() = default;

  // prepare compiles `sql` (a constant of the store, never built from input).
  [[nodiscard]] Result<Stmt> prepare(std::string_view sql);
  // exec runs constant SQL text that may hold several statements (schema).
  [[nodiscard]] Result<void> exec(const char* sql);
  int64_t last_insert_rowid() const;
  int changes() const;

  // last_error is SQLite's message for the most recent failure, prefixed
  // with the file's path.
  const std::string& last_error() const { return last_error_; }
  Error fail(const char* detail);
  // note replaces last_error with a message of the store's own.
  void note(const std::string& message) { last_error_ = path_ + ": " + message; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
  std::string last_error_;
};

// Transaction runs BEGIN IMMEDIATE on construction and ROLLBACK on
// destruction unless commit() succeeded, so an early error return leaves the
// database as it was (compute, then commit).
class Transaction {
 public:
  [[nodiscard]] static Result<Transaction> begin(Db& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  [[nodiscard]] Result<void> commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;  // null once committed or moved from
};

}  // namespace conclave::store
