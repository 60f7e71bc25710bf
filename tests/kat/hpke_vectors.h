// Runs an RFC 9180 test-vector file (a JSON array of Appendix A entries).
#pragma once

#include <nlohmann/json.hpp>

#include "vector_kinds.h"

namespace conclave::kat {

// run_hpke_vectors checks every entry of `entries` and reports one
// pass/fail/skip per entry.
FileReport run_hpke_vectors(const nlohmann::json& entries);

}  // namespace conclave::kat
