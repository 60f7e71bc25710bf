#include "crypto/sframe/header.h"

namespace conclave::sframe {

namespace {

constexpr uint8_t kExtendedFlag = 0x08;  // X or Y within a 4-bit half
constexpr uint64_t kInlineMax = 7;

// value_len is the minimal big-endian byte length of an extended value.
size_t value_len(uint64_t v) {
  size_t n = 1;
  while (n < 8 && (v >> (8 * n)) != 0) {
    ++n;
  }
  return n;
}

// half encodes one 4-bit half of the config byte for `v`.
uint8_t half(uint64_t v) {
  if (v <= kInlineMax) {
    return static_cast<uint8_t>(v);
  }
  return static_cast<uint8_t>(kExtendedFlag | (value_len(v) - 1));
}

void write_value(Writer& w, uint64_t v) {
  if (v <= kInlineMax) {
    return;
  }
  for (size_t i = value_len(v); i > 0; --i) {
    w.u8(static_cast<uint8_t>(v >> (8 * (i - 1))));
  }
}

// read_value decodes the field announced by `nibble` (one half of the config
// byte) from `r`, which parse_header owns as a scratch copy.
Result<uint64_t> read_value(Reader& r, uint8_t nibble, const char* what) {
  if ((nibble & kExtendedFlag) == 0) {
    return uint64_t{nibble};
  }
  const size_t len = static_cast<size_t>(nibble & 0x07) + 1;
  ByteView raw;
  if (!r.bytes(len, &raw)) {
    return r.error(what);
  }
  //= RFC 9605 §4.3
  //# Otherwise, the value MUST be encoded with the minimum number of bytes required and
  //# appended after the config byte, with the KID first and CTR second.
  uint64_t v = 0;
  for (uint8_t b : raw) {
    v = (v << 8) | b;
  }
  if (v <= kInlineMax || value_len(v) != len) {
    return Error(Err::kInvalidValue, what, r.offset() - len);
  }
  return v;
}

}  // namespace

size_t header_len(const Header& h) {
  return 1 + (h.kid > kInlineMax ? value_len(h.kid) : 0) +
         (h.ctr > kInlineMax ? value_len(h.ctr) : 0);
}

// implements: REQ-SFRAME-001
Result<Header> parse_header(Reader& r) {
  // Work on a copy so a failure consumes nothing from the caller's reader.
  Reader t = r;
  uint8_t config = 0;
  if (!t.u8(&config)) {
    return t.error("SFrameHeader.config");
  }
  Header h;
  CONCLAVE_TRY_ASSIGN(h.kid, read_value(t, static_cast<uint8_t>(config >> 4), "SFrameHeader.kid"));
  CONCLAVE_TRY_ASSIGN(h.ctr,
                      read_value(t, static_cast<uint8_t>(config & 0x0f), "SFrameHeader.ctr"));
  r = t;
  return h;
}

// implements: REQ-SFRAME-001
void write_header(Writer& w, const Header& h) {
  w.u8(static_cast<uint8_t>((half(h.kid) << 4) | half(h.ctr)));
  write_value(w, h.kid);
  write_value(w, h.ctr);
}

}  // namespace conclave::sframe
