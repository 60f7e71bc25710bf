// Helpers for the store tests: a fresh database file in a temporary
// directory, raw SQLite access for tampering, and reading the files back.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "store/store.h"

namespace conclave::store::testing {

// Small Argon2id parameters keep the tests fast; PasswordHash tests cover
// the defaults.
inline StoreOptions fast_options() {
  StoreOptions o;
  o.password_params = crypto::PasswordHashParams{64, 1, 1};
  return o;
}

// TempDir is a directory removed with everything in it at the end of a test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "conclave-store-XXXXXX").string();
    CONCLAVE_ASSERT(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// slurp returns the bytes of `path`, or an empty string if it is missing.
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// raw_exec runs SQL on the file directly, as an attacker with file access
// would, and returns SQLite's result code.
inline int raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open(path.c_str(), &db);
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  }
  sqlite3_close(db);
  // A file this helper creates must still pass Store::open's mode check.
  chmod(path.c_str(), 0600);
  return rc;
}

// raw_column returns the first column of every row of `sql`, joined by
// newlines, read straight from the file.
inline std::string raw_column(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(stmt, 0);
        out += t != nullptr ? reinterpret_cast<const char*>(t) : "";
        out += '\n';
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

template <typename T>
Err error_of(const Result<T>& r) {
  if (r.has_value()) {
    ADD_FAILURE() << "expected an error, got success";
    return Err::kUsage;
  }
  return r.error().code;
}

}  // namespace conclave::store::testing
