// Shared property checks of the MLS message-codec fuzz targets.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/writer.h"
#include "fuzz/fuzz_check.h"

namespace conclave::mls::fuzz {

// check_round_trip decodes all of `in` with `parse(Reader&)`. A rejection
// must be a decode or protocol error at an offset inside the input (never a
// crypto or usage error, never an abort); an accepted value must re-encode
// with `write(Writer&, const T&)` to exactly `in` (REQ-WIRE-006).
template <typename T, typename P, typename W>
void check_round_trip(ByteView in, P&& parse, W&& write) {
  auto value = decode_all<T>(in, "fuzz", parse);
  if (!value.has_value()) {
    const ErrCategory c = value.error().category();
    CONCLAVE_FUZZ_CHECK(c == ErrCategory::kDecode || c == ErrCategory::kProtocol);
    CONCLAVE_FUZZ_CHECK(value.error().offset <= in.size());
    return;
  }
  Writer w;
  write(w, *value);
  auto out = std::move(w).finish();
  CONCLAVE_FUZZ_CHECK(out.has_value());
  CONCLAVE_FUZZ_CHECK(equal(*out, in));
}

// Input split for the dispatcher targets: the first byte selects the
// parser, the rest is its input.
struct Selected {
  uint8_t selector = 0;
  ByteView body;
};

inline bool select_input(const uint8_t* data, size_t size, Selected* out) {
  if (size == 0) {
    return false;
  }
  out->selector = data[0];
  out->body = ByteView(data + 1, size - 1);
  return true;
}

}  // namespace conclave::mls::fuzz
