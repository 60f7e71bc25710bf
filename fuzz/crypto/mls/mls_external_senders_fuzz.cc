// Targets: parse_external_sender, parse_external_senders
// Requirements: REQ-MLS-308, REQ-MLS-011
//
// Input: selector byte (even: one ExternalSender, odd: the extension's
// list), then the encoding.
// Property: round trip (see mls_fuzz_util.h).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/mls/external_senders.h"
#include "fuzz/crypto/mls/mls_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
  fuzz::Selected in;
  if (!fuzz::select_input(data, size, &in)) {
    return 0;
  }
  if (in.selector % 2 == 0) {
    fuzz::check_round_trip<ExternalSender>(in.body, parse_external_sender, write_external_sender);
  } else {
    fuzz::check_round_trip<std::vector<ExternalSender>>(in.body, parse_external_senders,
                                                        write_external_senders);
  }
  return 0;
}
