#include "codec/tone_source.h"

#include <cmath>
#include <numbers>

#include "codec/limits.h"

namespace conclave::codec {

Result<ToneSource> ToneSource::create(double frequency_hz, uint16_t channels, int16_t amplitude) {
  if (!(frequency_hz >= 20.0 && frequency_hz <= 20000.0)) {
    return Error(Err::kInvalidArgument, "tone frequency must be 20..20000 Hz");
  }
  if (channels != 1 && channels != 2) {
    return Error(Err::kInvalidArgument, "tone channels must be 1 or 2");
  }
  if (amplitude <= 0) {
    return Error(Err::kInvalidArgument, "tone amplitude must be 1..32767");
  }
  return ToneSource(frequency_hz, channels, amplitude);
}

// implements: REQ-CODEC-011
std::vector<int16_t> ToneSource::next_frame() {
  std::vector<int16_t> out(kFrameSamples * channels_);
  for (size_t i = 0; i < kFrameSamples; ++i) {
    // The phase is computed from the sample index (reduced modulo the
    // sample rate per whole cycle would drift for non-integer frequencies),
    // so long runs do not accumulate rounding error.
    const double t = static_cast<double>(sample_index_++) / kSampleRate;
    const double phase = std::fmod(frequency_hz_ * t, 1.0);
    const auto s =
        static_cast<int16_t>(std::lround(amplitude_ * std::sin(2.0 * std::numbers::pi * phase)));
    for (size_t c = 0; c < channels_; ++c) {
      out[i * channels_ + c] = s;
    }
  }
  return out;
}

}  // namespace conclave::codec
