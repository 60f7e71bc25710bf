// Runs the MLS psk_secret.json vectors (mls-implementations test-vectors,
// RFC 9420 §8.4): psk_secret over lists of 0 to 10 external PSKs.
//
// PreSharedKeyID is encoded here with Writer, as the message layer will
// encode it (RFC 9420 §8.4):
//   u8 psktype = external (1) || V(psk_id) || V(psk_nonce)
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/writer.h"
#include "crypto/mls/psk.h"
#include "mls_kat_util.h"
#include "vector_kinds.h"

namespace conclave::kat {

namespace {

using mls::CipherSuite;

std::string check_psks(const CipherSuite& suite, Fields& f, const nlohmann::json& psks) {
  const Bytes want = f.hex("psk_secret");
  std::vector<Bytes> ids;
  std::vector<Bytes> values;
  for (size_t k = 0; k < psks.size(); ++k) {
    Fields p(psks[k], f.path() + " psks[" + std::to_string(k) + "]");
    const Bytes psk_id = p.hex("psk_id");
    const Bytes psk = p.hex("psk");
    const Bytes psk_nonce = p.hex("psk_nonce");
    if (!p.ok()) {
      return p.error();
    }
    Writer w;
    w.u8(1);  // PSKType external
    w.vec(psk_id);
    w.vec(psk_nonce);
    auto id = std::move(w).finish();
    if (!id) {
      return error_text("PreSharedKeyID", id.error());
    }
    ids.push_back(std::move(*id));
    values.push_back(psk);
  }
  if (!f.ok()) {
    return f.error();
  }
  std::vector<mls::PskInput> inputs;
  for (size_t k = 0; k < ids.size(); ++k) {
    inputs.push_back({ids[k], values[k]});
  }
  auto got = mls::compute_psk_secret(suite, inputs);
  if (!got) {
    return error_text("compute_psk_secret", got.error());
  }
  Checks c;
  c.expect_equal("psk_secret", got->view(), want);
  return c.first();
}

FileReport run_psk_secret(const nlohmann::json& entries) {
  return run_suite_entries(entries, [](const mls::CipherSuite& suite, Fields& f) -> std::string {
    const nlohmann::json* psks = f.array("psks");
    if (!f.ok()) {
      return f.error();
    }
    return check_psks(suite, f, *psks);
  });
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_psk_secret, "mls psk_secret",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("cipher_suite") && e.contains("psks") && e.contains("psk_secret");
    },
    &run_psk_secret);

}  // namespace conclave::kat
