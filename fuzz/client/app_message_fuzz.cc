// Targets: conclave::client::parse_app_message, encode_app_message
// Requirements: REQ-CLIENT-002
//
// Property: whatever decode_app_message accepts re-encodes to exactly the
// input (the encoding is canonical), and passes validate_app_message; a
// rejected input reports a decode-category error inside the input.
#include <cstddef>
#include <cstdint>

#include "client/app_message.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const conclave::ByteView in(data, size);
  auto parsed = conclave::client::decode_app_message(in);
  if (!parsed.has_value()) {
    CONCLAVE_FUZZ_CHECK(parsed.error().category() == conclave::ErrCategory::kDecode);
    CONCLAVE_FUZZ_CHECK(parsed.error().offset <= size);
    return 0;
  }
  CONCLAVE_FUZZ_CHECK(conclave::client::validate_app_message(*parsed).has_value());
  auto again = conclave::client::encode_app_message(*parsed);
  CONCLAVE_FUZZ_CHECK(again.has_value());
  CONCLAVE_FUZZ_CHECK(conclave::equal(*again, in));
  return 0;
}
