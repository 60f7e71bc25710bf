// Targets: conclave::parse_json_object, conclave::write_json_object
// Requirements: REQ-CLIENT-007
//
// Property: whatever parse_json_object accepts, write_json_object encodes,
// and that encoding parses back to the same object and is a fixed point
// (the writer's form is canonical). A rejected input reports an error whose
// offset lies inside the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json_object.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = conclave::parse_json_object(text);
  if (!parsed.has_value()) {
    CONCLAVE_FUZZ_CHECK(parsed.error().offset <= size);
    return 0;
  }
  auto written = conclave::write_json_object(*parsed);
  CONCLAVE_FUZZ_CHECK(written.has_value());
  auto again = conclave::parse_json_object(*written);
  CONCLAVE_FUZZ_CHECK(again.has_value());
  CONCLAVE_FUZZ_CHECK(*again == *parsed);
  auto rewritten = conclave::write_json_object(*again);
  CONCLAVE_FUZZ_CHECK(rewritten.has_value() && *rewritten == *written);
  return 0;
}
