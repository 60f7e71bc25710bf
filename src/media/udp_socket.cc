#include "media/udp_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "media/dscp.h"

namespace conclave::media {

namespace {

// SockAddr is the storage the socket calls fill in; the union gives the
// sockaddr view the C API wants without a pointer cast.
union SockAddr {
  sockaddr sa;
  sockaddr_in v4;
  sockaddr_in6 v6;
  sockaddr_storage storage;
};

// to_sockaddr converts an IP PeerAddress; false for a signaling address.
bool to_sockaddr(const PeerAddress& a, SockAddr* out, socklen_t* out_len) {
  std::memset(out, 0, sizeof(*out));
  switch (a.kind) {
    case PeerAddress::Kind::kIpv4:
      out->v4.sin_family = AF_INET;
      out->v4.sin_port = htons(a.port);
      std::memcpy(&out->v4.sin_addr, a.ip.data(), 4);
      *out_len = sizeof(sockaddr_in);
      return true;
    case PeerAddress::Kind::kIpv6:
      out->v6.sin6_family = AF_INET6;
      out->v6.sin6_port = htons(a.port);
      std::memcpy(&out->v6.sin6_addr, a.ip.data(), 16);
      *out_len = sizeof(sockaddr_in6);
      return true;
    case PeerAddress::Kind::kSignaling:
      return false;
  }
  return false;
}

PeerAddress from_sockaddr(const SockAddr& s) {
  if (s.sa.sa_family == AF_INET6) {
    std::array<uint8_t, 16> ip{};
    std::memcpy(ip.data(), &s.v6.sin6_addr, 16);
    return PeerAddress::ipv6(ip, ntohs(s.v6.sin6_port));
  }
  std::array<uint8_t, 4> ip{};
  std::memcpy(ip.data(), &s.v4.sin_addr, 4);
  return PeerAddress::ipv4(ip, ntohs(s.v4.sin_port));
}

// DropCountControl is the ancillary-data buffer of one received datagram:
// room for the one SO_RXQ_OVFL message, aligned as the kernel writes it.
struct DropCountControl {
  alignas(cmsghdr) char bytes[CMSG_SPACE(sizeof(uint32_t))];
};

// drop_count reads the SO_RXQ_OVFL counter of one received datagram; a
// datagram without one (none dropped yet) leaves `current` unchanged.
uint32_t drop_count(msghdr& h, uint32_t current) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
        c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
      uint32_t drops = 0;
      std::memcpy(&drops, CMSG_DATA(c), sizeof(drops));
      return drops;
    }
  }
  return current;
}

}  // namespace

Result<std::unique_ptr<UdpSocket>> UdpSocket::bind(const PeerAddress& local) {
  SockAddr addr;
  socklen_t len = 0;
  if (!to_sockaddr(local, &addr, &len)) {
    return Error(Err::kInvalidArgument, "UDP socket needs an IP address");
  }
  const bool ipv6 = local.kind == PeerAddress::Kind::kIpv6;
  const int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Error(Err::kNetwork, "socket(AF_INET*, SOCK_DGRAM) failed");
  }
  // Own the descriptor at once so every failure below closes it.
  auto s = std::make_unique<UdpSocket>(Key{}, fd, ipv6);
  if (::bind(fd, &addr.sa, len) != 0) {
    return Error(Err::kNetwork, "bind() of the media UDP socket failed");
  }
  return s;
}

UdpSocket::~UdpSocket() { ::close(fd_); }

Result<PeerAddress> UdpSocket::local_address() const {
  SockAddr addr;
  socklen_t len = sizeof(addr);
  if (::getsockname(fd_, &addr.sa, &len) != 0) {
    return Error(Err::kNetwork, "getsockname() failed");
  }
  return from_sockaddr(addr);
}

// implements: REQ-MEDIA-010
Result<void> UdpSocket::set_dscp(uint8_t dscp) {
  if (dscp > kDscpMax) {
    return Error(Err::kInvalidArgument, "DSCP codepoint above 63");
  }
  const int tos = tos_byte(dscp);
  const int rc = ipv6_ ? ::setsockopt(fd_, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos))
                       : ::setsockopt(fd_, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
  if (rc != 0) {
    return Error(Err::kNetwork, "setsockopt(IP_TOS/IPV6_TCLASS) failed");
  }
  return {};
}

Result<uint8_t> UdpSocket::dscp() const {
  int tos = 0;
  socklen_t len = sizeof(tos);
  const int rc = ipv6_ ? ::getsockopt(fd_, IPPROTO_IPV6, IPV6_TCLASS, &tos, &len)
                       : ::getsockopt(fd_, IPPROTO_IP, IP_TOS, &tos, &len);
  if (rc != 0) {
    return Error(Err::kNetwork, "getsockopt(IP_TOS/IPV6_TCLASS) failed");
  }
  return static_cast<uint8_t>((tos >> 2) & kDscpMax);
}

// implements: REQ-MEDIA-034
Result<void> UdpSocket::set_receive_buffer(size_t bytes) {
  if (bytes == 0 || bytes > kMaxReceiveBuffer) {
    return Error(Err::kInvalidArgument, "UDP receive buffer outside 1 .. 256 MiB");
  }
  const int value = static_cast<int>(bytes);
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &value, sizeof(value)) != 0) {
    return Error(Err::kNetwork, "setsockopt(SO_RCVBUF) failed");
  }
  return {};
}

Result<size_t> UdpSocket::receive_buffer() const {
  int value = 0;
  socklen_t len = sizeof(value);
  if (::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &value, &len) != 0 || value < 0) {
    return Error(Err::kNetwork, "getsockopt(SO_RCVBUF) failed");
  }
  return static_cast<size_t>(value);
}

// implements: REQ-MEDIA-034
Result<void> UdpSocket::count_kernel_drops() {
  const int on = 1;
  if (::setsockopt(fd_, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) != 0) {
    return Error(Err::kNetwork, "setsockopt(SO_RXQ_OVFL) failed");
  }
  count_drops_ = true;
  return {};
}

Result<size_t> UdpSocket::recv_batch(std::span<RecvSlot> slots) {
  const size_t n = slots.size() < kMaxUdpBatch ? slots.size() : kMaxUdpBatch;
  if (n == 0) {
    return size_t{0};
  }
  std::array<mmsghdr, kMaxUdpBatch> msgs{};
  std::array<iovec, kMaxUdpBatch> iov{};
  std::array<SockAddr, kMaxUdpBatch> from{};
  std::array<DropCountControl, kMaxUdpBatch> control;
  for (size_t i = 0; i < n; ++i) {
    iov[i].iov_base = slots[i].buf.data();
    iov[i].iov_len = slots[i].buf.size();
    msgs[i].msg_hdr.msg_name = &from[i].storage;
    msgs[i].msg_hdr.msg_namelen = sizeof(SockAddr);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    if (count_drops_) {
      msgs[i].msg_hdr.msg_control = control[i].bytes;
      msgs[i].msg_hdr.msg_controllen = sizeof(control[i].bytes);
    }
  }
  const int got = ::recvmmsg(fd_, msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      return size_t{0};
    }
    return Error(Err::kNetwork, "recvmmsg() failed");
  }
  const size_t count = static_cast<size_t>(got);
  for (size_t i = 0; i < count; ++i) {
    slots[i].truncated = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    slots[i].len = slots[i].truncated ? 0 : msgs[i].msg_len;
    slots[i].from = from_sockaddr(from[i]);
    if (count_drops_) {
      kernel_drops_ = drop_count(msgs[i].msg_hdr, kernel_drops_);
    }
  }
  return count;
}

Result<size_t> UdpSocket::send_batch(std::span<const SendItem> items) {
  const size_t n = items.size() < kMaxUdpBatch ? items.size() : kMaxUdpBatch;
  if (n == 0) {
    return size_t{0};
  }
  std::array<mmsghdr, kMaxUdpBatch> msgs{};
  std::array<iovec, kMaxUdpBatch> iov{};
  std::array<SockAddr, kMaxUdpBatch> to{};
  const auto family = ipv6_ ? PeerAddress::Kind::kIpv6 : PeerAddress::Kind::kIpv4;
  for (size_t i = 0; i < n; ++i) {
    socklen_t len = 0;
    if (items[i].to.kind != family || !to_sockaddr(items[i].to, &to[i], &len)) {
      return Error(Err::kInvalidArgument, "destination is not of the socket's address family");
    }
    // sendmmsg takes a non-const iovec; the kernel only reads it.
    iov[i].iov_base = const_cast<uint8_t*>(items[i].data.data());
    iov[i].iov_len = items[i].data.size();
    msgs[i].msg_hdr.msg_name = &to[i].storage;
    msgs[i].msg_hdr.msg_namelen = len;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  const int sent = ::sendmmsg(fd_, msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
  if (sent < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      return size_t{0};
    }
    return Error(Err::kNetwork, "sendmmsg() failed");
  }
  return static_cast<size_t>(sent);
}

Result<size_t> UdpSocket::send_segments(std::span<const ByteView> segments, const PeerAddress& to) {
  if (segments.empty()) {
    return size_t{0};
  }
  const size_t seg_len = segments[0].size();
  if (segments.size() > kMaxGsoSegments || seg_len == 0 || seg_len > 0xffff) {
    return Error(Err::kInvalidArgument, "GSO: 1..kMaxGsoSegments segments of 1..65535 bytes");
  }
  size_t total = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    const bool last = i + 1 == segments.size();
    if (last ? segments[i].size() > seg_len : segments[i].size() != seg_len) {
      return Error(Err::kInvalidArgument, "GSO: segments of unequal size");
    }
    total += segments[i].size();
  }
  if (total > kMaxGsoBytes) {
    return Error(Err::kInvalidArgument, "GSO: more than kMaxGsoBytes in one send");
  }
  SockAddr addr;
  socklen_t addr_len = 0;
  const auto family = ipv6_ ? PeerAddress::Kind::kIpv6 : PeerAddress::Kind::kIpv4;
  if (to.kind != family || !to_sockaddr(to, &addr, &addr_len)) {
    return Error(Err::kInvalidArgument, "destination is not of the socket's address family");
  }
  std::array<iovec, kMaxGsoSegments> iov{};
  for (size_t i = 0; i < segments.size(); ++i) {
    // sendmsg takes a non-const iovec; the kernel only reads it.
    iov[i].iov_base = const_cast<uint8_t*>(segments[i].data());
    iov[i].iov_len = segments[i].size();
  }
  // The control message is laid out by hand (a cmsghdr, then the segment
  // size at the aligned data offset) rather than with the CMSG_* macros,
  // whose casts the warning flags reject. cmsghdr ends in a flexible array,
  // so it is copied into an aligned byte buffer instead of nested in a
  // struct.
  constexpr size_t kDataOffset = (sizeof(cmsghdr) + alignof(size_t) - 1) & ~(alignof(size_t) - 1);
  alignas(cmsghdr) std::array<uint8_t, kDataOffset + alignof(size_t)> ctrl{};
  cmsghdr hdr{};
  hdr.cmsg_level = SOL_UDP;
  hdr.cmsg_type = UDP_SEGMENT;
  hdr.cmsg_len = kDataOffset + sizeof(uint16_t);
  const auto segment_size = static_cast<uint16_t>(seg_len);
  std::memcpy(ctrl.data(), &hdr, sizeof(hdr));
  std::memcpy(ctrl.data() + kDataOffset, &segment_size, sizeof(segment_size));
  msghdr msg{};
  msg.msg_name = &addr.storage;
  msg.msg_namelen = addr_len;
  msg.msg_iov = iov.data();
  msg.msg_iovlen = segments.size();
  msg.msg_control = ctrl.data();
  msg.msg_controllen = ctrl.size();
  if (::sendmsg(fd_, &msg, MSG_DONTWAIT) < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ENOBUFS) {
      return size_t{0};
    }
    if (errno == EIO || errno == EOPNOTSUPP || errno == ENOPROTOOPT || errno == EINVAL) {
      return Error(Err::kUnsupported, "UDP GSO not available");
    }
    return Error(Err::kNetwork, "sendmsg(UDP_SEGMENT) failed");
  }
  return segments.size();
}

}  // namespace conclave::media
