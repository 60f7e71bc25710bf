// OpusEncoder: the Opus encoder profile of spec/12-codecs-and-media-files.md#opus:
// 48 kHz, 20 ms frames, VoIP application, in-band FEC and DTX on.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::codec {

struct OpusEncoderConfig {
  uint16_t channels = 1;
  uint32_t bitrate_bps = 32000;
  // Expected packet loss in percent (0..100); it sets how much FEC the
  // encoder spends.
  uint32_t expected_loss_pct = 10;
};

// OpusEncoder owns one libopus encoder. It is move-only.
class OpusEncoder {
 public:
  // create checks `config` (channels 1 or 2, bitrate kMinOpusBitrate..
  // kMaxOpusBitrate, loss 0..100) and returns kInvalidArgument with the field
  // named in the detail if it is outside the profile.
  static Result<OpusEncoder> create(const OpusEncoderConfig& config);

  OpusEncoder(OpusEncoder&&) noexcept;
  OpusEncoder& operator=(OpusEncoder&&) noexcept;
  OpusEncoder(const OpusEncoder&) = delete;
  OpusEncoder& operator=(const OpusEncoder&) = delete;
  ~OpusEncoder();

  // encode compresses one 20 ms frame: `pcm` holds kFrameSamples interleaved
  // samples per channel, else kInvalidArgument. The packet may be one or two
  // bytes long during silence (DTX).
  Result<Bytes> encode(std::span<const int16_t> pcm);

  Result<void> set_bitrate(uint32_t bitrate_bps);
  Result<void> set_expected_loss(uint32_t expected_loss_pct);

  // lookahead is the encoder delay in 48 kHz samples: the pre-skip an Ogg
  // Opus file must declare (RFC 7845 §4.2).
  uint32_t lookahead() const { return lookahead_; }
  uint16_t channels() const { return channels_; }

 private:
  // Handle owns libopus's state (defined in the .cc file, so that
  // <opus/opus.h> stays out of this header).
  struct Handle;
  OpusEncoder(std::unique_ptr<Handle> h, uint16_t channels, uint32_t lookahead);

  std::unique_ptr<Handle> handle_;
  uint16_t channels_ = 1;
  uint32_t lookahead_ = 0;
};

}  // namespace conclave::codec
