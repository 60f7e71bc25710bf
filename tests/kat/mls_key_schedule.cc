// Runs the MLS key-schedule.json vectors (mls-implementations test-vectors,
// RFC 9420 §8): for each epoch, the GroupContext built from the inputs, every
// secret of advance_epoch, external_pub and one MLS-Exporter value. Beyond the
// vector, the Welcome path (welcome_secret_from_joiner, epoch_from_joiner)
// must reach the same epoch from the joiner_secret.
//
// The GroupContext struct codec belongs to the MLS message layer; this module
// writes the bytes itself with Writer (RFC 9420 §8.1):
//   u16 version (1) || u16 cipher_suite || V(group_id) || u64 epoch ||
//   V(tree_hash) || V(confirmed_transcript_hash) || V(extensions = "")
#include <nlohmann/json.hpp>

#include <string>

#include "core/writer.h"
#include "crypto/mls/key_schedule.h"
#include "mls_kat_util.h"
#include "vector_kinds.h"

namespace conclave::kat {

namespace {

using mls::CipherSuite;

Result<Bytes> group_context(const CipherSuite& suite, ByteView group_id, uint64_t epoch,
                            ByteView tree_hash, ByteView confirmed_transcript_hash) {
  Writer w;
  w.u16(1);  // mls10
  w.u16(suite.wire_value());
  w.vec(group_id);
  w.u64(epoch);
  w.vec(tree_hash);
  w.vec(confirmed_transcript_hash);
  w.vec({});  // no extensions
  return std::move(w).finish();
}

// check_epoch runs one epoch and, on success, replaces `init_secret` with the
// epoch's init_secret.
std::string check_epoch(const CipherSuite& suite, ByteView group_id, uint64_t epoch, Fields& f,
                        SecretBytes& init_secret) {
  const Bytes tree_hash = f.hex("tree_hash");
  const SecretBytes commit_secret = SecretBytes::copy_of(f.hex("commit_secret"));
  const SecretBytes psk_secret = SecretBytes::copy_of(f.hex("psk_secret"));
  const Bytes confirmed_transcript_hash = f.hex("confirmed_transcript_hash");
  const Bytes want_group_context = f.hex("group_context");
  const nlohmann::json* exporter = f.object("exporter");
  if (!f.ok()) {
    return f.error();
  }
  Fields ex(*exporter, f.path() + " exporter");
  // The label looks like hex but is text (vectors README, §5 NOTE).
  const std::string exporter_label = ex.text("label");
  const Bytes exporter_context = ex.hex("context");
  const uint64_t exporter_length = ex.u64("length");
  const Bytes exporter_secret_want = ex.hex("secret");
  if (!ex.ok()) {
    return ex.error();
  }

  Checks c;
  auto gc = group_context(suite, group_id, epoch, tree_hash, confirmed_transcript_hash);
  if (!gc) {
    return error_text("GroupContext", gc.error());
  }
  c.expect_equal("group_context", *gc, want_group_context);

  auto keys = mls::advance_epoch(suite, init_secret, commit_secret, psk_secret, *gc);
  if (!keys) {
    return error_text("advance_epoch", keys.error());
  }
  const mls::EpochSecrets& e = keys->epoch;
  const std::pair<const char*, const SecretBytes*> secrets[] = {
      {"joiner_secret", &keys->joiner_secret},
      {"welcome_secret", &keys->welcome_secret},
      {"sender_data_secret", &e.sender_data_secret},
      {"encryption_secret", &e.encryption_secret},
      {"exporter_secret", &e.exporter_secret},
      {"external_secret", &e.external_secret},
      {"confirmation_key", &e.confirmation_key},
      {"membership_key", &e.membership_key},
      {"resumption_psk", &e.resumption_psk},
      {"epoch_authenticator", &e.epoch_authenticator},
      {"init_secret", &e.init_secret},
  };
  for (const auto& [name, secret] : secrets) {
    c.expect_equal(name, secret->view(), f.hex(name));
  }

  auto external = mls::external_key_pair(suite, e.external_secret);
  if (!external) {
    return error_text("external_key_pair", external.error());
  }
  c.expect_equal("external_pub", external->public_key().bytes(), f.hex("external_pub"));

  auto exported = mls::mls_exporter(suite, e.exporter_secret, exporter_label, exporter_context,
                                    static_cast<size_t>(exporter_length));
  if (!exported) {
    return error_text("mls_exporter", exported.error());
  }
  c.expect_equal("exporter.secret", exported->view(), exporter_secret_want);

  // A joiner holding only joiner_secret and psk_secret reaches the same epoch.
  auto welcome = mls::welcome_secret_from_joiner(suite, keys->joiner_secret, psk_secret);
  if (!welcome) {
    return error_text("welcome_secret_from_joiner", welcome.error());
  }
  c.expect_equal("welcome_secret (joiner path)", welcome->view(), keys->welcome_secret.view());
  auto joined = mls::epoch_from_joiner(suite, keys->joiner_secret, psk_secret, *gc);
  if (!joined) {
    return error_text("epoch_from_joiner", joined.error());
  }
  c.expect_equal("epoch_authenticator (joiner path)", joined->epoch_authenticator.view(),
                 e.epoch_authenticator.view());
  c.expect_equal("init_secret (joiner path)", joined->init_secret.view(), e.init_secret.view());
  if (!f.ok()) {
    return f.error();
  }
  if (!c.ok()) {
    return c.first();
  }
  init_secret = std::move(keys->epoch.init_secret);
  return {};
}

FileReport run_key_schedule(const nlohmann::json& entries) {
  return run_suite_entries(entries, [](const mls::CipherSuite& suite, Fields& f) -> std::string {
    const Bytes group_id = f.hex("group_id");
    SecretBytes init_secret = SecretBytes::copy_of(f.hex("initial_init_secret"));
    const nlohmann::json* epochs = f.array("epochs");
    if (!f.ok()) {
      return f.error();
    }
    if (epochs->empty()) {
      return "no epochs";
    }
    for (size_t e = 0; e < epochs->size(); ++e) {
      Fields ef((*epochs)[e], f.path() + " epoch " + std::to_string(e));
      const std::string problem = check_epoch(suite, group_id, e, ef, init_secret);
      if (!problem.empty()) {
        return "epoch " + std::to_string(e) + ": " + problem;
      }
    }
    return {};
  });
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_key_schedule, "mls key-schedule",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("cipher_suite") && e.contains("initial_init_secret") &&
             e.contains("epochs");
    },
    &run_key_schedule);

}  // namespace conclave::kat
