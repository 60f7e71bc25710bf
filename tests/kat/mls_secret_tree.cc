// Runs the MLS secret-tree.json vectors (mls-implementations test-vectors,
// RFC 9420 §6.3.2 and §9): the sender-data key and nonce from a ciphertext
// sample, and every leaf's handshake and application keys and nonces at the
// listed generations. Beyond the vector, each served generation is asked for
// again and must be refused (replay).
#include <nlohmann/json.hpp>

#include <string>

#include "crypto/mls/secret_tree.h"
#include "crypto/mls/tree_math.h"
#include "mls_kat_util.h"
#include "vector_kinds.h"

namespace conclave::kat {

namespace {

using mls::CipherSuite;
using mls::LeafIndex;
using mls::RatchetType;
using mls::SecretTree;

std::string check_sender_data(const CipherSuite& suite, Fields& f) {
  const SecretBytes secret = SecretBytes::copy_of(f.hex("sender_data_secret"));
  const Bytes ciphertext = f.hex("ciphertext");
  const Bytes key = f.hex("key");
  const Bytes nonce = f.hex("nonce");
  if (!f.ok()) {
    return f.error();
  }
  auto got = mls::derive_sender_data_key(suite, secret, ciphertext);
  if (!got) {
    return error_text("derive_sender_data_key", got.error());
  }
  Checks c;
  c.expect_equal("sender_data.key", got->key.view(), key);
  c.expect_equal("sender_data.nonce", got->nonce.view(), nonce);
  return c.first();
}

std::string check_ratchet(SecretTree& tree, LeafIndex leaf, RatchetType type, uint32_t generation,
                          ByteView key, ByteView nonce) {
  const std::string what = std::string(mls::to_string(type)) + " generation " +
                           std::to_string(generation) + " of leaf " + std::to_string(leaf.value());
  auto got = tree.take_key(leaf, type, generation);
  if (!got) {
    return error_text(what.c_str(), got.error());
  }
  Checks c;
  c.expect(got->generation == generation, what + ": wrong generation");
  c.expect_equal(what + " key", got->key.view(), key);
  c.expect_equal(what + " nonce", got->nonce.view(), nonce);
  c.expect(!tree.take_key(leaf, type, generation).has_value(), what + ": served twice");
  return c.first();
}

std::string check_leaves(const CipherSuite& suite, Fields& f, const nlohmann::json& leaves) {
  const Bytes encryption_secret = f.hex("encryption_secret");
  if (!f.ok()) {
    return f.error();
  }
  if (leaves.size() > mls::TreeSize::kMaxLeafCount) {
    return "too many leaves";
  }
  auto size = mls::TreeSize::from_leaf_count(static_cast<uint32_t>(leaves.size()));
  if (!size) {
    return error_text("TreeSize::from_leaf_count", size.error());
  }
  auto tree = SecretTree::create(suite, *size, SecretBytes::copy_of(encryption_secret));
  if (!tree) {
    return error_text("SecretTree::create", tree.error());
  }
  for (uint32_t i = 0; i < leaves.size(); ++i) {
    if (!leaves[i].is_array()) {
      return "leaves[" + std::to_string(i) + "] is not an array";
    }
    for (size_t j = 0; j < leaves[i].size(); ++j) {
      Fields g(leaves[i][j], "leaves[" + std::to_string(i) + "][" + std::to_string(j) + "]");
      const uint64_t generation = g.u64("generation");
      const Bytes hs_key = g.hex("handshake_key");
      const Bytes hs_nonce = g.hex("handshake_nonce");
      const Bytes app_key = g.hex("application_key");
      const Bytes app_nonce = g.hex("application_nonce");
      if (generation > UINT32_MAX) {
        g.fail("generation", "does not fit uint32");
      }
      if (!g.ok()) {
        return g.error();
      }
      const auto gen = static_cast<uint32_t>(generation);
      std::string problem =
          check_ratchet(*tree, LeafIndex(i), RatchetType::kHandshake, gen, hs_key, hs_nonce);
      if (problem.empty()) {
        problem =
            check_ratchet(*tree, LeafIndex(i), RatchetType::kApplication, gen, app_key, app_nonce);
      }
      if (!problem.empty()) {
        return problem;
      }
    }
  }
  // Once every leaf has been used, no tree node secret is left.
  if (tree->node_secret_count() != 0) {
    return "node secrets left after every leaf was derived";
  }
  return {};
}

FileReport run_secret_tree(const nlohmann::json& entries) {
  return run_suite_entries(entries, [](const mls::CipherSuite& suite, Fields& f) -> std::string {
    const nlohmann::json* sender_data = f.object("sender_data");
    const nlohmann::json* leaves = f.array("leaves");
    if (!f.ok()) {
      return f.error();
    }
    Fields sd(*sender_data, f.path() + " sender_data");
    std::string problem = check_sender_data(suite, sd);
    return problem.empty() ? check_leaves(suite, f, *leaves) : problem;
  });
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_secret_tree, "mls secret-tree",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("cipher_suite") && e.contains("sender_data") && e.contains("leaves") &&
             e.contains("encryption_secret");
    },
    &run_secret_tree);

}  // namespace conclave::kat
