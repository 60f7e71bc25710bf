// JsonObject: what the strict reader accepts, everything it refuses, and
// the round trip through the writer.
#include "core/json_object.h"

#include <gtest/gtest.h>

#include <string>

namespace conclave {
namespace {

Err error_of(std::string_view text) {
  auto r = parse_json_object(text);
  if (r.has_value()) {
    ADD_FAILURE() << "accepted: " << text;
    return Err::kUsage;
  }
  return r.error().code;
}

// verifies: REQ-CLIENT-007
TEST(JsonObject, ReadsFlatObjects) {
  auto r = parse_json_object(
      " {\"token\" : \"ab12\", \"n\":-42,\"big\":9223372036854775807,"
      "\"ok\":true,\"no\":false, \"esc\":\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\"}\r\n");
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  ASSERT_NE(r->get_string("token"), nullptr);
  EXPECT_EQ(*r->get_string("token"), "ab12");
  EXPECT_EQ(*r->get_int("n"), -42);
  EXPECT_EQ(*r->get_int("big"), INT64_MAX);
  EXPECT_TRUE(*r->get_bool("ok"));
  EXPECT_FALSE(*r->get_bool("no"));
  EXPECT_EQ(*r->get_string("esc"), "a\"b\\c/\n\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(r->get_int("token"), nullptr);  // wrong type
  EXPECT_EQ(r->get_string("missing"), nullptr);
  auto empty = parse_json_object("{}");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->members.empty());
  auto min = parse_json_object("{\"m\":-9223372036854775808}");
  ASSERT_TRUE(min.has_value());
  EXPECT_EQ(*min->get_int("m"), INT64_MIN);
}

// verifies: REQ-CLIENT-007
TEST(JsonObject, RefusesMalformedInput) {
  const char* malformed[] = {
      "",
      "{",
      "}",
      "[]",
      "{\"a\"}",
      "{\"a\":}",
      "{\"a\":1,}",
      "{,}",
      "{\"a\":1 \"b\":2}",
      "{a:1}",
      "{'a':1}",
      "{\"a\":01}",
      "{\"a\":-}",
      "{\"a\":+1}",
      "{\"a\":tru}",
      "{\"a\":True}",
      "{\"a\":\"x}",
      "{\"a\":\"\\x\"}",
      "{\"a\":\"\\u12\"}",
      "{\"a\":\"\\u12G4\"}",
      "{\"a\":\"\\udc00\"}",
      "{\"a\":\"\\ud800\"}",
      "{\"a\":\"\\ud800\\u0041\"}",
      "{\"a\":\"\\u0000\"}",
      "{\"a\":\"\x01\"}",
      "{\"a\":\"\xC0\xAF\"}",
      "{\"a\":\"\xED\xA0\x80\"}",
      "{\"a\":\"\xFF\"}",
      "{\"a\":9223372036854775808}",
      "{\"a\":-9223372036854775809}",
      "{\"a\":1}x",
      "{\"a\":1}{}",
      "\xEF\xBB\xBF{}",
  };
  for (const char* m : malformed) {
    SCOPED_TRACE(m);
    EXPECT_FALSE(parse_json_object(m).has_value());
  }
  EXPECT_EQ(error_of("{\"a\":1,\"a\":2}"), Err::kInvalidValue);  // duplicate key
  EXPECT_EQ(error_of("{\"a\":1}x"), Err::kTrailingData);
  EXPECT_EQ(error_of("{\"a\":1.5}"), Err::kUnsupported);
  EXPECT_EQ(error_of("{\"a\":1e3}"), Err::kUnsupported);
  EXPECT_EQ(error_of("{\"a\":null}"), Err::kUnsupported);
  EXPECT_EQ(error_of("{\"a\":{}}"), Err::kUnsupported);
  EXPECT_EQ(error_of("{\"a\":[1]}"), Err::kUnsupported);
  EXPECT_EQ(error_of(std::string_view("{\"a\":1}\0", 8)), Err::kTrailingData);
}

// verifies: REQ-CLIENT-007
TEST(JsonObject, EnforcesLimits) {
  std::string many = "{";
  for (size_t i = 0; i <= kMaxJsonMembers; ++i) {
    many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  }
  many += "}";
  EXPECT_EQ(error_of(many), Err::kLengthLimit);
  const std::string long_key = "{\"" + std::string(kMaxJsonKeyLen + 1, 'k') + "\":1}";
  EXPECT_EQ(error_of(long_key), Err::kLengthLimit);
  const std::string ok_key = "{\"" + std::string(kMaxJsonKeyLen, 'k') + "\":1}";
  EXPECT_TRUE(parse_json_object(ok_key).has_value());
  const std::string huge = "{\"a\":\"" + std::string(kMaxJsonObjectLen, 'x') + "\"}";
  EXPECT_EQ(error_of(huge), Err::kLengthLimit);
}

// verifies: REQ-CLIENT-007
TEST(JsonObject, WriterRoundTripsAndRefusesWhatTheReaderRefuses) {
  JsonObject o;
  o.set("title", std::string("Q3 \"review\"\n\x01"));
  o.set("n", int64_t{-7});
  o.set("b", true);
  auto text = write_json_object(o);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "{\"title\":\"Q3 \\\"review\\\"\\u000a\\u0001\",\"n\":-7,\"b\":true}");
  auto back = parse_json_object(*text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, o);

  JsonObject dup;
  dup.members = {{"a", int64_t{1}}, {"a", int64_t{2}}};
  EXPECT_FALSE(write_json_object(dup).has_value());
  JsonObject nul;
  nul.set("a", std::string("x\0y", 3));
  EXPECT_FALSE(write_json_object(nul).has_value());
  JsonObject bad_utf8;
  bad_utf8.set("a", std::string("\xFF"));
  EXPECT_FALSE(write_json_object(bad_utf8).has_value());
}

}  // namespace
}  // namespace conclave
