#include "core/json_object.h"

#include <limits>

namespace conclave {
namespace {

// utf8_sequence_len returns the length of the well-formed UTF-8 sequence at
// `s[i]`, or 0 (RFC 3629 §4 table: no overlongs, no surrogates, ≤ U+10FFFF).
size_t utf8_sequence_len(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    return 1;
  }
  size_t n = 0;
  uint8_t lo = 0x80;
  uint8_t hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) {
      lo = 0xA0;  // no overlong 3-byte forms
    } else if (b0 == 0xED) {
      hi = 0x9F;  // no surrogates
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) {
      lo = 0x90;  // no overlong 4-byte forms
    } else if (b0 == 0xF4) {
      hi = 0x8F;  // nothing above U+10FFFF
    }
  } else {
    return 0;
  }
  if (s.size() - i < n) {
    return 0;
  }
  if (byte(i + 1) < lo || byte(i + 1) > hi) {
    return 0;
  }
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
      return 0;
    }
  }
  return n;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// JsonCursor walks the text; every method fails with a located Error and
// the cursor is discarded on failure, so partial consumption is harmless.
class JsonCursor {
 public:
  explicit JsonCursor(std::string_view text) : s_(text) {}

  size_t pos() const { return pos_; }
  bool at_end() const { return pos_ == s_.size(); }
  char peek() const { return s_[pos_]; }

  void skip_ws() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++pos_;
    }
  }

  Error fail(Err e, const char* what) const { return Error(e, what, pos_); }

  Result<void> expect(char c, const char* what) {
    skip_ws();
    if (at_end()) {
      return fail(Err::kTruncated, what);
    }
    if (peek() != c) {
      return fail(Err::kInvalidValue, what);
    }
    ++pos_;
    return {};
  }

  // read_hex4 reads the four hex digits of a \u escape.
  Result<uint32_t> read_hex4() {
    if (s_.size() - pos_ < 4) {
      return fail(Err::kTruncated, "JSON \\u escape");
    }
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      const int d = hex_digit(s_[pos_ + k]);
      if (d < 0) {
        return fail(Err::kInvalidValue, "JSON \\u escape");
      }
      v = (v << 4) | static_cast<uint32_t>(d);
    }
    pos_ += 4;
    return v;
  }

  Result<std::string> read_string(size_t max_len) {
    CONCLAVE_TRY(expect('"', "JSON string"));
    std::string out;
    while (true) {
      if (at_end()) {
        return fail(Err::kTruncated, "JSON string");
      }
      if (out.size() > max_len) {
        return fail(Err::kLengthLimit, "JSON string");
      }
      const char c = peek();
      if (c == '"') {
        ++pos_;
        break;
      }
      if (static_cast<uint8_t>(c) < 0x20) {
        return fail(Err::kInvalidValue, "JSON string: raw control character");
      }
      if (c != '\\') {
        const size_t n = utf8_sequence_len(s_, pos_);
        if (n == 0) {
          return fail(Err::kInvalidValue, "JSON string: not UTF-8");
        }
        out.append(s_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      ++pos_;
      if (at_end()) {
        return fail(Err::kTruncated, "JSON escape");
      }
      const char e = peek();
      ++pos_;
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          CONCLAVE_TRY_ASSIGN(uint32_t cp, read_hex4());
          if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail(Err::kInvalidValue, "JSON string: lone low surrogate");
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            // A high surrogate must be followed by an escaped low one.
            if (s_.size() - pos_ < 2 || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') {
              return fail(Err::kInvalidValue, "JSON string: lone high surrogate");
            }
            pos_ += 2;
            CONCLAVE_TRY_ASSIGN(const uint32_t low, read_hex4());
            if (low < 0xDC00 || low > 0xDFFF) {
              return fail(Err::kInvalidValue, "JSON string: lone high surrogate");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          if (cp == 0) {
            return fail(Err::kInvalidValue, "JSON string: NUL");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return fail(Err::kInvalidValue, "JSON escape");
      }
    }
    if (out.size() > max_len) {
      return fail(Err::kLengthLimit, "JSON string");
    }
    return out;
  }

  // read_int reads `-?(0|[1-9][0-9]*)` into an int64 and refuses fractions
  // and exponents.
  Result<int64_t> read_int() {
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (at_end()) {
      return fail(Err::kTruncated, "JSON number");
    }
    if (peek() < '0' || peek() > '9') {
      return fail(Err::kInvalidValue, "JSON number");
    }
    if (peek() == '0' && s_.size() - pos_ > 1 && s_[pos_ + 1] >= '0' && s_[pos_ + 1] <= '9') {
      return fail(Err::kInvalidValue, "JSON number: leading zero");
    }
    // Accumulate as a negative number: its range includes INT64_MIN.
    int64_t v = 0;
    while (!at_end() && peek() >= '0' && peek() <= '9') {
      const int d = peek() - '0';
      if (v < (std::numeric_limits<int64_t>::min() + d) / 10) {
        return fail(Err::kInvalidValue, "JSON number: outside int64");
      }
      v = v * 10 - d;
      ++pos_;
    }
    if (!at_end() && (peek() == '.' || peek() == 'e' || peek() == 'E')) {
      return fail(Err::kUnsupported, "JSON number: only integers");
    }
    if (!negative) {
      if (v == std::numeric_limits<int64_t>::min()) {
        return fail(Err::kInvalidValue, "JSON number: outside int64");
      }
      v = -v;
    }
    return v;
  }

  Result<bool> read_literal_bool() {
    if (s_.substr(pos_, 4) == "true") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "false") {
      pos_ += 5;
      return false;
    }
    return fail(Err::kInvalidValue, "JSON value");
  }

  Result<JsonValue> read_value() {
    skip_ws();
    if (at_end()) {
      return fail(Err::kTruncated, "JSON value");
    }
    const char c = peek();
    if (c == '"') {
      CONCLAVE_TRY_ASSIGN(std::string s, read_string(kMaxJsonObjectLen));
      return JsonValue{std::move(s)};
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      CONCLAVE_TRY_ASSIGN(const int64_t v, read_int());
      return JsonValue{v};
    }
    if (c == 't' || c == 'f') {
      CONCLAVE_TRY_ASSIGN(const bool b, read_literal_bool());
      return JsonValue{b};
    }
    if (c == '{' || c == '[' || c == 'n') {
      return fail(Err::kUnsupported, "JSON value: only strings, integers and booleans");
    }
    return fail(Err::kInvalidValue, "JSON value");
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

void write_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : s) {
    const auto u = static_cast<uint8_t>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const size_t n = utf8_sequence_len(s, i);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

const JsonValue* JsonObject::find(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) {
      return &v;
    }
  }
  return nullptr;
}

const std::string* JsonObject::get_string(std::string_view key) const {
  const JsonValue* v = find(key);
  return v == nullptr ? nullptr : std::get_if<std::string>(v);
}

const int64_t* JsonObject::get_int(std::string_view key) const {
  const JsonValue* v = find(key);
  return v == nullptr ? nullptr : std::get_if<int64_t>(v);
}

const bool* JsonObject::get_bool(std::string_view key) const {
  const JsonValue* v = find(key);
  return v == nullptr ? nullptr : std::get_if<bool>(v);
}

void JsonObject::set(std::string key, JsonValue value) {
  for (auto& [k, v] : members) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  members.emplace_back(std::move(key), std::move(value));
}

// implements: REQ-CLIENT-007
Result<JsonObject> parse_json_object(std::string_view text) {
  if (text.size() > kMaxJsonObjectLen) {
    return Error(Err::kLengthLimit, "JSON object longer than kMaxJsonObjectLen", 0);
  }
  JsonCursor c(text);
  JsonObject obj;
  CONCLAVE_TRY(c.expect('{', "JSON object"));
  c.skip_ws();
  if (!c.at_end() && c.peek() == '}') {
    CONCLAVE_TRY(c.expect('}', "JSON object: '}'"));
  } else {
    while (true) {
      if (obj.members.size() == kMaxJsonMembers) {
        return c.fail(Err::kLengthLimit, "JSON object: too many members");
      }
      const size_t key_at = c.pos();
      CONCLAVE_TRY_ASSIGN(std::string key, c.read_string(kMaxJsonKeyLen));
      if (obj.find(key) != nullptr) {
        return Error(Err::kInvalidValue, "JSON object: duplicate key", key_at);
      }
      CONCLAVE_TRY(c.expect(':', "JSON object: ':'"));
      CONCLAVE_TRY_ASSIGN(JsonValue value, c.read_value());
      obj.members.emplace_back(std::move(key), std::move(value));
      c.skip_ws();
      if (c.at_end()) {
        return c.fail(Err::kTruncated, "JSON object");
      }
      if (c.peek() == ',') {
        CONCLAVE_TRY(c.expect(',', "JSON object: ','"));
        continue;
      }
      CONCLAVE_TRY(c.expect('}', "JSON object: '}'"));
      break;
    }
  }
  c.skip_ws();
  if (!c.at_end()) {
    return c.fail(Err::kTrailingData, "JSON: bytes after the object");
  }
  return obj;
}

Result<std::string> write_json_object(const JsonObject& object) {
  if (object.members.size() > kMaxJsonMembers) {
    return Error(Err::kValueTooLarge, "JSON object: too many members");
  }
  std::string out = "{";
  for (size_t i = 0; i < object.members.size(); ++i) {
    const auto& [key, value] = object.members[i];
    if (key.size() > kMaxJsonKeyLen) {
      return Error(Err::kValueTooLarge, "JSON key longer than kMaxJsonKeyLen");
    }
    if (!is_valid_utf8(key) || has_nul(key)) {
      return Error(Err::kInvalidArgument, "JSON key: not UTF-8 or holds NUL");
    }
    for (size_t j = 0; j < i; ++j) {
      if (object.members[j].first == key) {
        return Error(Err::kInvalidArgument, "JSON object: duplicate key");
      }
    }
    if (i > 0) {
      out.push_back(',');
    }
    write_string(out, key);
    out.push_back(':');
    if (const auto* s = std::get_if<std::string>(&value)) {
      if (!is_valid_utf8(*s) || has_nul(*s)) {
        return Error(Err::kInvalidArgument, "JSON string: not UTF-8 or holds NUL");
      }
      write_string(out, *s);
    } else if (const auto* n = std::get_if<int64_t>(&value)) {
      out.append(std::to_string(*n));
    } else {
      out.append(std::get<bool>(value) ? "true" : "false");
    }
  }
  out.push_back('}');
  if (out.size() > kMaxJsonObjectLen) {
    return Error(Err::kValueTooLarge, "JSON object longer than kMaxJsonObjectLen");
  }
  return out;
}

}  // namespace conclave
