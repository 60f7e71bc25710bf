// Targets: parse_parent_node, parse_node, parse_ratchet_tree
// Requirements: REQ-MLS-003, REQ-MLS-007, REQ-MLS-011, REQ-MLS-010
//
// Input: selector byte (selector % 3 picks the parser), then the encoding.
// Property: round trip (see mls_fuzz_util.h).
#include <cstddef>
#include <cstdint>

#include "crypto/mls/ratchet_tree_nodes.h"
#include "fuzz/crypto/mls/mls_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
  fuzz::Selected in;
  if (!fuzz::select_input(data, size, &in)) {
    return 0;
  }
  switch (in.selector % 3) {
    case 0:
      fuzz::check_round_trip<ParentNode>(in.body, parse_parent_node, write_parent_node);
      break;
    case 1:
      fuzz::check_round_trip<Node>(in.body, parse_node, write_node);
      break;
    default:
      fuzz::check_round_trip<RatchetTree>(in.body, parse_ratchet_tree, write_ratchet_tree);
      break;
  }
  return 0;
}
