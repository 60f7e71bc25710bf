// Minimal JSON writing for the store's exports. Values come from the store
// (names, titles, ids), so strings are escaped fully; no JSON is ever parsed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace conclave::store {

// json_string returns `s` as a quoted JSON string: quotes, backslashes and
// control characters escaped, bytes >= 0x80 escaped as \u00XX so the output
// is ASCII whatever the input bytes are.
std::string json_string(std::string_view s);

}  // namespace conclave::store
