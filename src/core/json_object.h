// JsonObject: a strict reader and writer for the one JSON shape Conclave's
// HTTPS API exchanges: a single flat object whose values are strings,
// integers or booleans (RFC 8259, restricted).
//
// It is a parser of untrusted input (server answers in the client, request
// bodies in the server), so it is small, bounded and refuses rather than
// guesses: no nesting, arrays, null, fractions or exponents (kUnsupported);
// no duplicate keys, no lone surrogates, no NUL, no invalid UTF-8, no leading
// zeros, no integer outside int64 (kInvalidValue); nothing after the object
// but whitespace (kTrailingData); at most kMaxJsonObjectLen bytes,
// kMaxJsonMembers members and kMaxJsonKeyLen bytes per key (kLengthLimit).
// Duplicate keys are refused because two parsers that keep different copies
// would read the same bytes as different requests (T-02).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"

namespace conclave {

// Implementation limits (no spec constant: the HTTPS bodies they bound are
// a few hundred bytes).
inline constexpr size_t kMaxJsonObjectLen = 64 * 1024;
inline constexpr size_t kMaxJsonMembers = 64;
inline constexpr size_t kMaxJsonKeyLen = 128;

using JsonValue = std::variant<std::string, int64_t, bool>;

// JsonObject keeps its members in the order they were read or set.
struct JsonObject {
  std::vector<std::pair<std::string, JsonValue>> members;

  // find returns the value of `key`, or nullptr (a borrow valid until the
  // object changes).
  const JsonValue* find(std::string_view key) const;
  // get_string / get_int / get_bool return the value of `key` when it is
  // present and of that type, nullptr otherwise.
  const std::string* get_string(std::string_view key) const;
  const int64_t* get_int(std::string_view key) const;
  const bool* get_bool(std::string_view key) const;
  // set replaces the value of `key` or appends it.
  void set(std::string key, JsonValue value);

  bool operator==(const JsonObject&) const = default;
};

// parse_json_object reads exactly one object from `text` (see the header
// comment for what it refuses). Errors carry the byte offset.
[[nodiscard]] Result<JsonObject> parse_json_object(std::string_view text);

// write_json_object encodes `object` compactly (no whitespace; only '"',
// '\\' and control characters escaped). It refuses what parse_json_object
// would refuse: duplicate keys, too many members, long keys, text that is
// not UTF-8 or holds NUL (kInvalidArgument / kValueTooLarge), so that
// parse_json_object(write_json_object(o)) == o for every accepted `o`.
[[nodiscard]] Result<std::string> write_json_object(const JsonObject& object);

// is_valid_utf8 says whether `s` is well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace conclave
