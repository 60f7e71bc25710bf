// Targets: conclave::protocol::from_wire, conclave::protocol::to_wire
// Requirements: REQ-SIG-001, REQ-SIG-002, REQ-SIG-003, REQ-SIG-004, REQ-SIG-005, REQ-SIG-053,
// REQ-SIG-054
//
// Input: one signaling Envelope as it arrives on the WebSocket.
// Property: from_wire returns (never throws, never aborts); what it accepts,
// to_wire encodes, and decoding that encoding gives the same value. The
// bytes need not be identical: Cap'n Proto has several encodings of one
// value (far pointers, segment splits, padding), and the adapter accepts any
// of them.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "protocol/wire/signaling_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::protocol;  // NOLINT(google-build-using-namespace)
  auto first = from_wire(conclave::ByteView(data, size));
  if (!first.has_value()) {
    CONCLAVE_FUZZ_CHECK(first.error().category() == conclave::ErrCategory::kDecode ||
                        first.error().category() == conclave::ErrCategory::kProtocol);
    return 0;
  }
  auto wire = to_wire(*first);
  CONCLAVE_FUZZ_CHECK(wire.has_value());
  auto second = from_wire(*wire);
  CONCLAVE_FUZZ_CHECK(second.has_value());
  CONCLAVE_FUZZ_CHECK(*second == *first);
  return 0;
}
