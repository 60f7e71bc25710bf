#include "codec/vp8_encoder.h"

#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include "codec/limits.h"

namespace conclave::codec {

struct Vp8Encoder::Context {
  vpx_codec_ctx_t codec{};
  bool initialised = false;

  Context() = default;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  ~Context() {
    if (initialised) {
      vpx_codec_destroy(&codec);
    }
  }
};

Vp8Encoder::Vp8Encoder(std::unique_ptr<Context> c, const Vp8EncoderConfig& config)
    : ctx_(std::move(c)), config_(config) {}
Vp8Encoder::Vp8Encoder(Vp8Encoder&&) noexcept = default;
Vp8Encoder& Vp8Encoder::operator=(Vp8Encoder&&) noexcept = default;
Vp8Encoder::~Vp8Encoder() = default;

namespace {

// libvpx's realtime speed setting: -6 trades quality for the CPU budget of
// PERFORMANCE.md G12 (several streams per core).
constexpr int kRealtimeCpuUsed = -6;
constexpr uint32_t kMaxThreads = 8;

Result<void> check_bitrate(uint32_t kbps) {
  if (kbps < kMinVp8BitrateKbps || kbps > kMaxVp8BitrateKbps) {
    return Error(Err::kInvalidArgument, "VP8 bitrate must be 50..20000 kbit/s");
  }
  return {};
}

}  // namespace

// implements: REQ-CODEC-004
Result<Vp8Encoder> Vp8Encoder::create(const Vp8EncoderConfig& config) {
  if (config.width < kMinVideoDim || config.width > kMaxVideoWidth || config.width % 2 != 0) {
    return Error(Err::kInvalidArgument, "VP8 width must be even and 16..3840");
  }
  if (config.height < kMinVideoDim || config.height > kMaxVideoHeight || config.height % 2 != 0) {
    return Error(Err::kInvalidArgument, "VP8 height must be even and 16..2160");
  }
  if (config.fps < kMinFps || config.fps > kMaxFps) {
    return Error(Err::kInvalidArgument, "VP8 frame rate must be 1..60 frames/s");
  }
  CONCLAVE_TRY(check_bitrate(config.bitrate_kbps));
  if (config.threads < 1 || config.threads > kMaxThreads) {
    return Error(Err::kInvalidArgument, "VP8 encoder threads must be 1..8");
  }
  vpx_codec_enc_cfg_t cfg{};
  if (vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &cfg, 0) != VPX_CODEC_OK) {
    return Error(Err::kInvalidArgument, "libvpx has no default VP8 configuration");
  }
  cfg.g_w = config.width;
  cfg.g_h = config.height;
  cfg.g_timebase.num = 1;
  cfg.g_timebase.den = static_cast<int>(config.fps);
  cfg.g_threads = config.threads;
  cfg.g_lag_in_frames = 0;  // realtime: every input frame is output at once
  cfg.g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
  cfg.g_pass = VPX_RC_ONE_PASS;
  cfg.rc_end_usage = VPX_CBR;
  cfg.rc_target_bitrate = config.bitrate_kbps;
  cfg.rc_dropframe_thresh = 0;
  cfg.rc_min_quantizer = 2;
  cfg.rc_max_quantizer = 56;
  cfg.rc_undershoot_pct = 100;
  cfg.rc_overshoot_pct = 15;
  cfg.rc_buf_sz = 1000;
  cfg.rc_buf_initial_sz = 500;
  cfg.rc_buf_optimal_sz = 600;
  if (config.keyframe_interval == 0) {
    cfg.kf_mode = VPX_KF_DISABLED;
  } else {
    cfg.kf_mode = VPX_KF_AUTO;
    cfg.kf_min_dist = 0;
    cfg.kf_max_dist = config.keyframe_interval;
  }
  auto ctx = std::make_unique<Context>();
  if (vpx_codec_enc_init(&ctx->codec, vpx_codec_vp8_cx(), &cfg, 0) != VPX_CODEC_OK) {
    return Error(Err::kInvalidArgument, "libvpx refused the VP8 encoder configuration");
  }
  ctx->initialised = true;
  if (vpx_codec_control(&ctx->codec, VP8E_SET_CPUUSED, kRealtimeCpuUsed) != VPX_CODEC_OK ||
      vpx_codec_control(&ctx->codec, VP8E_SET_NOISE_SENSITIVITY, 0) != VPX_CODEC_OK ||
      vpx_codec_control(&ctx->codec, VP8E_SET_TOKEN_PARTITIONS, VP8_ONE_TOKENPARTITION) !=
          VPX_CODEC_OK) {
    return Error(Err::kInvalidArgument, "libvpx refused a VP8 encoder control");
  }
  return Vp8Encoder(std::move(ctx), config);
}

// implements: REQ-CODEC-004
Result<std::vector<EncodedVideoFrame>> Vp8Encoder::encode(const I420Frame& frame,
                                                          bool force_keyframe) {
  if (frame.width != config_.width || frame.height != config_.height ||
      frame.data.size() != i420_frame_len(frame.width, frame.height)) {
    return Error(Err::kInvalidArgument, "the I420 frame does not have the encoder's size");
  }
  vpx_image_t img{};
  // vpx_img_wrap takes a non-const pointer but the encoder only reads the
  // picture; `frame` outlives the vpx_codec_encode call below.
  if (vpx_img_wrap(&img, VPX_IMG_FMT_I420, frame.width, frame.height, 1,
                   const_cast<uint8_t*>(frame.data.data())) == nullptr) {
    return Error(Err::kInvalidArgument, "libvpx could not wrap the I420 frame");
  }
  const vpx_enc_frame_flags_t flags = force_keyframe ? VPX_EFLAG_FORCE_KF : 0;
  if (vpx_codec_encode(&ctx_->codec, &img, static_cast<vpx_codec_pts_t>(next_pts_), 1, flags,
                       VPX_DL_REALTIME) != VPX_CODEC_OK) {
    return Error(Err::kInvalidArgument, "libvpx failed to encode the frame");
  }
  std::vector<EncodedVideoFrame> out;
  vpx_codec_iter_t iter = nullptr;
  while (const vpx_codec_cx_pkt_t* pkt = vpx_codec_get_cx_data(&ctx_->codec, &iter)) {
    if (pkt->kind != VPX_CODEC_CX_FRAME_PKT) {
      continue;
    }
    const auto* begin = static_cast<const uint8_t*>(pkt->data.frame.buf);
    EncodedVideoFrame f;
    f.data.assign(begin, begin + pkt->data.frame.sz);
    f.keyframe = (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0;
    f.pts = static_cast<uint64_t>(pkt->data.frame.pts);
    out.push_back(std::move(f));
  }
  ++next_pts_;
  return out;
}

Result<void> Vp8Encoder::set_bitrate(uint32_t bitrate_kbps) {
  CONCLAVE_TRY(check_bitrate(bitrate_kbps));
  vpx_codec_enc_cfg_t cfg = *ctx_->codec.config.enc;
  cfg.rc_target_bitrate = bitrate_kbps;
  if (vpx_codec_enc_config_set(&ctx_->codec, &cfg) != VPX_CODEC_OK) {
    return Error(Err::kInvalidArgument, "libvpx refused the new bitrate");
  }
  config_.bitrate_kbps = bitrate_kbps;
  return {};
}

}  // namespace conclave::codec
