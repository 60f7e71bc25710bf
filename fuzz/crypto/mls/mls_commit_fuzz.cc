// Targets: parse_hpke_ciphertext, parse_update_path_node, parse_update_path, parse_commit
// Requirements: REQ-MLS-007, REQ-MLS-011, REQ-MLS-010
//
// Input: selector byte (selector % 4 picks the parser), then the encoding.
// Property: round trip (see mls_fuzz_util.h).
#include <cstddef>
#include <cstdint>

#include "crypto/mls/commit.h"
#include "crypto/mls/hpke_ciphertext.h"
#include "fuzz/crypto/mls/mls_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
  fuzz::Selected in;
  if (!fuzz::select_input(data, size, &in)) {
    return 0;
  }
  switch (in.selector % 4) {
    case 0:
      fuzz::check_round_trip<HpkeCiphertext>(in.body, parse_hpke_ciphertext, write_hpke_ciphertext);
      break;
    case 1:
      fuzz::check_round_trip<UpdatePathNode>(in.body, parse_update_path_node,
                                             write_update_path_node);
      break;
    case 2:
      fuzz::check_round_trip<UpdatePath>(in.body, parse_update_path, write_update_path);
      break;
    default:
      fuzz::check_round_trip<Commit>(in.body, parse_commit, write_commit);
      break;
  }
  return 0;
}
