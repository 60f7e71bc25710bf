// Targets: parse_certificate, parse_credential, parse_extension, parse_extensions,
// Targets: parse_capabilities, parse_lifetime, parse_leaf_node, parse_key_package
// Requirements: REQ-MLS-003..006, REQ-MLS-010, REQ-MLS-011, REQ-MLS-016
//
// Input: selector byte (selector % 8 picks the parser), then the encoding.
// Property: round trip (see mls_fuzz_util.h).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/mls/credential.h"
#include "crypto/mls/extension.h"
#include "crypto/mls/key_package.h"
#include "fuzz/crypto/mls/mls_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
  fuzz::Selected in;
  if (!fuzz::select_input(data, size, &in)) {
    return 0;
  }
  switch (in.selector % 8) {
    case 0:
      fuzz::check_round_trip<Certificate>(in.body, parse_certificate, write_certificate);
      break;
    case 1:
      fuzz::check_round_trip<Credential>(in.body, parse_credential, write_credential);
      break;
    case 2:
      fuzz::check_round_trip<Extension>(in.body, parse_extension, write_extension);
      break;
    case 3:
      fuzz::check_round_trip<std::vector<Extension>>(in.body, parse_extensions, write_extensions);
      break;
    case 4:
      fuzz::check_round_trip<Capabilities>(in.body, parse_capabilities, write_capabilities);
      break;
    case 5:
      fuzz::check_round_trip<Lifetime>(in.body, parse_lifetime, write_lifetime);
      break;
    case 6:
      fuzz::check_round_trip<LeafNode>(in.body, parse_leaf_node, write_leaf_node);
      break;
    default:
      fuzz::check_round_trip<KeyPackage>(in.body, parse_key_package, write_key_package);
      break;
  }
  return 0;
}
