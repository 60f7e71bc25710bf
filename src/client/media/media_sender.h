// MediaSender: one outgoing stream of a member — envelope, SFrame
// protection under the current epoch's key, packetisation
// (spec/08-client.md#sending).
#pragma once

#include <cstdint>
#include <vector>

#include "client/media/epoch_keys.h"
#include "client/media/packetizer.h"
#include "client/media/stats.h"
#include "core/bytes.h"
#include "core/result.h"
#include "media/packet.h"

namespace conclave::client::media {

// MediaSender borrows `keys`, which must outlive it. It is neither copied
// nor moved (it holds that borrow).
class MediaSender {
 public:
  MediaSender(EpochKeys& keys, uint32_t stream_id, conclave::media::MediaKind kind,
              uint32_t first_seq = 0)
      : keys_(keys), packetizer_(stream_id, kind, first_seq) {}
  MediaSender(const MediaSender&) = delete;
  MediaSender& operator=(const MediaSender&) = delete;

  // send wraps `encoded` (one encoded frame, 1..kMaxEncodedFrameLen bytes)
  // in a FrameEnvelope with the next frame number and `capture_time_us`,
  // protects it under the own key of the current epoch with the
  // FrameMetadata as SFrame metadata, and returns the MediaPayload
  // encodings of its packets, ready for the hop layer. An audio frame with
  // `keyframe` or a layer, or a frame of the wrong length, is
  // kInvalidArgument and consumes nothing; no epoch installed is
  // kUnknownKeyId; an exhausted CTR space is kSequenceExhausted.
  // implements: REQ-CLIENT-020, REQ-CLIENT-021
  [[nodiscard]] Result<std::vector<Bytes>> send(ByteView encoded, uint64_t capture_time_us,
                                                bool keyframe, uint8_t layer = 0);

  // on_epoch_change asks a video encoder for a keyframe when this member
  // joined or members were added: a joiner cannot decode anything before
  // one.
  // implements: REQ-CLIENT-029
  void on_epoch_change(const EpochChange& change);
  // request_keyframe records a receiver's keyframe request.
  void request_keyframe() { keyframe_wanted_ = true; }
  // keyframe_wanted says whether the encoder should make its next frame a
  // keyframe; sending a keyframe clears it.
  bool keyframe_wanted() const { return keyframe_wanted_; }

  uint32_t next_frame_number() const { return next_frame_; }
  const SendStats& stats() const { return stats_; }

 private:
  EpochKeys& keys_;
  Packetizer packetizer_;
  uint32_t next_frame_ = 0;
  bool keyframe_wanted_ = false;
  SendStats stats_;
};

}  // namespace conclave::client::media
