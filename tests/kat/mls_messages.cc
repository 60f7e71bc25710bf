// messages.json: every field of every entry is decoded with its codec and
// re-encoded; the bytes must be identical (RFC 9420 wire structures). The
// KeyPackages of entries built with suites 1 and 2 also have their
// KeyPackage and LeafNode signatures verified. Guide:
// ../shared/vectors/mls/README.md §10.
#include <nlohmann/json.hpp>

#include <string>

#include "core/reader.h"
#include "crypto/mls/commit.h"
#include "crypto/mls/key_package.h"
#include "crypto/mls/mls_message.h"
#include "crypto/mls/proposal.h"
#include "crypto/mls/ratchet_tree_nodes.h"
#include "crypto/mls/welcome.h"
#include "vector_kinds.h"
#include "vector_report.h"

namespace conclave::kat {

namespace {

using namespace conclave::mls;  // NOLINT(google-build-using-namespace)

std::string err(const char* what, const Error& e) {
  return std::string(what) + " failed: " + to_string(e.code) + " (" + e.detail + " at " +
         std::to_string(e.offset) + ")";
}

// round_trip decodes all of `bytes` with `parse`, re-encodes with `write`
// and compares. It returns the problem, or "" and the value in *out.
template <typename T, typename P, typename W>
std::string round_trip(const char* field, const Bytes& bytes, P&& parse, W&& write,
                       std::optional<T>* out = nullptr) {
  auto value = decode_all<T>(bytes, field, parse);
  if (!value) {
    return err(field, value.error());
  }
  Writer w;
  write(w, *value);
  auto encoded = std::move(w).finish();
  if (!encoded) {
    return err(field, encoded.error());
  }
  Checks c;
  c.expect_equal(std::string(field) + " re-encoding", *encoded, bytes);
  if (c.ok() && out != nullptr) {
    out->emplace(std::move(*value));
  }
  return c.first();
}

// check_key_package verifies the signatures of a KeyPackage built with a
// suite Conclave implements; `verified` counts the ones checked.
std::string check_key_package(const char* field, const KeyPackage& kp, size_t* verified) {
  auto suite = CipherSuite::from_wire(kp.cipher_suite);
  if (!suite) {
    return "";  // suite 3 entries: parsed and re-encoded, not verifiable
  }
  auto kp_sig = verify_key_package_signature(kp);
  if (!kp_sig) {
    return err((std::string(field) + " KeyPackage signature").c_str(), kp_sig.error());
  }
  auto leaf_sig = verify_leaf_node_signature(*suite, kp.leaf_node, std::nullopt);
  if (!leaf_sig) {
    return err((std::string(field) + " LeafNode signature").c_str(), leaf_sig.error());
  }
  ++*verified;
  return "";
}

FileReport run_mls_messages(const nlohmann::json& entries) {
  FileReport report;
  size_t verified = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    Fields f(entries[i], "entry " + std::to_string(i));
    const Bytes welcome = f.hex("mls_welcome");
    const Bytes group_info = f.hex("mls_group_info");
    const Bytes key_package = f.hex("mls_key_package");
    const Bytes ratchet_tree = f.hex("ratchet_tree");
    const Bytes group_secrets = f.hex("group_secrets");
    const Bytes add = f.hex("add_proposal");
    const Bytes update = f.hex("update_proposal");
    const Bytes remove = f.hex("remove_proposal");
    const Bytes psk = f.hex("pre_shared_key_proposal");
    const Bytes re_init = f.hex("re_init_proposal");
    const Bytes external_init = f.hex("external_init_proposal");
    const Bytes gce = f.hex("group_context_extensions_proposal");
    const Bytes commit = f.hex("commit");
    const Bytes pub_app = f.hex("public_message_application");
    const Bytes pub_proposal = f.hex("public_message_proposal");
    const Bytes pub_commit = f.hex("public_message_commit");
    const Bytes priv = f.hex("private_message");
    if (!f.ok()) {
      report.fail(f.path(), f.error());
      continue;
    }
    std::string problem;
    auto note = [&](const std::string& p) {
      if (problem.empty() && !p.empty()) {
        problem = p;
      }
    };

    // The MLSMessage-wrapped fields, with the wire format each must carry.
    struct Wrapped {
      const char* name;
      const Bytes* bytes;
      WireFormat format;
      std::optional<ContentType> content_type;
    };
    const Wrapped wrapped[] = {
        {"mls_welcome", &welcome, WireFormat::kWelcome, std::nullopt},
        {"mls_group_info", &group_info, WireFormat::kGroupInfo, std::nullopt},
        {"mls_key_package", &key_package, WireFormat::kKeyPackage, std::nullopt},
        {"public_message_application", &pub_app, WireFormat::kPublicMessage,
         ContentType::kApplication},
        {"public_message_proposal", &pub_proposal, WireFormat::kPublicMessage,
         ContentType::kProposal},
        {"public_message_commit", &pub_commit, WireFormat::kPublicMessage, ContentType::kCommit},
        {"private_message", &priv, WireFormat::kPrivateMessage, std::nullopt},
    };
    for (const Wrapped& m : wrapped) {
      std::optional<MlsMessage> msg;
      note(round_trip<MlsMessage>(m.name, *m.bytes, parse_mls_message, write_mls_message, &msg));
      if (!msg.has_value()) {
        continue;
      }
      if (msg->wire_format() != m.format) {
        note(std::string(m.name) + ": unexpected wire format");
        continue;
      }
      if (m.content_type.has_value() &&
          std::get<PublicMessage>(msg->body).content.content_type() != *m.content_type) {
        note(std::string(m.name) + ": unexpected content type");
      }
      if (const auto* kp = std::get_if<KeyPackage>(&msg->body)) {
        note(check_key_package(m.name, *kp, &verified));
      }
    }

    // The bare structs.
    note(round_trip<RatchetTree>("ratchet_tree", ratchet_tree, parse_ratchet_tree,
                                 write_ratchet_tree));
    std::optional<GroupSecrets> secrets;
    note(round_trip<GroupSecrets>("group_secrets", group_secrets, parse_group_secrets,
                                  write_group_secrets, &secrets));
    if (secrets.has_value() && !secrets->path_secret.has_value()) {
      note("group_secrets: path_secret expected to be present");
    }
    std::optional<Add> add_value;
    note(round_trip<Add>("add_proposal", add, parse_add, write_add, &add_value));
    if (add_value.has_value()) {
      note(check_key_package("add_proposal", add_value->key_package, &verified));
    }
    note(round_trip<Update>("update_proposal", update, parse_update, write_update));
    note(round_trip<Remove>("remove_proposal", remove, parse_remove, write_remove));
    note(round_trip<PreSharedKey>("pre_shared_key_proposal", psk, parse_pre_shared_key,
                                  write_pre_shared_key));
    note(round_trip<ReInit>("re_init_proposal", re_init, parse_re_init, write_re_init));
    note(round_trip<ExternalInit>("external_init_proposal", external_init, parse_external_init,
                                  write_external_init));
    note(round_trip<GroupContextExtensions>("group_context_extensions_proposal", gce,
                                            parse_group_context_extensions,
                                            write_group_context_extensions));
    note(round_trip<Commit>("commit", commit, parse_commit, write_commit));

    if (problem.empty()) {
      report.pass();
    } else {
      report.fail(f.path(), problem);
    }
  }
  report.notes.push_back("INFO KeyPackage and LeafNode signatures verified: " +
                         std::to_string(verified) + " (suites 1 and 2)");
  return report;
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_messages, "mls messages",
    [](const nlohmann::json& doc) {
      return doc.is_array() && !doc.empty() && doc[0].is_object() &&
             doc[0].contains("mls_welcome") && doc[0].contains("public_message_commit");
    },
    &run_mls_messages);

}  // namespace conclave::kat
