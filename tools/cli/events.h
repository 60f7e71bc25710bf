// Rendering of session events for `conclave join`: one JSON object per line
// (--json) or one human-readable line.
#pragma once

#include <string>

#include "client/session.h"

namespace conclave::cli {

std::string event_json(const client::Event& e);
// error_text renders an error for a message: "code" or "code: detail".
std::string error_text(const Error& e);
std::string event_text(const client::Event& e);

// JsonLine builds one flat-or-nested JSON object for output (never parsed
// back by Conclave; the strict reader is core/json_object.h).
class JsonLine {
 public:
  JsonLine& str(std::string_view key, std::string_view value);
  JsonLine& num(std::string_view key, uint64_t value);
  JsonLine& boolean(std::string_view key, bool value);
  // raw adds `value`, already JSON (an array or object).
  JsonLine& raw(std::string_view key, std::string_view value);
  std::string done() const { return out_ + "}"; }

  static std::string quote(std::string_view s);

 private:
  void key(std::string_view k);
  std::string out_ = "{";
};

// JsonArray builds a JSON array from elements that are already JSON.
class JsonArray {
 public:
  JsonArray& add(std::string_view element) {
    if (out_.size() > 1) {
      out_ += ',';
    }
    out_ += element;
    return *this;
  }
  std::string done() const { return out_ + "]"; }

 private:
  std::string out_ = "[";
};

}  // namespace conclave::cli
