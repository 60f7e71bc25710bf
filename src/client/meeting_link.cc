#include "client/meeting_link.h"

#include "protocol/wire/signaling_limits.h"

namespace conclave::client {
namespace {

constexpr std::string_view kScheme = "conclave://";
constexpr std::string_view kInvite = "?invite=";

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9');
}

Result<uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5 || s[0] == '0') {
    return Error(Err::kInvalidValue, "port: 1..65535 without leading zeros");
  }
  uint32_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return Error(Err::kInvalidValue, "port: not a number");
    }
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > 65535) {
    return Error(Err::kInvalidValue, "port: 1..65535");
  }
  return static_cast<uint16_t>(v);
}

}  // namespace

bool is_valid_meeting_id(std::string_view id) {
  if (id.empty() || id.size() > protocol::kMaxMeetingIdLen) {
    return false;
  }
  for (const char c : id) {
    if (!is_alnum(c) && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

Result<ServerAddress> parse_server_address(std::string_view text) {
  ServerAddress out;
  std::string_view port;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Error(Err::kInvalidValue, "server: [IPv6]:PORT");
    }
    const std::string_view v6 = text.substr(1, close - 1);
    // An IPv6 address always holds a ':'; without one the brackets would
    // be dropped when the link is written again and the host read as a name.
    if (v6.size() < 2 || v6.size() > 45 || v6.find(':') == std::string_view::npos) {
      return Error(Err::kInvalidValue, "server: IPv6 address");
    }
    for (const char c : v6) {
      if (!is_hex(c) && c != ':' && c != '.') {
        return Error(Err::kInvalidValue, "server: IPv6 address");
      }
    }
    out.host = std::string(v6);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Error(Err::kInvalidValue, "server: HOST:PORT");
    }
    const std::string_view host = text.substr(0, colon);
    if (host.size() > kMaxHostLen || host.front() == '-' || host.front() == '.') {
      return Error(Err::kInvalidValue, "server: host name");
    }
    for (const char c : host) {
      if (!is_alnum(c) && c != '.' && c != '-') {
        return Error(Err::kInvalidValue, "server: host name");
      }
    }
    out.host = std::string(host);
    port = text.substr(colon + 1);
  }
  CONCLAVE_TRY_ASSIGN(out.port, parse_port(port));
  return out;
}

// implements: REQ-CLIENT-009
Result<MeetingLink> parse_meeting_link(std::string_view text) {
  if (text.size() > kMaxMeetingLinkLen) {
    return Error(Err::kLengthLimit, "meeting link longer than kMaxMeetingLinkLen");
  }
  if (text.substr(0, kScheme.size()) != kScheme) {
    return Error(Err::kInvalidValue, "meeting link: must start with conclave://");
  }
  text.remove_prefix(kScheme.size());
  // The authority ends at the first '/' (an IPv6 host holds no '/').
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return Error(Err::kInvalidValue, "meeting link: no meeting id");
  }
  MeetingLink out;
  CONCLAVE_TRY_ASSIGN(out.server, parse_server_address(text.substr(0, slash)));
  text.remove_prefix(slash + 1);
  const size_t query = text.find('?');
  const std::string_view id = text.substr(0, query);
  if (!is_valid_meeting_id(id)) {
    return Error(Err::kInvalidValue, "meeting link: meeting id is 1..64 of [A-Za-z0-9_-]");
  }
  out.meeting_id = std::string(id);
  if (query != std::string_view::npos) {
    const std::string_view rest = text.substr(query);
    if (rest.substr(0, kInvite.size()) != kInvite) {
      return Error(Err::kInvalidValue, "meeting link: only ?invite=HEX may follow");
    }
    const std::string_view hex = rest.substr(kInvite.size());
    if (hex.size() > 2 * protocol::kMaxAuthTokenLen) {
      return Error(Err::kLengthLimit, "meeting link: invitation token too long");
    }
    auto token = from_hex(hex);
    if (!token) {
      return Error(Err::kInvalidValue, "meeting link: invitation token is not hex");
    }
    out.invite_token = std::move(token).value();
  }
  return out;
}

std::string write_meeting_link(const MeetingLink& link) {
  std::string host = link.server.host;
  if (host.find(':') != std::string::npos) {
    host = "[" + host + "]";
  }
  std::string out =
      std::string(kScheme) + host + ":" + std::to_string(link.server.port) + "/" + link.meeting_id;
  if (!link.invite_token.empty()) {
    out += std::string(kInvite) + to_hex(link.invite_token);
  }
  return out;
}

}  // namespace conclave::client
