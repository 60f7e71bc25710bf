// The store's schema and its migrations, in one place.
//
// PRAGMA user_version holds the schema version. migrate() brings a new or
// older database to kSchemaVersion inside one transaction and refuses a
// database written by a newer build.
#pragma once

#include <string>

#include "core/result.h"
#include "store/sqlite.h"

namespace conclave::store {

inline constexpr int64_t kSchemaVersion = 2;

// configure sets the connection pragmas: WAL, foreign keys, secure delete
// (erased rows are overwritten, not left in free pages) and a busy timeout.
[[nodiscard]] Result<void> configure(Db& db);

// migrate creates or upgrades the schema. On failure `*out_message` (if
// given) says why.
[[nodiscard]] Result<void> migrate(Db& db, std::string* out_message);

}  // namespace conclave::store
