// Targets: Depacketizer::push, Depacketizer::expire, parse_frame_envelope
// Targets: write_frame_envelope, AudioJitterBuffer, VideoJitterBuffer
// Requirements: REQ-CLIENT-020, REQ-CLIENT-024, REQ-CLIENT-027, REQ-CLIENT-028
// (namespace conclave::client::media)
//
// Input: records of
//   uint8  time_step;    // milliseconds added to the clock before the packet
//   uint16 length;       // big-endian
//   opaque payload[length];  // a MediaPayload (media header and SFrame part)
// A truncated last record ends the input. Every payload that parses goes to
// one Depacketizer (stream and kind of the first one); each frame it hands
// out is read as a FrameEnvelope (the receiver does so after SFrame, which
// this target leaves out) and, if it parses, fed to an audio or a video
// jitter buffer. Checked: the memory bounds hold after every step; a frame
// spans at most kMaxFramePackets packets and kMaxProtectedFrameLen bytes;
// an envelope re-encodes to exactly its bytes; unique packets are never
// more than pushes; expire after the timeout leaves nothing pending.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "client/media/audio_jitter_buffer.h"
#include "client/media/depacketizer.h"
#include "client/media/frame_envelope.h"
#include "client/media/media_limits.h"
#include "client/media/video_jitter_buffer.h"
#include "core/reader.h"
#include "core/writer.h"
#include "fuzz/fuzz_check.h"
#include "media/packet.h"

namespace {

using namespace conclave;                 // NOLINT(google-build-using-namespace)
using namespace conclave::client::media;  // NOLINT(google-build-using-namespace)

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(ByteView(data, size));
  std::optional<Depacketizer> d;
  AudioJitterBuffer audio;
  VideoJitterBuffer video;
  uint64_t now = 0;
  uint64_t pushes = 0;
  uint8_t step = 0;
  uint16_t len = 0;
  ByteView payload;
  while (in.u8(&step) && in.u16(&len) && in.bytes(len, &payload)) {
    now += step;
    Reader r(payload);
    auto p = conclave::media::parse_media_payload(r);
    if (!p) {
      continue;
    }
    if (!d) {
      d.emplace(p->header.stream_id, p->header.kind);
    }
    ++pushes;
    auto frame = d->push(*p, now);
    CONCLAVE_FUZZ_CHECK(d->pending_packets() <= kMaxPendingPackets);
    CONCLAVE_FUZZ_CHECK(d->counters().packets <= pushes);
    if (frame) {
      CONCLAVE_FUZZ_CHECK(frame->num_packets >= 1 && frame->num_packets <= kMaxFramePackets);
      CONCLAVE_FUZZ_CHECK(!frame->data.empty());
      CONCLAVE_FUZZ_CHECK(frame->data.size() <= kMaxFramePackets * kMaxReceivedFragmentLen);
      Reader er(frame->data);
      auto env = parse_frame_envelope(er);
      if (env) {
        Writer w;
        write_frame_envelope(w, *env);
        auto again = std::move(w).finish();
        CONCLAVE_FUZZ_CHECK(again.has_value() && *again == frame->data);
        const Bytes body(env->frame.begin(), env->frame.end());
        if (frame->kind == conclave::media::MediaKind::kAudio) {
          audio.push(env->frame_number, env->capture_time_us, body, now);
          (void)audio.pop();
          CONCLAVE_FUZZ_CHECK(audio.buffered() <= kAudioMaxBufferedFrames);
          CONCLAVE_FUZZ_CHECK(audio.target_delay_frames() >= kAudioMinDelayFrames &&
                              audio.target_delay_frames() <= kAudioMaxDelayFrames);
        } else {
          video.push(env->frame_number, frame->keyframe, body, now);
          while (video.pop(now)) {
          }
          CONCLAVE_FUZZ_CHECK(video.buffered() <= kVideoMaxBufferedFrames);
        }
      }
    }
    (void)d->expire(now);
  }
  if (d) {
    (void)d->expire(now + kReassemblyTimeoutMs);
    CONCLAVE_FUZZ_CHECK(d->pending_packets() == 0);
  }
  return 0;
}
