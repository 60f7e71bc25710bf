// conclave-vectors: runs official test-vector files against Conclave.
//
//   conclave-vectors FILE...
//
// Each FILE is a JSON vector file; its kind is recognised from its content
// by the kinds registered in vector_kinds.h (one module per kind in this
// folder); a file that no kind or more than one kind recognises is an error.
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

#include "vector_kinds.h"
#include "vector_report.h"

namespace conclave::kat {
namespace {}  // namespace

std::vector<VectorKind>& vector_kinds() {
  static std::vector<VectorKind> kinds;
  return kinds;
}

namespace {

// detect finds the one registered kind that recognises `doc`.
const VectorKind* detect(const nlohmann::json& doc) {
  const VectorKind* found = nullptr;
  for (const VectorKind& k : vector_kinds()) {
    if (k.matches(doc)) {
      if (found != nullptr) {
        return nullptr;  // ambiguous: better no verdict than a wrong one
      }
      found = &k;
    }
  }
  return found;
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
  const VectorKind* kind = detect(doc);
  if (kind == nullptr) {
    std::string known;
    for (const VectorKind& k : vector_kinds()) {
      known += std::string(known.empty() ? "" : ", ") + k.name;
    }
    std::printf("%s: not recognised as exactly one known kind of vector file (known: %s)\n",
                path.c_str(), known.c_str());
    return false;
  }
  const FileReport report = kind->run(doc);
  std::printf("%s (%s): %zu passed, %zu failed, %zu skipped\n", path.c_str(), kind->name,
              report.passed, report.failed, report.skipped);
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
