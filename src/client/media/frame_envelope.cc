#include "client/media/frame_envelope.h"

namespace conclave::client::media {

Result<FrameEnvelope> parse_frame_envelope(Reader& r) {
  Reader tmp = r;
  FrameEnvelope e;
  if (!tmp.u32(&e.frame_number) || !tmp.u64(&e.capture_time_us)) {
    return tmp.error("FrameEnvelope.header");
  }
  if (tmp.empty()) {
    return Error(Err::kTruncated, "FrameEnvelope.frame", tmp.offset());
  }
  if (!tmp.bytes(tmp.remaining(), &e.frame)) {
    return tmp.error("FrameEnvelope.frame");
  }
  r = tmp;
  return e;
}

void write_frame_envelope(Writer& w, const FrameEnvelope& e) {
  w.u32(e.frame_number);
  w.u64(e.capture_time_us);
  w.bytes(e.frame);
}

std::array<uint8_t, kFrameMetadataLen> encode_frame_metadata(const FrameMetadata& m) {
  std::array<uint8_t, kFrameMetadataLen> out{};
  Writer w(out);
  w.u32(m.stream_id);
  w.u8(static_cast<uint8_t>(m.kind));
  w.u8(m.keyframe ? 1 : 0);
  w.u8(m.layer);
  return out;
}

}  // namespace conclave::client::media
