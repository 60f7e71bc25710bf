// Saving received data (files, media recordings) without ever replacing a
// file that exists.
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::client {

// save_new_file writes `data` to a file in `dir` named after `name` that did
// not exist before ("name", then "name (1)", ...) and returns its path.
// Control characters in `name` become '_', so that the name cannot disturb
// a terminal; `name` must not contain '/' (callers pass validated names).
// implements: REQ-CLIENT-008
[[nodiscard]] Result<std::string> save_new_file(const std::string& dir, std::string_view name,
                                                ByteView data);

}  // namespace conclave::client
