// MediaReceiver: a member's incoming media — per-stream reassembly, then
// the receiver policy: SFrame authentication under the epoch keys, the
// envelope, and the sender's floor in the member's own copy of the group
// (spec/08-client.md#receiver-policy).
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "client/media/depacketizer.h"
#include "client/media/epoch_keys.h"
#include "client/media/stats.h"
#include "core/bytes.h"
#include "media/packet.h"

namespace conclave::client::media {

// ReceivedFrame is a frame that passed every check.
struct ReceivedFrame {
  uint32_t stream_id = 0;
  conclave::media::MediaKind kind = conclave::media::MediaKind::kAudio;
  uint32_t sender = 0;  // MLS leaf index, authenticated by SFrame
  uint64_t epoch = 0;
  uint32_t frame_number = 0;
  uint64_t capture_time_us = 0;
  bool keyframe = false;
  uint8_t layer = 0;
  Bytes frame;  // the encoded frame
};

// MediaReceiver borrows `keys`, which must outlive it; neither copied nor
// moved. Time is the caller's monotonic clock in milliseconds.
class MediaReceiver {
 public:
  explicit MediaReceiver(EpochKeys& keys) : keys_(keys) {}
  MediaReceiver(const MediaReceiver&) = delete;
  MediaReceiver& operator=(const MediaReceiver&) = delete;

  // receive takes one MediaPayload (what the hop layer opened) and returns
  // the frame it completes if that frame passes the policy. A frame is
  // dropped, with its DropReason counted, when its KID names no sender or
  // epoch held (kUnknownKey), its CTR was seen (kReplayed), it does not
  // authenticate with the FrameMetadata rebuilt from its media headers
  // (kAuthFailed), it or its plaintext is malformed (kMalformed), its sender
  // has no floor for its kind in the frame's epoch (kNoFloor), or its
  // stream carries another sender's frames (kWrongSender). The server
  // forwarding a frame proves nothing.
  // implements: REQ-CLIENT-025, REQ-CLIENT-026
  std::optional<ReceivedFrame> receive(const conclave::media::MediaPayload& p, uint64_t now_ms);

  // receive_bytes parses a MediaPayload first; one that does not parse is
  // counted in malformed_packets().
  std::optional<ReceivedFrame> receive_bytes(ByteView payload, uint64_t now_ms);

  // expire gives up frames that waited too long for their packets, and
  // returns how many.
  uint64_t expire(uint64_t now_ms);

  // Statistics of a stream, or nullptr if it has sent nothing. The
  // pointers borrow the receiver until its next receive.
  const ReceiveStats* stats(uint32_t stream_id) const;
  const DepacketizerCounters* packet_counters(uint32_t stream_id) const;
  PacketLoss loss(uint32_t stream_id) const;
  uint64_t malformed_packets() const { return malformed_packets_; }
  uint64_t streams_refused() const { return streams_refused_; }

 private:
  struct Stream {
    Depacketizer depacketizer;
    ReceiveStats stats;
    std::optional<uint32_t> sender;
  };
  std::optional<ReceivedFrame> open(Stream& s, const AssembledFrame& f, uint64_t now_ms);

  EpochKeys& keys_;
  std::map<uint32_t, Stream> streams_;
  uint64_t malformed_packets_ = 0;
  uint64_t streams_refused_ = 0;
};

}  // namespace conclave::client::media
