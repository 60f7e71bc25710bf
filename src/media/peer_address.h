// PeerAddress: where a path's packets come from and go to — an IPv4 or IPv6
// address and UDP port, or the session's signaling connection for packets
// carried on the WebSocket (spec/07-media-transport.md#websocket-fallback).
#pragma once

#include <array>
#include <cstdint>

namespace conclave::media {

struct PeerAddress {
  enum class Kind : uint8_t {
    kIpv4,
    kIpv6,
    kSignaling,
  };

  Kind kind = Kind::kSignaling;
  // The address in network byte order; an IPv4 address uses the first four
  // bytes and leaves the rest zero, so equality compares the whole array.
  std::array<uint8_t, 16> ip{};
  uint16_t port = 0;

  static PeerAddress ipv4(std::array<uint8_t, 4> a, uint16_t port) {
    PeerAddress p;
    p.kind = Kind::kIpv4;
    for (size_t i = 0; i < a.size(); ++i) {
      p.ip[i] = a[i];
    }
    p.port = port;
    return p;
  }
  static PeerAddress ipv6(const std::array<uint8_t, 16>& a, uint16_t port) {
    PeerAddress p;
    p.kind = Kind::kIpv6;
    p.ip = a;
    p.port = port;
    return p;
  }
  // signaling is the session's signaling WebSocket: a path belongs to one
  // signaling connection, so it needs no further identifier.
  static PeerAddress signaling() { return PeerAddress{}; }

  friend bool operator==(const PeerAddress&, const PeerAddress&) = default;
};

}  // namespace conclave::media
