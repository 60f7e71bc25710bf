// Spec constants of the client media pipeline (spec/08-client.md#media).
// Changing a value here is a change of chapter 08 (STYLE.md STY-03).
#pragma once

#include <cstddef>
#include <cstdint>

#include "media/limits.h"

namespace conclave::client::media {

// FrameEnvelope: frame number and capture time before the encoded frame.
inline constexpr size_t kEnvelopeHeaderLen = 12;
// FrameMetadata: stream id, kind, keyframe flag, layer. REQ-CLIENT-021
inline constexpr size_t kFrameMetadataLen = 7;
// The SFrame overhead of a frame: the longest header and a 16-byte tag.
inline constexpr size_t kSframeOverheadLen = 17 + 16;
// The most SFrame bytes one packet carries: what fits in kTargetPacketLen
// after the hop header, the hop tag and the media header. REQ-CLIENT-023
inline constexpr size_t kMaxFragmentLen =
    conclave::media::kTargetPacketLen - conclave::media::kHopHeaderLen -
    conclave::media::kHopTagLen - conclave::media::kMediaHeaderLen;
// The most SFrame bytes a received packet can carry (kMaxPacketLen less the
// same overheads); the depacketizer refuses longer fragments. REQ-CLIENT-024
inline constexpr size_t kMaxReceivedFragmentLen =
    conclave::media::kMaxPacketLen - conclave::media::kHopHeaderLen - conclave::media::kHopTagLen -
    conclave::media::kMediaHeaderLen;
// The most packets one frame may span. REQ-CLIENT-023
inline constexpr size_t kMaxFramePackets = 256;
// The longest protected frame, and so the longest encoded frame a sender
// may hand in (less envelope and SFrame overhead).
inline constexpr size_t kMaxProtectedFrameLen = kMaxFramePackets * kMaxFragmentLen;
inline constexpr size_t kMaxEncodedFrameLen =
    kMaxProtectedFrameLen - kSframeOverheadLen - kEnvelopeHeaderLen;

// Reassembly bounds per stream: packets held, and how long a frame may wait
// for its missing packets. REQ-CLIENT-024
inline constexpr size_t kMaxPendingPackets = 512;
inline constexpr uint64_t kReassemblyTimeoutMs = 1000;
// Packets this far (or farther) below the highest stream_seq seen are too
// old to belong to any frame still assembled. REQ-CLIENT-024
inline constexpr uint64_t kSeqWindow = 1024;

// Audio: every frame is 20 ms; the playout delay adapts between these
// bounds (in frames); the buffer holds at most kAudioMaxBufferedFrames.
// REQ-CLIENT-027
inline constexpr uint64_t kAudioFrameMs = 20;
inline constexpr uint32_t kAudioMinDelayFrames = 1;
inline constexpr uint32_t kAudioMaxDelayFrames = 10;
inline constexpr size_t kAudioMaxBufferedFrames = 50;
// After this many concealed frames in a row with nothing buffered, the
// stream is idle (DTX or a pause) and playout stops until frames return.
inline constexpr uint32_t kAudioMaxConcealFrames = 10;

// Video: frames held, how long a missing frame is waited for, and the least
// time between two keyframe requests of one stream. REQ-CLIENT-028
inline constexpr size_t kVideoMaxBufferedFrames = 64;
inline constexpr uint64_t kVideoMaxWaitMs = 200;
inline constexpr uint64_t kKeyframeRequestIntervalMs = 500;

// Retransmission requests for a video stream: a missing packet is asked for
// kNackDelayMs after the gap was seen and again kNackRetryMs later, at most
// kNackAttempts times; at most kMaxTrackedMissing numbers are tracked.
// REQ-CLIENT-034
inline constexpr uint64_t kNackDelayMs = 20;
inline constexpr uint64_t kNackRetryMs = 100;
inline constexpr uint32_t kNackAttempts = 2;
inline constexpr uint64_t kMaxTrackedMissing = 128;

// The most incoming streams one receiver keeps state for; packets of
// further streams are dropped and counted. REQ-CLIENT-025
inline constexpr size_t kMaxReceiveStreams = 256;

}  // namespace conclave::client::media
