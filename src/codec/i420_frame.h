// I420Frame: one 8-bit 4:2:0 picture, planes Y, U, V stored contiguously
// without padding (spec/12-codecs-and-media-files.md#video-frames).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/bytes.h"

namespace conclave::codec {

// i420_frame_len is the byte length of a `width` x `height` I420 picture;
// Conclave's video profile has even sizes only, so chroma is exactly half.
constexpr size_t i420_frame_len(uint32_t width, uint32_t height) {
  return size_t{width} * height + 2 * (size_t{width} / 2) * (size_t{height} / 2);
}

struct I420Frame {
  uint32_t width = 0;
  uint32_t height = 0;
  Bytes data;  // i420_frame_len(width, height) bytes: Y, then U, then V

  std::span<const uint8_t> y() const { return std::span(data).first(size_t{width} * height); }
  std::span<const uint8_t> u() const {
    return std::span(data).subspan(size_t{width} * height, chroma_len());
  }
  std::span<const uint8_t> v() const {
    return std::span(data).subspan(size_t{width} * height + chroma_len(), chroma_len());
  }
  size_t chroma_len() const { return (size_t{width} / 2) * (size_t{height} / 2); }
};

}  // namespace conclave::codec
