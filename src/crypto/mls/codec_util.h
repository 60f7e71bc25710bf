// Internal helpers shared by the MLS message codecs (not part of the public
// API): reading opaque vectors and vectors of structs with an element-count
// limit, and whole-value encoding.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"

namespace conclave::mls::detail {

// read_opaque reads `opaque field<V>` into `out` (copied, so the parsed value
// does not borrow the input).
inline Result<void> read_opaque(Reader& r, const char* what, Bytes* out) {
  ByteView v;
  if (!r.vec(&v)) {
    return r.error(what);
  }
  *out = to_bytes(v);
  return {};
}

// implements: REQ-MLS-009, REQ-MLS-010
// read_vector reads `T field<V>`: a varint-prefixed body holding whole
// elements, each read by `parse(Reader&) -> Result<T>`. More than
// `max_count` elements is kLengthLimit, checked before the element is
// parsed, so a hostile count never costs more than max_count elements of
// memory. An element that overruns the body fails inside `parse`.
//
// GCC 12 at -O3 (the release preset) reports -Wmaybe-uninitialized for the
// move of T = std::optional<Node> below: it does not track that the moved-from
// optional's payload is only read when engaged (the known false positive of
// GCC bug 80635 for std::optional). The code is correct; the pragma is scoped
// to this function and to GCC (finding V-03).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
template <typename T, typename F>
Result<std::vector<T>> read_vector(Reader& r, const char* what, size_t max_count, F&& parse) {
  Reader body{ByteView{}};
  if (!r.vec(&body)) {
    return r.error(what);
  }
  std::vector<T> out;
  while (!body.empty()) {
    if (out.size() >= max_count) {
      return Error(Err::kLengthLimit, what, body.offset());
    }
    CONCLAVE_TRY_ASSIGN(T value, parse(body));
    out.push_back(std::move(value));
  }
  return out;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// write_vector writes `T field<V>` with `write(Writer&, const T&)` per
// element; the prefix is patched by Writer::vec_of.
template <typename T, typename F>
void write_vector(Writer& w, const std::vector<T>& values, F&& write) {
  w.vec_of([&](Writer& body) {
    for (const T& v : values) {
      write(body, v);
    }
  });
}

// encode_value runs `write(Writer&, const T&)` into a fresh buffer.
template <typename T, typename F>
Result<Bytes> encode_value(const T& value, F&& write) {
  Writer w;
  write(w, value);
  return std::move(w).finish();
}

}  // namespace conclave::mls::detail

namespace conclave::mls::detail {

//   enum { reserved(0), mls10(1), (65535) } ProtocolVersion;
// Conclave speaks only mls10; every version field must hold it.
inline constexpr uint16_t kMls10 = 1;

// read_mls10 reads a ProtocolVersion and rejects anything but mls10
// (kUnsupported).
inline Result<void> read_mls10(Reader& r, const char* what) {
  uint16_t version = 0;
  if (!r.u16(&version)) {
    return r.error(what);
  }
  if (version != kMls10) {
    return Error(Err::kUnsupported, what, r.offset());
  }
  return {};
}

}  // namespace conclave::mls::detail
