#include "core/writer.h"

#include <gtest/gtest.h>

#include <array>

#include "core/reader.h"

namespace conclave {
namespace {

// verifies: REQ-WIRE-002
TEST(Writer, REQ_WIRE_002_values_above_the_varint_limit_fail) {
  Writer w;
  w.varint(kMaxVarint + 1);
  w.u8(1);  // ignored once failed
  auto out = std::move(w).finish();
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, Err::kValueTooLarge);
  EXPECT_EQ(out.error().category(), ErrCategory::kUsage);
}

// verifies: REQ-WIRE-006
TEST(Writer, REQ_WIRE_006_nested_vectors_get_patched_minimal_prefixes) {
  Writer w;
  w.vec_of([](Writer& outer) {
    outer.vec(Bytes(63, 1));                                         // 1-byte prefix
    outer.vec_of([](Writer& inner) { inner.bytes(Bytes(64, 2)); });  // 2-byte prefix
  });
  auto out = std::move(w).finish();
  ASSERT_TRUE(out.has_value());
  // outer body = 1 + 63 + 2 + 64 = 130 bytes -> prefix 0x4082
  ASSERT_EQ(out->size(), 2u + 130u);
  EXPECT_EQ((*out)[0], 0x40);
  EXPECT_EQ((*out)[1], 0x82);
  Reader r(*out);
  Reader body(ByteView{});
  ByteView a;
  ByteView b;
  ASSERT_TRUE(r.vec(&body));
  ASSERT_TRUE(body.vec(&a));
  ASSERT_TRUE(body.vec(&b));
  EXPECT_EQ(a.size(), 63u);
  EXPECT_EQ(b.size(), 64u);
  EXPECT_TRUE(body.empty());
  EXPECT_TRUE(r.empty());
}

// verifies: REQ-WIRE-002
TEST(Writer, REQ_WIRE_002_prefix_widens_at_16384) {
  Writer w;
  w.vec(Bytes(16384, 0));
  auto out = std::move(w).finish();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(to_hex(ByteView(*out).first(4)), "80004000");
}

TEST(Writer, fixed_buffer_never_overflows) {
  std::array<uint8_t, 5> buf{};
  Writer w{MutableByteView(buf)};
  w.u32(0x01020304);
  w.u16(0x0506);  // does not fit
  auto n = w.finish_fixed();
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code, Err::kBufferTooSmall);
  EXPECT_EQ(buf[4], 0);

  std::array<uint8_t, 8> buf2{};
  Writer w2{MutableByteView(buf2)};
  w2.vec_of([](Writer& b) { b.u16(0xbeef); });
  auto n2 = w2.finish_fixed();
  ASSERT_TRUE(n2.has_value());
  EXPECT_EQ(*n2, 3u);
  EXPECT_EQ(to_hex(w2.view()), "02beef");
}

TEST(Writer, vec_prefix_that_does_not_fit_a_fixed_buffer_fails) {
  std::array<uint8_t, 2> buf{};
  Writer w{MutableByteView(buf)};
  w.vec_of([](Writer& b) { b.u16(0xbeef); });  // needs 3 bytes
  EXPECT_FALSE(w.finish_fixed().has_value());
}

}  // namespace
}  // namespace conclave
