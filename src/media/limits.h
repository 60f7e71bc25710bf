// Spec constants of the media transport (spec/07-media-transport.md#limits).
// Changing a value here is a change of chapter 07 (STYLE.md STY-03).
#pragma once

#include <cstddef>
#include <cstdint>

namespace conclave::media {

// The only packet version.
inline constexpr uint8_t kVersion = 1;
// HopHeader: version, type, reserved, path id, hop sequence number.
inline constexpr size_t kHopHeaderLen = 16;
// MediaHeader: stream id, kind, flags, layer, reserved, stream sequence.
inline constexpr size_t kMediaHeaderLen = 12;
// The AES-128-GCM tag closing every packet.
inline constexpr size_t kHopTagLen = 16;
// The smallest packet: a keepalive (header and tag). REQ-MEDIA-001
inline constexpr size_t kMinPacketLen = kHopHeaderLen + kHopTagLen;
// The largest packet accepted or sent: an Ethernet MTU less the IPv6 and UDP
// headers. REQ-MEDIA-001
inline constexpr size_t kMaxPacketLen = 1452;
// The largest media packet a sender should build (no IP fragmentation on any
// supported path, as in QUIC).
inline constexpr size_t kTargetPacketLen = 1200;
// Packets one direction of a path may protect: 2^28 packets of at most 2^7
// AES blocks stay within the 2^35-block AES-GCM budget of RFC 8446 §5.5.
// REQ-MEDIA-005
inline constexpr uint64_t kHopSequenceLimit = uint64_t{1} << 28;
// Width of the receive replay window, in packets. REQ-MEDIA-006
inline constexpr uint64_t kHopReplayWindow = 1024;
// Length of the TLS exporter output a path's keys come from. REQ-MEDIA-003
inline constexpr size_t kHopSecretLen = 32;
// Seconds between a client's keepalives when it sends nothing else.
inline constexpr uint32_t kKeepaliveIntervalSeconds = 15;
// The most stream_seq values one NACK may name. REQ-MEDIA-027
inline constexpr size_t kMaxNackSeqs = 64;
// Feedback: stream id, type, reserved, then a varint-prefixed uint32 vector
// (1 byte of prefix for an empty vector, 2 for up to kMaxNackSeqs values).
// REQ-MEDIA-027
inline constexpr size_t kMinFeedbackLen = 4 + 1 + 1 + 1;
inline constexpr size_t kMaxFeedbackLen = 4 + 1 + 1 + 2 + 4 * kMaxNackSeqs;
// The SFU forwards at most one PLI per stream in this many milliseconds.
// REQ-MEDIA-030
inline constexpr uint64_t kPliIntervalMs = 250;
// Forwarded video packets the SFU keeps per sender stream for
// retransmission: the slot of a packet is its stream_seq modulo this value.
// REQ-MEDIA-031
inline constexpr size_t kRetransmitCachePackets = 64;
// Packets the SFU re-sends to one requester per budget window of
// kRetransmitWindowMs. The window is fixed (it restarts at the first NACK
// after it ends), so any sliding second holds at most twice the budget.
// REQ-MEDIA-032
inline constexpr uint64_t kMaxRetransmitsPerSecond = 500;
inline constexpr uint64_t kRetransmitWindowMs = 1000;

static_assert(kRetransmitCachePackets >= kMaxNackSeqs, "one NACK can name the whole cache");
static_assert(kMaxNackSeqs * 4 < 16384, "a NACK's vector prefix is at most two bytes");
static_assert(kMaxPacketLen <= 2048, "kHopSequenceLimit assumes packets of at most 2^7 blocks");

}  // namespace conclave::media
