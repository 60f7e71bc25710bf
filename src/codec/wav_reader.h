// A strict WAV reader for the headless client's audio source
// (spec/12-codecs-and-media-files.md#wav): RIFF/WAVE, PCM 16-bit, mono or
// stereo, 48000 Hz. Anything else is rejected with an error that says what
// is needed; describe_wav_format says what the file has.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::codec {

// The "fmt " chunk of a WAV file, as found in the file (before the profile
// checks).
//   struct { uint16 format_tag; uint16 channels; uint32 sample_rate;
//            uint32 byte_rate; uint16 block_align; uint16 bits_per_sample; }
//   (all little-endian; an 18-byte chunk adds uint16 extension_size = 0)
struct WavFormat {
  uint16_t format_tag = 0;
  uint16_t channels = 0;
  uint32_t sample_rate = 0;
  uint32_t byte_rate = 0;
  uint16_t block_align = 0;
  uint16_t bits_per_sample = 0;
};

struct WavAudio {
  WavFormat format;
  std::vector<int16_t> samples;  // interleaved
};

// parse_wav_format reads the RIFF structure of `file` up to and including
// its "fmt " chunk without judging the format, so that a caller can report
// what a rejected file holds.
Result<WavFormat> parse_wav_format(ByteView file);

// parse_wav reads a whole WAV file: "RIFF" size "WAVE", then chunks (id,
// little-endian size, body, a pad byte after an odd body), exactly one
// "fmt " chunk before exactly one "data" chunk; other chunks are skipped.
// It rejects, with a located error: a RIFF size other than the file's
// length less 8 (kTrailingData or kTruncated), a truncated chunk, a missing
// or repeated "fmt "/"data" chunk, a format tag other than 1 (PCM), bits
// other than 16, channels other than 1 or 2, a sample rate other than 48000
// (kUnsupported), an inconsistent block_align or byte_rate (kInvalidValue),
// and a data size that is not a whole number of sample frames.
Result<WavAudio> parse_wav(ByteView file);

// describe_wav_format renders `f` for an error message, e.g.
// "PCM 16-bit, 2 channels, 44100 Hz".
std::string describe_wav_format(const WavFormat& f);

// write_wav encodes 16-bit PCM at 48000 Hz (tests and tools); the inverse of
// parse_wav.
Bytes write_wav(uint16_t channels, const std::vector<int16_t>& samples);

}  // namespace conclave::codec
