#include "media/dscp.h"

namespace conclave::media {

// implements: REQ-MEDIA-010
Result<void> validate_dscp_config(const DscpConfig& c) {
  if (c.audio > kDscpMax || c.video > kDscpMax || c.keepalive > kDscpMax) {
    return Error(Err::kInvalidArgument, "DSCP codepoint above 63");
  }
  return {};
}

// implements: REQ-MEDIA-010
uint8_t dscp_for(const DscpConfig& c, PacketType type, MediaKind kind) {
  switch (type) {
    case PacketType::kKeepalive:
      return c.keepalive;
    case PacketType::kMedia:
    case PacketType::kFeedback:
      // Feedback is marked like the stream it concerns: a NACK or PLI is
      // as urgent as the media it repairs.
      switch (kind) {
        case MediaKind::kAudio:
          return c.audio;
        case MediaKind::kVideo:
          return c.video;
      }
      break;
  }
  return kDscpDefault;
}

}  // namespace conclave::media
