#include "store/config.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <vector>

namespace conclave::store {

namespace {

constexpr size_t kMaxConfigBytes = 1024 * 1024;
constexpr size_t kMaxStringLen = 4096;

enum class Kind : uint8_t { kString, kInteger, kBool };

const char* to_string(Kind k) {
  switch (k) {
    case Kind::kString:
      return "a string";
    case Kind::kInteger:
      return "an integer";
    case Kind::kBool:
      return "a boolean";
  }
  return "a value";
}

struct Value {
  Kind kind = Kind::kString;
  std::string text;
  int64_t integer = 0;
  bool boolean = false;
};

// KeySpec is one known key: where it lives, its type and range, and how it
// lands in the ServerConfig. docs/configuration.md mirrors this table.
struct KeySpec {
  std::string_view section;
  std::string_view key;
  Kind kind;
  int64_t min;  // integers: inclusive range; strings: length range
  int64_t max;
  void (*apply)(ServerConfig&, const Value&);
};

template <typename T>
T narrow(int64_t v) {
  return static_cast<T>(v);  // range-checked against the KeySpec before
}

constexpr int64_t kOneTiB = int64_t{1} << 40;

const std::array<KeySpec, 29> kKeys{{
    {"server", "listen_address", Kind::kString, 1, 253,
     [](ServerConfig& c, const Value& v) { c.listen_address = v.text; }},
    {"server", "port", Kind::kInteger, 1, 65535,
     [](ServerConfig& c, const Value& v) { c.port = narrow<uint16_t>(v.integer); }},
    {"server", "data_dir", Kind::kString, 1, 4096,
     [](ServerConfig& c, const Value& v) { c.data_dir = v.text; }},
    {"admin", "address", Kind::kString, 1, 253,
     [](ServerConfig& c, const Value& v) { c.admin_address = v.text; }},
    {"admin", "port", Kind::kInteger, 1, 65535,
     [](ServerConfig& c, const Value& v) { c.admin_port = narrow<uint16_t>(v.integer); }},
    {"tls", "cert_file", Kind::kString, 1, 4096,
     [](ServerConfig& c, const Value& v) { c.cert_file = v.text; }},
    {"tls", "key_file", Kind::kString, 1, 4096,
     [](ServerConfig& c, const Value& v) { c.key_file = v.text; }},
    {"tls", "org_ca_file", Kind::kString, 1, 4096,
     [](ServerConfig& c, const Value& v) { c.org_ca_file = v.text; }},
    {"limits", "messages_per_second", Kind::kInteger, 1, 100000,
     [](ServerConfig& c, const Value& v) {
       c.limits.messages_per_second = narrow<uint32_t>(v.integer);
     }},
    {"limits", "burst", Kind::kInteger, 1, 1000000,
     [](ServerConfig& c, const Value& v) { c.limits.burst = narrow<uint32_t>(v.integer); }},
    {"limits", "max_connections_per_address", Kind::kInteger, 1, 100000,
     [](ServerConfig& c, const Value& v) {
       c.limits.max_connections_per_address = narrow<uint32_t>(v.integer);
     }},
    {"limits", "idle_timeout_seconds", Kind::kInteger, 5, 86400,
     [](ServerConfig& c, const Value& v) {
       c.limits.idle_timeout_seconds = narrow<uint32_t>(v.integer);
     }},
    {"limits", "wait_timeout_seconds", Kind::kInteger, 10, 86400,
     [](ServerConfig& c, const Value& v) {
       c.limits.wait_timeout_seconds = narrow<uint32_t>(v.integer);
     }},
    {"limits", "invitation_failures_per_minute", Kind::kInteger, 1, 10000,
     [](ServerConfig& c, const Value& v) {
       c.limits.invitation_failures_per_minute = narrow<uint32_t>(v.integer);
     }},
    {"limits", "commit_deadline_seconds", Kind::kInteger, 1, 300,
     [](ServerConfig& c, const Value& v) {
       c.limits.commit_deadline_seconds = narrow<uint32_t>(v.integer);
     }},
    {"limits", "blob_max_bytes", Kind::kInteger, 1024, kOneTiB,
     [](ServerConfig& c, const Value& v) {
       c.limits.blob_max_bytes = narrow<uint64_t>(v.integer);
     }},
    {"limits", "blob_meeting_max_bytes", Kind::kInteger, 1024, kOneTiB,
     [](ServerConfig& c, const Value& v) {
       c.limits.blob_meeting_max_bytes = narrow<uint64_t>(v.integer);
     }},
    {"retention", "meetings_days", Kind::kInteger, 1, 36500,
     [](ServerConfig& c, const Value& v) {
       c.retention.meetings_days = narrow<uint32_t>(v.integer);
     }},
    {"retention", "audit_days", Kind::kInteger, 1, 36500,
     [](ServerConfig& c, const Value& v) { c.retention.audit_days = narrow<uint32_t>(v.integer); }},
    {"media", "udp_port", Kind::kInteger, 0, 65535,
     [](ServerConfig& c, const Value& v) { c.media.udp_port = narrow<uint16_t>(v.integer); }},
    {"media", "dscp_audio", Kind::kInteger, 0, 63,
     [](ServerConfig& c, const Value& v) { c.media.dscp_audio = narrow<uint8_t>(v.integer); }},
    {"media", "dscp_video", Kind::kInteger, 0, 63,
     [](ServerConfig& c, const Value& v) { c.media.dscp_video = narrow<uint8_t>(v.integer); }},
    {"media", "dscp_keepalive", Kind::kInteger, 0, 63,
     [](ServerConfig& c, const Value& v) { c.media.dscp_keepalive = narrow<uint8_t>(v.integer); }},
    {"media", "last_n_audio", Kind::kInteger, 1, 64,
     [](ServerConfig& c, const Value& v) { c.media.last_n_audio = narrow<uint32_t>(v.integer); }},
    {"media", "active_window_ms", Kind::kInteger, 100, 60000,
     [](ServerConfig& c, const Value& v) {
       c.media.active_window_ms = narrow<uint32_t>(v.integer);
     }},
    {"media", "ws_packets_per_second", Kind::kInteger, 1, 100000,
     [](ServerConfig& c, const Value& v) {
       c.media.ws_packets_per_second = narrow<uint32_t>(v.integer);
     }},
    {"media", "ws_packet_burst", Kind::kInteger, 1, 1000000,
     [](ServerConfig& c, const Value& v) {
       c.media.ws_packet_burst = narrow<uint32_t>(v.integer);
     }},
    {"media", "advertised_port", Kind::kInteger, 0, 65535,
     [](ServerConfig& c, const Value& v) {
       c.media.advertised_port = narrow<uint16_t>(v.integer);
     }},
    {"media", "receive_buffer_bytes", Kind::kInteger, 0, 268435456,
     [](ServerConfig& c, const Value& v) {
       c.media.receive_buffer_bytes = narrow<uint32_t>(v.integer);
     }},
}};

constexpr std::array<std::string_view, 6> kSections{"server", "admin",     "limits",
                                                    "tls",    "retention", "media"};

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Parser holds the position and builds located messages.
class Parser {
 public:
  Parser(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  Result<ServerConfig> run(std::string* out_message);

 private:
  // fail records "FILE:LINE: key 'x': why" (or "section 'x'") and returns
  // the error; callers may append a hint to message_.
  Error fail(Err code, const char* why, std::string_view key = {}, std::string_view what = "key") {
    message_ = std::string(file_) + ":" + std::to_string(line_no_) + ": ";
    if (!key.empty()) {
      message_ += std::string(what) + " '" + std::string(key) + "': ";
    }
    message_ += why;
    return Error(code, why, line_start_);
  }
  Result<void> line(std::string_view l);
  Result<Value> value(std::string_view& rest, std::string_view key);
  Result<void> finish_line(std::string_view rest, std::string_view key);

  std::string_view text_;
  std::string_view file_;
  size_t line_no_ = 0;
  size_t line_start_ = 0;
  std::string section_;
  std::vector<std::string> seen_sections_;
  std::vector<std::string> seen_keys_;  // "section.key"
  std::optional<size_t> cert_line_, key_line_;
  ServerConfig config_;
  std::string message_;
};

Result<void> Parser::finish_line(std::string_view rest, std::string_view key) {
  size_t i = 0;
  while (i < rest.size() && is_space(rest[i])) {
    ++i;
  }
  if (i < rest.size() && rest[i] != '#') {
    return fail(Err::kDecode, "unexpected characters after the value", key);
  }
  // Comments may hold any printable text, but no control characters.
  for (; i < rest.size(); ++i) {
    const auto c = static_cast<unsigned char>(rest[i]);
    if (c < 0x20 && c != '\t') {
      return fail(Err::kDecode, "control character in a comment", key);
    }
  }
  return {};
}

Result<Value> Parser::value(std::string_view& rest, std::string_view key) {
  Value v;
  if (rest.empty()) {
    return fail(Err::kDecode, "missing value after '='", key);
  }
  if (rest[0] == '"') {
    v.kind = Kind::kString;
    size_t i = 1;
    for (;; ++i) {
      if (i >= rest.size()) {
        return fail(Err::kDecode, "unterminated string", key);
      }
      const char c = rest[i];
      if (c == '"') {
        break;
      }
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return fail(Err::kDecode, "control character in a string", key);
      }
      if (c == '\\') {
        if (i + 1 >= rest.size()) {
          return fail(Err::kDecode, "unterminated string", key);
        }
        const char e = rest[++i];
        if (e == '"' || e == '\\') {
          v.text += e;
        } else if (e == 'n') {
          v.text += '\n';
        } else if (e == 't') {
          v.text += '\t';
        } else {
          return fail(Err::kDecode, "unknown escape sequence in a string", key);
        }
      } else {
        v.text += c;
      }
      if (v.text.size() > kMaxStringLen) {
        return fail(Err::kInvalidValue, "string longer than 4096 bytes", key);
      }
    }
    rest = rest.substr(i + 1);
    return v;
  }
  size_t end = 0;
  while (end < rest.size() && !is_space(rest[end]) && rest[end] != '#') {
    ++end;
  }
  const std::string_view token = rest.substr(0, end);
  rest = rest.substr(end);
  if (token == "true" || token == "false") {
    v.kind = Kind::kBool;
    v.boolean = token == "true";
    return v;
  }
  std::string_view digits = token;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits = digits.substr(1);
  }
  if (digits.empty() || digits.size() > 18) {
    return fail(Err::kDecode, digits.size() > 18 ? "integer too large" : "invalid value", key);
  }
  int64_t n = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') {
      return fail(Err::kDecode,
                  "invalid value (expected a quoted string, an integer, true or false)", key);
    }
    n = n * 10 + (c - '0');
  }
  if (digits.size() > 1 && digits[0] == '0') {
    return fail(Err::kDecode, "integer with a leading zero", key);
  }
  v.kind = Kind::kInteger;
  v.integer = negative ? -n : n;
  return v;
}

Result<void> Parser::line(std::string_view l) {
  size_t i = 0;
  while (i < l.size() && is_space(l[i])) {
    ++i;
  }
  std::string_view rest = l.substr(i);
  if (rest.empty() || rest[0] == '#') {
    return finish_line(rest, {});
  }
  if (rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return fail(Err::kDecode, "section header without ']'");
    }
    const std::string name(rest.substr(1, close - 1));
    bool known = false;
    for (const auto s : kSections) {
      known = known || s == name;
    }
    if (!known) {
      auto e = fail(Err::kInvalidValue, "unknown section", name, "section");
      message_ += " (known: server, admin, limits, tls, retention, media)";
      return e;
    }
    for (const auto& s : seen_sections_) {
      if (s == name) {
        return fail(Err::kInvalidValue, "duplicate section", name, "section");
      }
    }
    seen_sections_.push_back(name);
    section_ = name;
    return finish_line(rest.substr(close + 1), {});
  }
  size_t k = 0;
  while (k < rest.size() && is_key_char(rest[k])) {
    ++k;
  }
  if (k == 0) {
    return fail(Err::kDecode, "expected a key, a [section] or a comment");
  }
  const std::string_view key = rest.substr(0, k);
  rest = rest.substr(k);
  while (!rest.empty() && is_space(rest[0])) {
    rest = rest.substr(1);
  }
  if (rest.empty() || rest[0] != '=') {
    return fail(Err::kDecode, "expected '=' after the key", key);
  }
  rest = rest.substr(1);
  while (!rest.empty() && is_space(rest[0])) {
    rest = rest.substr(1);
  }
  if (section_.empty()) {
    return fail(Err::kInvalidValue, "key outside any [section]", key);
  }
  const KeySpec* spec = nullptr;
  for (const auto& s : kKeys) {
    if (s.section == section_ && s.key == key) {
      spec = &s;
    }
  }
  if (spec == nullptr) {
    auto e = fail(Err::kInvalidValue, "unknown key", key);
    message_ += " in [" + section_ + "]";
    return e;
  }
  CONCLAVE_TRY_ASSIGN(const Value v, value(rest, key));
  CONCLAVE_TRY(finish_line(rest, key));
  const std::string full = section_ + "." + std::string(key);
  for (const auto& seen : seen_keys_) {
    if (seen == full) {
      return fail(Err::kInvalidValue, "duplicate key", key);
    }
  }
  if (v.kind != spec->kind) {
    auto e = fail(Err::kInvalidValue, "wrong type", key);
    message_ += std::string(" (expected ") + to_string(spec->kind) + ")";
    return e;
  }
  if (v.kind == Kind::kInteger && (v.integer < spec->min || v.integer > spec->max)) {
    auto e = fail(Err::kInvalidValue, "out of range", key);
    message_ += " " + std::to_string(spec->min) + ".." + std::to_string(spec->max);
    return e;
  }
  if (v.kind == Kind::kString && (static_cast<int64_t>(v.text.size()) < spec->min ||
                                  static_cast<int64_t>(v.text.size()) > spec->max)) {
    auto e = fail(Err::kInvalidValue, "string length out of range", key);
    message_ += " " + std::to_string(spec->min) + ".." + std::to_string(spec->max);
    return e;
  }
  seen_keys_.push_back(full);
  if (section_ == "tls") {
    (key == "cert_file" ? cert_line_ : key_line_) = line_no_;
  }
  spec->apply(config_, v);
  return {};
}

Result<ServerConfig> Parser::run(std::string* out_message) {
  const auto report = [&](const Error& e) -> Error {
    if (out_message != nullptr) {
      *out_message = message_;
    }
    return e;
  };
  size_t pos = 0;
  while (pos < text_.size()) {
    size_t end = text_.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text_.size();
    }
    std::string_view l = text_.substr(pos, end - pos);
    if (!l.empty() && l.back() == '\r') {
      l.remove_suffix(1);
    }
    ++line_no_;
    line_start_ = pos;
    auto r = line(l);
    if (!r) {
      return report(r.error());
    }
    pos = end + 1;
  }
  // Whole-file rules, reported at the last line read.
  if (config_.data_dir.empty()) {
    message_ = std::string(file_) + ":" + std::to_string(line_no_) +
               ": key 'data_dir': required in [server] but missing";
    return report(Error(Err::kInvalidValue, "data_dir missing", line_start_));
  }
  if (cert_line_.has_value() != key_line_.has_value()) {
    line_no_ = cert_line_.value_or(key_line_.value_or(line_no_));
    const char* key = cert_line_ ? "cert_file" : "key_file";
    message_ = std::string(file_) + ":" + std::to_string(line_no_) + ": key '" + key +
               "': cert_file and key_file must be set together";
    return report(Error(Err::kInvalidValue, "cert_file and key_file must be set together"));
  }
  if (config_.admin_port == config_.port && config_.admin_address == config_.listen_address) {
    message_ = std::string(file_) + ":" + std::to_string(line_no_) +
               ": key 'port': the admin listener must not share the signaling address and port";
    return report(Error(Err::kInvalidValue, "admin and signaling listeners collide"));
  }
  if (config_.limits.blob_meeting_max_bytes < config_.limits.blob_max_bytes) {
    message_ = std::string(file_) + ":" + std::to_string(line_no_) +
               ": key 'blob_meeting_max_bytes': smaller than blob_max_bytes";
    return report(Error(Err::kInvalidValue, "blob limits inconsistent"));
  }
  return config_;
}

}  // namespace

// implements: REQ-STORE-006
Result<ServerConfig> parse_config(std::string_view text, std::string_view file_name,
                                  std::string* out_message) {
  if (text.size() > kMaxConfigBytes) {
    if (out_message != nullptr) {
      *out_message = std::string(file_name) + ": larger than 1 MiB";
    }
    return Error(Err::kLengthLimit, "configuration file too large");
  }
  Parser p(text, file_name);
  return p.run(out_message);
}

Result<ServerConfig> load_config(const std::string& path, std::string* out_message) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (out_message != nullptr) {
      *out_message = path + ": cannot open: " + std::strerror(errno);
    }
    return Error(Err::kStorage, "cannot open the configuration file");
  }
  std::string text;
  std::array<char, 4096> buf{};
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
    text.append(buf.data(), static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes) {
      if (out_message != nullptr) {
        *out_message = path + ": larger than 1 MiB";
      }
      return Error(Err::kLengthLimit, "configuration file too large");
    }
  }
  if (in.bad()) {
    if (out_message != nullptr) {
      *out_message = path + ": read error";
    }
    return Error(Err::kStorage, "cannot read the configuration file");
  }
  return parse_config(text, path, out_message);
}

}  // namespace conclave::store
