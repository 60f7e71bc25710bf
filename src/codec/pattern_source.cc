#include "codec/pattern_source.h"

#include <algorithm>
#include <array>

#include "codec/limits.h"

namespace conclave::codec {

namespace {

struct Yuv {
  uint8_t y, u, v;
};

// BT.601 limited-range values of the eight classic bars: white, yellow,
// cyan, green, magenta, red, blue, black.
constexpr std::array<Yuv, 8> kBars = {{{235, 128, 128},
                                       {210, 16, 146},
                                       {170, 166, 16},
                                       {145, 54, 34},
                                       {106, 202, 222},
                                       {81, 90, 240},
                                       {41, 240, 110},
                                       {16, 128, 128}}};

}  // namespace

Result<PatternSource> PatternSource::create(uint32_t width, uint32_t height, uint32_t fps) {
  if (width < kMinVideoDim || width > kMaxVideoWidth || width % 2 != 0 || height < kMinVideoDim ||
      height > kMaxVideoHeight || height % 2 != 0) {
    return Error(Err::kInvalidArgument, "pattern size must be even and 16..3840 x 16..2160");
  }
  if (fps < kMinFps || fps > kMaxFps) {
    return Error(Err::kInvalidArgument, "pattern frame rate must be 1..60");
  }
  return PatternSource(width, height, fps);
}

// implements: REQ-CODEC-011
I420Frame PatternSource::next_frame() {
  I420Frame f;
  f.width = width_;
  f.height = height_;
  f.data.resize(i420_frame_len(width_, height_));
  const uint64_t n = index_++;
  const size_t w = width_;
  const size_t h = height_;
  const size_t cw = w / 2;
  const size_t ch = h / 2;
  const size_t bar_w = std::max<size_t>(w / kBars.size(), 1);
  // The bars scroll by 2 pixels a frame (a multiple of the chroma step).
  const size_t shift = (n * 2) % w;
  // The bouncing square: side h/4, moving diagonally 4 pixels a frame.
  const size_t side = std::max<size_t>(h / 4, 2) & ~size_t{1};
  const size_t span_x = w - side;
  const size_t span_y = h - side;
  const size_t tx = (n * 4) % (2 * span_x);
  const size_t ty = (n * 4) % (2 * span_y);
  const size_t sx = (tx < span_x ? tx : 2 * span_x - tx) & ~size_t{1};
  const size_t sy = (ty < span_y ? ty : 2 * span_y - ty) & ~size_t{1};
  const auto in_square = [&](size_t x, size_t y) {
    return x >= sx && x < sx + side && y >= sy && y < sy + side;
  };
  const auto bar_at = [&](size_t x) { return kBars[((x + shift) % w / bar_w) % kBars.size()]; };
  for (size_t y = 0; y < h; ++y) {
    for (size_t x = 0; x < w; ++x) {
      f.data[y * w + x] = in_square(x, y) ? 235 : bar_at(x).y;
    }
  }
  const size_t u_base = w * h;
  const size_t v_base = u_base + cw * ch;
  for (size_t y = 0; y < ch; ++y) {
    for (size_t x = 0; x < cw; ++x) {
      const bool sq = in_square(2 * x, 2 * y);
      const Yuv c = bar_at(2 * x);
      f.data[u_base + y * cw + x] = sq ? 128 : c.u;
      f.data[v_base + y * cw + x] = sq ? 128 : c.v;
    }
  }
  return f;
}

}  // namespace conclave::codec
