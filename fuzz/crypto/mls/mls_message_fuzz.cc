// Targets: conclave::mls::parse_mls_message (and through it parse_public_message,
// Targets: parse_private_message, parse_welcome, parse_group_info, parse_key_package)
// Requirements: REQ-MLS-001, REQ-MLS-002, REQ-MLS-004, REQ-MLS-009, REQ-MLS-010
//
// Input: one MLSMessage. Property: a rejected input fails with a decode or
// protocol error; an accepted one re-encodes to the same bytes. Seeds: every
// MLSMessage field of three messages.json entries (one per suite).
#include <cstddef>
#include <cstdint>

#include "crypto/mls/mls_message.h"
#include "fuzz/crypto/mls/mls_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
  fuzz::check_round_trip<MlsMessage>(conclave::ByteView(data, size), parse_mls_message,
                                     write_mls_message);
  return 0;
}
