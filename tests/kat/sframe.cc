// Known-answer tests for SFrame (RFC 9605 Appendix C): the official
// test-vectors.json, one object with the arrays `header`, `aes_ctr_hmac` and
// `sframe`. Every entry of every array is run; nothing is skipped.
#include <array>
#include <limits>
#include <string>

#include "core/reader.h"
#include "core/secret_bytes.h"
#include "core/writer.h"
#include "crypto/aes_ctr_hmac.h"
#include "crypto/sframe/cipher_suite.h"
#include "crypto/sframe/context.h"
#include "crypto/sframe/frame_key.h"
#include "crypto/sframe/header.h"
#include "crypto/sframe/key_schedule.h"
#include "vector_kinds.h"
#include "vector_report.h"

namespace conclave::kat {

namespace {

using sframe::CipherSuite;

std::string err(const char* what, const Error& e) {
  return std::string(what) + " failed: " + to_string(e.code) + " (" + e.detail + ")";
}

// check_header: encoding (kid, ctr) gives `encoded`; decoding `encoded`
// gives (kid, ctr) and consumes every byte.
std::string check_header(Fields& f) {
  const uint64_t kid = f.u64("kid");
  const uint64_t ctr = f.u64("ctr");
  const Bytes encoded = f.hex("encoded");
  if (!f.ok()) {
    return f.error();
  }
  Checks c;
  Writer w;
  sframe::write_header(w, sframe::Header{kid, ctr});
  auto written = std::move(w).finish();
  if (!written) {
    return err("write_header", written.error());
  }
  c.expect_equal("encoded", *written, encoded);
  c.expect(sframe::header_len(sframe::Header{kid, ctr}) == encoded.size(), "header_len mismatch");
  auto parsed = decode_all<sframe::Header>(encoded, "SFrameHeader",
                                           [](Reader& r) { return sframe::parse_header(r); });
  if (!parsed) {
    return err("parse_header", parsed.error());
  }
  c.expect(parsed->kid == kid && parsed->ctr == ctr, "decoded (kid, ctr) mismatch");
  return c.first();
}

Result<CipherSuite> suite_of(Fields& f) {
  const uint64_t v = f.u64("cipher_suite");
  if (v > std::numeric_limits<uint16_t>::max()) {
    return Err::kUnsupported;
  }
  return sframe::cipher_suite_from_wire(static_cast<uint16_t>(v));
}

// check_aes_ctr_hmac: derive_subkeys, AEAD.Encrypt and AEAD.Decrypt of
// §4.5.1 for suites 1..3.
std::string check_aes_ctr_hmac(Fields& f) {
  auto suite = suite_of(f);
  const Bytes key = f.hex("key");
  const Bytes enc_key = f.hex("enc_key");
  const Bytes auth_key = f.hex("auth_key");
  const Bytes nonce = f.hex("nonce");
  const Bytes aad = f.hex("aad");
  const Bytes pt = f.hex("pt");
  const Bytes ct = f.hex("ct");
  if (!f.ok()) {
    return f.error();
  }
  if (!suite) {
    return err("cipher_suite", suite.error());
  }
  const size_t nt = sframe::suite_params(*suite).nt;
  Checks c;
  auto sub = crypto::AesCtrHmacKey::split_key(key);
  if (!sub) {
    return err("split_key", sub.error());
  }
  c.expect_equal("enc_key", sub->enc_key, enc_key);
  c.expect_equal("auth_key", sub->auth_key, auth_key);
  auto k = crypto::AesCtrHmacKey::create(key, nt);
  if (!k) {
    return err("AesCtrHmacKey::create", k.error());
  }
  Bytes sealed(pt.size() + nt);
  auto n = k->seal(sealed, nonce, aad, pt);
  if (!n) {
    return err("seal", n.error());
  }
  c.expect_equal("ct", sealed, ct);
  Bytes opened(ct.size());
  auto m = k->open(opened, nonce, aad, ct);
  if (!m) {
    return err("open", m.error());
  }
  opened.resize(*m);
  c.expect_equal("pt", opened, pt);
  // The last tag byte flipped must fail to open.
  Bytes bad = ct;
  if (!bad.empty()) {
    bad[bad.size() - 1] ^= 1;
  }
  Bytes scratch(ct.size());
  auto forged = k->open(scratch, nonce, aad, bad);
  c.expect(!forged && forged.error().code == Err::kAuthFailed, "modified tag was accepted");
  return c.first();
}

// check_sframe: the §4.4.2 intermediates, then encrypt and decrypt through
// Context.
std::string check_sframe(Fields& f) {
  auto suite = suite_of(f);
  const uint64_t kid = f.u64("kid");
  const uint64_t ctr = f.u64("ctr");
  const Bytes base_key = f.hex("base_key");
  const Bytes key_label = f.hex("sframe_key_label");
  const Bytes salt_label = f.hex("sframe_salt_label");
  const Bytes secret = f.hex("sframe_secret");
  const Bytes key = f.hex("sframe_key");
  const Bytes salt = f.hex("sframe_salt");
  const Bytes metadata = f.hex("metadata");
  const Bytes nonce = f.hex("nonce");
  const Bytes aad = f.hex("aad");
  const Bytes pt = f.hex("pt");
  const Bytes ct = f.hex("ct");
  if (!f.ok()) {
    return f.error();
  }
  if (!suite) {
    return err("cipher_suite", suite.error());
  }
  Checks c;
  c.expect_equal("sframe_key_label", sframe::key_label(*suite, kid), key_label);
  c.expect_equal("sframe_salt_label", sframe::salt_label(*suite, kid), salt_label);
  auto got_secret = sframe::sframe_secret(*suite, base_key);
  if (!got_secret) {
    return err("sframe_secret", got_secret.error());
  }
  c.expect_equal("sframe_secret", got_secret->view(), secret);
  auto ks = sframe::derive_key_salt(*suite, kid, base_key);
  if (!ks) {
    return err("derive_key_salt", ks.error());
  }
  c.expect_equal("sframe_key", ks->key.view(), key);
  c.expect_equal("sframe_salt", ks->salt.view(), salt);
  c.expect_equal("nonce", sframe::frame_nonce(ks->salt.view(), ctr), nonce);
  Writer w;
  sframe::write_header(w, sframe::Header{kid, ctr});
  w.bytes(metadata);
  auto got_aad = std::move(w).finish();
  if (!got_aad) {
    return err("aad", got_aad.error());
  }
  c.expect_equal("aad", *got_aad, aad);

  sframe::Context sender(*suite);
  auto added = sender.add_key(kid, base_key, sframe::KeyUsage::kEncrypt);
  if (!added) {
    return err("add_key(encrypt)", added.error());
  }
  auto advanced = sender.advance_counter(kid, ctr);
  if (!advanced) {
    return err("advance_counter", advanced.error());
  }
  Bytes frame(ct.size() + 16);
  auto n = sender.protect(kid, frame, pt, metadata);
  if (!n) {
    return err("protect", n.error());
  }
  frame.resize(*n);
  c.expect_equal("ct", frame, ct);

  sframe::Context receiver(*suite);
  added = receiver.add_key(kid, base_key, sframe::KeyUsage::kDecrypt);
  if (!added) {
    return err("add_key(decrypt)", added.error());
  }
  Bytes plain(ct.size());
  auto opened = receiver.unprotect(plain, ct, metadata);
  if (!opened) {
    return err("unprotect", opened.error());
  }
  plain.resize(opened->plaintext_len);
  c.expect_equal("pt", plain, pt);
  c.expect(opened->kid == kid && opened->ctr == ctr, "unprotect reported the wrong (kid, ctr)");
  // Once opened, the same frame is a replay.
  Bytes again(ct.size());
  auto replay = receiver.unprotect(again, ct, metadata);
  c.expect(!replay && replay.error().code == Err::kReplayed, "replayed frame was not rejected");
  return c.first();
}

template <typename F>
void run_array(const nlohmann::json& doc, const char* name, F&& check, FileReport& report,
               size_t& count) {
  const nlohmann::json& arr = doc.at(name);
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string where = std::string(name) + "[" + std::to_string(i) + "]";
    Fields f(arr[i], where);
    const std::string problem = check(f);
    if (problem.empty()) {
      report.pass();
    } else {
      report.fail(where, problem);
    }
    ++count;
  }
}

FileReport run_sframe(const nlohmann::json& doc) {
  FileReport report;
  size_t headers = 0;
  size_t ctr_hmac = 0;
  size_t frames = 0;
  run_array(doc, "header", check_header, report, headers);
  run_array(doc, "aes_ctr_hmac", check_aes_ctr_hmac, report, ctr_hmac);
  run_array(doc, "sframe", check_sframe, report, frames);
  report.notes.push_back("NOTE entries run: header " + std::to_string(headers) + ", aes_ctr_hmac " +
                         std::to_string(ctr_hmac) + ", sframe " + std::to_string(frames));
  return report;
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_sframe, "sframe",
    [](const nlohmann::json& doc) {
      return doc.is_object() && doc.contains("header") && doc["header"].is_array() &&
             doc.contains("aes_ctr_hmac") && doc["aes_ctr_hmac"].is_array() &&
             doc.contains("sframe") && doc["sframe"].is_array();
    },
    &run_sframe);

}  // namespace conclave::kat
