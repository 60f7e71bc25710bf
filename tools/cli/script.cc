#include "script.h"

#include <charconv>

namespace conclave::cli {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// split_word takes the first word off `s`.
std::string_view split_word(std::string_view& s) {
  s = trim(s);
  const size_t end = s.find_first_of(" \t");
  const std::string_view word = s.substr(0, end);
  s = end == std::string_view::npos ? std::string_view() : trim(s.substr(end));
  return word;
}

Result<uint64_t> number(std::string_view s) {
  uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return Error(Err::kInvalidArgument, "expected a number");
  }
  return v;
}

Result<bool> on_off(std::string_view s, std::string_view on, std::string_view off) {
  if (s == on) {
    return true;
  }
  if (s == off) {
    return false;
  }
  return Error(Err::kInvalidArgument, "expected up/down or on/off");
}

}  // namespace

const char* to_string(WaitFor w) {
  switch (w) {
    case WaitFor::kAdmitted:
      return "admitted";
    case WaitFor::kWaiting:
      return "waiting";
    case WaitFor::kMembers:
      return "members";
    case WaitFor::kEpoch:
      return "epoch";
    case WaitFor::kChat:
      return "chat";
    case WaitFor::kFile:
      return "file";
    case WaitFor::kFrames:
      return "frames";
    case WaitFor::kClosed:
      return "closed";
  }
  return "unknown";
}

Result<ParsedLine> parse_command_line(std::string_view line) {
  std::string_view rest = trim(line);
  if (rest.empty() || rest.front() == '#') {
    return ParsedLine{};
  }
  Command c;
  c.text = std::string(rest);
  const std::string_view verb = split_word(rest);
  const auto need_arg = [&]() -> Result<void> {
    if (rest.empty()) {
      return Error(Err::kInvalidArgument, "missing argument");
    }
    return {};
  };
  const auto no_more = [&]() -> Result<void> {
    if (!rest.empty()) {
      return Error(Err::kInvalidArgument, "unexpected argument");
    }
    return {};
  };
  if (verb == "wait") {
    c.verb = Verb::kWait;
    const std::string_view what = split_word(rest);
    static constexpr struct {
      std::string_view name;
      WaitFor w;
      bool counted;
    } kWaits[] = {{"admitted", WaitFor::kAdmitted, false}, {"waiting", WaitFor::kWaiting, true},
                  {"members", WaitFor::kMembers, true},    {"epoch", WaitFor::kEpoch, true},
                  {"chat", WaitFor::kChat, true},          {"file", WaitFor::kFile, true},
                  {"frames", WaitFor::kFrames, true},      {"closed", WaitFor::kClosed, false}};
    for (const auto& w : kWaits) {
      if (what == w.name) {
        c.wait = w.w;
        if (w.counted) {
          CONCLAVE_TRY_ASSIGN(c.number, number(split_word(rest)));
        }
        // wait frames N from NAME: frames decrypted from one member.
        if (w.w == WaitFor::kFrames && !rest.empty()) {
          if (split_word(rest) != "from" || rest.empty()) {
            return Error(Err::kInvalidArgument, "expected wait frames N [from NAME]");
          }
          c.arg = std::string(rest);
          return ParsedLine{std::move(c)};
        }
        CONCLAVE_TRY(no_more());
        return ParsedLine{std::move(c)};
      }
    }
    return Error(Err::kInvalidArgument,
                 "wait admitted | waiting N | members N | epoch N | chat N | file N | frames N "
                 "[from NAME] | closed");
  }
  if (verb == "sleep") {
    c.verb = Verb::kSleep;
    CONCLAVE_TRY_ASSIGN(c.number, number(split_word(rest)));
    CONCLAVE_TRY(no_more());
    return ParsedLine{std::move(c)};
  }
  if (verb == "admit" || verb == "deny" || verb == "exclude") {
    c.verb = verb == "admit" ? Verb::kAdmit : verb == "deny" ? Verb::kDeny : Verb::kExclude;
    CONCLAVE_TRY(need_arg());
    c.arg = std::string(rest);  // names may hold spaces
    return ParsedLine{std::move(c)};
  }
  if (verb == "grant" || verb == "revoke") {
    c.verb = verb == "grant" ? Verb::kGrant : Verb::kRevoke;
    // The right is the last word; the name is everything before it.
    const size_t last = rest.find_last_of(" \t");
    if (last == std::string_view::npos) {
      return Error(Err::kInvalidArgument, "expected NAME speak|moderator|camera|recorder|gateway");
    }
    c.arg = std::string(trim(rest.substr(0, last)));
    c.what = std::string(rest.substr(last + 1));
    if (c.what != "speak" && c.what != "moderator" && c.what != "camera" && c.what != "recorder" &&
        c.what != "gateway") {
      return Error(Err::kInvalidArgument,
                   "the right is speak, moderator, camera, recorder or gateway");
    }
    return ParsedLine{std::move(c)};
  }
  if (verb == "hand") {
    c.verb = Verb::kHand;
    CONCLAVE_TRY_ASSIGN(c.on, on_off(split_word(rest), "up", "down"));
    CONCLAVE_TRY(no_more());
    return ParsedLine{std::move(c)};
  }
  if (verb == "mute-all") {
    c.verb = Verb::kMuteAll;
    CONCLAVE_TRY_ASSIGN(c.on, on_off(split_word(rest), "on", "off"));
    CONCLAVE_TRY(no_more());
    return ParsedLine{std::move(c)};
  }
  if (verb == "chat" || verb == "share") {
    c.verb = verb == "chat" ? Verb::kChat : Verb::kShare;
    CONCLAVE_TRY(need_arg());
    c.arg = std::string(rest);
    return ParsedLine{std::move(c)};
  }
  static constexpr struct {
    std::string_view name;
    Verb verb;
  } kPlain[] = {{"roster", Verb::kRoster}, {"rights", Verb::kRights}, {"code", Verb::kCode},
                {"stats", Verb::kStats},   {"retry", Verb::kRetry},   {"leave", Verb::kLeave}};
  for (const auto& p : kPlain) {
    if (verb == p.name) {
      c.verb = p.verb;
      CONCLAVE_TRY(no_more());
      return ParsedLine{std::move(c)};
    }
  }
  return Error(Err::kInvalidArgument, "unknown command");
}

}  // namespace conclave::cli
