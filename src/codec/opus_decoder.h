// OpusDecoder: decodes Opus packets of any origin (spec/12-codecs-and-media-
// files.md#opus), conceals a lost frame and recovers one from the in-band FEC
// of the packet after it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::codec {

// OpusDecoder owns one libopus decoder at 48 kHz. It is move-only. Every
// method returns interleaved 16-bit samples.
class OpusDecoder {
 public:
  // create returns kInvalidArgument unless `channels` is 1 or 2.
  static Result<OpusDecoder> create(uint16_t channels);

  OpusDecoder(OpusDecoder&&) noexcept;
  OpusDecoder& operator=(OpusDecoder&&) noexcept;
  OpusDecoder(const OpusDecoder&) = delete;
  OpusDecoder& operator=(const OpusDecoder&) = delete;
  ~OpusDecoder();

  // decode decodes one packet, which comes from the network and may be
  // anything: an empty packet or one longer than kMaxOpusPacketLen is
  // kLengthLimit, one libopus cannot decode is kDecode; neither changes what
  // a following packet decodes to beyond what libopus itself keeps.
  Result<std::vector<int16_t>> decode(ByteView packet);

  // conceal returns 20 ms of packet-loss concealment for a frame that never
  // arrived.
  Result<std::vector<int16_t>> conceal();

  // recover_fec rebuilds the lost frame just before `next_packet` from the
  // in-band FEC data `next_packet` carries (or, if it carries none, conceals
  // it). Decode `next_packet` itself afterwards with decode().
  Result<std::vector<int16_t>> recover_fec(ByteView next_packet);

  uint16_t channels() const { return channels_; }

 private:
  // Handle owns libopus's state (defined in the .cc file, so that
  // <opus/opus.h> stays out of this header).
  struct Handle;
  OpusDecoder(std::unique_ptr<Handle> h, uint16_t channels);

  Result<std::vector<int16_t>> run(ByteView packet, size_t frame_samples, bool fec);

  std::unique_ptr<Handle> handle_;
  uint16_t channels_ = 1;
};

}  // namespace conclave::codec
