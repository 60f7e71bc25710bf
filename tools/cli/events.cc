#include "events.h"

#include "crypto/mls/roles.h"

namespace conclave::cli {
namespace {

std::string roles_list(uint8_t roles) {
  std::string s;
  const auto add = [&s](const char* w) { s += s.empty() ? w : std::string(",") + w; };
  if ((roles & mls::kRoleModerator) != 0) {
    add("moderator");
  }
  if ((roles & mls::kRoleRecorder) != 0) {
    add("recorder");
  }
  if ((roles & mls::kRoleGateway) != 0) {
    add("gateway");
  }
  return s;
}

std::string rights_list(uint8_t rights) {
  std::string s;
  const auto add = [&s](const char* w) { s += s.empty() ? w : std::string(",") + w; };
  if ((rights & mls::kRightMaySpeak) != 0) {
    add("may_speak");
  }
  if ((rights & mls::kRightCameraRequested) != 0) {
    add("camera_requested");
  }
  if ((rights & mls::kRightHandRaised) != 0) {
    add("hand_raised");
  }
  return s;
}

std::string json_words(const std::string& comma_list) {
  JsonArray out;
  size_t start = 0;
  while (start < comma_list.size()) {
    size_t end = comma_list.find(',', start);
    if (end == std::string::npos) {
      end = comma_list.size();
    }
    out.add(JsonLine::quote(comma_list.substr(start, end - start)));
    start = end + 1;
  }
  return out.done();
}

std::string names_json(const std::vector<std::string>& names) {
  JsonArray out;
  for (const auto& n : names) {
    out.add(JsonLine::quote(n));
  }
  return out.done();
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    s += (s.empty() ? "" : ", ") + n;
  }
  return s;
}

// notice_text: who records and where end-to-end encryption ends.
std::string notice_text(const client::Event& e) {
  if (e.recorders.empty() && e.gateways.empty()) {
    return "NOTICE: nobody records this meeting and it has no gateway";
  }
  std::string s = "NOTICE:";
  if (!e.recorders.empty()) {
    s += " this meeting is RECORDED by " + joined(e.recorders) + ";";
  }
  if (!e.gateways.empty()) {
    s += " end-to-end encryption ENDS at gateway " + joined(e.gateways) + ";";
  }
  s.pop_back();
  return s;
}

std::string member_json(const client::MemberInfo& m) {
  return JsonLine()
      .str("name", m.name)
      .num("leaf", m.leaf)
      .raw("roles", json_words(roles_list(m.roles)))
      .raw("rights", json_words(rights_list(m.rights)))
      .boolean("speaking", m.speaking)
      .boolean("self", m.self)
      .done();
}

std::string member_text(const client::MemberInfo& m) {
  std::string s = m.name + " (leaf " + std::to_string(m.leaf);
  const std::string roles = roles_list(m.roles);
  const std::string rights = rights_list(m.rights);
  if (!roles.empty()) {
    s += ", " + roles;
  }
  if (!rights.empty()) {
    s += ", " + rights;
  }
  if (m.speaking) {
    s += ", speaking";
  }
  if (m.self) {
    s += ", you";
  }
  return s + ")";
}

}  // namespace

std::string JsonLine::quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<uint8_t>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void JsonLine::key(std::string_view k) {
  if (out_.size() > 1) {
    out_ += ",";
  }
  out_ += quote(k);
  out_ += ":";
}

JsonLine& JsonLine::str(std::string_view k, std::string_view value) {
  key(k);
  out_ += quote(value);
  return *this;
}

JsonLine& JsonLine::num(std::string_view k, uint64_t value) {
  key(k);
  out_ += std::to_string(value);
  return *this;
}

JsonLine& JsonLine::boolean(std::string_view k, bool value) {
  key(k);
  out_ += value ? "true" : "false";
  return *this;
}

JsonLine& JsonLine::raw(std::string_view k, std::string_view value) {
  key(k);
  out_ += value;
  return *this;
}

std::string error_text(const Error& e) {
  std::string s = to_string(e.code);
  if (e.detail != nullptr && e.detail[0] != '\0') {
    s += std::string(": ") + e.detail;
  }
  return s;
}

std::string event_json(const client::Event& e) {
  using client::EventType;
  JsonLine j;
  j.str("event", client::to_string(e.type));
  switch (e.type) {
    case EventType::kSessionInfo:
      j.str("title", e.text).boolean("host", e.host);
      break;
    case EventType::kAdmitted:
    case EventType::kRejected:
      j.num("epoch", e.epoch);
      break;
    case EventType::kWaiting: {
      JsonArray list;
      for (const auto& w : e.waiting) {
        list.add(JsonLine()
                     .str("name", w.name)
                     .str("identity", w.identity)
                     .boolean("verified", w.verified)
                     .num("denials", w.denials)
                     .done());
      }
      j.raw("entries", list.done());
      break;
    }
    case EventType::kEpoch: {
      JsonArray list;
      for (const auto& m : e.members) {
        list.add(member_json(m));
      }
      j.num("epoch", e.epoch).raw("members", list.done()).str("code", e.code);
      j.boolean("muted_all", e.muted_all);
      break;
    }
    case EventType::kRoster: {
      JsonArray list;
      for (const auto& m : e.members) {
        list.add(member_json(m));
      }
      j.num("epoch", e.epoch).raw("members", list.done());
      j.raw("recorders", names_json(e.recorders)).raw("gateways", names_json(e.gateways));
      break;
    }
    case EventType::kRecordingNotice:
      j.num("epoch", e.epoch)
          .raw("recorders", names_json(e.recorders))
          .raw("gateways", names_json(e.gateways));
      break;
    case EventType::kRights:
      if (!e.members.empty()) {
        const auto& m = e.members.front();
        j.raw("roles", json_words(roles_list(m.roles)))
            .raw("rights", json_words(rights_list(m.rights)))
            .boolean("speaking", m.speaking);
      }
      j.boolean("muted_all", e.muted_all);
      break;
    case EventType::kChat:
      j.str("from", e.from).str("text", e.text);
      break;
    case EventType::kFile:
      j.str("from", e.from)
          .str("name", e.name)
          .str("path", e.path)
          .str("sha256", e.sha256)
          .num("size", e.size);
      break;
    case EventType::kSecurityAlert:
      j.str("error", e.detail).num("code", e.error_code);
      break;
    case EventType::kError:
      j.num("code", e.error_code).str("detail", e.detail);
      break;
    case EventType::kClosed:
    case EventType::kExcluded:
      if (e.close_code.has_value()) {
        j.num("close_code", *e.close_code);
      }
      if (!e.detail.empty()) {
        j.str("detail", e.detail);
      }
      break;
    case EventType::kDenied:
    case EventType::kBlocked:
      break;
  }
  return j.done();
}

std::string event_text(const client::Event& e) {
  using client::EventType;
  switch (e.type) {
    case EventType::kSessionInfo:
      return "connected to \"" + e.text + "\"" + (e.host ? " as host" : "") +
             "; waiting for admission";
    case EventType::kAdmitted:
      return "admitted at epoch " + std::to_string(e.epoch);
    case EventType::kWaiting: {
      std::string s = "waiting room: " + std::to_string(e.waiting.size()) + " waiting";
      for (const auto& w : e.waiting) {
        s += "; " + w.name + " <" + w.identity + "> " + (w.verified ? "verified" : "unverified");
        if (w.denials > 0) {
          s += ", denied once";
        }
      }
      return s;
    }
    case EventType::kEpoch: {
      std::string s = "epoch " + std::to_string(e.epoch) + ": ";
      for (size_t i = 0; i < e.members.size(); ++i) {
        s += (i > 0 ? ", " : "") + e.members[i].name;
      }
      return s + (e.muted_all ? " (muted)" : "") + "; security code " + e.code;
    }
    case EventType::kRoster: {
      std::string s = "roster at epoch " + std::to_string(e.epoch) + ":";
      for (const auto& m : e.members) {
        s += "\n  " + member_text(m);
      }
      if (!e.recorders.empty() || !e.gateways.empty()) {
        s += "\n  " + notice_text(e);
      }
      return s;
    }
    case EventType::kRecordingNotice:
      return notice_text(e);
    case EventType::kRights: {
      if (e.members.empty()) {
        return "rights: none (not a member)";
      }
      const auto& m = e.members.front();
      std::string s = "your rights: roles [" + roles_list(m.roles) + "], rights [" +
                      rights_list(m.rights) + "]";
      s += m.speaking ? ", you may speak" : ", you may not speak";
      return s + (e.muted_all ? " (meeting muted)" : "");
    }
    case EventType::kChat:
      return e.from + ": " + e.text;
    case EventType::kFile:
      return "file from " + e.from + ": " + e.name + " (" + std::to_string(e.size) +
             " bytes, sha256 " + e.sha256 + ")" + (e.path.empty() ? "" : " saved to " + e.path);
    case EventType::kExcluded:
      return "you were excluded from the meeting";
    case EventType::kDenied:
      return "a moderator denied admission; `retry` to ask again";
    case EventType::kBlocked:
      return "a moderator denied admission twice; blocked from this meeting";
    case EventType::kSecurityAlert:
      return "SECURITY ALERT: " + e.detail;
    case EventType::kError:
      return "error: " + e.detail;
    case EventType::kRejected:
      return "commit rejected (another won); retrying at epoch " + std::to_string(e.epoch);
    case EventType::kClosed:
      return "session closed" + (e.detail.empty() ? "" : ": " + e.detail) +
             (e.close_code ? " (code " + std::to_string(*e.close_code) + ")" : "");
  }
  return "";
}

}  // namespace conclave::cli
