// Targets: conclave::Reader, conclave::Writer (through the SampleNode grammar)
// Requirements: REQ-WIRE-001, REQ-WIRE-002, REQ-WIRE-003, REQ-WIRE-004, REQ-WIRE-005, REQ-WIRE-006
//
// Property: whatever the Reader accepts, the Writer re-encodes to exactly the
// same bytes (every encoding in the grammar is canonical), and a rejected
// input reports a decode-category error.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "tests/support/sample_grammar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const conclave::ByteView in(data, size);
  auto parsed = conclave::testing::decode_sample(in);
  if (!parsed.has_value()) {
    CONCLAVE_FUZZ_CHECK(parsed.error().category() == conclave::ErrCategory::kDecode);
    CONCLAVE_FUZZ_CHECK(parsed.error().offset <= size);
    return 0;
  }
  auto again = conclave::testing::encode_sample(*parsed);
  CONCLAVE_FUZZ_CHECK(again.has_value());
  CONCLAVE_FUZZ_CHECK(conclave::equal(*again, in));
  return 0;
}
