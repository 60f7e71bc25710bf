// ToneSource: a generated sine tone, the headless client's audio source when
// no WAV file is given (spec/12-codecs-and-media-files.md#generated-sources).
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.h"

namespace conclave::codec {

class ToneSource {
 public:
  // create returns kInvalidArgument unless 20 <= frequency_hz <= 20000,
  // channels is 1 or 2 and 0 < amplitude <= 32767.
  static Result<ToneSource> create(double frequency_hz, uint16_t channels = 1,
                                   int16_t amplitude = 8000);

  // next_frame returns the next 20 ms (kFrameSamples per channel,
  // interleaved, the same sample on every channel). The phase carries on
  // from frame to frame, so the tone has no clicks.
  std::vector<int16_t> next_frame();

  uint16_t channels() const { return channels_; }

 private:
  ToneSource(double f, uint16_t c, int16_t a) : frequency_hz_(f), channels_(c), amplitude_(a) {}

  double frequency_hz_;
  uint16_t channels_;
  int16_t amplitude_;
  uint64_t sample_index_ = 0;
};

}  // namespace conclave::codec
