#include "core/reader.h"

#include <gtest/gtest.h>

#include "tests/support/malformed.h"
#include "tests/support/sample_grammar.h"

namespace conclave {
namespace {

Bytes hex(std::string_view h) { return *from_hex(h); }

// verifies: REQ-WIRE-001
TEST(Reader, REQ_WIRE_001_fixed_width_getters_consume_only_on_success) {
  const Bytes in = hex("0102030405060708090a0b0c0d0e0f");
  Reader r(in);
  uint8_t a = 0;
  uint16_t b = 0;
  uint32_t c = 0;
  uint64_t d = 0;
  ASSERT_TRUE(r.u8(&a));
  ASSERT_TRUE(r.u16(&b));
  ASSERT_TRUE(r.u32(&c));
  EXPECT_EQ(a, 0x01);
  EXPECT_EQ(b, 0x0203);
  EXPECT_EQ(c, 0x04050607u);
  EXPECT_EQ(r.offset(), 7u);
  // 8 bytes remain: a u64 fits once, then nothing does.
  ASSERT_TRUE(r.u64(&d));
  EXPECT_EQ(d, 0x08090a0b0c0d0e0full);
  EXPECT_FALSE(r.u8(&a));
  EXPECT_EQ(r.offset(), 15u);
  EXPECT_EQ(r.error("x").code, Err::kTruncated);
}

// verifies: REQ-WIRE-001
TEST(Reader, REQ_WIRE_001_failed_getters_leave_the_cursor_in_place) {
  const Bytes in = hex("0502");
  Reader r(in);
  uint32_t v32 = 0xdeadbeef;
  uint64_t v64 = 0;
  ByteView view;
  EXPECT_FALSE(r.u32(&v32));
  EXPECT_EQ(v32, 0xdeadbeefu);  // out untouched
  EXPECT_FALSE(r.u64(&v64));
  EXPECT_FALSE(r.bytes(3, &view));
  EXPECT_FALSE(r.vec(&view));  // prefix 0x05 announces 5 bytes; 1 remains after it
  EXPECT_EQ(r.remaining(), 2u);
  ASSERT_TRUE(r.bytes(2, &view));
  EXPECT_TRUE(r.empty());
}

// RFC 9420 §2.1.2 examples and the boundaries of each width.
struct VarintCase {
  const char* hex;
  uint64_t value;
};

// verifies: REQ-WIRE-002
TEST(Reader, REQ_WIRE_002_varints_decode_at_every_width_boundary) {
  const VarintCase cases[] = {
      {"00", 0},
      {"25", 37},
      {"3f", 63},
      {"4040", 64},
      {"7bbd", 15293},
      {"7fff", 16383},
      {"80004000", 16384},
      {"9d7f3e7d", 494878333},
      {"bfffffff", kMaxVarint},
  };
  for (const VarintCase& c : cases) {
    SCOPED_TRACE(c.hex);
    const Bytes in = hex(c.hex);
    Reader r(in);
    uint64_t v = 0;
    ASSERT_TRUE(r.varint(&v));
    EXPECT_EQ(v, c.value);
    EXPECT_TRUE(r.empty());

    Writer w;
    w.varint(c.value);
    EXPECT_EQ(to_hex(*std::move(w).finish()), c.hex);
  }
}

// verifies: REQ-WIRE-002
TEST(Reader, REQ_WIRE_002_reserved_prefix_is_rejected) {
  for (const char* h : {"c0", "c000000000000000", "ffffffffffffffff", "c2197c5eff14e88c"}) {
    SCOPED_TRACE(h);
    const Bytes in = hex(h);
    Reader r(in);
    uint64_t v = 0;
    EXPECT_FALSE(r.varint(&v));
    EXPECT_EQ(r.error("v").code, Err::kInvalidVarintPrefix);
    EXPECT_EQ(r.offset(), 0u);
  }
}

// verifies: REQ-WIRE-003
TEST(Reader, REQ_WIRE_003_non_minimal_varints_are_rejected) {
  for (const char* h : {"4000", "4025", "403f", "80000000", "80000025", "80003fff"}) {
    SCOPED_TRACE(h);
    const Bytes in = hex(h);
    Reader r(in);
    uint64_t v = 0;
    EXPECT_FALSE(r.varint(&v));
    EXPECT_EQ(r.error("v").code, Err::kNonMinimalVarint);
    ByteView body;
    EXPECT_FALSE(r.vec(&body));
    EXPECT_EQ(r.offset(), 0u);
  }
}

// verifies: REQ-WIRE-002
TEST(Reader, REQ_WIRE_002_truncated_varints_are_rejected) {
  for (const char* h : {"40", "80", "8000", "800000"}) {
    SCOPED_TRACE(h);
    const Bytes in = hex(h);
    Reader r(in);
    uint64_t v = 0;
    EXPECT_FALSE(r.varint(&v));
    EXPECT_EQ(r.error("v").code, Err::kTruncated);
  }
}

// verifies: REQ-WIRE-004
TEST(Reader, REQ_WIRE_004_vector_longer_than_its_input_is_rejected) {
  const Bytes in = hex("05aabbccdd");  // announces 5, holds 4
  Reader r(in);
  ByteView body;
  EXPECT_FALSE(r.vec(&body));
  EXPECT_EQ(r.error("body").code, Err::kTruncated);
  EXPECT_EQ(r.offset(), 0u);

  const Bytes in2 = hex("04aabbccdd");
  Reader r2(in2);
  ASSERT_TRUE(r2.vec(&body));
  EXPECT_EQ(to_hex(body), "aabbccdd");
}

// verifies: REQ-WIRE-004
TEST(Reader, REQ_WIRE_004_nested_reader_is_bounded_by_its_vector) {
  const Bytes in = hex("0201020304");
  Reader r(in);
  Reader inner(ByteView{});
  ASSERT_TRUE(r.vec(&inner));
  uint16_t v = 0;
  ASSERT_TRUE(inner.u16(&v));
  EXPECT_EQ(v, 0x0102);
  uint8_t b = 0;
  EXPECT_FALSE(inner.u8(&b));     // 0x03 belongs to the outer reader
  EXPECT_EQ(inner.offset(), 3u);  // offsets point into the outer buffer
  ASSERT_TRUE(r.u8(&b));
  EXPECT_EQ(b, 0x03);
}

// verifies: REQ-WIRE-005
TEST(Reader, REQ_WIRE_005_trailing_bytes_fail_the_whole_message) {
  const Bytes ok = hex("0400000000000000");  // type 4, varint 0, then junk
  auto r = testing::decode_sample(ok);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kTrailingData);
  EXPECT_EQ(r.error().offset, 2u);
  EXPECT_EQ(r.error().category(), ErrCategory::kDecode);
}

// verifies: REQ-WIRE-001
TEST(Reader, REQ_WIRE_001_optional_presence_is_zero_or_one) {
  for (const char* h : {"02", "ff"}) {
    const Bytes in = hex(h);
    Reader r(in);
    bool present = false;
    EXPECT_FALSE(r.optional_present(&present));
    EXPECT_EQ(r.error("p").code, Err::kInvalidValue);
  }
}

// A valid SampleNode with vectors nested three deep, optional presence,
// every integer width and varints of each size.
Bytes sample_message() {
  using testing::SampleNode;
  SampleNode leaf_data;
  leaf_data.type = 1;
  leaf_data.data = Bytes(70, 0xab);  // 2-byte length prefix
  SampleNode leaf_num;
  leaf_num.type = 0;
  leaf_num.number = 0x0102030405060708;
  SampleNode leaf_var;
  leaf_var.type = 4;
  leaf_var.number = 20000;
  SampleNode pair;
  pair.type = 5;
  pair.a = 7;
  pair.b = 9;
  SampleNode inner;
  inner.type = 2;
  inner.children.push_back(std::move(leaf_data));
  inner.children.push_back(std::move(pair));
  SampleNode opt;
  opt.type = 3;
  opt.child = std::make_unique<SampleNode>(std::move(inner));
  SampleNode root;
  root.type = 2;
  root.children.push_back(std::move(leaf_num));
  root.children.push_back(std::move(opt));
  root.children.push_back(std::move(leaf_var));
  return *testing::encode_sample(root);
}

// verifies: REQ-WIRE-006
TEST(Reader, REQ_WIRE_006_sample_round_trips) {
  const Bytes msg = sample_message();
  auto parsed = testing::decode_sample(msg);
  ASSERT_TRUE(parsed.has_value()) << to_string(parsed.error().code) << " at "
                                  << parsed.error().offset;
  auto again = testing::encode_sample(*parsed);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(to_hex(*again), to_hex(msg));
}

// verifies: REQ-WIRE-004
TEST(Reader, REQ_WIRE_004_every_malformed_length_prefix_is_rejected) {
  const Bytes msg = sample_message();
  const auto sites =
      testing::record_prefixes(msg, [](Reader& r) { return testing::parse_sample_node(r); });
  ASSERT_EQ(sites.size(), 3u);  // root children, inner children, leaf data
  const auto variants = testing::malformed_variants(msg, sites);
  ASSERT_GT(variants.size(), msg.size());
  for (const auto& v : variants) {
    SCOPED_TRACE(v.what);
    auto parsed = testing::decode_sample(v.bytes);
    EXPECT_FALSE(parsed.has_value());
    if (!parsed.has_value()) {
      EXPECT_EQ(parsed.error().category(), ErrCategory::kDecode);
    }
  }
}

// verifies: REQ-WIRE-007
TEST(Reader, REQ_WIRE_007_errors_say_what_where_and_why) {
  const Bytes in = hex("0207");  // children vector announcing 7 bytes, none present
  auto parsed = testing::decode_sample(in);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, Err::kTruncated);
  EXPECT_STREQ(parsed.error().detail, "SampleNode.children");
  EXPECT_EQ(parsed.error().offset, 1u);
  EXPECT_STREQ(to_string(category(parsed.error().code)), "decode");
}

// verifies: REQ-WIRE-007
TEST(Reader, REQ_WIRE_007_nesting_depth_is_bounded) {
  // 40 nested optional children: deeper than kSampleMaxDepth.
  Bytes deep;
  for (int i = 0; i < 40; ++i) {
    deep.push_back(0x03);
    deep.push_back(0x01);
  }
  deep.push_back(0x03);
  deep.push_back(0x00);
  auto parsed = testing::decode_sample(deep);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, Err::kLengthLimit);
}

}  // namespace
}  // namespace conclave
