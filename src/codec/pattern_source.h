// PatternSource: a generated moving test pattern, the headless client's
// video source when no Y4M file is given (spec/12-codecs-and-media-
// files.md#generated-sources): colour bars that scroll one step per frame
// and a white square that bounces, so every frame differs from the last.
#pragma once

#include <cstdint>

#include "codec/i420_frame.h"
#include "core/result.h"

namespace conclave::codec {

class PatternSource {
 public:
  // create returns kInvalidArgument unless the size is even and within
  // kMinVideoDim..kMaxVideoWidth x kMinVideoDim..kMaxVideoHeight and fps is
  // kMinFps..kMaxFps.
  static Result<PatternSource> create(uint32_t width, uint32_t height, uint32_t fps);

  // next_frame returns the next picture; frame n is a pure function of
  // (width, height, n), so runs are reproducible.
  I420Frame next_frame();

  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }
  uint32_t fps() const { return fps_; }

 private:
  PatternSource(uint32_t w, uint32_t h, uint32_t fps) : width_(w), height_(h), fps_(fps) {}

  uint32_t width_;
  uint32_t height_;
  uint32_t fps_;
  uint64_t index_ = 0;
};

}  // namespace conclave::codec
