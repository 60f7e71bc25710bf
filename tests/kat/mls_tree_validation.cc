// Runs the MLS tree-validation.json vectors (mls-implementations
// test-vectors; RFC 9420 §4.1.1, §7.8, §7.9.2, §12.4.3.1): for every node of
// the padded tree, its resolution and tree hash; then the whole tree must
// pass a joiner's validation (parent hashes, leaf signatures with the
// group_id, unmerged leaves, key uniqueness), and re-encode to its input.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "crypto/mls/ratchet_tree.h"
#include "crypto/mls/tree_math.h"
#include "mls_kat_util.h"
#include "vector_kinds.h"
#include "vector_report.h"

namespace conclave::kat {

namespace {

using mls::NodeIndex;
using mls::PublicTree;

// The vectors' key_package lifetimes run from 2023 to 2024 (README §0): the
// injected clock reads 2023-12-01T00:00:00Z, inside them.
constexpr uint64_t kVectorClock = 1701388800;

std::string check_entry(const mls::CipherSuite& suite, Fields& f) {
  const Bytes tree_bytes = f.hex("tree");
  const Bytes group_id = f.hex("group_id");
  const nlohmann::json* resolutions = f.array("resolutions");
  const nlohmann::json* hashes = f.array("tree_hashes");
  if (!f.ok()) {
    return f.error();
  }
  auto tree = PublicTree::decode(suite, tree_bytes);
  if (!tree) {
    return error_text("PublicTree::decode", tree.error());
  }
  const uint32_t width = tree->size().node_width();
  if (resolutions->size() != width || hashes->size() != width) {
    return "resolutions/tree_hashes length differs from the padded tree (" + std::to_string(width) +
           " nodes)";
  }
  auto all = tree->all_tree_hashes();
  if (!all) {
    return error_text("all_tree_hashes", all.error());
  }
  Checks c;
  for (uint32_t i = 0; i < width; ++i) {
    const std::string node = "node " + std::to_string(i);
    auto want_hash = from_hex((*hashes)[i].is_string() ? (*hashes)[i].get<std::string>() : "x");
    if (!want_hash) {
      return node + ": bad tree_hashes entry";
    }
    c.expect_equal(node + " tree hash", (*all)[i], *want_hash);
    auto single = tree->node_tree_hash(NodeIndex(i));
    c.expect(single.has_value() && equal(*single, *want_hash), node + ": node_tree_hash differs");
    auto res = tree->resolution(NodeIndex(i));
    if (!res) {
      return error_text("resolution", res.error());
    }
    std::vector<uint64_t> got;
    for (const NodeIndex n : *res) {
      got.push_back(n.value());
    }
    const nlohmann::json& want = (*resolutions)[i];
    bool same = want.is_array() && want.size() == got.size();
    for (size_t k = 0; same && k < got.size(); ++k) {
      same = want[k].is_number_unsigned() && want[k].get<uint64_t>() == got[k];
    }
    c.expect(same, node + ": resolution differs");
  }
  if (!c.ok()) {
    return c.first();
  }
  auto root_hash = tree->tree_hash();
  if (!root_hash) {
    return error_text("tree_hash", root_hash.error());
  }
  const mls::LeafValidationParams params{group_id, nullptr, kVectorClock};
  if (auto v = tree->validate(*root_hash, params); !v) {
    return error_text("validate", v.error());
  }
  // A different expected tree hash must be refused.
  Bytes wrong_hash = *root_hash;
  wrong_hash[0] ^= 1;
  c.expect(!tree->validate(wrong_hash, params).has_value(), "validate accepted a wrong tree hash");
  auto encoded = tree->encode();
  if (!encoded) {
    return error_text("encode", encoded.error());
  }
  c.expect_equal("re-encoded tree", *encoded, tree_bytes);
  return c.first();
}

FileReport run_tree_validation(const nlohmann::json& entries) {
  return run_suite_entries(entries, check_entry);
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_tree_validation, "mls tree-validation",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("tree") && e.contains("resolutions") && e.contains("tree_hashes");
    },
    &run_tree_validation);

}  // namespace conclave::kat
