// Tests for media/udp_socket.h, on 127.0.0.1 only: batched send and receive,
// the non-blocking empty receive, truncation, DSCP marking, and a sealed
// media packet carried end to end through two sockets.
#include "media/udp_socket.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <vector>

#include "media/dscp.h"
#include "media/limits.h"
#include "media/media_path.h"
#include "media_test_util.h"

namespace conclave::media {
namespace {

using testing::error_of;
using testing::test_secret;

const PeerAddress kLoopbackAnyPort = PeerAddress::ipv4({127, 0, 0, 1}, 0);

RecvSlot slot(MutableByteView buf) {
  RecvSlot s;
  s.buf = buf;
  return s;
}

std::unique_ptr<UdpSocket> bound() {
  auto s = UdpSocket::bind(kLoopbackAnyPort);
  CONCLAVE_ASSERT(s.has_value());
  return std::move(*s);
}

// recv_all polls `s` until `want` datagrams arrived or a bounded number of
// empty polls passed (loopback delivery is immediate, but not synchronous).
size_t recv_all(UdpSocket& s, std::span<RecvSlot> slots, size_t want) {
  size_t got = 0;
  for (int empty = 0; got < want && empty < 1000; ++empty) {
    auto n = s.recv_batch(slots.subspan(got));
    CONCLAVE_ASSERT(n.has_value());
    got += *n;
    if (*n == 0) {
      usleep(1000);
    }
  }
  return got;
}

// verifies: REQ-MEDIA-034
TEST(UdpSocket, receive_buffer_is_granted_and_bounded) {
  auto s = bound();
  // 64 KiB is below every Linux default net.core.rmem_max (208 KiB); the
  // kernel grants twice what it accepts.
  ASSERT_TRUE(s->set_receive_buffer(64 * 1024).has_value());
  auto granted = s->receive_buffer();
  ASSERT_TRUE(granted.has_value());
  EXPECT_EQ(*granted, 2u * 64 * 1024);
  EXPECT_EQ(error_of(s->set_receive_buffer(0)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(s->set_receive_buffer(kMaxReceiveBuffer + 1)), Err::kInvalidArgument);
}

// verifies: REQ-MEDIA-034
TEST(UdpSocket, datagrams_the_kernel_drops_for_lack_of_room_are_counted) {
  auto rx = bound();
  auto tx = bound();
  ASSERT_TRUE(rx->count_kernel_drops().has_value());
  // The smallest buffer the kernel allows holds a handful of datagrams; the
  // sender fills it while nobody reads.
  ASSERT_TRUE(rx->set_receive_buffer(1).has_value());
  auto to = rx->local_address();
  ASSERT_TRUE(to.has_value());
  constexpr size_t kSent = 200;
  std::vector<uint8_t> payload(1000, 0x5a);
  for (size_t i = 0; i < kSent; ++i) {
    const SendItem item{ByteView(payload), *to};
    auto n = tx->send_batch(std::span(&item, 1));
    ASSERT_TRUE(n.has_value());
    ASSERT_EQ(*n, 1u);
  }
  std::vector<std::vector<uint8_t>> bufs(kMaxUdpBatch, std::vector<uint8_t>(1500));
  std::vector<RecvSlot> slots;
  for (auto& b : bufs) {
    slots.push_back(slot(MutableByteView(b)));
  }
  size_t received = 0;
  for (;;) {
    auto n = rx->recv_batch(slots);
    ASSERT_TRUE(n.has_value());
    if (*n == 0) {
      break;
    }
    received += *n;
  }
  // One more datagram carries the drop count as of its arrival.
  const SendItem last{ByteView(payload), *to};
  ASSERT_EQ(tx->send_batch(std::span(&last, 1)).value_or(0), 1u);
  received += recv_all(*rx, std::span(slots).first(1), 1);
  EXPECT_GT(rx->kernel_drops(), 0u);
  EXPECT_LT(received, kSent);
  EXPECT_EQ(received + rx->kernel_drops(), kSent + 1);
}

TEST(UdpSocket, binds_to_loopback_and_reports_its_port) {
  auto s = bound();
  auto local = s->local_address();
  ASSERT_TRUE(local.has_value());
  EXPECT_EQ(local->kind, PeerAddress::Kind::kIpv4);
  EXPECT_NE(local->port, 0);
  EXPECT_EQ(local->ip[0], 127);
  EXPECT_EQ(error_of(UdpSocket::bind(PeerAddress::signaling())), Err::kInvalidArgument);
}

TEST(UdpSocket, empty_receive_returns_zero_without_blocking) {
  auto s = bound();
  std::array<uint8_t, 64> buf{};
  std::array<RecvSlot, 1> slots{slot(buf)};
  auto n = s->recv_batch(slots);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 0u);
}

TEST(UdpSocket, batches_of_datagrams_arrive_with_their_source) {
  auto a = bound();
  auto b = bound();
  const PeerAddress to = b->local_address().value();
  const PeerAddress from = a->local_address().value();
  std::vector<Bytes> payloads;
  std::vector<SendItem> items;
  for (size_t i = 0; i < 40; ++i) {
    payloads.emplace_back(100 + i, static_cast<uint8_t>(i));
  }
  for (const Bytes& p : payloads) {
    items.push_back(SendItem{p, to});
  }
  auto sent = a->send_batch(items);
  ASSERT_TRUE(sent.has_value());
  ASSERT_EQ(*sent, items.size());
  std::vector<Bytes> bufs(items.size(), Bytes(kMaxPacketLen));
  std::vector<RecvSlot> slots;
  for (Bytes& buf : bufs) {
    slots.push_back(slot(buf));
  }
  ASSERT_EQ(recv_all(*b, slots, items.size()), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_FALSE(slots[i].truncated);
    EXPECT_EQ(Bytes(bufs[i].begin(), bufs[i].begin() + static_cast<long>(slots[i].len)),
              payloads[i]);
    EXPECT_EQ(slots[i].from, from);
  }
}

TEST(UdpSocket, a_datagram_longer_than_its_slot_is_flagged_truncated) {
  auto a = bound();
  auto b = bound();
  const Bytes big(200, 0x42);
  const std::array<SendItem, 1> items{SendItem{big, b->local_address().value()}};
  ASSERT_EQ(a->send_batch(items).value(), 1u);
  std::array<uint8_t, 64> buf{};
  std::array<RecvSlot, 1> slots{slot(buf)};
  ASSERT_EQ(recv_all(*b, slots, 1), 1u);
  EXPECT_TRUE(slots[0].truncated);
  EXPECT_EQ(slots[0].len, 0u);
}

TEST(UdpSocket, send_rejects_other_families_and_signaling) {
  auto a = bound();
  const Bytes d(10, 1);
  const std::array<SendItem, 1> v6{SendItem{d, PeerAddress::ipv6({}, 9)}};
  EXPECT_EQ(error_of(a->send_batch(v6)), Err::kInvalidArgument);
  const std::array<SendItem, 1> sig{SendItem{d, PeerAddress::signaling()}};
  EXPECT_EQ(error_of(a->send_batch(sig)), Err::kInvalidArgument);
}

// verifies: REQ-MEDIA-010
TEST(UdpSocket, dscp_is_set_on_the_socket) {
  auto a = bound();
  const DscpConfig c;
  ASSERT_TRUE(a->set_dscp(c.audio).has_value());
  EXPECT_EQ(a->dscp().value(), kDscpEf);
  ASSERT_TRUE(a->set_dscp(c.video).has_value());
  EXPECT_EQ(a->dscp().value(), kDscpAf41);
  EXPECT_EQ(error_of(a->set_dscp(64)), Err::kInvalidArgument);
  EXPECT_EQ(a->dscp().value(), kDscpAf41);
}

TEST(UdpSocket, gso_send_arrives_as_separate_datagrams) {
  auto a = bound();
  auto b = bound();
  std::vector<Bytes> segs;
  for (size_t i = 0; i < 5; ++i) {
    segs.emplace_back(i + 1 < 5 ? 1200 : 700, static_cast<uint8_t>(0x10 + i));
  }
  std::vector<ByteView> views(segs.begin(), segs.end());
  auto sent = a->send_segments(views, b->local_address().value());
  if (!sent.has_value() && sent.error().code == Err::kUnsupported) {
    GTEST_SKIP() << "kernel without UDP GSO";
  }
  ASSERT_TRUE(sent.has_value());
  ASSERT_EQ(*sent, segs.size());
  std::vector<Bytes> bufs(segs.size(), Bytes(kMaxPacketLen));
  std::vector<RecvSlot> slots;
  for (Bytes& buf : bufs) {
    slots.push_back(slot(buf));
  }
  ASSERT_EQ(recv_all(*b, slots, segs.size()), segs.size());
  for (size_t i = 0; i < segs.size(); ++i) {
    EXPECT_EQ(Bytes(bufs[i].begin(), bufs[i].begin() + static_cast<long>(slots[i].len)), segs[i]);
  }
  // More than kMaxGsoBytes in one send is refused.
  const Bytes seg(1200, 1);
  const std::vector<ByteView> too_many(kMaxGsoBytes / 1200 + 1, ByteView(seg));
  EXPECT_EQ(error_of(a->send_segments(too_many, b->local_address().value())),
            Err::kInvalidArgument);
  // Unequal middle segments are refused.
  views[1] = ByteView(segs[4]);
  EXPECT_EQ(error_of(a->send_segments(views, b->local_address().value())), Err::kInvalidArgument);
}

// A client path and a server path talking through two loopback sockets: the
// server learns the client's address from its first packet and answers only
// there.
// verifies: REQ-MEDIA-008
TEST(UdpSocket, media_path_round_trip_over_loopback) {
  auto client_sock = bound();
  auto server_sock = bound();
  auto client = MediaPath::create(HopRole::kClient, 9, test_secret());
  auto server = MediaPath::create(HopRole::kServer, 9, test_secret());
  ASSERT_TRUE(client && server);

  Bytes pkt(kMaxPacketLen);
  const size_t n = client->seal_keepalive(pkt).value();
  const std::array<SendItem, 1> up{
      SendItem{ByteView(pkt).first(n), server_sock->local_address().value()}};
  ASSERT_EQ(client_sock->send_batch(up).value(), 1u);

  Bytes rbuf(kMaxPacketLen);
  std::array<RecvSlot, 1> slots{slot(rbuf)};
  ASSERT_EQ(recv_all(*server_sock, slots, 1), 1u);
  Bytes plain(kMaxPacketLen);
  auto rx = server->open(plain, ByteView(rbuf).first(slots[0].len), slots[0].from);
  ASSERT_TRUE(rx.has_value());
  ASSERT_TRUE(server->peer().has_value());
  EXPECT_EQ(*server->peer(), client_sock->local_address().value());

  const Bytes frame(300, 0x77);
  MediaHeader h;
  h.kind = MediaKind::kAudio;
  h.stream_id = 3;
  const size_t m = server->seal_media(pkt, h, frame).value();
  const std::array<SendItem, 1> down{SendItem{ByteView(pkt).first(m), *server->peer()}};
  ASSERT_EQ(server_sock->send_batch(down).value(), 1u);
  ASSERT_EQ(recv_all(*client_sock, slots, 1), 1u);
  auto got = client->open(plain, ByteView(rbuf).first(slots[0].len), slots[0].from);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(to_bytes(got->media->sframe), frame);
}

}  // namespace
}  // namespace conclave::media
