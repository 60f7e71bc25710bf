#include "codec/wav_reader.h"

#include <optional>

#include "codec/limits.h"
#include "codec/little_endian.h"
#include "core/reader.h"

namespace conclave::codec {

namespace {

constexpr size_t kRiffHeaderLen = 12;  // "RIFF", size, "WAVE"
constexpr uint16_t kFormatPcm = 1;
constexpr size_t kFmtLen = 16;
constexpr size_t kFmtExtendedLen = 18;

bool is_tag(ByteView b, const char (&tag)[5]) {
  return b.size() == 4 && b[0] == static_cast<uint8_t>(tag[0]) &&
         b[1] == static_cast<uint8_t>(tag[1]) && b[2] == static_cast<uint8_t>(tag[2]) &&
         b[3] == static_cast<uint8_t>(tag[3]);
}

struct WavChunks {
  std::optional<WavFormat> format;
  size_t format_offset = 0;
  std::optional<ByteView> data;
  size_t data_offset = 0;
};

// read_fmt reads the body of a "fmt " chunk that starts at `base`.
Result<WavFormat> read_fmt(ByteView body, size_t base) {
  if (body.size() != kFmtLen && body.size() != kFmtExtendedLen) {
    return Error(Err::kInvalidValue, "WAV fmt chunk must be 16 or 18 bytes long", base - 4);
  }
  Reader r(body);
  WavFormat f;
  // The reads cannot fail: the body has at least 16 bytes.
  if (!read_le16(r, &f.format_tag) || !read_le16(r, &f.channels) || !read_le32(r, &f.sample_rate) ||
      !read_le32(r, &f.byte_rate) || !read_le16(r, &f.block_align) ||
      !read_le16(r, &f.bits_per_sample)) {
    return Error(Err::kTruncated, "WAV fmt chunk", base);
  }
  if (body.size() == kFmtExtendedLen) {
    uint16_t extension_len = 0;
    if (!read_le16(r, &extension_len) || extension_len != 0) {
      return Error(Err::kInvalidValue, "WAV fmt extension size must be 0 for PCM", base + 16);
    }
  }
  return f;
}

// walk_chunks checks the RIFF header and reads chunks until the end of the
// file, or only up to the "fmt " chunk when `stop_after_format` is set.
Result<WavChunks> walk_chunks(ByteView file, bool stop_after_format) {
  Reader r(file);
  ByteView tag;
  uint32_t riff_len = 0;
  if (!r.bytes(4, &tag)) {
    return r.error("WAV RIFF tag");
  }
  if (!is_tag(tag, "RIFF")) {
    return Error(Err::kInvalidValue, "WAV file does not start with \"RIFF\"", 0);
  }
  if (!read_le32(r, &riff_len)) {
    return r.error("WAV RIFF size");
  }
  if (file.size() < kRiffHeaderLen) {
    return Error(Err::kTruncated, "WAV file shorter than its RIFF header", file.size());
  }
  if (riff_len > file.size() - 8) {
    return Error(Err::kTruncated, "WAV RIFF size is larger than the file", 4);
  }
  if (riff_len < file.size() - 8) {
    return Error(Err::kTrailingData, "WAV file has bytes after its RIFF size", 8 + riff_len);
  }
  if (!r.bytes(4, &tag)) {
    return r.error("WAV WAVE tag");
  }
  if (!is_tag(tag, "WAVE")) {
    return Error(Err::kInvalidValue, "WAV RIFF form type is not \"WAVE\"", 8);
  }
  WavChunks out;
  while (!r.empty()) {
    const size_t chunk_offset = r.offset();
    ByteView id;
    uint32_t len = 0;
    ByteView body;
    if (!r.bytes(4, &id) || !read_le32(r, &len)) {
      return r.error("WAV chunk header");
    }
    const size_t body_offset = r.offset();
    if (!r.bytes(len, &body)) {
      return r.error("WAV chunk body");
    }
    if (len % 2 != 0) {
      ByteView pad;
      if (!r.bytes(1, &pad)) {
        return r.error("WAV chunk pad byte");
      }
    }
    if (is_tag(id, "fmt ")) {
      if (out.format) {
        return Error(Err::kInvalidValue, "WAV file has a second fmt chunk", chunk_offset);
      }
      CONCLAVE_TRY_ASSIGN(out.format, read_fmt(body, body_offset));
      out.format_offset = body_offset;
      if (stop_after_format) {
        return out;
      }
    } else if (is_tag(id, "data")) {
      if (!out.format) {
        return Error(Err::kInvalidValue, "WAV data chunk comes before the fmt chunk", chunk_offset);
      }
      if (out.data) {
        return Error(Err::kInvalidValue, "WAV file has a second data chunk", chunk_offset);
      }
      out.data = body;
      out.data_offset = body_offset;
    }
  }
  if (!out.format) {
    return Error(Err::kInvalidValue, "WAV file has no fmt chunk", file.size());
  }
  return out;
}

}  // namespace

Result<WavFormat> parse_wav_format(ByteView file) {
  CONCLAVE_TRY_ASSIGN(const WavChunks chunks, walk_chunks(file, true));
  return *chunks.format;
}

// implements: REQ-CODEC-006
Result<WavAudio> parse_wav(ByteView file) {
  CONCLAVE_TRY_ASSIGN(const WavChunks chunks, walk_chunks(file, false));
  const WavFormat& f = *chunks.format;
  const size_t at = chunks.format_offset;
  if (f.format_tag != kFormatPcm) {
    return Error(Err::kUnsupported,
                 "WAV format tag is not 1 (integer PCM); Conclave needs PCM 16-bit, not "
                 "float or WAVE_FORMAT_EXTENSIBLE",
                 at);
  }
  if (f.channels != 1 && f.channels != 2) {
    return Error(Err::kUnsupported, "WAV file must be mono or stereo", at + 2);
  }
  if (f.sample_rate != kSampleRate) {
    return Error(Err::kUnsupported,
                 "WAV sample rate is not 48000 Hz; Conclave does not resample: convert the "
                 "file to 48000 Hz first",
                 at + 4);
  }
  if (f.bits_per_sample != 16) {
    return Error(Err::kUnsupported, "WAV samples are not 16-bit; Conclave needs PCM 16-bit",
                 at + 14);
  }
  if (f.block_align != f.channels * 2) {
    return Error(Err::kInvalidValue, "WAV block_align is not channels x 2 bytes", at + 12);
  }
  if (f.byte_rate != f.sample_rate * f.block_align) {
    return Error(Err::kInvalidValue, "WAV byte_rate is not sample_rate x block_align", at + 8);
  }
  if (!chunks.data) {
    return Error(Err::kInvalidValue, "WAV file has no data chunk", file.size());
  }
  const ByteView data = *chunks.data;
  if (data.size() % f.block_align != 0) {
    return Error(Err::kInvalidValue, "WAV data is not a whole number of sample frames",
                 chunks.data_offset - 4);
  }
  WavAudio out;
  out.format = f;
  out.samples.resize(data.size() / 2);
  for (size_t i = 0; i < out.samples.size(); ++i) {
    out.samples[i] =
        static_cast<int16_t>(static_cast<uint16_t>(data[2 * i] | (data[2 * i + 1] << 8)));
  }
  return out;
}

std::string describe_wav_format(const WavFormat& f) {
  // Appends only: GCC 12 at -O3 reports a false -Wrestrict on
  // `"literal" + std::string&&` (the release preset's -Werror stops on it).
  std::string s;
  if (f.format_tag == kFormatPcm) {
    s += "PCM";
  } else {
    s += "format tag ";
    s += std::to_string(f.format_tag);
  }
  s += ' ';
  s += std::to_string(f.bits_per_sample);
  s += "-bit, ";
  s += std::to_string(f.channels);
  s += f.channels == 1 ? " channel, " : " channels, ";
  s += std::to_string(f.sample_rate);
  s += " Hz";
  return s;
}

Bytes write_wav(uint16_t channels, const std::vector<int16_t>& samples) {
  const auto data_len = static_cast<uint32_t>(samples.size() * 2);
  Bytes out;
  out.reserve(44 + data_len);
  const auto tag = [&out](const char(&t)[5]) {
    for (size_t i = 0; i < 4; ++i) {
      out.push_back(static_cast<uint8_t>(t[i]));
    }
  };
  tag("RIFF");
  append_le32(out, 4 + 8 + kFmtLen + 8 + data_len);
  tag("WAVE");
  tag("fmt ");
  append_le32(out, kFmtLen);
  append_le16(out, kFormatPcm);
  append_le16(out, channels);
  append_le32(out, kSampleRate);
  append_le32(out, kSampleRate * channels * 2u);
  append_le16(out, static_cast<uint16_t>(channels * 2));
  append_le16(out, 16);
  tag("data");
  append_le32(out, data_len);
  for (const int16_t s : samples) {
    append_le16(out, static_cast<uint16_t>(s));
  }
  return out;
}

}  // namespace conclave::codec
