// Targets: parse_add, parse_update, parse_remove, parse_pre_shared_key_id, parse_pre_shared_key,
// Targets: parse_re_init, parse_external_init, parse_group_context_extensions, parse_proposal,
// Targets: parse_proposal_or_ref
// Requirements: REQ-MLS-003, REQ-MLS-004, REQ-MLS-005, REQ-MLS-006, REQ-MLS-010
//
// Input: selector byte (selector % 10 picks the parser), then the encoding.
// Property: round trip (see mls_fuzz_util.h).
#include <cstddef>
#include <cstdint>

#include "crypto/mls/proposal.h"
#include "fuzz/crypto/mls/mls_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
  fuzz::Selected in;
  if (!fuzz::select_input(data, size, &in)) {
    return 0;
  }
  switch (in.selector % 10) {
    case 0:
      fuzz::check_round_trip<Add>(in.body, parse_add, write_add);
      break;
    case 1:
      fuzz::check_round_trip<Update>(in.body, parse_update, write_update);
      break;
    case 2:
      fuzz::check_round_trip<Remove>(in.body, parse_remove, write_remove);
      break;
    case 3:
      fuzz::check_round_trip<PreSharedKeyId>(in.body, parse_pre_shared_key_id,
                                             write_pre_shared_key_id);
      break;
    case 4:
      fuzz::check_round_trip<PreSharedKey>(in.body, parse_pre_shared_key, write_pre_shared_key);
      break;
    case 5:
      fuzz::check_round_trip<ReInit>(in.body, parse_re_init, write_re_init);
      break;
    case 6:
      fuzz::check_round_trip<ExternalInit>(in.body, parse_external_init, write_external_init);
      break;
    case 7:
      fuzz::check_round_trip<GroupContextExtensions>(in.body, parse_group_context_extensions,
                                                     write_group_context_extensions);
      break;
    case 8:
      fuzz::check_round_trip<Proposal>(in.body, parse_proposal, write_proposal);
      break;
    default:
      fuzz::check_round_trip<ProposalOrRef>(in.body, parse_proposal_or_ref, write_proposal_or_ref);
      break;
  }
  return 0;
}
