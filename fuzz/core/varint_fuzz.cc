// Targets: conclave::Reader::varint, conclave::Reader::vec, conclave::Writer::varint
// Requirements: REQ-WIRE-001, REQ-WIRE-002, REQ-WIRE-003, REQ-WIRE-004
//
// Reads varints and vectors alternately until the input ends. Properties:
// a failed getter consumes nothing; every accepted varint re-encodes to the
// bytes it was read from (so only minimal encodings pass).
#include <cstddef>
#include <cstdint>

#include "core/reader.h"
#include "core/writer.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  conclave::Reader r(conclave::ByteView(data, size));
  bool as_vec = false;
  while (!r.empty()) {
    const size_t before = r.offset();
    if (as_vec) {
      conclave::ByteView body;
      if (!r.vec(&body)) {
        CONCLAVE_FUZZ_CHECK(r.offset() == before);
        return 0;
      }
      CONCLAVE_FUZZ_CHECK(body.size() < r.offset() - before + 1 + body.size());
    } else {
      uint64_t v = 0;
      if (!r.varint(&v)) {
        CONCLAVE_FUZZ_CHECK(r.offset() == before);
        return 0;
      }
      CONCLAVE_FUZZ_CHECK(v <= conclave::kMaxVarint);
      conclave::Writer w;
      w.varint(v);
      auto enc = std::move(w).finish();
      CONCLAVE_FUZZ_CHECK(enc.has_value());
      CONCLAVE_FUZZ_CHECK(
          conclave::equal(*enc, conclave::ByteView(data + before, r.offset() - before)));
    }
    as_vec = !as_vec;
  }
  return 0;
}
