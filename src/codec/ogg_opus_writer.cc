#include "codec/ogg_opus_writer.h"

#include <ogg/ogg.h>

#include <optional>

#include "codec/limits.h"
#include "codec/little_endian.h"

namespace conclave::codec {

struct OggOpusWriter::Context {
  ogg_stream_state stream{};
  bool initialised = false;
  bool finished = false;
  OggOpusConfig config;
  Bytes out;
  int64_t packet_no = 0;
  uint64_t decoded_samples = 0;  // granule position after the last packet given
  // Held back one packet, so that the last can carry the end-of-stream flag.
  std::optional<Bytes> pending;
  uint32_t pending_samples = 0;

  Context() = default;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  ~Context() {
    if (initialised) {
      ogg_stream_clear(&stream);
    }
  }

  void drain(bool flush) {
    ogg_page page{};
    while ((flush ? ogg_stream_flush(&stream, &page) : ogg_stream_pageout(&stream, &page)) != 0) {
      const std::span<const uint8_t> header(page.header, static_cast<size_t>(page.header_len));
      const std::span<const uint8_t> body(page.body, static_cast<size_t>(page.body_len));
      out.insert(out.end(), header.begin(), header.end());
      out.insert(out.end(), body.begin(), body.end());
    }
  }
};

OggOpusWriter::OggOpusWriter(std::unique_ptr<Context> c) : ctx_(std::move(c)) {}
OggOpusWriter::OggOpusWriter(OggOpusWriter&&) noexcept = default;
OggOpusWriter& OggOpusWriter::operator=(OggOpusWriter&&) noexcept = default;
OggOpusWriter::~OggOpusWriter() = default;

Result<void> OggOpusWriter::submit(ByteView packet, bool end_of_stream, int64_t granule) {
  ogg_packet op{};
  // libogg copies the packet into its own buffer (ogg_stream_packetin) and
  // never writes through this pointer.
  op.packet = const_cast<unsigned char*>(packet.data());
  op.bytes = static_cast<long>(packet.size());
  op.b_o_s = ctx_->packet_no == 0 ? 1 : 0;
  op.e_o_s = end_of_stream ? 1 : 0;
  op.granulepos = granule;
  op.packetno = ctx_->packet_no;
  if (ogg_stream_packetin(&ctx_->stream, &op) != 0) {
    return Error(Err::kInvalidArgument, "libogg refused the packet");
  }
  ++ctx_->packet_no;
  return {};
}

//= RFC 7845 §5.1
//# The first packet in the logical Ogg bitstream MUST contain the
//# identification (ID) header, which uniquely identifies a stream as Opus audio.
// implements: REQ-CODEC-008
Result<OggOpusWriter> OggOpusWriter::create(const OggOpusConfig& config) {
  if (config.channels != 1 && config.channels != 2) {
    return Error(Err::kInvalidArgument, "Ogg Opus channels must be 1 or 2");
  }
  auto ctx = std::make_unique<Context>();
  ctx->config = config;
  if (ogg_stream_init(&ctx->stream, static_cast<int>(config.serial)) != 0) {
    return Error(Err::kInvalidArgument, "libogg could not initialise the stream");
  }
  ctx->initialised = true;
  OggOpusWriter w(std::move(ctx));

  // OpusHead (RFC 7845 §5.1): magic, version 1, channel count, pre-skip,
  // input sample rate, output gain 0, channel mapping family 0.
  Bytes head;
  const std::string_view head_magic = "OpusHead";
  head.insert(head.end(), head_magic.begin(), head_magic.end());
  head.push_back(1);
  head.push_back(static_cast<uint8_t>(config.channels));
  append_le16(head, config.pre_skip);
  append_le32(head, config.input_sample_rate);
  append_le16(head, 0);
  head.push_back(0);
  CONCLAVE_TRY(w.submit(head, false, 0));
  // The ID header is alone on the first page, and audio starts on a fresh
  // page after the comment header (RFC 7845 §3).
  w.ctx_->drain(true);

  // OpusTags (RFC 7845 §5.2): magic, vendor string, zero user comments.
  Bytes tags;
  const std::string_view tags_magic = "OpusTags";
  const std::string_view vendor = "conclave";
  tags.insert(tags.end(), tags_magic.begin(), tags_magic.end());
  append_le32(tags, static_cast<uint32_t>(vendor.size()));
  tags.insert(tags.end(), vendor.begin(), vendor.end());
  append_le32(tags, 0);
  CONCLAVE_TRY(w.submit(tags, false, 0));
  w.ctx_->drain(true);
  return w;
}

// implements: REQ-CODEC-008
Result<void> OggOpusWriter::write_packet(ByteView packet, uint32_t samples) {
  if (ctx_->finished) {
    return Error(Err::kUsage, "the Ogg Opus writer is finished");
  }
  if (packet.empty() || packet.size() > kMaxOpusPacketLen || samples == 0 ||
      samples > kMaxOpusPacketSamples) {
    return Error(Err::kInvalidArgument, "Opus packet length or duration out of range");
  }
  if (ctx_->pending) {
    CONCLAVE_TRY(submit(*ctx_->pending, false, static_cast<int64_t>(ctx_->decoded_samples)));
    ctx_->drain(false);
  }
  ctx_->pending = to_bytes(packet);
  ctx_->pending_samples = samples;
  ctx_->decoded_samples += samples;
  return {};
}

//= RFC 7845 §4.4
//# The granule position of an audio data page is in units of PCM audio
//# samples at a fixed rate of 48 kHz (per channel; a stereo stream's
//# granule position does not increment at twice the speed of a mono
//# stream).
// implements: REQ-CODEC-008
Result<Bytes> OggOpusWriter::finish(uint64_t valid_samples) {
  if (ctx_->finished) {
    return Error(Err::kUsage, "the Ogg Opus writer is finished");
  }
  if (!ctx_->pending) {
    return Error(Err::kInvalidArgument, "an Ogg Opus file needs at least one audio packet");
  }
  const uint64_t end = uint64_t{ctx_->config.pre_skip} + valid_samples;
  const uint64_t before_last = ctx_->decoded_samples - ctx_->pending_samples;
  if (end > ctx_->decoded_samples || end <= before_last) {
    return Error(Err::kInvalidArgument,
                 "the end trim must fall within the last packet (pre-skip + samples)");
  }
  CONCLAVE_TRY(submit(*ctx_->pending, true, static_cast<int64_t>(end)));
  ctx_->pending.reset();
  ctx_->drain(true);
  ctx_->finished = true;
  return std::move(ctx_->out);
}

}  // namespace conclave::codec
