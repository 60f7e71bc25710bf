// Real messages for the MLS codec unit tests, read from the official
// messages.json (CONCLAVE_VECTORS_DIR) without a JSON library: the first
// occurrence of a field is entry 0, which is built with cipher suite 1.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/bytes.h"
#include "core/reader.h"
#include "core/writer.h"
#include "tests/support/malformed.h"

namespace conclave::mls::testing {

// messages_field returns the hex field `name` of the first entry of
// messages.json, decoded; an unreadable file fails the test and returns {}.
inline Bytes messages_field(const std::string& name) {
  std::ifstream in(std::string(CONCLAVE_VECTORS_DIR) + "/mls/messages.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string key = "\"" + name + "\": \"";
  const size_t start = text.find(key);
  if (start == std::string::npos) {
    ADD_FAILURE() << "messages.json: no field " << name;
    return {};
  }
  const size_t begin = start + key.size();
  const size_t end = text.find('"', begin);
  auto bytes = from_hex(std::string_view(text).substr(begin, end - begin));
  if (!bytes) {
    ADD_FAILURE() << "messages.json: field " << name << " is not hex";
    return {};
  }
  return std::move(bytes).value();
}

// expect_round_trip decodes all of `bytes` with `parse`, re-encodes with
// `write` and expects identical bytes.
template <typename T, typename P, typename W>
void expect_round_trip(const Bytes& bytes, P&& parse, W&& write) {
  auto value = decode_all<T>(bytes, "test", parse);
  ASSERT_TRUE(value.has_value()) << to_string(value.error().code) << " " << value.error().detail;
  Writer w;
  write(w, *value);
  auto out = std::move(w).finish();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(to_hex(*out), to_hex(bytes));
}

// expect_sweep_rejected runs the malformation sweep (tests/support/
// malformed.h) over a valid encoding: every variant must be rejected.
// Returns the number of variants.
template <typename T, typename P>
size_t expect_sweep_rejected(const Bytes& valid, P&& parse) {
  EXPECT_TRUE((decode_all<T>(valid, "valid", parse).has_value()));
  const auto sites = conclave::testing::record_prefixes(valid, parse);
  EXPECT_FALSE(sites.empty());
  const auto variants = conclave::testing::malformed_variants(valid, sites);
  for (const auto& v : variants) {
    SCOPED_TRACE(v.what);
    EXPECT_FALSE((decode_all<T>(v.bytes, "variant", parse).has_value()));
  }
  return variants.size();
}

// encode runs a writer into a fresh buffer (test inputs).
template <typename T, typename W>
Bytes encode(const T& value, W&& write) {
  Writer w;
  write(w, value);
  auto out = std::move(w).finish();
  EXPECT_TRUE(out.has_value());
  return out.has_value() ? std::move(out).value() : Bytes{};
}

// error_of returns the error code of a failed result (kUsage and a test
// failure if it succeeded).
template <typename T>
Err error_of(const Result<T>& r) {
  if (r.has_value()) {
    ADD_FAILURE() << "expected an error, got success";
    return Err::kUsage;
  }
  return r.error().code;
}

}  // namespace conclave::mls::testing
