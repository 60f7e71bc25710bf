#include "client/media/media_sender.h"

#include "client/media/frame_envelope.h"
#include "client/media/media_limits.h"
#include "core/writer.h"

namespace conclave::client::media {

Result<std::vector<Bytes>> MediaSender::send(ByteView encoded, uint64_t capture_time_us,
                                             bool keyframe, uint8_t layer) {
  // Usage errors first, so that a refused frame consumes no CTR.
  conclave::media::MediaHeader h;
  h.stream_id = packetizer_.stream_id();
  h.kind = packetizer_.kind();
  h.layer = layer;
  h.flags = keyframe ? conclave::media::kFlagKeyframe : 0;
  if (encoded.empty() || encoded.size() > kMaxEncodedFrameLen ||
      !conclave::media::media_header_valid(h)) {
    ++stats_.frames_failed;
    return Error(Err::kInvalidArgument, "MediaSender: frame");
  }
  Writer env;
  write_frame_envelope(env, FrameEnvelope{next_frame_, capture_time_us, encoded});
  CONCLAVE_TRY_ASSIGN(const Bytes plaintext, std::move(env).finish());
  const auto metadata = encode_frame_metadata(FrameMetadata{h.stream_id, h.kind, keyframe, layer});
  Bytes sealed(plaintext.size() + kSframeOverheadLen);
  auto n = keys_.context().protect(sealed, plaintext, metadata);
  if (!n) {
    ++stats_.frames_failed;
    return n.error();
  }
  sealed.resize(*n);
  auto packets = packetizer_.packetize(sealed, keyframe, layer);
  if (!packets) {
    ++stats_.frames_failed;
    return packets.error();
  }
  ++next_frame_;
  ++stats_.frames_sent;
  stats_.packets_sent += packets->size();
  stats_.bytes_sent += sealed.size();
  if (keyframe) {
    ++stats_.keyframes_sent;
    keyframe_wanted_ = false;
  }
  return packets;
}

void MediaSender::on_epoch_change(const EpochChange& change) {
  if (packetizer_.kind() == conclave::media::MediaKind::kVideo &&
      (change.first || change.members_added)) {
    keyframe_wanted_ = true;
  }
}

}  // namespace conclave::client::media
