// Runs the MLS tree-math.json vectors (mls-implementations test-vectors,
// RFC 9420 Appendix C) against crypto/mls/tree_math.h: every node's left,
// right, parent and sibling, null exactly where the relation is undefined.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "crypto/mls/tree_math.h"
#include "vector_kinds.h"

namespace conclave::kat {

namespace {

using mls::NodeIndex;
using mls::TreeSize;

using Relation = Result<NodeIndex> (*)(TreeSize, NodeIndex);

// check_relation compares one relation array with the computed values; a
// JSON null must match an error and a number the computed node.
std::string check_relation(TreeSize size, const nlohmann::json& entry, const char* name,
                           Relation f) {
  auto it = entry.find(name);
  if (it == entry.end() || !it->is_array()) {
    return std::string("field '") + name + "' missing or not an array";
  }
  if (it->size() != size.node_width()) {
    return std::string("field '") + name + "' does not have n_nodes elements";
  }
  for (uint32_t i = 0; i < size.node_width(); ++i) {
    const nlohmann::json& want = (*it)[i];
    const Result<NodeIndex> got = f(size, NodeIndex(i));
    if (want.is_null()) {
      if (got) {
        return std::string(name) + "[" + std::to_string(i) + "]: expected null, got " +
               std::to_string(got->value());
      }
      continue;
    }
    if (!want.is_number_unsigned()) {
      return std::string(name) + "[" + std::to_string(i) + "]: not a number or null";
    }
    if (!got || got->value() != want.get<uint64_t>()) {
      return std::string(name) + "[" + std::to_string(i) + "]: mismatch";
    }
  }
  // One past the last node is outside the tree for every relation.
  if (f(size, NodeIndex(size.node_width()))) {
    return std::string(name) + ": accepted a node index outside the tree";
  }
  return {};
}

FileReport run_tree_math(const nlohmann::json& entries) {
  FileReport report;
  for (size_t i = 0; i < entries.size(); ++i) {
    Fields f(entries[i], "entry " + std::to_string(i));
    const uint64_t n_leaves = f.u64("n_leaves");
    const uint64_t n_nodes = f.u64("n_nodes");
    const uint64_t root = f.u64("root");
    if (!f.ok()) {
      report.fail(f.path(), f.error());
      continue;
    }
    const std::string where = f.path() + " (n_leaves " + std::to_string(n_leaves) + ")";
    auto size = n_leaves <= TreeSize::kMaxLeafCount
                    ? TreeSize::from_leaf_count(static_cast<uint32_t>(n_leaves))
                    : Result<TreeSize>(Err::kInvalidArgument);
    if (!size) {
      report.fail(where, "n_leaves rejected by TreeSize::from_leaf_count");
      continue;
    }
    std::string problem;
    if (size->node_width() != n_nodes) {
      problem = "n_nodes mismatch";
    } else if (mls::root(*size).value() != root) {
      problem = "root mismatch";
    }
    const std::pair<const char*, Relation> relations[] = {
        {"left", &mls::left},
        {"right", &mls::right},
        {"parent", &mls::parent},
        {"sibling", &mls::sibling},
    };
    for (const auto& [name, fn] : relations) {
      if (problem.empty()) {
        problem = check_relation(*size, entries[i], name, fn);
      }
    }
    if (problem.empty()) {
      report.pass();
    } else {
      report.fail(where, problem);
    }
  }
  return report;
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_tree_math, "mls tree-math",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("n_leaves") && e.contains("n_nodes") && e.contains("sibling");
    },
    &run_tree_math);

}  // namespace conclave::kat
