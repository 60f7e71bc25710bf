// Tests for crypto/sframe/context.h and key_state.h: tampering, replay,
// unknown KIDs, key usage and CTR exhaustion, in every cipher suite.
#include "crypto/sframe/context.h"

#include <gtest/gtest.h>

#include "crypto/sframe/frame_key.h"
#include "crypto/sframe/limits.h"
#include "sframe_test_util.h"

namespace conclave::sframe {
namespace {

using testing::error_of;
using testing::pattern;

constexpr uint64_t kKid = 0x123;

struct Pair {
  explicit Pair(CipherSuite s) : tx(s), rx(s) {
    const Bytes base = pattern(suite_params(s).nh, 3);
    EXPECT_TRUE(tx.add_key(kKid, base, KeyUsage::kEncrypt).has_value());
    EXPECT_TRUE(rx.add_key(kKid, base, KeyUsage::kDecrypt).has_value());
  }
  Bytes protect(ByteView pt, ByteView md) {
    Bytes out(kMaxHeaderLen + pt.size() + 16);
    auto n = tx.protect(kKid, out, pt, md);
    EXPECT_TRUE(n.has_value());
    out.resize(n.has_value() ? *n : 0);
    return out;
  }
  Context tx;
  Context rx;
};

class SframeContextSuite : public ::testing::TestWithParam<CipherSuite> {};

// verifies: REQ-SFRAME-004
TEST_P(SframeContextSuite, round_trip_with_metadata) {
  Pair p(GetParam());
  const Bytes pt = pattern(100, 1);
  const Bytes md = pattern(20, 9);
  const Bytes frame = p.protect(pt, md);
  EXPECT_EQ(frame.size(), protected_len(GetParam(), Header{kKid, 0}, pt.size()));
  Bytes out(frame.size());
  auto u = p.rx.unprotect(out, frame, md);
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->kid, kKid);
  EXPECT_EQ(u->ctr, 0u);
  out.resize(u->plaintext_len);
  EXPECT_EQ(out, pt);
}

// verifies: REQ-SFRAME-004
TEST_P(SframeContextSuite, tampered_header_ciphertext_tag_or_metadata_fail_authentication) {
  Pair p(GetParam());
  const Bytes pt = pattern(40, 1);
  const Bytes md = pattern(8, 9);
  const Bytes frame = p.protect(pt, md);
  const size_t hlen = header_len(Header{kKid, 0});
  for (size_t i = 0; i < frame.size(); ++i) {
    Bytes bad = frame;
    bad[i] ^= 0x01;
    Bytes out(frame.size());
    auto u = p.rx.unprotect(out, bad, md);
    ASSERT_FALSE(u.has_value()) << i;
    if (i == 0) {
      // Flipping the low CTR bit of the config byte names another CTR of the
      // same key: the AAD and nonce no longer match.
      EXPECT_EQ(u.error().code, Err::kAuthFailed);
    } else if (i < hlen) {
      // A KID byte changed: another (unknown) KID, a non-minimal header, or
      // a failed tag.
      const Err e = u.error().code;
      EXPECT_TRUE(e == Err::kUnknownKeyId || e == Err::kInvalidValue || e == Err::kAuthFailed);
    } else {
      EXPECT_EQ(u.error().code, Err::kAuthFailed) << i;
    }
  }
  Bytes md_bad = md;
  md_bad[3] ^= 0x40;
  Bytes out(frame.size());
  EXPECT_EQ(error_of(p.rx.unprotect(out, frame, md_bad)), Err::kAuthFailed);
  EXPECT_EQ(error_of(p.rx.unprotect(out, frame, ByteView{})), Err::kAuthFailed);
  Bytes truncated(frame.begin(), frame.end() - 1);
  EXPECT_EQ(error_of(p.rx.unprotect(out, truncated, md)), Err::kAuthFailed);
  // None of the failures moved the window: the genuine frame still opens.
  EXPECT_TRUE(p.rx.unprotect(out, frame, md).has_value());
}

INSTANTIATE_TEST_SUITE_P(AllSuites, SframeContextSuite,
                         ::testing::Values(CipherSuite::kAes128CtrHmacSha256_80,
                                           CipherSuite::kAes128CtrHmacSha256_64,
                                           CipherSuite::kAes128CtrHmacSha256_32,
                                           CipherSuite::kAes128GcmSha256_128,
                                           CipherSuite::kAes256GcmSha512_128));

// verifies: REQ-SFRAME-007
TEST(SframeContext, replay_rejected_and_reordering_accepted_once) {
  Pair p(kProfileSuite);
  std::vector<Bytes> frames;
  for (int i = 0; i < 4; ++i) {
    frames.push_back(p.protect(pattern(10, static_cast<uint8_t>(i)), {}));
  }
  Bytes out(64);
  for (size_t i : {2u, 0u, 3u, 1u}) {
    auto u = p.rx.unprotect(out, frames[i], {});
    ASSERT_TRUE(u.has_value()) << i;
    EXPECT_EQ(u->ctr, i);
  }
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(error_of(p.rx.unprotect(out, frames[i], {})), Err::kReplayed) << i;
  }
}

// verifies: REQ-SFRAME-007
TEST(SframeContext, counters_below_the_window_are_rejected) {
  Pair p(kProfileSuite);
  const Bytes old = p.protect(pattern(10, 1), {});
  ASSERT_TRUE(p.tx.advance_counter(kKid, kReplayWindow).has_value());
  const Bytes edge = p.protect(pattern(10, 2), {});  // CTR = kReplayWindow
  Bytes out(64);
  ASSERT_TRUE(p.rx.unprotect(out, edge, {}).has_value());
  EXPECT_EQ(error_of(p.rx.unprotect(out, old, {})), Err::kReplayed);
}

// verifies: REQ-SFRAME-004
TEST(SframeContext, unknown_kid_rejected) {
  Pair p(kProfileSuite);
  Context other(kProfileSuite);
  ASSERT_TRUE(other.add_key(7, pattern(32, 3), KeyUsage::kEncrypt).has_value());
  Bytes frame(64);
  auto n = other.protect(7, frame, pattern(10, 1), {});
  ASSERT_TRUE(n.has_value());
  frame.resize(*n);
  Bytes out(64);
  EXPECT_EQ(error_of(p.rx.unprotect(out, frame, {})), Err::kUnknownKeyId);
  EXPECT_EQ(error_of(p.tx.protect(99, out, pattern(10, 1), {})), Err::kUnknownKeyId);
}

// verifies: REQ-SFRAME-005
TEST(SframeContext, a_key_encrypts_or_decrypts_never_both) {
  Pair p(kProfileSuite);
  const Bytes frame = p.protect(pattern(10, 1), {});
  Bytes out(64);
  // The sender's own context has no decryption key for its KID.
  EXPECT_EQ(error_of(p.tx.unprotect(out, frame, {})), Err::kUnknownKeyId);
  EXPECT_EQ(error_of(p.rx.protect(kKid, out, pattern(10, 1), {})), Err::kUnknownKeyId);
  // A KID gets one key; adding another (which would restart its CTR) fails.
  EXPECT_EQ(error_of(p.tx.add_key(kKid, pattern(32, 3), KeyUsage::kDecrypt)),
            Err::kInvalidArgument);
  EXPECT_EQ(error_of(p.tx.add_key(kKid, pattern(32, 3), KeyUsage::kEncrypt)),
            Err::kInvalidArgument);
}

// verifies: REQ-SFRAME-005, REQ-SFRAME-006
TEST(SframeContext, counter_exhaustion_is_refused_and_counters_never_go_back) {
  Pair p(kProfileSuite);
  Bytes out(64);
  ASSERT_TRUE(p.tx.advance_counter(kKid, kMaxCounter).has_value());
  EXPECT_EQ(error_of(p.tx.advance_counter(kKid, kMaxCounter - 1)), Err::kInvalidArgument);
  auto last = p.tx.protect(kKid, out, pattern(10, 1), {});
  ASSERT_TRUE(last.has_value());
  auto f = parse_frame(ByteView(out).first(*last));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->header.ctr, kMaxCounter);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(error_of(p.tx.protect(kKid, out, pattern(10, 1), {})), Err::kSequenceExhausted);
  }
  EXPECT_EQ(error_of(p.tx.advance_counter(kKid, kMaxCounter + 2)), Err::kInvalidArgument);
}

// verifies: REQ-SFRAME-006
TEST(SframeContext, receiver_rejects_counters_above_the_limit) {
  // A frame with CTR kMaxCounter + 1 cannot come from a conforming sender;
  // the receiver rejects it before any cryptography.
  Pair p(kProfileSuite);
  Writer w;
  write_header(w, Header{kKid, kMaxCounter + 1});
  Bytes frame = std::move(w).finish().value();
  frame.resize(frame.size() + 16);
  Bytes out(64);
  EXPECT_EQ(error_of(p.rx.unprotect(out, frame, {})), Err::kInvalidValue);
}

// verifies: REQ-SFRAME-004
TEST(SframeContext, usage_errors_do_not_consume_a_counter) {
  Pair p(kProfileSuite);
  Bytes small(10);
  EXPECT_EQ(error_of(p.tx.protect(kKid, small, pattern(10, 1), {})), Err::kBufferTooSmall);
  const Bytes big_md(kMaxMetadataLen + 1);
  Bytes out(64);
  EXPECT_EQ(error_of(p.tx.protect(kKid, out, pattern(10, 1), big_md)), Err::kInvalidArgument);
  const Bytes frame = p.protect(pattern(10, 1), {});
  auto f = parse_frame(frame);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->header.ctr, 0u);
}

}  // namespace
}  // namespace conclave::sframe
