// deserialization.json: RFC 9420 §2.1.2 variable-length vector headers.
// Each `vlbytes_header` is a length prefix alone: it must decode to `length`
// consuming every byte, and re-encoding `length` must give the same bytes.
// Guide: ../shared/vectors/mls/README.md §2.
#include <nlohmann/json.hpp>

#include <string>

#include "core/reader.h"
#include "core/writer.h"
#include "vector_kinds.h"
#include "vector_report.h"

namespace conclave::kat {

namespace {

FileReport run_mls_deserialization(const nlohmann::json& entries) {
  FileReport report;
  for (size_t i = 0; i < entries.size(); ++i) {
    Fields f(entries[i], "entry " + std::to_string(i));
    const Bytes header = f.hex("vlbytes_header");
    const uint64_t length = f.u64("length");
    if (!f.ok()) {
      report.fail(f.path(), f.error());
      continue;
    }
    Reader r(header);
    uint64_t got = 0;
    Checks c;
    c.expect(r.varint(&got), "header does not decode");
    c.expect(r.empty(), "header not fully consumed");
    c.expect(got == length, "decoded " + std::to_string(got) + ", want " + std::to_string(length));
    Writer w;
    w.varint(length);
    auto encoded = std::move(w).finish();
    c.expect(encoded.has_value(), "length does not encode");
    if (encoded.has_value()) {
      c.expect_equal("re-encoded header", *encoded, header);
    }
    if (c.ok()) {
      report.pass();
    } else {
      report.fail(f.path(), c.first());
    }
  }
  return report;
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_deserialization, "mls deserialization",
    [](const nlohmann::json& doc) {
      return doc.is_array() && !doc.empty() && doc[0].is_object() &&
             doc[0].contains("vlbytes_header") && doc[0].contains("length");
    },
    &run_mls_deserialization);

}  // namespace conclave::kat
