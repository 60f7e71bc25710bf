// Recordings encrypted at rest: the format's parsers, round trips at the
// chunk boundaries, a file sealed by an independent HPKE implementation,
// and every way a file can go wrong: another key, tampering, truncation,
// reordered chunks, trailing bytes, another suite or version.
#include "client/recording_file.h"

#include <gtest/gtest.h>

#include "crypto/hpke/dhkem.h"

namespace conclave::client {
namespace {

namespace hpke = crypto::hpke;

hpke::KeyPair key_from(uint8_t first) {
  SecretBytes k(32);
  for (size_t i = 0; i < 32; ++i) {
    k.mutable_view()[i] = static_cast<uint8_t>(first + i);
  }
  return recording_private_key(k).value();
}

Bytes sample(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<uint8_t>(i * 13 + 1);
  }
  return b;
}

// The offset of chunk `i` in a file whose every chunk before it is full.
size_t chunk_at(size_t i) {
  return kRecordingHeaderLen + i * (5 + kRecordingChunkLen + kRecordingTagLen);
}

// verifies: REQ-CLIENT-039, REQ-CLIENT-040
TEST(RecordingFile, RoundTripsAtEveryChunkBoundary) {
  const hpke::KeyPair key = key_from(1);
  for (const size_t n : {size_t{0}, size_t{1}, kRecordingChunkLen - 1, kRecordingChunkLen,
                         kRecordingChunkLen + 1, 2 * kRecordingChunkLen + 5}) {
    SCOPED_TRACE(n);
    const Bytes plain = sample(n);
    auto file = seal_recording(key.public_key(), plain);
    ASSERT_TRUE(file.has_value());
    // Full chunks, then a final chunk that is never full (maybe empty).
    const size_t chunks = n / kRecordingChunkLen + 1;
    EXPECT_EQ(file->size(), kRecordingHeaderLen + chunks * (5 + kRecordingTagLen) + n);
    auto opened = open_recording(key, *file);
    ASSERT_TRUE(opened.has_value()) << opened.error().detail;
    EXPECT_EQ(*opened, plain);
  }
}

// verifies: REQ-CLIENT-039
TEST(RecordingFile, EachFileHasAFreshEncapsulation) {
  const hpke::KeyPair key = key_from(1);
  auto a = seal_recording(key.public_key(), sample(10));
  auto b = seal_recording(key.public_key(), sample(10));
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(*a, *b);
}

// verifies: REQ-CLIENT-039, REQ-CLIENT-040
TEST(RecordingFile, OpensAFileSealedByAnIndependentImplementation) {
  // fuzz/corpus/recording_file/small.crec, written by
  // fuzz/client/make_recording_seeds.py (Python, `cryptography`) to the key
  // 0x01..0x20.
  const Bytes file =
      from_hex(
          "434f4e434c52454301002000010001007a1a4e709bf085ac494aba0469b9b1eda0ab1f78b16aabb79f"
          "feda90623e8522010000002d507e992f9ec989e7ec0759b826bbd336baae6ad506d1673a4973eb15d9"
          "27debeda1d54e046e454c659a19d72af")
          .value();
  auto opened = open_recording(key_from(1), file);
  ASSERT_TRUE(opened.has_value()) << opened.error().detail;
  EXPECT_EQ(std::string(opened->begin(), opened->end()), "OggS recording of a few bytes");
}

// verifies: REQ-CLIENT-040
TEST(RecordingFile, AnotherKeyIsAuthFailed) {
  auto file = seal_recording(key_from(1).public_key(), sample(100));
  ASSERT_TRUE(file.has_value());
  auto opened = open_recording(key_from(2), *file);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, Err::kAuthFailed);
}

// verifies: REQ-CLIENT-040
TEST(RecordingFile, EveryFlippedBitIsRefused) {
  const hpke::KeyPair key = key_from(1);
  auto file = seal_recording(key.public_key(), sample(40));
  ASSERT_TRUE(file.has_value());
  for (size_t i = 0; i < file->size(); ++i) {
    SCOPED_TRACE(i);
    Bytes bad = *file;
    bad[i] ^= 0x01;
    EXPECT_FALSE(open_recording(key, bad).has_value());
  }
}

// verifies: REQ-CLIENT-040
TEST(RecordingFile, TruncationAtAnyPointIsRefused) {
  const hpke::KeyPair key = key_from(1);
  auto file = seal_recording(key.public_key(), sample(kRecordingChunkLen + 100));
  ASSERT_TRUE(file.has_value());
  // Cut exactly after the first (full, not final) chunk: every byte there
  // authenticates, but the final chunk is missing.
  const Bytes cut(file->begin(), file->begin() + static_cast<ptrdiff_t>(chunk_at(1)));
  auto at_boundary = open_recording(key, cut);
  ASSERT_FALSE(at_boundary.has_value());
  EXPECT_EQ(at_boundary.error().code, Err::kTruncated);
  for (const size_t n : {size_t{0}, size_t{7}, kRecordingHeaderLen, kRecordingHeaderLen + 3,
                         chunk_at(1) - 1, chunk_at(1) + 4, file->size() - 1}) {
    SCOPED_TRACE(n);
    auto r = open_recording(key, ByteView(*file).subspan(0, n));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Err::kTruncated);
  }
}

// verifies: REQ-CLIENT-040
TEST(RecordingFile, RelabelledOrReorderedChunksAreRefused) {
  const hpke::KeyPair key = key_from(1);
  auto file = seal_recording(key.public_key(), sample(2 * kRecordingChunkLen + 10));
  ASSERT_TRUE(file.has_value());
  // A full chunk relabelled final breaks the length rule (a final chunk is
  // never full); is_final is in the AAD as well.
  Bytes relabelled(file->begin(), file->begin() + static_cast<ptrdiff_t>(chunk_at(1)));
  relabelled[chunk_at(0)] = 1;
  auto r = open_recording(key, relabelled);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kInvalidValue);
  // Chunks 0 and 1 swapped (same sizes).
  Bytes swapped = *file;
  const auto c0 = file->begin() + static_cast<ptrdiff_t>(chunk_at(0));
  const auto c1 = file->begin() + static_cast<ptrdiff_t>(chunk_at(1));
  const auto c2 = file->begin() + static_cast<ptrdiff_t>(chunk_at(2));
  std::copy(c1, c2, swapped.begin() + static_cast<ptrdiff_t>(chunk_at(0)));
  std::copy(c0, c1, swapped.begin() + static_cast<ptrdiff_t>(chunk_at(1)));
  auto s = open_recording(key, swapped);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, Err::kAuthFailed);
}

// verifies: REQ-CLIENT-040
TEST(RecordingFile, BytesAfterTheFinalChunkAreRefused) {
  const hpke::KeyPair key = key_from(1);
  auto file = seal_recording(key.public_key(), sample(10));
  ASSERT_TRUE(file.has_value());
  Bytes longer = *file;
  longer.push_back(0);
  auto r = open_recording(key, longer);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Err::kTrailingData);
}

// verifies: REQ-CLIENT-039
TEST(RecordingFile, HeaderParserRefusesOtherMagicVersionSuiteAndMode) {
  const hpke::KeyPair key = key_from(1);
  auto file = seal_recording(key.public_key(), sample(1));
  ASSERT_TRUE(file.has_value());
  const Bytes header(file->begin(), file->begin() + kRecordingHeaderLen);
  Reader ok(header);
  auto h = parse_recording_header(ok);
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(ok.empty());
  Writer w;
  write_recording_header(w, *h);
  EXPECT_EQ(std::move(w).finish().value(), header);
  struct Case {
    size_t at;
    Err want;
  };
  for (const Case c :
       {Case{0, Err::kInvalidValue}, Case{8, Err::kUnsupported}, Case{10, Err::kUnsupported},
        Case{12, Err::kUnsupported}, Case{14, Err::kUnsupported}, Case{15, Err::kUnsupported}}) {
    SCOPED_TRACE(c.at);
    Bytes bad = header;
    bad[c.at] ^= 0x02;
    Reader r(bad);
    auto e = parse_recording_header(r);
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().code, c.want);
  }
}

// verifies: REQ-CLIENT-039
TEST(RecordingFile, ChunkParserEnforcesTheLengthRules) {
  const auto chunk = [](uint8_t is_final, uint32_t length) {
    Writer w;
    w.u8(is_final);
    w.u32(length);
    w.bytes(Bytes(length, 0));
    return std::move(w).finish().value();
  };
  const uint32_t full = kRecordingChunkLen + kRecordingTagLen;
  for (const auto& [bytes, ok] : std::vector<std::pair<Bytes, bool>>{
           {chunk(0, full), true},
           {chunk(0, full - 1), false},
           {chunk(1, full), false},
           {chunk(1, full - 1), true},
           {chunk(1, kRecordingTagLen), true},
           {chunk(1, kRecordingTagLen - 1), false},
           {chunk(1, full + 1), false},
           {chunk(2, 20), false},
       }) {
    Reader r(bytes);
    auto c = parse_recording_chunk(r);
    EXPECT_EQ(c.has_value(), ok);
    if (c.has_value()) {
      Writer w;
      write_recording_chunk(w, *c);
      EXPECT_EQ(std::move(w).finish().value(), bytes);
    } else {
      EXPECT_EQ(c.error().code, Err::kInvalidValue);
    }
  }
}

// verifies: REQ-CLIENT-039
TEST(RecordingFile, KeyFilesAreExactly32Bytes) {
  const hpke::KeyPair key = key_from(1);
  const Bytes pub = hpke::serialize_public_key(key.public_key());
  EXPECT_TRUE(recording_public_key(pub).has_value());
  EXPECT_FALSE(recording_public_key(ByteView(pub).subspan(0, 31)).has_value());
  EXPECT_FALSE(recording_private_key(SecretBytes(31)).has_value());
}

}  // namespace
}  // namespace conclave::client
