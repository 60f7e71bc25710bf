// Targets: conclave::mls::unprotect_public_message
// Requirements: REQ-MLS-401, REQ-MLS-402, REQ-MLS-403
//
// Input: an MLSMessage; a PublicMessage is unprotected against the fixed
// epoch of protection_fuzz_setup.h (the suite-1 message-protection vector).
// Properties: no crash; a refusal is a protocol or authentication error (or
// the lookup's); an accepted message is well formed: current group and
// epoch, not application data, sent by the member leaf whose key verified,
// with a membership tag of MAC length, and its AuthenticatedContent
// re-encodes.
#include <cstddef>
#include <cstdint>

#include "crypto/mls/message_protection.h"
#include "crypto/mls/mls_message.h"
#include "fuzz/crypto/mls/protection_fuzz_setup.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
  static const fuzz::ProtectionEpoch epoch;
  auto msg = decode_mls_message(conclave::ByteView(data, size));
  if (!msg || !std::holds_alternative<PublicMessage>(msg->body)) {
    return 0;
  }
  const PublicMessage& m = std::get<PublicMessage>(msg->body);
  const SignatureKeyLookup lookup = [](const FramedContent& c) { return epoch.lookup(c); };
  auto got = unprotect_public_message(epoch.suite, epoch.context, epoch.membership_key, m, lookup);
  if (!got) {
    const conclave::ErrCategory c = got.error().category();
    CONCLAVE_FUZZ_CHECK(c == conclave::ErrCategory::kProtocol ||
                        c == conclave::ErrCategory::kCrypto);
    return 0;
  }
  CONCLAVE_FUZZ_CHECK(got->wire_format == WireFormat::kPublicMessage);
  CONCLAVE_FUZZ_CHECK(got->content.content_type() != ContentType::kApplication);
  CONCLAVE_FUZZ_CHECK(conclave::equal(got->content.group_id, epoch.context.group_id));
  CONCLAVE_FUZZ_CHECK(got->content.epoch == epoch.context.epoch);
  CONCLAVE_FUZZ_CHECK(got->content.sender.sender_type == SenderType::kMember &&
                      got->content.sender.index == fuzz::kProtectionSenderLeaf);
  CONCLAVE_FUZZ_CHECK(m.membership_tag.size() == epoch.suite.nh());
  CONCLAVE_FUZZ_CHECK(encode_authenticated_content(*got).has_value());
  return 0;
}
