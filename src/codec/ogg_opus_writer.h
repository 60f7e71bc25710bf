// OggOpusWriter: writes an Ogg Opus file (RFC 7845) from Opus packets, with
// libogg doing the page framing and CRC (spec/12-codecs-and-media-files.md#ogg-opus).
#pragma once

#include <cstdint>
#include <memory>

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::codec {

struct OggOpusConfig {
  uint16_t channels = 1;
  // The encoder delay to discard at the start (OpusEncoder::lookahead()).
  uint16_t pre_skip = 0;
  // The sample rate of the original input, informative only (RFC 7845 §5.1).
  uint32_t input_sample_rate = 48000;
  uint32_t serial = 1;
};

// OggOpusWriter builds the file in memory. It is move-only.
class OggOpusWriter {
 public:
  // create writes the identification header (OpusHead, alone on the first
  // page) and the comment header (OpusTags, vendor "conclave", no comments,
  // on its own page). kInvalidArgument unless channels is 1 or 2.
  static Result<OggOpusWriter> create(const OggOpusConfig& config);

  OggOpusWriter(OggOpusWriter&&) noexcept;
  OggOpusWriter& operator=(OggOpusWriter&&) noexcept;
  OggOpusWriter(const OggOpusWriter&) = delete;
  OggOpusWriter& operator=(const OggOpusWriter&) = delete;
  ~OggOpusWriter();

  // write_packet adds one Opus packet that decodes to `samples` samples per
  // channel at 48 kHz (960 for a 20 ms frame; 1..5760).
  Result<void> write_packet(ByteView packet, uint32_t samples);

  // finish ends the stream: the last packet goes on an end-of-stream page
  // whose granule position is pre_skip + `valid_samples`, trimming the
  // decoder output to the input's length (RFC 7845 §4.4). The trim must fall
  // within the last packet, else kInvalidArgument (feed the encoder one more
  // frame to flush its delay). It returns the whole file; the writer is
  // finished afterwards and every call fails with kUsage.
  Result<Bytes> finish(uint64_t valid_samples);

 private:
  struct Context;
  explicit OggOpusWriter(std::unique_ptr<Context> c);

  Result<void> submit(ByteView packet, bool end_of_stream, int64_t granule);

  std::unique_ptr<Context> ctx_;
};

}  // namespace conclave::codec
