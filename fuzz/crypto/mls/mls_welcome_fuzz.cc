// Targets: parse_path_secret, parse_group_secrets, parse_encrypted_group_secrets, parse_welcome,
// Targets: parse_group_context, parse_group_info
// Requirements: REQ-MLS-004, REQ-MLS-006, REQ-MLS-007, REQ-MLS-011, REQ-MLS-015, REQ-MLS-010
//
// Input: selector byte (selector % 6 picks the parser), then the encoding.
// Property: round trip (see mls_fuzz_util.h).
#include <cstddef>
#include <cstdint>

#include "crypto/mls/group_info.h"
#include "crypto/mls/welcome.h"
#include "fuzz/crypto/mls/mls_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
  fuzz::Selected in;
  if (!fuzz::select_input(data, size, &in)) {
    return 0;
  }
  switch (in.selector % 6) {
    case 0:
      fuzz::check_round_trip<PathSecret>(in.body, parse_path_secret, write_path_secret);
      break;
    case 1:
      fuzz::check_round_trip<GroupSecrets>(in.body, parse_group_secrets, write_group_secrets);
      break;
    case 2:
      fuzz::check_round_trip<EncryptedGroupSecrets>(in.body, parse_encrypted_group_secrets,
                                                    write_encrypted_group_secrets);
      break;
    case 3:
      fuzz::check_round_trip<Welcome>(in.body, parse_welcome, write_welcome);
      break;
    case 4:
      fuzz::check_round_trip<GroupContext>(in.body, parse_group_context, write_group_context);
      break;
    default:
      fuzz::check_round_trip<GroupInfo>(in.body, parse_group_info, write_group_info);
      break;
  }
  return 0;
}
