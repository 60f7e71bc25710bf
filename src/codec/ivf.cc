#include "codec/ivf.h"

#include "codec/limits.h"
#include "codec/little_endian.h"
#include "core/reader.h"

namespace conclave::codec {

namespace {

constexpr uint8_t kSignature[4] = {'D', 'K', 'I', 'F'};
constexpr uint8_t kFourccVp8[4] = {'V', 'P', '8', '0'};

bool equal4(ByteView b, const uint8_t (&want)[4]) {
  return b.size() == 4 && b[0] == want[0] && b[1] == want[1] && b[2] == want[2] && b[3] == want[3];
}

}  // namespace

// implements: REQ-CODEC-009
Result<IvfFile> parse_ivf(ByteView file) {
  Reader r(file);
  IvfFile out;
  IvfHeader& h = out.header;
  ByteView signature;
  ByteView fourcc;
  uint16_t version = 0;
  uint16_t header_len = 0;
  if (!r.bytes(4, &signature) || !read_le16(r, &version) || !read_le16(r, &header_len) ||
      !r.bytes(4, &fourcc) || !read_le16(r, &h.width) || !read_le16(r, &h.height) ||
      !read_le32(r, &h.timebase_den) || !read_le32(r, &h.timebase_num) ||
      !read_le32(r, &h.frame_count) || !read_le32(r, &h.unused)) {
    return r.error("IvfHeader");
  }
  if (!equal4(signature, kSignature)) {
    return Error(Err::kInvalidValue, "IVF signature is not \"DKIF\"", 0);
  }
  if (version != 0) {
    return Error(Err::kInvalidValue, "IVF version is not 0", 4);
  }
  if (header_len != kIvfHeaderLen) {
    return Error(Err::kInvalidValue, "IVF header length is not 32", 6);
  }
  if (!equal4(fourcc, kFourccVp8)) {
    return Error(Err::kUnsupported, "IVF codec is not VP8 (fourcc \"VP80\")", 8);
  }
  if (h.width == 0 || h.height == 0) {
    return Error(Err::kInvalidValue, "IVF width or height is zero", 12);
  }
  if (h.timebase_den == 0 || h.timebase_num == 0) {
    return Error(Err::kInvalidValue, "IVF timebase has a zero term", 16);
  }
  while (!r.empty()) {
    const size_t at = r.offset();
    uint32_t len = 0;
    IvfFrame f;
    ByteView data;
    if (!read_le32(r, &len) || !read_le64(r, &f.pts)) {
      return r.error("IvfFrame header");
    }
    if (len == 0 || len > kMaxVp8FrameLen) {
      return Error(Err::kLengthLimit, "IVF frame is empty or longer than kMaxVp8FrameLen", at);
    }
    if (!r.bytes(len, &data)) {
      return r.error("IvfFrame.data");
    }
    f.data = to_bytes(data);
    out.frames.push_back(std::move(f));
  }
  if (out.frames.size() != h.frame_count) {
    return Error(Err::kInvalidValue, "IVF frame count differs from the frames in the file", 24);
  }
  return out;
}

// implements: REQ-CODEC-010
void write_ivf_header(Bytes& out, const IvfHeader& h) {
  out.insert(out.end(), std::begin(kSignature), std::end(kSignature));
  append_le16(out, 0);
  append_le16(out, static_cast<uint16_t>(kIvfHeaderLen));
  out.insert(out.end(), std::begin(kFourccVp8), std::end(kFourccVp8));
  append_le16(out, h.width);
  append_le16(out, h.height);
  append_le32(out, h.timebase_den);
  append_le32(out, h.timebase_num);
  append_le32(out, h.frame_count);
  append_le32(out, h.unused);
}

void write_ivf_frame(Bytes& out, uint64_t pts, ByteView data) {
  append_le32(out, static_cast<uint32_t>(data.size()));
  append_le64(out, pts);
  out.insert(out.end(), data.begin(), data.end());
}

Bytes write_ivf(const IvfFile& file) {
  Bytes out;
  write_ivf_header(out, file.header);
  for (const IvfFrame& f : file.frames) {
    write_ivf_frame(out, f.pts, f.data);
  }
  return out;
}

}  // namespace conclave::codec
