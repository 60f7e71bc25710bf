// Targets: parse_sender, parse_framed_content, parse_framed_content_auth_data,
// Targets: parse_authenticated_content, parse_sender_data, parse_private_message_content
// Requirements: REQ-MLS-003, REQ-MLS-007, REQ-MLS-008, REQ-MLS-017, REQ-MLS-010
//
// Input: selector byte, then the encoding. selector % 6 picks the parser;
// for the two parsers that need the content type, (selector / 6) % 3 + 1
// is it. Property: round trip (see mls_fuzz_util.h).
#include <cstddef>
#include <cstdint>

#include "crypto/mls/framing.h"
#include "fuzz/crypto/mls/mls_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
  using conclave::Reader;
  using conclave::Writer;
  fuzz::Selected in;
  if (!fuzz::select_input(data, size, &in)) {
    return 0;
  }
  const auto content_type = static_cast<ContentType>((in.selector / 6) % 3 + 1);
  switch (in.selector % 6) {
    case 0:
      fuzz::check_round_trip<Sender>(in.body, parse_sender, write_sender);
      break;
    case 1:
      fuzz::check_round_trip<FramedContent>(in.body, parse_framed_content, write_framed_content);
      break;
    case 2:
      fuzz::check_round_trip<FramedContentAuthData>(
          in.body, [&](Reader& r) { return parse_framed_content_auth_data(r, content_type); },
          [&](Writer& w, const FramedContentAuthData& a) {
            write_framed_content_auth_data(w, a, content_type);
          });
      break;
    case 3:
      fuzz::check_round_trip<AuthenticatedContent>(in.body, parse_authenticated_content,
                                                   write_authenticated_content);
      break;
    case 4:
      fuzz::check_round_trip<SenderData>(in.body, parse_sender_data, write_sender_data);
      break;
    default:
      fuzz::check_round_trip<PrivateMessageContent>(
          in.body, [&](Reader& r) { return parse_private_message_content(r, content_type); },
          write_private_message_content);
      break;
  }
  return 0;
}
