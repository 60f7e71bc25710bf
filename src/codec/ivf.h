// IVF, the container vpxenc/vpxdec use for VP8 (spec/12-codecs-and-media-
// files.md#ivf): the headless client's video sink, and a strict reader for
// tests.
#pragma once

#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::codec {

// The file header, 32 bytes, integers little-endian:
//   char signature[4] = "DKIF"; uint16 version = 0; uint16 header_len = 32;
//   char fourcc[4] = "VP80"; uint16 width; uint16 height;
//   uint32 timebase_den (rate); uint32 timebase_num (scale);
//   uint32 frame_count; uint32 unused;
struct IvfHeader {
  uint16_t width = 0;
  uint16_t height = 0;
  uint32_t timebase_den = 0;
  uint32_t timebase_num = 0;
  uint32_t frame_count = 0;
  uint32_t unused = 0;
};

// Each frame: uint32 frame_len; uint64 pts; opaque data[frame_len];
struct IvfFrame {
  uint64_t pts = 0;
  Bytes data;
};

struct IvfFile {
  IvfHeader header;
  std::vector<IvfFrame> frames;
};

// parse_ivf reads a whole IVF file of VP8 frames. It rejects, with a
// located error: a wrong signature, version, header length or fourcc
// (only VP80), a zero width, height or timebase, a frame that is empty or
// longer than kMaxVp8FrameLen, a truncated frame, and a frame count that
// differs from the number of frames in the file. write_ivf(parse_ivf(x))
// gives back x.
Result<IvfFile> parse_ivf(ByteView file);

// write_ivf_header appends the 32-byte header; write_ivf_frame appends one
// frame. write_ivf writes a whole file.
void write_ivf_header(Bytes& out, const IvfHeader& h);
void write_ivf_frame(Bytes& out, uint64_t pts, ByteView data);
Bytes write_ivf(const IvfFile& file);

}  // namespace conclave::codec
