// AppMessage codec: round trips, every field limit on both sides of its
// bound, and the malformation sweep over valid encodings.
#include "client/app_message.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/malformed.h"

namespace conclave::client {
namespace {

AppMessage chat(std::string text) { return AppMessage{ChatMessage{std::move(text)}}; }

AppMessage file(std::string name, std::string blob_id, uint64_t size = 1234) {
  FileMessage f;
  f.name = std::move(name);
  f.size = size;
  for (size_t i = 0; i < f.sha256.size(); ++i) {
    f.sha256[i] = static_cast<uint8_t>(i);
  }
  f.blob_id = std::move(blob_id);
  f.key = SecretBytes(kFileKeyLen);
  f.key.mutable_view()[0] = 0xAA;
  return AppMessage{std::move(f)};
}

// raw_chat / raw_file encode without validation, to build what a hostile
// member could send.
Bytes raw_chat(std::string_view text) {
  Writer w;
  w.u8(1);
  w.vec(as_bytes(text));
  return *std::move(w).finish();
}

Bytes raw_file(std::string_view name, uint64_t size, std::string_view blob_id,
               size_t key_len = kFileKeyLen) {
  Writer w;
  w.u8(2);
  w.vec(as_bytes(name));
  w.u64(size);
  w.bytes(Bytes(kSha256Len, 7));
  w.vec(as_bytes(blob_id));
  w.bytes(Bytes(key_len, 9));
  return *std::move(w).finish();
}

Err decode_error(ByteView in) {
  auto r = decode_app_message(in);
  if (r.has_value()) {
    ADD_FAILURE() << "accepted";
    return Err::kUsage;
  }
  return r.error().code;
}

// verifies: REQ-CLIENT-002
TEST(AppMessage, ChatRoundTrips) {
  for (const std::string& text :
       {std::string("hi"), std::string("grüße 👋"), std::string(kMaxChatTextLen, 'x')}) {
    auto enc = encode_app_message(chat(text));
    ASSERT_TRUE(enc.has_value());
    EXPECT_EQ(*enc, raw_chat(text));
    auto dec = decode_app_message(*enc);
    ASSERT_TRUE(dec.has_value());
    ASSERT_EQ(dec->type(), AppMessageType::kChat);
    EXPECT_EQ(std::get<ChatMessage>(dec->body).text, text);
  }
}

// verifies: REQ-CLIENT-002
TEST(AppMessage, FileRoundTrips) {
  const AppMessage m = file("report.pdf", "abc_DEF-123");
  auto enc = encode_app_message(m);
  ASSERT_TRUE(enc.has_value());
  auto dec = decode_app_message(*enc);
  ASSERT_TRUE(dec.has_value());
  ASSERT_EQ(dec->type(), AppMessageType::kFile);
  const auto& a = std::get<FileMessage>(m.body);
  const auto& b = std::get<FileMessage>(dec->body);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.sha256, b.sha256);
  EXPECT_EQ(a.blob_id, b.blob_id);
  EXPECT_TRUE(a.key.ct_equal(b.key));
  auto again = encode_app_message(*dec);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *enc);
}

// verifies: REQ-CLIENT-002
TEST(AppMessage, ChatLimits) {
  EXPECT_EQ(decode_error(raw_chat(std::string(kMaxChatTextLen + 1, 'x'))), Err::kLengthLimit);
  EXPECT_EQ(decode_error(raw_chat("")), Err::kInvalidValue);
  EXPECT_EQ(decode_error(raw_chat(std::string("a\0b", 3))), Err::kInvalidValue);
  EXPECT_EQ(decode_error(raw_chat("\xC0\x80")), Err::kInvalidValue);          // overlong NUL
  EXPECT_EQ(decode_error(raw_chat("\xED\xA0\x80")), Err::kInvalidValue);      // surrogate
  EXPECT_EQ(decode_error(raw_chat("\xF4\x90\x80\x80")), Err::kInvalidValue);  // > U+10FFFF
  EXPECT_FALSE(encode_app_message(chat(std::string(kMaxChatTextLen + 1, 'x'))).has_value());
  EXPECT_FALSE(encode_app_message(chat("")).has_value());
}

// verifies: REQ-CLIENT-002
TEST(AppMessage, FileNameLimits) {
  EXPECT_TRUE(decode_app_message(raw_file(std::string(kMaxFileNameLen, 'n'), 1, "b")).has_value());
  EXPECT_EQ(decode_error(raw_file(std::string(kMaxFileNameLen + 1, 'n'), 1, "b")),
            Err::kLengthLimit);
  for (const std::string& bad :
       {std::string(""), std::string("."), std::string(".."), std::string("a/b"),
        std::string("/etc"), std::string("a\\b"), std::string("a\0b", 3), std::string("\xFF")}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(decode_error(raw_file(bad, 1, "b")), Err::kInvalidValue);
    EXPECT_FALSE(encode_app_message(file(bad, "b")).has_value());
  }
}

// verifies: REQ-CLIENT-002
TEST(AppMessage, BlobIdSizeAndKeyLimits) {
  EXPECT_TRUE(decode_app_message(raw_file("f", 1, std::string(kMaxBlobIdLen, 'b'))).has_value());
  EXPECT_EQ(decode_error(raw_file("f", 1, std::string(kMaxBlobIdLen + 1, 'b'))), Err::kLengthLimit);
  for (const std::string bad : {"", "a/b", "a.b", "a b", "..", "%2e"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(decode_error(raw_file("f", 1, bad)), Err::kInvalidValue);
  }
  EXPECT_TRUE(decode_app_message(raw_file("f", kMaxSharedFileLen, "b")).has_value());
  EXPECT_EQ(decode_error(raw_file("f", kMaxSharedFileLen + 1, "b")), Err::kLengthLimit);
  // A short key runs into the end of the input.
  EXPECT_EQ(decode_error(raw_file("f", 1, "b", kFileKeyLen - 1)), Err::kTruncated);
  EXPECT_EQ(decode_error(raw_file("f", 1, "b", kFileKeyLen + 1)), Err::kTrailingData);
  EXPECT_FALSE(encode_app_message(file("f", "b", kMaxSharedFileLen + 1)).has_value());
}

// verifies: REQ-CLIENT-002
TEST(AppMessage, UnknownTypeIsRefused) {
  for (const uint8_t type : {uint8_t{0}, uint8_t{3}, uint8_t{255}}) {
    Bytes m = raw_chat("hi");
    m[0] = type;
    EXPECT_EQ(decode_error(m), Err::kInvalidValue);
  }
  EXPECT_EQ(decode_error(Bytes{}), Err::kTruncated);
}

// verifies: REQ-CLIENT-002
TEST(AppMessage, MalformationSweepIsRejected) {
  for (const Bytes& valid : {raw_chat("hello"), raw_file("a.txt", 5, "blob1")}) {
    const auto sites =
        testing::record_prefixes(valid, [](Reader& r) { return parse_app_message(r); });
    EXPECT_FALSE(sites.empty());
    for (const auto& v : testing::malformed_variants(valid, sites)) {
      SCOPED_TRACE(v.what);
      EXPECT_FALSE(decode_app_message(v.bytes).has_value());
    }
  }
}

}  // namespace
}  // namespace conclave::client
