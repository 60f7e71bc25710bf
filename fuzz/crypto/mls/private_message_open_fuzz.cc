// Targets: conclave::mls::unprotect_private_message
// Requirements: REQ-MLS-403, REQ-MLS-405, REQ-MLS-407, REQ-MLS-408
//
// Input: an MLSMessage; a PrivateMessage is unprotected against the fixed
// epoch of protection_fuzz_setup.h (the suite-1 message-protection vector),
// with a fresh secret tree per input, under both handshake policies.
// Properties: no crash; a refused message leaves the tree exactly as it was;
// an accepted message is well formed (group, epoch, content type and
// authenticated_data are the message's, the sender is the member leaf whose
// key verified, the content re-encodes) and consumed its key, so the same
// message is then refused (replay); the Conclave policy never accepts a
// handshake message.
#include <cstddef>
#include <cstdint>

#include "crypto/mls/message_protection.h"
#include "crypto/mls/mls_message.h"
#include "fuzz/crypto/mls/protection_fuzz_setup.h"
#include "fuzz/fuzz_check.h"

namespace {

using conclave::ByteView;
using namespace conclave::mls;  // NOLINT(google-build-using-namespace)

struct Snapshot {
  uint64_t next[2][2];
  size_t skipped[2][2];
  size_t nodes;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const SecretTree& t) {
  Snapshot s{};
  for (uint32_t leaf = 0; leaf < 2; ++leaf) {
    for (int r = 0; r < 2; ++r) {
      const RatchetType type = r == 0 ? RatchetType::kHandshake : RatchetType::kApplication;
      s.next[leaf][r] = t.next_generation(LeafIndex(leaf), type);
      s.skipped[leaf][r] = t.skipped_key_count(LeafIndex(leaf), type);
    }
  }
  s.nodes = t.node_secret_count();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::ProtectionEpoch epoch;
  auto msg = decode_mls_message(ByteView(data, size));
  if (!msg || !std::holds_alternative<PrivateMessage>(msg->body)) {
    return 0;
  }
  const PrivateMessage& m = std::get<PrivateMessage>(msg->body);
  const IsMember is_member = [](LeafIndex leaf) { return leaf.value() < 2; };
  const SignatureKeyLookup lookup = [](const FramedContent& c) { return epoch.lookup(c); };

  for (HandshakePolicy policy : {HandshakePolicy::kConclave, HandshakePolicy::kRfc9420}) {
    SecretTree tree = epoch.tree();
    const Snapshot before = snapshot(tree);
    auto got = unprotect_private_message(epoch.suite, epoch.context, epoch.sender_data_secret, tree,
                                         m, is_member, lookup, policy);
    if (!got) {
      CONCLAVE_FUZZ_CHECK(snapshot(tree) == before);
      continue;
    }
    CONCLAVE_FUZZ_CHECK(policy == HandshakePolicy::kRfc9420 ||
                        m.content_type == ContentType::kApplication);
    CONCLAVE_FUZZ_CHECK(got->wire_format == WireFormat::kPrivateMessage);
    CONCLAVE_FUZZ_CHECK(got->content.content_type() == m.content_type);
    CONCLAVE_FUZZ_CHECK(conclave::equal(got->content.group_id, epoch.context.group_id));
    CONCLAVE_FUZZ_CHECK(got->content.epoch == epoch.context.epoch);
    CONCLAVE_FUZZ_CHECK(conclave::equal(got->content.authenticated_data, m.authenticated_data));
    CONCLAVE_FUZZ_CHECK(got->content.sender.sender_type == SenderType::kMember &&
                        got->content.sender.index == fuzz::kProtectionSenderLeaf);
    CONCLAVE_FUZZ_CHECK(encode_authenticated_content(*got).has_value());
    CONCLAVE_FUZZ_CHECK(!(snapshot(tree) == before));
    const Snapshot after = snapshot(tree);
    CONCLAVE_FUZZ_CHECK(!unprotect_private_message(epoch.suite, epoch.context,
                                                   epoch.sender_data_secret, tree, m, is_member,
                                                   lookup, policy)
                             .has_value());
    CONCLAVE_FUZZ_CHECK(snapshot(tree) == after);
  }
  return 0;
}
