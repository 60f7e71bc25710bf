#include "hpke_vectors.h"

#include <cstdio>
#include <optional>
#include <string>

#include "core/secret_bytes.h"
#include "crypto/hpke/dhkem.h"
#include "crypto/hpke/hpke.h"
#include "crypto/hpke/known_answer.h"

namespace conclave::kat {

namespace {

namespace hpke = crypto::hpke;

std::string hex16(uint64_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%04llx", static_cast<unsigned long long>(v));
  return buf;
}

bool uses_psk(hpke::Mode m) { return m == hpke::Mode::kPsk || m == hpke::Mode::kAuthPsk; }
bool uses_auth(hpke::Mode m) { return m == hpke::Mode::kAuth || m == hpke::Mode::kAuthPsk; }

// KeyCheck derives a key pair from `ikm` and checks it against the vector's
// serialized private and public keys. DeserializePrivateKey clamps X25519
// keys (RFC 9180 §7.1.2) while the vectors print them unclamped, so the
// private keys are compared after both went through the same
// (de)serialisation; for P-256 that is the identity.
std::optional<hpke::KeyPair> derive_and_check(Checks& checks, const std::string& who,
                                              hpke::KemId kem, ByteView ikm, ByteView sk_m,
                                              ByteView pk_m) {
  auto derived = hpke::derive_key_pair(kem, ikm);
  if (!derived) {
    checks.expect(false,
                  "DeriveKeyPair(ikm" + who + ") failed: " + to_string(derived.error().code));
    return std::nullopt;
  }
  auto given = hpke::deserialize_private_key(kem, SecretBytes::copy_of(sk_m));
  if (!given) {
    checks.expect(false,
                  "DeserializePrivateKey(sk" + who + "m) failed: " + to_string(given.error().code));
    return std::nullopt;
  }
  checks.expect_equal("sk" + who + "m", hpke::serialize_private_key(*derived).view(),
                      hpke::serialize_private_key(*given).view());
  checks.expect_equal("pk" + who + "m", derived->public_key().bytes(), pk_m);
  checks.expect_equal("pk(sk" + who + "m)", given->public_key().bytes(), pk_m);
  return std::move(derived).value();
}

void check_trace(Checks& checks, const std::string& side, const hpke::SetupTrace& trace,
                 Fields& f) {
  checks.expect_equal(side + " shared_secret", trace.shared_secret.view(), f.hex("shared_secret"));
  checks.expect_equal(side + " key_schedule_context", trace.key_schedule_context,
                      f.hex("key_schedule_context"));
  checks.expect_equal(side + " secret", trace.secret.view(), f.hex("secret"));
  checks.expect_equal(side + " key", trace.key.view(), f.hex("key"));
  checks.expect_equal(side + " base_nonce", trace.base_nonce.view(), f.hex("base_nonce"));
  checks.expect_equal(side + " exporter_secret", trace.exporter_secret.view(),
                      f.hex("exporter_secret"));
}

// run_entry checks one vector entry; it returns an empty string on success
// and the first problem otherwise.
std::string run_entry(Fields& f, const hpke::Suite& suite, hpke::Mode mode) {
  Checks checks;
  const Bytes info = f.hex("info");
  const Bytes ikm_r = f.hex("ikmR");
  const Bytes ikm_e = f.hex("ikmE");
  const Bytes sk_rm = f.hex("skRm");
  const Bytes pk_rm = f.hex("pkRm");
  const Bytes sk_em = f.hex("skEm");
  const Bytes pk_em = f.hex("pkEm");
  const Bytes enc = f.hex("enc");
  Bytes ikm_s, sk_sm, pk_sm, psk, psk_id;
  if (uses_auth(mode)) {
    ikm_s = f.hex("ikmS");
    sk_sm = f.hex("skSm");
    pk_sm = f.hex("pkSm");
  }
  if (uses_psk(mode)) {
    psk = f.hex("psk");
    psk_id = f.hex("psk_id");
  }
  const nlohmann::json* encryptions = f.array("encryptions");
  const nlohmann::json* exports = f.array("exports");
  if (!f.ok()) {
    return f.error();
  }

  auto recipient = derive_and_check(checks, "R", suite.kem, ikm_r, sk_rm, pk_rm);
  auto ephemeral = derive_and_check(checks, "E", suite.kem, ikm_e, sk_em, pk_em);
  std::optional<hpke::KeyPair> sender;
  if (uses_auth(mode)) {
    sender = derive_and_check(checks, "S", suite.kem, ikm_s, sk_sm, pk_sm);
  }
  if (!checks.ok()) {
    return checks.first();
  }
  if (!recipient || !ephemeral || (uses_auth(mode) && !sender)) {
    return "key derivation failed";
  }

  auto pk_r = hpke::deserialize_public_key(suite.kem, pk_rm);
  auto pk_s = uses_auth(mode) ? hpke::deserialize_public_key(suite.kem, pk_sm)
                              : Result<hpke::PublicKey>(Err::kUnsupported);
  if (!pk_r || (uses_auth(mode) && !pk_s)) {
    return "DeserializePublicKey(pkRm/pkSm) failed";
  }
  const hpke::SenderModeInputs s_mode{mode, psk, psk_id, sender ? &*sender : nullptr};
  const hpke::RecipientModeInputs r_mode{mode, psk, psk_id, uses_auth(mode) ? &*pk_s : nullptr};

  hpke::SetupTrace s_trace;
  auto s = hpke::setup_sender_with_ephemeral(&s_trace, suite, *ephemeral, *pk_r, info, s_mode);
  if (!s) {
    return std::string("sender setup failed: ") + to_string(s.error().code) + " (" +
           s.error().detail + ")";
  }
  checks.expect_equal("enc", s->enc, enc);
  check_trace(checks, "sender", s_trace, f);

  hpke::SetupTrace r_trace;
  auto r = hpke::setup_recipient_traced(&r_trace, suite, enc, *recipient, info, r_mode);
  if (!r) {
    return std::string("recipient setup failed: ") + to_string(r.error().code) + " (" +
           r.error().detail + ")";
  }
  check_trace(checks, "recipient", r_trace, f);
  if (!f.ok()) {
    return f.error();
  }

  // Encryptions: array index = sequence number. The sender context seals
  // them in order, the recipient context opens them in order.
  for (size_t i = 0; i < encryptions->size() && checks.ok(); ++i) {
    Fields e((*encryptions)[i], f.path() + " encryptions[" + std::to_string(i) + "]");
    const Bytes aad = e.hex("aad");
    const Bytes pt = e.hex("pt");
    const Bytes ct = e.hex("ct");
    if (!e.ok()) {
      return e.error();
    }
    const std::string at = "encryptions[" + std::to_string(i) + "]";
    auto sealed = s->context.seal(aad, pt);
    if (!sealed) {
      return at + " seal failed: " + to_string(sealed.error().code);
    }
    checks.expect_equal(at + ".ct", *sealed, ct);
    auto opened = r->open(aad, ct);
    if (!opened) {
      return at + " open failed: " + to_string(opened.error().code);
    }
    checks.expect_equal(at + ".pt", opened->view(), pt);
  }

  for (size_t i = 0; i < exports->size() && checks.ok(); ++i) {
    Fields e((*exports)[i], f.path() + " exports[" + std::to_string(i) + "]");
    const Bytes context = e.hex("exporter_context");
    const uint64_t length = e.u64("L");
    const Bytes value = e.hex("exported_value");
    if (!e.ok()) {
      return e.error();
    }
    const std::string at = "exports[" + std::to_string(i) + "]";
    auto from_s = s->context.export_secret(context, static_cast<size_t>(length));
    auto from_r = r->export_secret(context, static_cast<size_t>(length));
    if (!from_s || !from_r) {
      return at + " export failed";
    }
    checks.expect_equal(at + " (sender)", from_s->view(), value);
    checks.expect_equal(at + " (recipient)", from_r->view(), value);
  }
  return checks.first();
}

}  // namespace

FileReport run_hpke_vectors(const nlohmann::json& entries) {
  FileReport report;
  for (size_t i = 0; i < entries.size(); ++i) {
    Fields f(entries[i], "entry " + std::to_string(i));
    const uint64_t mode_value = f.u64("mode");
    const uint64_t kem = f.u64("kem_id");
    const uint64_t kdf = f.u64("kdf_id");
    const uint64_t aead = f.u64("aead_id");
    if (!f.ok()) {
      report.fail(f.path(), f.error());
      continue;
    }
    const std::string where = f.path() + " (mode " + std::to_string(mode_value) + ", kem " +
                              hex16(kem) + ", kdf " + hex16(kdf) + ", aead " + hex16(aead) + ")";
    if (kem > 0xffff || kdf > 0xffff || aead > 0xffff || mode_value > 0xff) {
      report.fail(where, "an identifier does not fit its field");
      continue;
    }
    auto suite = hpke::suite_from_wire(static_cast<uint16_t>(kem), static_cast<uint16_t>(kdf),
                                       static_cast<uint16_t>(aead));
    if (!suite) {
      report.skip(where, std::string(suite.error().detail) +
                             " (Conclave's HPKE implements KEM 0x0010/0x0020, KDF 0x0001, "
                             "AEAD 0x0001)");
      continue;
    }
    auto mode = hpke::mode_from_wire(static_cast<uint8_t>(mode_value));
    if (!mode) {
      report.fail(where, "unknown mode");
      continue;
    }
    const std::string problem = run_entry(f, *suite, *mode);
    if (problem.empty()) {
      report.pass();
    } else {
      report.fail(where, problem);
    }
  }
  return report;
}

CONCLAVE_VECTOR_KIND(
    krun_hpke_vectors, "hpke",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.contains("kem_id") && e.contains("kdf_id") && e.contains("aead_id") &&
             e.contains("mode");
    },
    &run_hpke_vectors);

}  // namespace conclave::kat
