// Vp8Encoder: the VP8 encoder profile of spec/12-codecs-and-media-files.md#vp8:
// realtime deadline, constant bitrate, no lag, one thread by default,
// keyframes on demand.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "codec/i420_frame.h"
#include "core/bytes.h"
#include "core/result.h"

namespace conclave::codec {

struct Vp8EncoderConfig {
  uint32_t width = 640;
  uint32_t height = 360;
  uint32_t fps = 30;
  uint32_t bitrate_kbps = 800;
  uint32_t threads = 1;
  // Largest distance between automatic keyframes, in frames (0: only on
  // demand and at the start).
  uint32_t keyframe_interval = 0;
};

struct EncodedVideoFrame {
  Bytes data;
  bool keyframe = false;
  uint64_t pts = 0;  // in frames
};

// Vp8Encoder owns one libvpx VP8 encoder. It is move-only.
class Vp8Encoder {
 public:
  // create checks `config` against the profile (even width and height in
  // kMinVideoDim..kMaxVideoWidth/Height, fps kMinFps..kMaxFps, bitrate
  // kMinVp8BitrateKbps..kMaxVp8BitrateKbps, 1..8 threads) and returns
  // kInvalidArgument naming the field otherwise.
  static Result<Vp8Encoder> create(const Vp8EncoderConfig& config);

  Vp8Encoder(Vp8Encoder&&) noexcept;
  Vp8Encoder& operator=(Vp8Encoder&&) noexcept;
  Vp8Encoder(const Vp8Encoder&) = delete;
  Vp8Encoder& operator=(const Vp8Encoder&) = delete;
  ~Vp8Encoder();

  // encode compresses `frame`, which must have the configured size
  // (kInvalidArgument otherwise). With `force_keyframe` the frame is coded
  // as a keyframe. It returns zero or one frames (the encoder may drop a
  // frame to hold the bitrate).
  Result<std::vector<EncodedVideoFrame>> encode(const I420Frame& frame, bool force_keyframe);

  Result<void> set_bitrate(uint32_t bitrate_kbps);

  const Vp8EncoderConfig& config() const { return config_; }

 private:
  // Context holds libvpx's codec context (defined in the .cc file, so that
  // <vpx/...> stays out of this header).
  struct Context;
  Vp8Encoder(std::unique_ptr<Context> c, const Vp8EncoderConfig& config);

  std::unique_ptr<Context> ctx_;
  Vp8EncoderConfig config_;
  uint64_t next_pts_ = 0;
};

}  // namespace conclave::codec
