// Tests for media/dscp.h.
#include "media/dscp.h"

#include <gtest/gtest.h>

#include "media_test_util.h"

namespace conclave::media {
namespace {

using testing::error_of;

// verifies: REQ-MEDIA-010
TEST(Dscp, defaults_are_ef_for_audio_af41_for_video_and_zero_for_keepalives) {
  const DscpConfig c;
  EXPECT_EQ(dscp_for(c, PacketType::kMedia, MediaKind::kAudio), 46);
  EXPECT_EQ(dscp_for(c, PacketType::kMedia, MediaKind::kVideo), 34);
  EXPECT_EQ(dscp_for(c, PacketType::kKeepalive, MediaKind::kAudio), 0);
  EXPECT_EQ(dscp_for(c, PacketType::kKeepalive, MediaKind::kVideo), 0);
  EXPECT_TRUE(validate_dscp_config(c).has_value());
  EXPECT_EQ(tos_byte(46), 0xb8);
  EXPECT_EQ(tos_byte(34), 0x88);
  EXPECT_EQ(tos_byte(0), 0);
}

// verifies: REQ-MEDIA-010
TEST(Dscp, configured_values_are_used_and_values_above_63_rejected) {
  DscpConfig c;
  c.audio = 40;
  c.video = 26;
  c.keepalive = 8;
  ASSERT_TRUE(validate_dscp_config(c).has_value());
  EXPECT_EQ(dscp_for(c, PacketType::kMedia, MediaKind::kAudio), 40);
  EXPECT_EQ(dscp_for(c, PacketType::kMedia, MediaKind::kVideo), 26);
  EXPECT_EQ(dscp_for(c, PacketType::kKeepalive, MediaKind::kVideo), 8);
  c.audio = 63;
  EXPECT_TRUE(validate_dscp_config(c).has_value());
  for (uint8_t DscpConfig::*field :
       {&DscpConfig::audio, &DscpConfig::video, &DscpConfig::keepalive}) {
    DscpConfig bad;
    bad.*field = 64;
    EXPECT_EQ(error_of(validate_dscp_config(bad)), Err::kInvalidArgument);
    bad.*field = 255;
    EXPECT_EQ(error_of(validate_dscp_config(bad)), Err::kInvalidArgument);
  }
}

}  // namespace
}  // namespace conclave::media
