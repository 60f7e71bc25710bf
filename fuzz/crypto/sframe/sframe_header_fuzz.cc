// Targets: sframe::parse_header, sframe::parse_frame, sframe::write_header
// Requirements: REQ-SFRAME-001
//
// Input: any bytes, read as an SFrame header followed by anything.
// Properties: a header that parses re-encodes to exactly the bytes it was
// parsed from (so every accepted encoding is the minimal one), header_len
// agrees, and parse_frame splits at the same place.
#include <cstddef>
#include <cstdint>

#include "core/reader.h"
#include "core/writer.h"
#include "crypto/sframe/frame_key.h"
#include "crypto/sframe/header.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const conclave::ByteView in(data, size);
  conclave::Reader r(in);
  auto h = conclave::sframe::parse_header(r);
  auto f = conclave::sframe::parse_frame(in);
  CONCLAVE_FUZZ_CHECK(h.has_value() == f.has_value());
  if (!h.has_value()) {
    CONCLAVE_FUZZ_CHECK(r.remaining() == size);
    return 0;
  }
  const size_t consumed = size - r.remaining();
  CONCLAVE_FUZZ_CHECK(consumed == conclave::sframe::header_len(*h));
  conclave::Writer w;
  conclave::sframe::write_header(w, *h);
  auto out = std::move(w).finish();
  CONCLAVE_FUZZ_CHECK(out.has_value());
  CONCLAVE_FUZZ_CHECK(conclave::equal(*out, in.first(consumed)));
  CONCLAVE_FUZZ_CHECK(f->header.kid == h->kid && f->header.ctr == h->ctr);
  CONCLAVE_FUZZ_CHECK(f->header_bytes.size() == consumed);
  return 0;
}
