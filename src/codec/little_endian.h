// Little-endian fields for the media file formats (RIFF/WAV, IVF, Ogg Opus
// headers), on top of core::Reader, whose own integers are big-endian (the
// TLS presentation language). Getters consume only on success, like Reader's.
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/reader.h"

namespace conclave::codec {

[[nodiscard]] inline bool read_le16(Reader& r, uint16_t* out) {
  ByteView b;
  if (!r.bytes(2, &b)) {
    return false;
  }
  *out = static_cast<uint16_t>(b[0] | (b[1] << 8));
  return true;
}

[[nodiscard]] inline bool read_le32(Reader& r, uint32_t* out) {
  ByteView b;
  if (!r.bytes(4, &b)) {
    return false;
  }
  *out = uint32_t{b[0]} | (uint32_t{b[1]} << 8) | (uint32_t{b[2]} << 16) | (uint32_t{b[3]} << 24);
  return true;
}

[[nodiscard]] inline bool read_le64(Reader& r, uint64_t* out) {
  ByteView b;
  if (!r.bytes(8, &b)) {
    return false;
  }
  uint64_t v = 0;
  for (size_t i = 8; i > 0; --i) {
    v = (v << 8) | b[i - 1];
  }
  *out = v;
  return true;
}

inline void append_le16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

inline void append_le32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
}

inline void append_le64(Bytes& out, uint64_t v) {
  append_le32(out, static_cast<uint32_t>(v));
  append_le32(out, static_cast<uint32_t>(v >> 32));
}

}  // namespace conclave::codec
