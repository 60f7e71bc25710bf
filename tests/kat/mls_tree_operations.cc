// Runs the MLS tree-operations.json vectors (mls-implementations
// test-vectors; RFC 9420 §7.8, §12.1): apply an Add, Update or Remove to
// tree_before (the tree only: no signature or lifetime checks), then compare
// the re-encoded tree with tree_after and both root tree hashes.
#include <nlohmann/json.hpp>

#include <string>
#include <variant>

#include "crypto/mls/proposal.h"
#include "crypto/mls/ratchet_tree.h"
#include "mls_kat_util.h"
#include "vector_kinds.h"
#include "vector_report.h"

namespace conclave::kat {

namespace {

using mls::LeafIndex;
using mls::PublicTree;

Result<void> apply(PublicTree& tree, const mls::Proposal& proposal, uint32_t sender) {
  if (const auto* add = std::get_if<mls::Add>(&proposal.body)) {
    CONCLAVE_TRY(tree.add_leaf(add->key_package.leaf_node));
    return {};
  }
  if (const auto* update = std::get_if<mls::Update>(&proposal.body)) {
    return tree.update_leaf(LeafIndex(sender), update->leaf_node);
  }
  if (const auto* remove = std::get_if<mls::Remove>(&proposal.body)) {
    return tree.remove_leaf(LeafIndex(remove->removed));
  }
  return Error(Err::kUnsupported, "not a tree proposal");
}

std::string check_entry(const mls::CipherSuite& suite, Fields& f) {
  const Bytes before = f.hex("tree_before");
  const Bytes after = f.hex("tree_after");
  const Bytes hash_before = f.hex("tree_hash_before");
  const Bytes hash_after = f.hex("tree_hash_after");
  const Bytes proposal_bytes = f.hex("proposal");
  const uint64_t sender = f.u64("proposal_sender");
  if (sender > UINT32_MAX) {
    f.fail("proposal_sender", "does not fit uint32");
  }
  if (!f.ok()) {
    return f.error();
  }
  auto tree = PublicTree::decode(suite, before);
  if (!tree) {
    return error_text("PublicTree::decode", tree.error());
  }
  auto proposal = mls::decode_proposal(proposal_bytes);
  if (!proposal) {
    return error_text("decode_proposal", proposal.error());
  }
  Checks c;
  auto h0 = tree->tree_hash();
  c.expect(h0.has_value(), "tree_hash before failed");
  if (h0) {
    c.expect_equal("tree_hash_before", *h0, hash_before);
  }
  if (auto a = apply(*tree, *proposal, static_cast<uint32_t>(sender)); !a) {
    return error_text("apply proposal", a.error());
  }
  auto encoded = tree->encode();
  c.expect(encoded.has_value(), "encode failed");
  if (encoded) {
    c.expect_equal("tree_after", *encoded, after);
  }
  auto h1 = tree->tree_hash();
  c.expect(h1.has_value(), "tree_hash after failed");
  if (h1) {
    c.expect_equal("tree_hash_after", *h1, hash_after);
  }
  return c.first();
}

FileReport run_tree_operations(const nlohmann::json& entries) {
  return run_suite_entries(entries, check_entry);
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_tree_operations, "mls tree-operations",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("tree_before") && e.contains("proposal") && e.contains("tree_after");
    },
    &run_tree_operations);

}  // namespace conclave::kat
