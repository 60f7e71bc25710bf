// transcript-hashes.json (RFC 9420 §8.2): from interim_transcript_hash_before
// and a commit's AuthenticatedContent, compute the confirmed and interim
// transcript hashes, and verify the commit's confirmation tag with the given
// confirmation_key. Entries of suites other than 1 and 2 are skipped.
// Guide: ../shared/vectors/mls/README.md §7.
#include <nlohmann/json.hpp>

#include <string>

#include "core/secret_bytes.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/framing.h"
#include "crypto/mls/transcript_hash.h"
#include "mls_kat_util.h"
#include "vector_kinds.h"
#include "vector_report.h"

namespace conclave::kat {

namespace {

using namespace conclave::mls;  // NOLINT(google-build-using-namespace)

std::string err(const char* what, const Error& e) {
  return std::string(what) + " failed: " + to_string(e.code) + " (" + e.detail + ")";
}

std::string check_entry(const CipherSuite& suite, Fields& f) {
  const SecretBytes confirmation_key = SecretBytes::copy_of(f.hex("confirmation_key"));
  const Bytes content = f.hex("authenticated_content");
  const Bytes interim_before = f.hex("interim_transcript_hash_before");
  const Bytes confirmed_after = f.hex("confirmed_transcript_hash_after");
  const Bytes interim_after = f.hex("interim_transcript_hash_after");
  if (!f.ok()) {
    return f.error();
  }
  auto ac = decode_authenticated_content(content);
  if (!ac) {
    return err("AuthenticatedContent decode", ac.error());
  }
  Checks c;
  auto encoded = encode_authenticated_content(*ac);
  if (!encoded) {
    return err("AuthenticatedContent encode", encoded.error());
  }
  c.expect_equal("authenticated_content re-encoding", *encoded, content);
  c.expect(ac->content.content_type() == ContentType::kCommit, "content is not a commit");
  if (!c.ok()) {
    return c.first();
  }
  auto confirmed = next_confirmed_transcript_hash(suite, interim_before, *ac);
  if (!confirmed) {
    return err("confirmed transcript hash", confirmed.error());
  }
  c.expect_equal("confirmed_transcript_hash_after", *confirmed, confirmed_after);
  auto tag_ok =
      verify_confirmation_tag(suite, confirmation_key, *confirmed, ac->auth.confirmation_tag);
  c.expect(tag_ok.has_value(), "confirmation tag does not verify");
  auto tag = confirmation_tag(suite, confirmation_key, *confirmed);
  if (tag.has_value()) {
    c.expect_equal("confirmation_tag", *tag, ac->auth.confirmation_tag);
  }
  Bytes flipped = ac->auth.confirmation_tag;
  if (!flipped.empty()) {
    flipped.back() ^= 1;
    c.expect(!verify_confirmation_tag(suite, confirmation_key, *confirmed, flipped).has_value(),
             "a modified confirmation tag verified");
  }
  auto interim = next_interim_transcript_hash(suite, *confirmed, ac->auth.confirmation_tag);
  if (!interim) {
    return err("interim transcript hash", interim.error());
  }
  c.expect_equal("interim_transcript_hash_after", *interim, interim_after);
  return c.first();
}

FileReport run_mls_transcript_hashes(const nlohmann::json& entries) {
  return run_suite_entries(entries, check_entry);
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_transcript_hashes, "mls transcript-hashes",
    [](const nlohmann::json& doc) {
      return doc.is_array() && !doc.empty() && doc[0].is_object() &&
             doc[0].contains("confirmation_key") && doc[0].contains("authenticated_content") &&
             doc[0].contains("interim_transcript_hash_before");
    },
    &run_mls_transcript_hashes);

}  // namespace conclave::kat
