// Depacketizer: reassembles the SFrame-protected frames of one incoming
// stream from its MediaPayloads, which may arrive lost, reordered or
// duplicated (spec/08-client.md#reassembly).
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <optional>

#include "client/media/media_limits.h"
#include "core/bytes.h"
#include "media/packet.h"

namespace conclave::client::media {

// AssembledFrame is one protected frame with the media-header fields its
// packets agreed on.
struct AssembledFrame {
  uint32_t stream_id = 0;
  conclave::media::MediaKind kind = conclave::media::MediaKind::kAudio;
  bool keyframe = false;
  uint8_t layer = 0;
  uint64_t first_seq = 0;  // extended stream_seq of the S packet
  uint32_t num_packets = 0;
  uint64_t completed_ms = 0;  // arrival of the packet that completed it
  Bytes data;
};

// DepacketizerCounters counts what one stream's packets became.
struct DepacketizerCounters {
  uint64_t packets = 0;            // accepted into reassembly (unique)
  uint64_t wrong_stream = 0;       // another stream id or kind than the stream's
  uint64_t oversize = 0;           // an SFrame part above kMaxReceivedFragmentLen
  uint64_t duplicates = 0;         // a stream_seq seen before
  uint64_t too_old = 0;            // kSeqWindow or more below the highest seen
  uint64_t inconsistent = 0;       // frames whose packets disagree on K or layer
  uint64_t frames = 0;             // complete frames handed out
  uint64_t frames_incomplete = 0;  // frames given up (timeout or memory bound)
  uint64_t packets_evicted = 0;    // packets dropped with them
};

// Depacketizer holds at most kMaxPendingPackets packets of one stream and
// gives up a frame whose first packet has waited kReassemblyTimeoutMs. It
// is a value type; time is the caller's monotonic clock in milliseconds.
class Depacketizer {
 public:
  Depacketizer(uint32_t stream_id, conclave::media::MediaKind kind)
      : stream_id_(stream_id), kind_(kind) {}

  // push takes one packet and returns the frame it completes, if any. A
  // packet of another stream or kind, one whose SFrame part is longer than
  // kMaxReceivedFragmentLen, a duplicate, or one kSeqWindow or
  // more below the highest stream_seq seen is dropped and counted. Packets
  // of a frame must agree on K and layer, and a frame spans at most
  // kMaxFramePackets packets; otherwise its packets are dropped and counted
  // (inconsistent). Frames may come out in any order.
  // implements: REQ-CLIENT-024
  std::optional<AssembledFrame> push(const conclave::media::MediaPayload& p, uint64_t now_ms);

  // expire gives up every frame with a packet that arrived
  // kReassemblyTimeoutMs or more before `now_ms`, and returns how many
  // frames it gave up (also counted in frames_incomplete).
  // implements: REQ-CLIENT-024
  uint64_t expire(uint64_t now_ms);

  const DepacketizerCounters& counters() const { return counters_; }
  size_t pending_packets() const { return pending_.size(); }
  // The extended stream_seq range seen so far, for loss statistics: the
  // expected packet count is highest - lowest + 1 once started.
  bool started() const { return started_; }
  uint64_t lowest_seq() const { return lowest_; }
  uint64_t highest_seq() const { return highest_; }

 private:
  struct Fragment {
    uint8_t flags = 0;
    uint8_t layer = 0;
    uint64_t arrival_ms = 0;
    Bytes data;
  };
  bool seen(uint64_t seq) const;
  void mark_seen(uint64_t seq);
  // evict_front drops the packets below `limit` (all of them if `limit` is
  // the end), counting the frames they belonged to.
  uint64_t evict(std::map<uint64_t, Fragment>::iterator first,
                 std::map<uint64_t, Fragment>::iterator last);
  std::optional<AssembledFrame> try_complete(uint64_t seq, uint64_t now_ms);

  uint32_t stream_id_;
  conclave::media::MediaKind kind_;
  bool started_ = false;
  uint64_t lowest_ = 0;
  uint64_t highest_ = 0;
  std::bitset<kSeqWindow> window_;  // bit i: highest_ - i was seen
  std::map<uint64_t, Fragment> pending_;
  DepacketizerCounters counters_;
};

}  // namespace conclave::client::media
