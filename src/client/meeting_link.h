// Meeting links and server addresses as users paste them on a command line:
//   conclave://HOST:PORT/MEETING_ID?invite=HEX
//   HOST:PORT
// Both are untrusted text (a link arrives by mail or chat), so they are
// parsed strictly and bounded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::client {

inline constexpr size_t kMaxMeetingLinkLen = 16 * 1024;
inline constexpr size_t kMaxHostLen = 253;  // a DNS name

// ServerAddress is a host (DNS name, IPv4, or IPv6 without brackets) and a
// TCP port 1..65535.
struct ServerAddress {
  std::string host;
  uint16_t port = 0;
  bool operator==(const ServerAddress&) const = default;
};

// MeetingLink is a parsed invitation link.
struct MeetingLink {
  ServerAddress server;
  std::string meeting_id;  // 1..64 of [A-Za-z0-9_-]
  Bytes invite_token;      // 0..4096 bytes (hex in the link)
  bool operator==(const MeetingLink&) const = default;
};

// parse_server_address reads "HOST:PORT" or "[V6]:PORT". The host is
// letters, digits, '.', '-' (or hex digits, ':' and '.' inside brackets);
// anything else, a missing or out-of-range port, is kInvalidValue.
[[nodiscard]] Result<ServerAddress> parse_server_address(std::string_view text);

// parse_meeting_link reads "conclave://HOST:PORT/MEETING_ID" optionally
// followed by "?invite=HEX" (and nothing else): kInvalidValue for any other
// shape, kLengthLimit for a link longer than kMaxMeetingLinkLen.
[[nodiscard]] Result<MeetingLink> parse_meeting_link(std::string_view text);

// write_meeting_link is the inverse of parse_meeting_link.
std::string write_meeting_link(const MeetingLink& link);

// is_valid_meeting_id: 1..64 characters of [A-Za-z0-9_-].
bool is_valid_meeting_id(std::string_view id);

}  // namespace conclave::client
