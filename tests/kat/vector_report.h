// FileReport: the outcome of running one vector file, and Fields: typed,
// error-collecting access to the fields of one JSON vector entry. Test
// tooling only (nlohmann-json is allowed here, never in src/).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace conclave::kat {

// FileReport counts entries. An entry passes only if every check in it
// passed; `notes` holds one line per failed or skipped entry.
struct FileReport {
  size_t passed = 0;
  size_t failed = 0;
  size_t skipped = 0;
  std::vector<std::string> notes;

  void pass() { ++passed; }
  void fail(const std::string& where, const std::string& why) {
    ++failed;
    notes.push_back("FAIL " + where + ": " + why);
  }
  void skip(const std::string& where, const std::string& why) {
    ++skipped;
    notes.push_back("SKIP " + where + ": " + why);
  }
};

// Fields reads the fields of one JSON object. The first problem (missing
// field, wrong type, bad hex) is recorded with the field's path, and every
// later read returns an empty value, so a runner reads all it needs and
// then checks ok() once.
class Fields {
 public:
  Fields(const nlohmann::json& obj, std::string path) : obj_(obj), path_(std::move(path)) {
    if (!obj_.is_object()) {
      error_ = path_ + ": not a JSON object";
    }
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

  // hex reads a hex-string field.
  Bytes hex(const char* name) {
    const nlohmann::json* v = get(name);
    if (v == nullptr) {
      return {};
    }
    if (!v->is_string()) {
      fail(name, "not a string");
      return {};
    }
    auto bytes = from_hex(v->get_ref<const std::string&>());
    if (!bytes) {
      fail(name, "not valid hex");
      return {};
    }
    return std::move(bytes).value();
  }

  // text reads a string field as its characters (labels).
  std::string text(const char* name) {
    const nlohmann::json* v = get(name);
    if (v == nullptr) {
      return {};
    }
    if (!v->is_string()) {
      fail(name, "not a string");
      return {};
    }
    return v->get<std::string>();
  }

  // u64 reads a non-negative integer field.
  uint64_t u64(const char* name) {
    const nlohmann::json* v = get(name);
    if (v == nullptr) {
      return 0;
    }
    if (!v->is_number_unsigned()) {
      fail(name, "not a non-negative integer");
      return 0;
    }
    return v->get<uint64_t>();
  }

  // object and array return the field's JSON value, or null.
  const nlohmann::json* object(const char* name) { return typed(name, true); }
  const nlohmann::json* array(const char* name) { return typed(name, false); }

  // raw is the field's JSON value as it is (the caller checks its type);
  // the field must be present (check with has()).
  const nlohmann::json& raw(const char* name) const { return obj_.at(name); }

  // has says whether the field is present (for fields only some modes use).
  bool has(const char* name) const { return obj_.is_object() && obj_.contains(name); }

  // fail records a problem found by the caller about field `name`.
  void fail(const std::string& name, const std::string& why) {
    if (error_.empty()) {
      error_ = path_ + ": field '" + name + "': " + why;
    }
  }

 private:
  const nlohmann::json* get(const char* name) {
    if (!ok()) {
      return nullptr;
    }
    auto it = obj_.find(name);
    if (it == obj_.end()) {
      fail(name, "missing");
      return nullptr;
    }
    return &*it;
  }

  const nlohmann::json* typed(const char* name, bool want_object) {
    const nlohmann::json* v = get(name);
    if (v == nullptr) {
      return nullptr;
    }
    if (want_object ? !v->is_object() : !v->is_array()) {
      fail(name, want_object ? "not an object" : "not an array");
      return nullptr;
    }
    return v;
  }

  const nlohmann::json& obj_;
  std::string path_;
  std::string error_;
};

// Checks collects the first mismatch of one entry.
class Checks {
 public:
  bool ok() const { return first_.empty(); }
  const std::string& first() const { return first_; }

  // expect_equal records a mismatch of `what` (a field name).
  void expect_equal(const std::string& what, ByteView got, ByteView want) {
    if (first_.empty() && !equal(got, want)) {
      first_ = what + " mismatch: got " + to_hex(got) + ", want " + to_hex(want);
    }
  }
  // expect records `why` if `cond` is false.
  void expect(bool cond, const std::string& why) {
    if (first_.empty() && !cond) {
      first_ = why;
    }
  }

 private:
  std::string first_;
};

}  // namespace conclave::kat
