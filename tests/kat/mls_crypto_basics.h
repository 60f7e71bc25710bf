// Runs the MLS crypto-basics.json vectors (mls-implementations test-vectors,
// RFC 9420 §5.1, §5.2, §8, §9.1).
#pragma once

#include <nlohmann/json.hpp>

#include "vector_kinds.h"

namespace conclave::kat {

// run_mls_crypto_basics checks the entries of suites 0x0001 and 0x0002 and
// reports the others as skipped.
FileReport run_mls_crypto_basics(const nlohmann::json& entries);

}  // namespace conclave::kat
