// Targets: PublicTree::decode, PublicTree::from_nodes, PublicTree::validate,
// PublicTree::resolution, PublicTree::filtered_direct_path, PublicTree::all_tree_hashes
// Requirements: REQ-MLS-200, REQ-MLS-202, REQ-MLS-203, REQ-MLS-205
//
// Input: a selector byte (bit 0 picks cipher suite 1 or 2), a length byte
// n, n bytes of group_id, then an `optional<Node> ratchet_tree<V>`.
// Properties: no input crashes or aborts; a tree that loads re-encodes to
// exactly its input (padding and stripping are inverse, trailing blanks are
// refused); every resolution and filtered direct path is computable; and a
// tree that validates against its own root hash still re-encodes to its
// input.
#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/ratchet_tree.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave;       // NOLINT(google-build-using-namespace)
  using namespace conclave::mls;  // NOLINT(google-build-using-namespace)
  const ByteView in(data, size);
  if (in.size() < 2 || in.size() < size_t{2} + in[1]) {
    return 0;
  }
  const CipherSuite suite((in[0] & 1) == 0 ? CipherSuiteId::kX25519Aes128GcmSha256Ed25519
                                           : CipherSuiteId::kP256Aes128GcmSha256P256);
  const ByteView group_id = in.subspan(2, in[1]);
  const ByteView tree_bytes = in.subspan(size_t{2} + in[1]);

  auto tree = PublicTree::decode(suite, tree_bytes);
  if (!tree.has_value()) {
    CONCLAVE_FUZZ_CHECK(tree.error().category() == ErrCategory::kDecode ||
                        tree.error().category() == ErrCategory::kProtocol);
    return 0;
  }
  auto encoded = tree->encode();
  CONCLAVE_FUZZ_CHECK(encoded.has_value());
  CONCLAVE_FUZZ_CHECK(equal(*encoded, tree_bytes));

  const TreeSize ts = tree->size();
  for (uint32_t n = 0; n < ts.node_width(); ++n) {
    CONCLAVE_FUZZ_CHECK(tree->resolution(NodeIndex(n)).has_value());
  }
  for (uint32_t l = 0; l < ts.leaf_count(); ++l) {
    CONCLAVE_FUZZ_CHECK(tree->filtered_direct_path(LeafIndex(l)).has_value());
  }
  auto hashes = tree->all_tree_hashes();
  CONCLAVE_FUZZ_CHECK(hashes.has_value());
  const Bytes root_hash = (*hashes)[root(ts).value()];

  const LeafValidationParams params{group_id, nullptr, std::nullopt};
  if (tree->validate(root_hash, params).has_value()) {
    auto again = tree->encode();
    CONCLAVE_FUZZ_CHECK(again.has_value() && equal(*again, tree_bytes));
  }
  return 0;
}
