// UdpSocket: the media plane's one UDP port (spec/07-media-transport.md), a
// non-blocking socket with batched receive (recvmmsg) and send (sendmmsg)
// and DSCP marking (setsockopt IP_TOS / IPV6_TCLASS).
//
// The socket moves bytes only: every received datagram still goes through
// MediaPath::open (or the server's path table) before anything else looks
// at it. Nothing here allocates after bind().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "core/bytes.h"
#include "core/result.h"
#include "media/peer_address.h"

namespace conclave::media {

// The most datagrams one recv_batch or send_batch call moves: the
// recvmmsg/sendmmsg arrays live on the stack.
inline constexpr size_t kMaxUdpBatch = 64;
// The most datagrams one UDP GSO send carries (the kernel's UDP_MAX_SEGMENTS
// is at least 64).
inline constexpr size_t kMaxGsoSegments = 64;
// The most bytes one UDP GSO send carries: the largest IPv4 UDP payload,
// since the kernel builds the whole send as one datagram before splitting it.
inline constexpr size_t kMaxGsoBytes = 65507;
// The largest receive buffer set_receive_buffer asks for (256 MiB): SO_RCVBUF
// takes an int, which the kernel doubles.
inline constexpr size_t kMaxReceiveBuffer = size_t{256} << 20;

// RecvSlot is one datagram buffer for recv_batch. On return `len` is the
// datagram's length and `from` its source; `truncated` is set when the
// datagram was longer than `buf` (the caller drops it: no valid packet is
// longer than kMaxPacketLen).
struct RecvSlot {
  MutableByteView buf;
  size_t len = 0;
  PeerAddress from;
  bool truncated = false;
};

// SendItem is one datagram for send_batch; `data` is borrowed for the call.
struct SendItem {
  ByteView data;
  PeerAddress to;
};

// UdpSocket owns one socket; it can be neither copied nor moved (STY-15), so
// bind() hands it out in a unique_ptr. The descriptor is closed on
// destruction.
class UdpSocket {
 public:
  // bind opens a non-blocking UDP socket on `local` (an IPv4 or IPv6
  // address; port 0 picks a free port). kInvalidArgument for a signaling
  // address; kNetwork if the system refuses.
  [[nodiscard]] static Result<std::unique_ptr<UdpSocket>> bind(const PeerAddress& local);

  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;
  UdpSocket(UdpSocket&&) = delete;
  UdpSocket& operator=(UdpSocket&&) = delete;
  ~UdpSocket();

  // local_address is the address the socket is bound to (with the port the
  // system chose for port 0).
  [[nodiscard]] Result<PeerAddress> local_address() const;

  // set_dscp marks every datagram this socket sends with `dscp` (0..63;
  // kInvalidArgument above), as IP_TOS or IPV6_TCLASS with the ECN bits zero.
  [[nodiscard]] Result<void> set_dscp(uint8_t dscp);

  // dscp reads the socket's current codepoint back from the system.
  [[nodiscard]] Result<uint8_t> dscp() const;

  // set_receive_buffer asks the system for a receive buffer of `bytes`
  // (SO_RCVBUF; 1 .. kMaxReceiveBuffer, kInvalidArgument otherwise). The
  // kernel caps the request at net.core.rmem_max and doubles what it grants
  // for its own bookkeeping: receive_buffer reads back the result.
  [[nodiscard]] Result<void> set_receive_buffer(size_t bytes);
  [[nodiscard]] Result<size_t> receive_buffer() const;

  // count_kernel_drops asks the kernel to attach to every received datagram
  // the number of datagrams this socket dropped so far because its receive
  // buffer was full (SO_RXQ_OVFL); kernel_drops is that number as of the
  // last datagram recv_batch returned (drops after it show with the next).
  [[nodiscard]] Result<void> count_kernel_drops();
  uint32_t kernel_drops() const { return kernel_drops_; }

  // recv_batch receives up to min(slots.size(), kMaxUdpBatch) waiting
  // datagrams with one recvmmsg call and returns how many; 0 when none is
  // waiting (it never blocks). kNetwork on a system error.
  [[nodiscard]] Result<size_t> recv_batch(std::span<RecvSlot> slots);

  // send_batch sends up to min(items.size(), kMaxUdpBatch) datagrams with
  // one sendmmsg call and returns how many were sent (fewer when the send
  // buffer is full; 0 if it is full already). A destination of another
  // address family, or a signaling address, is kInvalidArgument.
  [[nodiscard]] Result<size_t> send_batch(std::span<const SendItem> items);

  // send_segments sends `segments` to `to` as one UDP GSO send (UDP_SEGMENT):
  // the kernel splits the buffer into datagrams of segments[0].size() bytes.
  // Every segment but the last must have that size, the last at most that
  // size, and there may be at most kMaxGsoSegments of them and
  // kMaxGsoBytes in all (kInvalidArgument otherwise). Returns the number of datagrams sent: all or
  // 0 (send buffer full). kUnsupported if the kernel lacks UDP GSO.
  [[nodiscard]] Result<size_t> send_segments(std::span<const ByteView> segments,
                                             const PeerAddress& to);

  int fd() const { return fd_; }

 private:
  // Key lets bind() use make_unique while nobody else can construct one.
  struct Key {};

 public:
  UdpSocket(Key, int fd, bool ipv6) : fd_(fd), ipv6_(ipv6) {}

 private:
  int fd_;
  bool ipv6_;
  bool count_drops_ = false;
  uint32_t kernel_drops_ = 0;
};

}  // namespace conclave::media
