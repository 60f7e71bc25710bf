// DSCP marking of media packets by kind (spec/07-media-transport.md#dscp-marking).
#pragma once

#include <cstdint>

#include "core/result.h"
#include "media/packet.h"

namespace conclave::media {

inline constexpr uint8_t kDscpEf = 46;    // Expedited Forwarding (RFC 3246)
inline constexpr uint8_t kDscpAf41 = 34;  // Assured Forwarding class 4, low drop (RFC 2597)
inline constexpr uint8_t kDscpDefault = 0;
inline constexpr uint8_t kDscpMax = 63;  // six bits

// DscpConfig holds the codepoint per kind of packet; the defaults follow RFC
// 4594's classes for telephony (audio) and real-time interactive video.
// implements: REQ-MEDIA-010
struct DscpConfig {
  uint8_t audio = kDscpEf;
  uint8_t video = kDscpAf41;
  uint8_t keepalive = kDscpDefault;
};

// validate_dscp_config rejects a codepoint above kDscpMax (kInvalidArgument).
// implements: REQ-MEDIA-010
[[nodiscard]] Result<void> validate_dscp_config(const DscpConfig& c);

// dscp_for returns the codepoint for a packet of `type`; `kind` (for
// feedback: the kind of the stream it concerns) matters for media and
// feedback packets only.
// implements: REQ-MEDIA-010
uint8_t dscp_for(const DscpConfig& c, PacketType type, MediaKind kind);

// tos_byte is the IP_TOS / IPV6_TCLASS value of `dscp`: the codepoint in the
// upper six bits, the ECN bits zero.
inline uint8_t tos_byte(uint8_t dscp) { return static_cast<uint8_t>((dscp & kDscpMax) << 2); }

}  // namespace conclave::media
