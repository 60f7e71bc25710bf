// Targets: parse_wav, parse_wav_format, write_wav (namespace conclave::codec)
// Requirements: REQ-CODEC-006
//
// Input: a WAV file. If parse_wav accepts it, its format is the profile's
// (PCM 16-bit, 48000 Hz, mono or stereo), parse_wav_format agrees, and
// write_wav of the samples parses back to the same samples.
#include <cstddef>
#include <cstdint>

#include "codec/limits.h"
#include "codec/wav_reader.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace conclave::codec;  // NOLINT(google-build-using-namespace)
  const conclave::ByteView in(data, size);
  const auto format = parse_wav_format(in);
  const auto wav = parse_wav(in);
  if (!wav) {
    return 0;
  }
  CONCLAVE_FUZZ_CHECK(format.has_value());
  CONCLAVE_FUZZ_CHECK(format->sample_rate == kSampleRate && format->bits_per_sample == 16);
  CONCLAVE_FUZZ_CHECK(wav->format.channels == 1 || wav->format.channels == 2);
  CONCLAVE_FUZZ_CHECK(wav->samples.size() % wav->format.channels == 0);
  const auto again = parse_wav(write_wav(wav->format.channels, wav->samples));
  CONCLAVE_FUZZ_CHECK(again.has_value() && again->samples == wav->samples);
  return 0;
}
