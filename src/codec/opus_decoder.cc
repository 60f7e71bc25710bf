#include "codec/opus_decoder.h"

#include <opus/opus.h>

#include "codec/limits.h"

namespace conclave::codec {

struct OpusDecoder::Handle {
  ::OpusDecoder* dec;

  explicit Handle(::OpusDecoder* s) : dec(s) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { opus_decoder_destroy(dec); }
};

OpusDecoder::OpusDecoder(std::unique_ptr<Handle> h, uint16_t channels)
    : handle_(std::move(h)), channels_(channels) {}

OpusDecoder::OpusDecoder(OpusDecoder&&) noexcept = default;
OpusDecoder& OpusDecoder::operator=(OpusDecoder&&) noexcept = default;
OpusDecoder::~OpusDecoder() = default;

Result<OpusDecoder> OpusDecoder::create(uint16_t channels) {
  if (channels != 1 && channels != 2) {
    return Error(Err::kInvalidArgument, "Opus decoder channels must be 1 or 2");
  }
  int err = OPUS_OK;
  ::OpusDecoder* const dec =
      opus_decoder_create(static_cast<opus_int32>(kSampleRate), channels, &err);
  if (dec == nullptr || err != OPUS_OK) {
    return Error(Err::kInvalidArgument, "libopus refused to create the decoder");
  }
  return OpusDecoder(std::make_unique<Handle>(dec), channels);
}

// run calls opus_decode with an output buffer of `frame_samples` per channel.
// An empty `packet` asks libopus for concealment.
Result<std::vector<int16_t>> OpusDecoder::run(ByteView packet, size_t frame_samples, bool fec) {
  std::vector<int16_t> pcm(frame_samples * channels_);
  const int n = opus_decode(handle_->dec, packet.empty() ? nullptr : packet.data(),
                            static_cast<opus_int32>(packet.size()), pcm.data(),
                            static_cast<int>(frame_samples), fec ? 1 : 0);
  if (n < 0) {
    return Error(Err::kDecode, "libopus could not decode the Opus packet");
  }
  pcm.resize(static_cast<size_t>(n) * channels_);
  return pcm;
}

// implements: REQ-CODEC-003
Result<std::vector<int16_t>> OpusDecoder::decode(ByteView packet) {
  // Cheap checks first (STY-11): libopus never sees an empty or oversized
  // packet, so "empty" cannot turn into concealment by accident.
  if (packet.empty()) {
    return Error(Err::kLengthLimit, "an Opus packet must not be empty", 0);
  }
  if (packet.size() > kMaxOpusPacketLen) {
    return Error(Err::kLengthLimit, "the Opus packet is longer than kMaxOpusPacketLen (1276)",
                 kMaxOpusPacketLen);
  }
  return run(packet, kMaxOpusPacketSamples, false);
}

// implements: REQ-CODEC-002
Result<std::vector<int16_t>> OpusDecoder::conceal() { return run({}, kFrameSamples, false); }

// implements: REQ-CODEC-002
Result<std::vector<int16_t>> OpusDecoder::recover_fec(ByteView next_packet) {
  if (next_packet.empty() || next_packet.size() > kMaxOpusPacketLen) {
    return Error(Err::kLengthLimit, "the Opus packet carrying FEC has an invalid length", 0);
  }
  // With decode_fec set, libopus decodes the previous frame's redundancy,
  // whose duration must be given exactly: one 20 ms frame in our profile.
  return run(next_packet, kFrameSamples, true);
}

}  // namespace conclave::codec
