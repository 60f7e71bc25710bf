// codec_sample_files <dir>: writes tone.opus (1 s of a 440 Hz tone, Ogg
// Opus) and pattern.ivf (30 frames of the 320x240 test pattern, VP8 in IVF)
// with conclave_codec's writers, for players_open_files.sh to check with
// independent tools.
#include <cstdio>
#include <fstream>
#include <string>

#include "codec/ivf.h"
#include "codec/limits.h"
#include "codec/ogg_opus_writer.h"
#include "codec/opus_encoder.h"
#include "codec/pattern_source.h"
#include "codec/tone_source.h"
#include "codec/vp8_encoder.h"

namespace {

using namespace conclave;         // NOLINT(google-build-using-namespace)
using namespace conclave::codec;  // NOLINT(google-build-using-namespace)

bool save(const std::string& path, const Bytes& data) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  return f.good();
}

int fail(const char* what, const Error& e) {
  std::fprintf(stderr, "codec_sample_files: %s: %s (%s)\n", what, e.detail, to_string(e.code));
  return 1;
}

int write_opus(const std::string& path) {
  auto enc = OpusEncoder::create({});
  auto tone = ToneSource::create(440.0);
  if (!enc || !tone) {
    return fail("setup", enc ? tone.error() : enc.error());
  }
  auto w = OggOpusWriter::create(
      {.channels = 1, .pre_skip = static_cast<uint16_t>(enc->lookahead()), .serial = 7});
  if (!w) {
    return fail("ogg", w.error());
  }
  // 1 s of input, plus frames until the encoder delay is flushed.
  const size_t frames = (kSampleRate + enc->lookahead()) / kFrameSamples + 1;
  for (size_t i = 0; i < frames; ++i) {
    auto pcm =
        i < kSampleRate / kFrameSamples ? tone->next_frame() : std::vector<int16_t>(kFrameSamples);
    auto packet = enc->encode(pcm);
    if (!packet) {
      return fail("encode", packet.error());
    }
    if (auto r = w->write_packet(*packet, kFrameSamples); !r) {
      return fail("write", r.error());
    }
  }
  auto file = w->finish(kSampleRate);
  if (!file) {
    return fail("finish", file.error());
  }
  return save(path, *file) ? 0 : 1;
}

int write_vp8(const std::string& path) {
  auto enc = Vp8Encoder::create({.width = 320, .height = 240, .fps = 30, .bitrate_kbps = 500});
  auto pattern = PatternSource::create(320, 240, 30);
  if (!enc || !pattern) {
    return fail("setup", enc ? pattern.error() : enc.error());
  }
  IvfFile ivf;
  ivf.header = {.width = 320, .height = 240, .timebase_den = 30, .timebase_num = 1};
  for (int i = 0; i < 30; ++i) {
    auto out = enc->encode(pattern->next_frame(), i == 15);
    if (!out) {
      return fail("encode", out.error());
    }
    for (EncodedVideoFrame& f : *out) {
      ivf.frames.push_back({f.pts, std::move(f.data)});
    }
  }
  ivf.header.frame_count = static_cast<uint32_t>(ivf.frames.size());
  return save(path, write_ivf(ivf)) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: codec_sample_files <dir>\n");
    return 2;
  }
  const std::string dir = argv[1];
  return write_opus(dir + "/tone.opus") | write_vp8(dir + "/pattern.ivf");
}
