#include "codec/opus_encoder.h"

#include <opus/opus.h>

#include "codec/limits.h"

namespace conclave::codec {

struct OpusEncoder::Handle {
  ::OpusEncoder* enc;

  explicit Handle(::OpusEncoder* s) : enc(s) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { opus_encoder_destroy(enc); }
};

OpusEncoder::OpusEncoder(std::unique_ptr<Handle> h, uint16_t channels, uint32_t lookahead)
    : handle_(std::move(h)), channels_(channels), lookahead_(lookahead) {}

OpusEncoder::OpusEncoder(OpusEncoder&&) noexcept = default;
OpusEncoder& OpusEncoder::operator=(OpusEncoder&&) noexcept = default;
OpusEncoder::~OpusEncoder() = default;

namespace {

Result<void> check_bitrate(uint32_t bitrate_bps) {
  if (bitrate_bps < kMinOpusBitrate || bitrate_bps > kMaxOpusBitrate) {
    return Error(Err::kInvalidArgument, "Opus bitrate must be 6000..510000 bit/s");
  }
  return {};
}

Result<void> check_loss(uint32_t pct) {
  if (pct > 100) {
    return Error(Err::kInvalidArgument, "Opus expected loss must be 0..100 percent");
  }
  return {};
}

}  // namespace

// implements: REQ-CODEC-001
Result<OpusEncoder> OpusEncoder::create(const OpusEncoderConfig& config) {
  if (config.channels != 1 && config.channels != 2) {
    return Error(Err::kInvalidArgument, "Opus encoder channels must be 1 or 2");
  }
  CONCLAVE_TRY(check_bitrate(config.bitrate_bps));
  CONCLAVE_TRY(check_loss(config.expected_loss_pct));
  int err = OPUS_OK;
  ::OpusEncoder* const enc = opus_encoder_create(static_cast<opus_int32>(kSampleRate),
                                                 config.channels, OPUS_APPLICATION_VOIP, &err);
  if (enc == nullptr || err != OPUS_OK) {
    return Error(Err::kInvalidArgument, "libopus refused to create the encoder");
  }
  auto h = std::make_unique<Handle>(enc);
  opus_int32 lookahead = 0;
  if (opus_encoder_ctl(h->enc, OPUS_SET_BITRATE(static_cast<opus_int32>(config.bitrate_bps))) !=
          OPUS_OK ||
      opus_encoder_ctl(h->enc, OPUS_SET_INBAND_FEC(1)) != OPUS_OK ||
      opus_encoder_ctl(h->enc, OPUS_SET_PACKET_LOSS_PERC(
                                   static_cast<opus_int32>(config.expected_loss_pct))) != OPUS_OK ||
      opus_encoder_ctl(h->enc, OPUS_SET_DTX(1)) != OPUS_OK ||
      opus_encoder_ctl(h->enc, OPUS_GET_LOOKAHEAD(&lookahead)) != OPUS_OK || lookahead < 0) {
    return Error(Err::kInvalidArgument, "libopus refused an encoder setting");
  }
  return OpusEncoder(std::move(h), config.channels, static_cast<uint32_t>(lookahead));
}

Result<Bytes> OpusEncoder::encode(std::span<const int16_t> pcm) {
  if (pcm.size() != kFrameSamples * channels_) {
    return Error(Err::kInvalidArgument, "Opus encode needs exactly one 20 ms frame of samples");
  }
  // The largest packet one 20 ms frame can give (RFC 6716 §3.2.1).
  Bytes out(kMaxOpusPacketLen);
  const opus_int32 n = opus_encode(handle_->enc, pcm.data(), static_cast<int>(kFrameSamples),
                                   out.data(), static_cast<opus_int32>(out.size()));
  if (n < 0) {
    return Error(Err::kInvalidArgument, "libopus failed to encode the frame");
  }
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<void> OpusEncoder::set_bitrate(uint32_t bitrate_bps) {
  CONCLAVE_TRY(check_bitrate(bitrate_bps));
  if (opus_encoder_ctl(handle_->enc, OPUS_SET_BITRATE(static_cast<opus_int32>(bitrate_bps))) !=
      OPUS_OK) {
    return Error(Err::kInvalidArgument, "libopus refused the bitrate");
  }
  return {};
}

Result<void> OpusEncoder::set_expected_loss(uint32_t expected_loss_pct) {
  CONCLAVE_TRY(check_loss(expected_loss_pct));
  if (opus_encoder_ctl(handle_->enc, OPUS_SET_PACKET_LOSS_PERC(
                                         static_cast<opus_int32>(expected_loss_pct))) != OPUS_OK) {
    return Error(Err::kInvalidArgument, "libopus refused the expected loss");
  }
  return {};
}

}  // namespace conclave::codec
