// Runs the MLS treekem.json vectors (mls-implementations test-vectors;
// RFC 9420 §7.4-§7.6, §12.4.2), following the harness guide
// (vectors/mls/README.md §13):
//  - each leaves_private entry becomes a TreePrivateState; its leaf and
//    signature keys and every listed path secret must match the tree;
//  - each update_path is processed by every other non-blank leaf, which must
//    decrypt the given path secret and reach the given commit_secret and
//    tree hash (encryption context: the given epoch, tree hash after merge);
//  - each sender also makes a fresh UpdatePath of its own, which every other
//    leaf must process to the same commit secret and tree hash.
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/reader.h"
#include "crypto/mls/commit.h"
#include "crypto/mls/group_info.h"
#include "crypto/mls/ratchet_tree.h"
#include "crypto/mls/treekem.h"
#include "crypto/signature.h"
#include "mls_kat_util.h"
#include "vector_kinds.h"
#include "vector_report.h"

namespace conclave::kat {

namespace {

using mls::LeafIndex;
using mls::NodeIndex;
using mls::PublicTree;
using mls::TreePrivateState;

struct Member {
  TreePrivateState state;
  SecretBytes signature_priv;
};

std::string load_members(const PublicTree& tree, const nlohmann::json& leaves,
                         std::map<uint32_t, Member>* out) {
  for (size_t i = 0; i < leaves.size(); ++i) {
    Fields g(leaves[i], "leaves_private[" + std::to_string(i) + "]");
    const uint64_t index = g.u64("index");
    const SecretBytes enc = SecretBytes::copy_of(g.hex("encryption_priv"));
    SecretBytes sig = SecretBytes::copy_of(g.hex("signature_priv"));
    const nlohmann::json* secrets = g.array("path_secrets");
    if (index > UINT32_MAX) {
      g.fail("index", "does not fit uint32");
    }
    if (!g.ok()) {
      return g.error();
    }
    const LeafIndex leaf(static_cast<uint32_t>(index));
    auto state = TreePrivateState::create(tree, leaf, enc);
    if (!state) {
      return g.path() + ": " + error_text("TreePrivateState::create", state.error());
    }
    auto sig_pub = crypto::signature_public_key(tree.suite().signature_scheme(), sig);
    if (!sig_pub || !equal(*sig_pub, tree.leaf(leaf)->signature_key)) {
      return g.path() + ": signature_priv does not match the leaf";
    }
    for (size_t k = 0; k < secrets->size(); ++k) {
      Fields s((*secrets)[k], g.path() + ".path_secrets[" + std::to_string(k) + "]");
      const uint64_t node = s.u64("node");
      const SecretBytes secret = SecretBytes::copy_of(s.hex("path_secret"));
      if (node > UINT32_MAX) {
        s.fail("node", "does not fit uint32");
      }
      if (!s.ok()) {
        return s.error();
      }
      if (auto r = state->set_path_secret(tree, NodeIndex(static_cast<uint32_t>(node)), secret);
          !r) {
        return s.path() + ": " + error_text("set_path_secret", r.error());
      }
    }
    out->emplace(leaf.value(), Member{std::move(state).value(), std::move(sig)});
  }
  return {};
}

// check_given_path processes one vector UpdatePath as every other member.
std::string check_given_path(const PublicTree& tree, const std::map<uint32_t, Member>& members,
                             const mls::GroupContext& context, Fields& u) {
  const uint64_t sender_value = u.u64("sender");
  const Bytes path_bytes = u.hex("update_path");
  const Bytes commit_secret = u.hex("commit_secret");
  const Bytes tree_hash_after = u.hex("tree_hash_after");
  const nlohmann::json* secrets = u.array("path_secrets");
  if (!u.ok()) {
    return u.error();
  }
  if (sender_value > UINT32_MAX || secrets->size() != tree.size().leaf_count()) {
    return u.path() + ": bad sender or path_secrets length";
  }
  const LeafIndex sender(static_cast<uint32_t>(sender_value));
  auto path = decode_all<mls::UpdatePath>(path_bytes, "UpdatePath", mls::parse_update_path);
  if (!path) {
    return u.path() + ": " + error_text("decode UpdatePath", path.error());
  }
  Checks c;
  size_t processed = 0;
  for (const auto& [index, member] : members) {
    const std::string who = u.path() + " receiver " + std::to_string(index);
    const nlohmann::json& want = (*secrets)[index];
    if (index == sender.value()) {
      c.expect(want.is_null(), who + ": sender slot is not null");
      continue;
    }
    auto r = mls::process_update_path(tree, member.state, sender, *path, context, {});
    if (!r) {
      return who + ": " + error_text("process_update_path", r.error());
    }
    ++processed;
    auto want_secret = from_hex(want.is_string() ? want.get<std::string>() : "x");
    c.expect(want_secret.has_value(), who + ": path secret missing in vector");
    if (want_secret) {
      c.expect_equal(who + " path secret", r->decrypted_path_secret.view(), *want_secret);
    }
    c.expect_equal(who + " commit_secret", r->commit_secret.view(), commit_secret);
    auto h = r->tree.tree_hash();
    c.expect(h.has_value() && equal(*h, tree_hash_after), who + ": tree_hash_after differs");
    // The receiver now holds keys for exactly the path nodes above it.
    c.expect(r->private_state.has_key(r->decrypted_node), who + ": no key for the decrypted node");
  }
  c.expect(processed + 1 == members.size() || !members.count(sender.value()),
           u.path() + ": not every member processed the path");
  return c.first();
}

// check_own_path makes a fresh UpdatePath as `sender` and has every other
// member process it.
std::string check_own_path(const PublicTree& tree, const std::map<uint32_t, Member>& members,
                           const mls::GroupContext& context, LeafIndex sender,
                           const std::string& where) {
  const auto it = members.find(sender.value());
  if (it == members.end()) {
    return where + ": no private keys for the sender";
  }
  mls::UpdatePathParams params;
  params.context = &context;
  params.signature_key = &it->second.signature_priv;
  params.leaf = tree.leaf(sender);
  auto created = mls::create_update_path(tree, it->second.state, params);
  if (!created) {
    return where + ": " + error_text("create_update_path", created.error());
  }
  auto want_hash = created->tree.tree_hash();
  if (!want_hash) {
    return where + ": " + error_text("tree_hash", want_hash.error());
  }
  // The committer's own view must itself be a valid tree.
  if (auto v = created->tree.verify_parent_hashes(); !v) {
    return where + ": " + error_text("verify_parent_hashes after create", v.error());
  }
  Checks c;
  for (const auto& [index, member] : members) {
    if (index == sender.value()) {
      continue;
    }
    const std::string who = where + " own path, receiver " + std::to_string(index);
    auto r = mls::process_update_path(tree, member.state, sender, created->path, context, {});
    if (!r) {
      return who + ": " + error_text("process_update_path", r.error());
    }
    c.expect(r->commit_secret.ct_equal(created->commit_secret), who + ": commit secret differs");
    auto h = r->tree.tree_hash();
    c.expect(h.has_value() && equal(*h, *want_hash), who + ": tree hash differs");
  }
  return c.first();
}

std::string check_entry(const mls::CipherSuite& suite, Fields& f) {
  mls::GroupContext context;
  context.cipher_suite = suite.wire_value();
  context.group_id = f.hex("group_id");
  context.epoch = f.u64("epoch");
  context.confirmed_transcript_hash = f.hex("confirmed_transcript_hash");
  const Bytes tree_bytes = f.hex("ratchet_tree");
  const nlohmann::json* leaves = f.array("leaves_private");
  const nlohmann::json* paths = f.array("update_paths");
  if (!f.ok()) {
    return f.error();
  }
  auto tree = PublicTree::decode(suite, tree_bytes);
  if (!tree) {
    return error_text("PublicTree::decode", tree.error());
  }
  std::map<uint32_t, Member> members;
  if (std::string p = load_members(*tree, *leaves, &members); !p.empty()) {
    return p;
  }
  for (size_t i = 0; i < paths->size(); ++i) {
    Fields u((*paths)[i], "update_paths[" + std::to_string(i) + "]");
    if (std::string p = check_given_path(*tree, members, context, u); !p.empty()) {
      return p;
    }
    const uint64_t sender = u.u64("sender");
    if (std::string p = check_own_path(*tree, members, context,
                                       LeafIndex(static_cast<uint32_t>(sender)), u.path());
        !p.empty()) {
      return p;
    }
  }
  return {};
}

FileReport run_treekem(const nlohmann::json& entries) {
  return run_suite_entries(entries, check_entry);
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_treekem, "mls treekem",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("ratchet_tree") && e.contains("leaves_private") &&
             e.contains("update_paths");
    },
    &run_treekem);

}  // namespace conclave::kat
