// A strict YUV4MPEG2 (Y4M) reader for the headless client's video source
// (spec/12-codecs-and-media-files.md#y4m): progressive 8-bit 4:2:0 (C420,
// C420jpeg, C420paldv, C420mpeg2 or no C parameter, which means 4:2:0) with
// even sizes within the VP8 profile.
#pragma once

#include <cstdint>
#include <vector>

#include "codec/i420_frame.h"
#include "core/bytes.h"
#include "core/result.h"

namespace conclave::codec {

// The stream header line:
//   "YUV4MPEG2" (" " parameter)+ "\n"
//   parameter: W<width> H<height> F<num>:<den> I<interlace> A<num>:<den>
//              C<colour space> X<comment>
struct Y4mHeader {
  uint32_t width = 0;
  uint32_t height = 0;
  uint32_t fps_num = 0;
  uint32_t fps_den = 0;
};

struct Y4mVideo {
  Y4mHeader header;
  std::vector<I420Frame> frames;
};

// parse_y4m reads a whole Y4M file: the header line (at most
// kMaxY4mHeaderLen bytes), then one or more frames, each "FRAME", optional
// parameters, "\n" and exactly i420_frame_len(W, H) bytes. It rejects with a
// located error: a wrong magic, a header or frame line without its "\n"
// within kMaxY4mHeaderLen bytes (kLengthLimit), an empty or repeated or
// unknown parameter, a number that is not plain decimal, a missing W, H or F,
// a zero frame rate, an interlaced stream, a colour space other than 4:2:0
// 8-bit, a size that is odd or outside 16..3840 x 16..2160 (kUnsupported),
// a truncated frame, and a file without frames.
Result<Y4mVideo> parse_y4m(ByteView file);

}  // namespace conclave::codec
