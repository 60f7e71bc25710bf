// conclave-vectors: runs official test-vector files against Conclave.
//
//   conclave-vectors FILE...
//
// Each FILE is a JSON vector file; its kind is recognised from its content:
//   RFC 9180 HPKE vectors (entries with kem_id/kdf_id/aead_id/mode)
//   MLS crypto-basics.json (entries with cipher_suite and ref_hash)
// For each file it prints `<path>: N passed, N failed, N skipped`, then one
// line per failed or skipped entry with the reason. The exit status is 0
// only if no entry failed and every file could be read, parsed and
// recognised. New vector files are checked without recompiling.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "hpke_vectors.h"
#include "mls_crypto_basics.h"
#include "vector_report.h"

namespace conclave::kat {
namespace {

enum class Kind : uint8_t { kHpke, kMlsCryptoBasics };

// detect recognises a vector file from its first entry.
std::optional<Kind> detect(const nlohmann::json& doc) {
  if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
    return std::nullopt;
  }
  const nlohmann::json& first = doc[0];
  if (first.contains("kem_id") && first.contains("kdf_id") && first.contains("aead_id") &&
      first.contains("mode")) {
    return Kind::kHpke;
  }
  if (first.contains("cipher_suite") && first.contains("ref_hash") &&
      first.contains("expand_with_label")) {
    return Kind::kMlsCryptoBasics;
  }
  return std::nullopt;
}

// run_file returns false if the file failed in any way.
bool run_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::printf("%s: cannot read the file\n", path.c_str());
    return false;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() >= 2 && static_cast<uint8_t>(text[0]) == 0x1f &&
      static_cast<uint8_t>(text[1]) == 0x8b) {
    std::printf("%s: gzip-compressed; decompress it first (gunzip -c)\n", path.c_str());
    return false;
  }
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    std::printf("%s: not valid JSON\n", path.c_str());
    return false;
  }
  const std::optional<Kind> kind = detect(doc);
  if (!kind) {
    std::printf(
        "%s: unrecognised vector file (expected a JSON array of RFC 9180 HPKE entries or MLS "
        "crypto-basics entries)\n",
        path.c_str());
    return false;
  }
  FileReport report;
  switch (*kind) {
    case Kind::kHpke:
      report = run_hpke_vectors(doc);
      break;
    case Kind::kMlsCryptoBasics:
      report = run_mls_crypto_basics(doc);
      break;
  }
  std::printf("%s: %zu passed, %zu failed, %zu skipped\n", path.c_str(), report.passed,
              report.failed, report.skipped);
  for (const std::string& note : report.notes) {
    std::printf("  %s\n", note.c_str());
  }
  return report.failed == 0;
}

}  // namespace
}  // namespace conclave::kat

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s VECTOR_FILE.json...\n", argv[0]);
    return 2;
  }
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    ok = conclave::kat::run_file(argv[i]) && ok;
  }
  return ok ? 0 : 1;
}
