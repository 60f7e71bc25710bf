// MediaReceiver without a group: the stream bound, malformed payloads, and
// frames under no key.
#include "client/media/media_receiver.h"

#include <gtest/gtest.h>

#include "client/media/media_limits.h"
#include "client/media/packetizer.h"

namespace conclave::client::media {
namespace {

// verifies: REQ-CLIENT-025
TEST(MediaReceiver, KeepsAtMostTheStreamBoundAndDropsFramesUnderNoKey) {
  auto keys = EpochKeys::create();
  ASSERT_TRUE(keys.has_value());
  MediaReceiver rx(**keys);
  for (uint32_t id = 0; id < kMaxReceiveStreams + 10; ++id) {
    Packetizer pk(id, conclave::media::MediaKind::kAudio);
    // An SFrame header (config byte 0x00: KID 0, CTR 0) and a few bytes.
    auto p = pk.packetize(Bytes{0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17},
                          false, 0);
    ASSERT_TRUE(p.has_value());
    EXPECT_FALSE(rx.receive_bytes((*p)[0], 1).has_value());
  }
  EXPECT_EQ(rx.streams_refused(), 10u);
  EXPECT_EQ(rx.stats(kMaxReceiveStreams + 1), nullptr);
  const ReceiveStats* s = rx.stats(0);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->frames_received, 1u);
  EXPECT_EQ(s->dropped_for(DropReason::kUnknownKey), 1u);
  EXPECT_EQ(rx.loss(0).expected, 1u);
  EXPECT_EQ(rx.loss(0).lost, 0u);
  EXPECT_FALSE(rx.receive_bytes(Bytes{0, 0, 0, 1}, 2).has_value());
  EXPECT_EQ(rx.malformed_packets(), 1u);
}

}  // namespace
}  // namespace conclave::client::media
