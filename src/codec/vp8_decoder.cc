#include "codec/vp8_decoder.h"

#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>

#include <algorithm>

#include "codec/limits.h"
#include "core/reader.h"

namespace conclave::codec {

namespace {

constexpr uint8_t kStartCode[3] = {0x9d, 0x01, 0x2a};
constexpr size_t kFrameTagLen = 3;
constexpr size_t kKeyframeHeaderLen = 10;

}  // namespace

// implements: REQ-CODEC-005
Result<Vp8FrameHeader> parse_vp8_frame_header(ByteView frame) {
  Reader r(frame);
  ByteView tag;
  if (!r.bytes(kFrameTagLen, &tag)) {
    return r.error("Vp8FrameHeader.frame_tag");
  }
  const uint32_t bits = uint32_t{tag[0]} | (uint32_t{tag[1]} << 8) | (uint32_t{tag[2]} << 16);
  Vp8FrameHeader h;
  h.keyframe = (bits & 1) == 0;
  h.version = static_cast<uint8_t>((bits >> 1) & 7);
  h.show_frame = ((bits >> 4) & 1) != 0;
  h.first_part_size = bits >> 5;
  if (h.version > 3) {
    return Error(Err::kInvalidValue, "VP8 frame tag: version above 3", 0);
  }
  if (h.keyframe) {
    ByteView start;
    ByteView dims;
    if (!r.bytes(3, &start)) {
      return r.error("Vp8FrameHeader.start_code");
    }
    if (start[0] != kStartCode[0] || start[1] != kStartCode[1] || start[2] != kStartCode[2]) {
      return Error(Err::kInvalidValue, "VP8 keyframe: start code is not 9d 01 2a", kFrameTagLen);
    }
    if (!r.bytes(4, &dims)) {
      return r.error("Vp8FrameHeader.dimensions");
    }
    const uint16_t w = static_cast<uint16_t>(dims[0] | (dims[1] << 8));
    const uint16_t hh = static_cast<uint16_t>(dims[2] | (dims[3] << 8));
    h.width = w & 0x3fff;
    h.horizontal_scale = static_cast<uint8_t>(w >> 14);
    h.height = hh & 0x3fff;
    h.vertical_scale = static_cast<uint8_t>(hh >> 14);
    if (h.width == 0 || h.height == 0) {
      return Error(Err::kInvalidValue, "VP8 keyframe: width or height is zero", 6);
    }
  }
  if (h.first_part_size > r.remaining()) {
    return Error(Err::kTruncated, "VP8 frame: first partition longer than the frame",
                 h.keyframe ? kKeyframeHeaderLen : kFrameTagLen);
  }
  return h;
}

struct Vp8Decoder::Context {
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

Vp8Decoder::Vp8Decoder(std::unique_ptr<Context> c) : ctx_(std::move(c)) {}
Vp8Decoder::Vp8Decoder(Vp8Decoder&&) noexcept = default;
Vp8Decoder& Vp8Decoder::operator=(Vp8Decoder&&) noexcept = default;
Vp8Decoder::~Vp8Decoder() = default;

Result<Vp8Decoder> Vp8Decoder::create() {
  auto ctx = std::make_unique<Context>();
  vpx_codec_dec_cfg_t cfg{};
  cfg.threads = 1;
  if (vpx_codec_dec_init(&ctx->codec, vpx_codec_vp8_dx(), &cfg, 0) != VPX_CODEC_OK) {
    return Error(Err::kInvalidArgument, "libvpx refused to create the VP8 decoder");
  }
  ctx->initialised = true;
  return Vp8Decoder(std::move(ctx));
}

// implements: REQ-CODEC-005
Result<std::optional<I420Frame>> Vp8Decoder::decode(ByteView frame) {
  // Cheap checks before libvpx (STY-11): the size and the header, so that a
  // hostile keyframe cannot make the decoder allocate a 16383 x 16383 picture.
  if (frame.size() > kMaxVp8FrameLen) {
    return Error(Err::kLengthLimit, "VP8 frame longer than kMaxVp8FrameLen (4 MiB)",
                 kMaxVp8FrameLen);
  }
  CONCLAVE_TRY_ASSIGN(const Vp8FrameHeader h, parse_vp8_frame_header(frame));
  if (h.keyframe) {
    if (h.width > kMaxVideoWidth || h.height > kMaxVideoHeight || h.width < kMinVideoDim ||
        h.height < kMinVideoDim || h.width % 2 != 0 || h.height % 2 != 0) {
      return Error(Err::kUnsupported,
                   "VP8 keyframe size outside the profile (even, 16..3840 x 16..2160)", 6);
    }
  } else if (!have_keyframe_) {
    return Error(Err::kUnexpectedMessage, "VP8 inter frame before the first keyframe", 0);
  }
  if (vpx_codec_decode(&ctx_->codec, frame.data(), static_cast<unsigned int>(frame.size()), nullptr,
                       0) != VPX_CODEC_OK) {
    return Error(Err::kDecode, "libvpx could not decode the VP8 frame");
  }
  if (h.keyframe) {
    have_keyframe_ = true;
  }
  vpx_codec_iter_t iter = nullptr;
  const vpx_image_t* img = vpx_codec_get_frame(&ctx_->codec, &iter);
  if (img == nullptr) {
    return std::optional<I420Frame>();
  }
  // libvpx always decodes VP8 to I420; anything else, or a size outside the
  // profile (which the keyframe check above already excludes), is refused
  // rather than copied.
  if (img->fmt != VPX_IMG_FMT_I420 || img->d_w % 2 != 0 || img->d_h % 2 != 0 ||
      img->d_w > kMaxVideoWidth || img->d_h > kMaxVideoHeight) {
    return Error(Err::kUnsupported, "libvpx returned a picture outside the profile");
  }
  I420Frame out;
  out.width = img->d_w;
  out.height = img->d_h;
  out.data.resize(i420_frame_len(out.width, out.height));
  size_t pos = 0;
  for (int plane = 0; plane < 3; ++plane) {
    const size_t w = plane == 0 ? out.width : out.width / 2;
    const size_t rows = plane == 0 ? out.height : out.height / 2;
    const auto stride = static_cast<size_t>(img->stride[plane]);
    const std::span<const uint8_t> src(img->planes[plane], stride * (rows - 1) + w);
    for (size_t y = 0; y < rows; ++y) {
      const auto row = src.subspan(y * stride, w);
      std::copy(row.begin(), row.end(), out.data.begin() + static_cast<std::ptrdiff_t>(pos));
      pos += w;
    }
  }
  return std::optional<I420Frame>(std::move(out));
}

}  // namespace conclave::codec
