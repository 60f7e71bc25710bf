// Vp8Decoder: decodes VP8 frames of any origin into I420 pictures
// (spec/12-codecs-and-media-files.md#vp8). Frames come from other
// participants and may be anything; the decoder must never crash on them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "codec/i420_frame.h"
#include "core/bytes.h"
#include "core/result.h"

namespace conclave::codec {

// The uncompressed start of a VP8 frame (RFC 6386 §9.1):
//   frame tag, 3 bytes little-endian:
//     bit 0 key_frame (0 = keyframe), bits 1-3 version, bit 4 show_frame,
//     bits 5-23 first_part_size
//   keyframes only: start code 9d 01 2a,
//     uint16 LE (horizontal_scale:2 | width:14),
//     uint16 LE (vertical_scale:2 | height:14)
struct Vp8FrameHeader {
  bool keyframe = false;
  uint8_t version = 0;
  bool show_frame = false;
  uint32_t first_part_size = 0;
  uint16_t width = 0;  // keyframes only
  uint16_t height = 0;
  uint8_t horizontal_scale = 0;
  uint8_t vertical_scale = 0;
};

// parse_vp8_frame_header reads the frame tag (and the keyframe start) of
// `frame`. It fails with a located kDecode/kTruncated error when the frame
// is shorter than its header, the version is above 3, a keyframe lacks the
// start code or has a zero size, or the first partition is longer than the
// rest of the frame.
Result<Vp8FrameHeader> parse_vp8_frame_header(ByteView frame);

// Vp8Decoder owns one libvpx VP8 decoder. It is move-only.
class Vp8Decoder {
 public:
  static Result<Vp8Decoder> create();

  Vp8Decoder(Vp8Decoder&&) noexcept;
  Vp8Decoder& operator=(Vp8Decoder&&) noexcept;
  Vp8Decoder(const Vp8Decoder&) = delete;
  Vp8Decoder& operator=(const Vp8Decoder&) = delete;
  ~Vp8Decoder();

  // decode decodes one compressed frame and returns its picture, or nothing
  // for a frame that is not to be shown. Before libvpx sees a frame it must
  // be at most kMaxVp8FrameLen long (kLengthLimit), have a valid header
  // (parse_vp8_frame_header), and, if a keyframe, an even size within
  // kMaxVideoWidth x kMaxVideoHeight (kUnsupported); an inter frame before
  // the first keyframe is kUnexpectedMessage. What libvpx rejects is kDecode.
  Result<std::optional<I420Frame>> decode(ByteView frame);

 private:
  struct Context;
  explicit Vp8Decoder(std::unique_ptr<Context> c);

  std::unique_ptr<Context> ctx_;
  bool have_keyframe_ = false;
};

}  // namespace conclave::codec
