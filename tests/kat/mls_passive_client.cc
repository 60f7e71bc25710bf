// Runs the MLS passive-client vectors (passive-client-welcome,
// passive-client-handling-commit, passive-client-random; guide in
// ../shared/vectors/mls/README.md §14) through the group state machine
// exactly as a member would: Group::join from the Welcome (external PSKs
// from the entry, the tree from the entry or the GroupInfo extension), then
// every epoch's proposals and commit through Group::handle. The
// epoch_authenticator after the join and after every commit must equal the
// vector's. Lifetimes in these vectors have expired, so the clock is off.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "crypto/mls/group.h"
#include "crypto/mls/mls_message.h"
#include "crypto/mls/ratchet_tree_nodes.h"
#include "crypto/signature.h"
#include "mls_kat_util.h"
#include "vector_kinds.h"

namespace conclave::kat {

namespace {

using mls::CipherSuite;

// decode_key_package accepts an MLSMessage(KeyPackage), as the vectors
// carry, or a bare KeyPackage.
Result<mls::KeyPackage> decode_key_package(ByteView in) {
  auto m = mls::decode_mls_message(in);
  if (m && std::holds_alternative<mls::KeyPackage>(m->body)) {
    return std::get<mls::KeyPackage>(std::move(m->body));
  }
  return mls::decode_key_package(in);
}

struct ExternalPsk {
  Bytes id;
  Bytes psk;
};

std::string check_entry(const CipherSuite& suite, Fields& f) {
  const Bytes key_package = f.hex("key_package");
  const SecretBytes signature_priv = SecretBytes::copy_of(f.hex("signature_priv"));
  const SecretBytes encryption_priv = SecretBytes::copy_of(f.hex("encryption_priv"));
  const SecretBytes init_priv = SecretBytes::copy_of(f.hex("init_priv"));
  const Bytes welcome_msg = f.hex("welcome");
  const Bytes initial_authenticator = f.hex("initial_epoch_authenticator");
  const nlohmann::json* psks = f.array("external_psks");
  const nlohmann::json* epochs = f.array("epochs");
  if (!f.has("ratchet_tree")) {
    return f.path() + ": field 'ratchet_tree' missing";
  }
  // ratchet_tree is null when the tree travels in the GroupInfo extension.
  const bool tree_given = !f.raw("ratchet_tree").is_null();
  const Bytes tree_bytes = tree_given ? f.hex("ratchet_tree") : Bytes{};
  if (!f.ok()) {
    return f.error();
  }

  std::vector<ExternalPsk> external;
  for (size_t i = 0; i < psks->size(); ++i) {
    Fields p((*psks)[i], f.path() + ".external_psks[" + std::to_string(i) + "]");
    ExternalPsk e{p.hex("psk_id"), p.hex("psk")};
    if (!p.ok()) {
      return p.error();
    }
    external.push_back(std::move(e));
  }

  auto kp = decode_key_package(key_package);
  if (!kp) {
    return error_text("decode key_package", kp.error());
  }
  // The private keys must be those of the KeyPackage (README §14).
  auto init_key = suite.hpke_private_key(init_priv);
  auto leaf_key = suite.hpke_private_key(encryption_priv);
  auto sig_pub = crypto::signature_public_key(suite.signature_scheme(), signature_priv);
  if (!init_key || !leaf_key || !sig_pub) {
    return "a private key of the entry does not load";
  }
  Checks c;
  c.expect_equal("init_priv public key", init_key->public_key().bytes(), kp->init_key);
  c.expect_equal("encryption_priv public key", leaf_key->public_key().bytes(),
                 kp->leaf_node.encryption_key);
  c.expect_equal("signature_priv public key", *sig_pub, kp->leaf_node.signature_key);
  if (!c.ok()) {
    return c.first();
  }

  auto welcome = mls::decode_mls_message(welcome_msg);
  if (!welcome || !std::holds_alternative<mls::Welcome>(welcome->body)) {
    return "welcome is not an MLSMessage(Welcome)";
  }
  std::optional<mls::RatchetTree> tree;
  if (tree_given) {
    auto nodes = mls::decode_ratchet_tree(tree_bytes);
    if (!nodes) {
      return error_text("decode ratchet_tree", nodes.error());
    }
    tree = std::move(nodes).value();
  }

  mls::GroupOptions options;
  options.now = [] { return std::optional<uint64_t>{}; };
  options.external_psks = [external](const mls::PreSharedKeyId& id) -> Result<SecretBytes> {
    for (const ExternalPsk& e : external) {
      if (equal(e.id, id.psk_id)) {
        return SecretBytes::copy_of(e.psk);
      }
    }
    return Error(Err::kProtocol, "external PSK not in the entry");
  };
  const mls::KeyPackageBundle bundle{*kp, init_priv.clone(), encryption_priv.clone(),
                                     signature_priv.clone()};
  auto group = mls::Group::join(std::get<mls::Welcome>(welcome->body), bundle, tree, options);
  if (!group) {
    return error_text("Group::join", group.error());
  }
  c.expect_equal("initial_epoch_authenticator", group->epoch_authenticator().view(),
                 initial_authenticator);

  for (size_t k = 0; k < epochs->size() && c.ok(); ++k) {
    const std::string where = "epochs[" + std::to_string(k) + "]";
    Fields e((*epochs)[k], f.path() + "." + where);
    const nlohmann::json* proposals = e.array("proposals");
    const Bytes commit = e.hex("commit");
    const Bytes authenticator = e.hex("epoch_authenticator");
    if (!e.ok()) {
      return e.error();
    }
    for (size_t p = 0; p < proposals->size(); ++p) {
      const std::string what = where + ".proposals[" + std::to_string(p) + "]";
      if (!(*proposals)[p].is_string()) {
        return what + ": not a string";
      }
      auto bytes = from_hex((*proposals)[p].get<std::string>());
      if (!bytes) {
        return what + ": not hex";
      }
      auto m = mls::decode_mls_message(*bytes);
      if (!m) {
        return error_text((what + " decode").c_str(), m.error());
      }
      auto r = group->handle(*m);
      if (!r) {
        return error_text((what + " handle").c_str(), r.error());
      }
      if (r->kind != mls::ReceivedKind::kProposal) {
        return what + ": not handled as a proposal";
      }
    }
    auto m = mls::decode_mls_message(commit);
    if (!m) {
      return error_text((where + ".commit decode").c_str(), m.error());
    }
    const uint64_t before = group->epoch();
    auto r = group->handle(*m);
    if (!r) {
      return error_text((where + ".commit handle").c_str(), r.error());
    }
    c.expect(r->kind == mls::ReceivedKind::kCommit && group->epoch() == before + 1,
             where + ": the commit did not advance the epoch");
    c.expect_equal(where + ".epoch_authenticator", group->epoch_authenticator().view(),
                   authenticator);
  }
  return c.first();
}

FileReport run_passive_client(const nlohmann::json& entries) {
  return run_suite_entries(entries, check_entry);
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_passive_client, "mls passive-client",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("cipher_suite") && e.contains("key_package") &&
             e.contains("encryption_priv") && e.contains("init_priv") && e.contains("welcome") &&
             e.contains("initial_epoch_authenticator") && e.contains("epochs");
    },
    &run_passive_client);

}  // namespace conclave::kat
