#include "codec/y4m_reader.h"

#include <algorithm>
#include <string>

#include "codec/limits.h"
#include "core/reader.h"

namespace conclave::codec {

namespace {

constexpr std::string_view kMagic = "YUV4MPEG2";
constexpr std::string_view kFrameMagic = "FRAME";

// read_line takes the bytes up to (not including) the next '\n' within
// kMaxY4mHeaderLen bytes and consumes the '\n' too.
Result<std::string> read_line(Reader& r, const char* what) {
  std::string line;
  const size_t start = r.offset();
  for (;;) {
    uint8_t c = 0;
    if (!r.u8(&c)) {
      return r.error(what);
    }
    if (c == '\n') {
      return line;
    }
    if (line.size() + 1 >= kMaxY4mHeaderLen) {
      return Error(Err::kLengthLimit, "Y4M header or frame line longer than kMaxY4mHeaderLen",
                   start);
    }
    line.push_back(static_cast<char>(c));
  }
}

// parse_decimal accepts 1 to 9 digits without a leading zero.
bool parse_decimal(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 9 || (s[0] == '0' && s.size() > 1)) {
    return false;
  }
  uint32_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  *out = v;
  return true;
}

bool parse_ratio(std::string_view s, uint32_t* num, uint32_t* den) {
  const size_t colon = s.find(':');
  return colon != std::string_view::npos && parse_decimal(s.substr(0, colon), num) &&
         parse_decimal(s.substr(colon + 1), den);
}

// parse_header_line checks the parameters of the stream header, which
// starts at file offset 0 (error offsets point at the parameter).
Result<Y4mHeader> parse_header_line(std::string_view line) {
  if (line.substr(0, kMagic.size()) != kMagic ||
      (line.size() > kMagic.size() && line[kMagic.size()] != ' ')) {
    return Error(Err::kInvalidValue, "Y4M file does not start with \"YUV4MPEG2 \"", 0);
  }
  Y4mHeader h;
  bool seen_w = false;
  bool seen_h = false;
  bool seen_f = false;
  std::string seen;  // parameter letters already read
  size_t pos = kMagic.size();
  while (pos < line.size()) {
    // Each parameter is introduced by exactly one space.
    const size_t start = pos + 1;
    const size_t end = std::min(line.find(' ', start), line.size());
    const std::string_view p = line.substr(start, end - start);
    pos = end;
    if (p.empty()) {
      return Error(Err::kInvalidValue, "Y4M header has an empty parameter", start);
    }
    const char key = p[0];
    const std::string_view value = p.substr(1);
    if (key != 'X' && seen.find(key) != std::string::npos) {
      return Error(Err::kInvalidValue, "Y4M header repeats a parameter", start);
    }
    seen.push_back(key);
    switch (key) {
      case 'W':
        if (!parse_decimal(value, &h.width)) {
          return Error(Err::kInvalidValue, "Y4M width is not a decimal number", start);
        }
        seen_w = true;
        break;
      case 'H':
        if (!parse_decimal(value, &h.height)) {
          return Error(Err::kInvalidValue, "Y4M height is not a decimal number", start);
        }
        seen_h = true;
        break;
      case 'F':
        if (!parse_ratio(value, &h.fps_num, &h.fps_den) || h.fps_num == 0 || h.fps_den == 0) {
          return Error(Err::kInvalidValue, "Y4M frame rate is not a non-zero ratio n:d", start);
        }
        seen_f = true;
        break;
      case 'I':
        if (value != "p" && value != "?") {
          return Error(Err::kUnsupported,
                       "Y4M stream is interlaced; Conclave needs progressive video (Ip)", start);
        }
        break;
      case 'A': {
        uint32_t n = 0;
        uint32_t d = 0;
        if (!parse_ratio(value, &n, &d)) {
          return Error(Err::kInvalidValue, "Y4M pixel aspect is not a ratio n:d", start);
        }
        break;
      }
      case 'C':
        if (value != "420" && value != "420jpeg" && value != "420paldv" && value != "420mpeg2") {
          return Error(Err::kUnsupported,
                       "Y4M colour space is not 8-bit 4:2:0; Conclave needs C420 (I420)", start);
        }
        break;
      case 'X':
        break;
      default:
        return Error(Err::kInvalidValue, "Y4M header has an unknown parameter", start);
    }
  }
  if (!seen_w || !seen_h || !seen_f) {
    return Error(Err::kInvalidValue, "Y4M header lacks W, H or F", 0);
  }
  if (h.width < kMinVideoDim || h.width > kMaxVideoWidth || h.width % 2 != 0 ||
      h.height < kMinVideoDim || h.height > kMaxVideoHeight || h.height % 2 != 0) {
    return Error(Err::kUnsupported, "Y4M picture size must be even and within 16..3840 x 16..2160",
                 0);
  }
  return h;
}

}  // namespace

// implements: REQ-CODEC-007
Result<Y4mVideo> parse_y4m(ByteView file) {
  Reader r(file);
  CONCLAVE_TRY_ASSIGN(const std::string header_line, read_line(r, "Y4M header line"));
  Y4mVideo out;
  CONCLAVE_TRY_ASSIGN(out.header, parse_header_line(header_line));
  const size_t frame_len = i420_frame_len(out.header.width, out.header.height);
  while (!r.empty()) {
    const size_t at = r.offset();
    CONCLAVE_TRY_ASSIGN(const std::string line, read_line(r, "Y4M frame line"));
    if (line.substr(0, kFrameMagic.size()) != kFrameMagic ||
        (line.size() > kFrameMagic.size() && line[kFrameMagic.size()] != ' ')) {
      return Error(Err::kInvalidValue, "Y4M frame does not start with \"FRAME\"", at);
    }
    ByteView pixels;
    if (!r.bytes(frame_len, &pixels)) {
      return r.error("Y4M frame pixels");
    }
    I420Frame f;
    f.width = out.header.width;
    f.height = out.header.height;
    f.data = to_bytes(pixels);
    out.frames.push_back(std::move(f));
  }
  if (out.frames.empty()) {
    return Error(Err::kInvalidValue, "Y4M file has no frames", file.size());
  }
  return out;
}

}  // namespace conclave::codec
