// Tests for crypto/sframe/mls_context.h: the MLS KID layout, unknown senders
// and epochs, the epoch switch and its grace period, and key deletion.
#include "crypto/sframe/mls_context.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "crypto/sframe/context.h"
#include "crypto/sframe/frame_key.h"
#include "sframe_test_util.h"

namespace conclave::sframe {
namespace {

using testing::error_of;
using testing::pattern;
using testing::secret;

constexpr std::array<uint32_t, 3> kMembers = {0, 1, 5};

std::unique_ptr<MlsContext> make(unsigned e = kDefaultEpochBits) {
  auto c = MlsContext::create(MlsConfig{kProfileSuite, e});
  CONCLAVE_ASSERT(c.has_value());
  return std::move(c).value();
}

// epoch_secret stands in for the MLS exporter output of `epoch`.
SecretBytes epoch_secret(uint64_t epoch) { return secret(16, static_cast<uint8_t>(epoch * 13)); }

void install(MlsContext& c, uint64_t epoch, uint32_t own, uint64_t now) {
  ASSERT_TRUE(c.install_epoch(epoch, epoch_secret(epoch), own, kMembers, now).has_value());
}

Bytes protect(MlsContext& c, uint8_t seed) {
  Bytes out(64);
  auto n = c.protect(out, pattern(16, seed), {});
  CONCLAVE_ASSERT(n.has_value());
  out.resize(*n);
  return out;
}

Result<MlsUnprotected> open(MlsContext& c, ByteView frame, uint64_t now) {
  Bytes out(frame.size());
  return c.unprotect(out, frame, {}, now);
}

// verifies: REQ-SFRAME-008
TEST(SframeMls, keys_are_rfc9605_section_5_2_keys) {
  // A frame from leaf 5 in epoch 7 opens in a plain RFC 9605 context that
  // holds only base_key = the exporter output, keyed by KID (§4.4.2): the
  // MLS layer adds nothing of its own to the derivation.
  auto sender = make();
  install(*sender, 7, 5, 0);
  const Bytes frame = protect(*sender, 9);
  Context plain(kProfileSuite);
  const SecretBytes base = epoch_secret(7);
  ASSERT_TRUE(plain.add_key(sender->kid(5, 7), base.view(), KeyUsage::kDecrypt).has_value());
  Bytes out(frame.size());
  auto opened = plain.unprotect(out, frame, {});
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->kid, 0x57u);
}

// verifies: REQ-SFRAME-008
TEST(SframeMls, kid_is_leaf_above_low_epoch_bits) {
  auto c = make(4);
  EXPECT_EQ(c->kid(3, 14), 0x3eu);
  EXPECT_EQ(c->kid(20, 14), 0x14eu);
  EXPECT_EQ(c->kid(33, 17), 0x211u);
  auto c8 = make(8);
  EXPECT_EQ(c8->kid(1, 0x1ff), 0x1ffu);
  EXPECT_EQ(error_of(MlsContext::create(MlsConfig{kProfileSuite, 0})), Err::kInvalidArgument);
  EXPECT_EQ(error_of(MlsContext::create(MlsConfig{kProfileSuite, kMaxEpochBits + 1})),
            Err::kInvalidArgument);
}

// verifies: REQ-SFRAME-008
TEST(SframeMls, frames_carry_the_sender_kid_and_open_at_every_member) {
  auto a = make();
  auto b = make();
  auto d = make();
  install(*a, 7, 0, 0);
  install(*b, 7, 1, 0);
  install(*d, 7, 5, 0);
  const Bytes frame = protect(*a, 1);
  auto f = parse_frame(frame);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->header.kid, a->kid(0, 7));
  for (MlsContext* rx : {b.get(), d.get()}) {
    auto u = open(*rx, frame, 0);
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->sender, 0u);
    EXPECT_EQ(u->epoch, 7u);
    EXPECT_EQ(u->ctr, 0u);
  }
}

// verifies: REQ-SFRAME-008
TEST(SframeMls, exporter_is_asked_for_the_profile_label_and_length) {
  auto c = make();
  std::string label;
  size_t length = 0;
  size_t context_len = 1;
  const Exporter exporter = [&](std::string_view l, ByteView ctx, size_t n) -> Result<SecretBytes> {
    label = l;
    length = n;
    context_len = ctx.size();
    return epoch_secret(3);
  };
  ASSERT_TRUE(c->install_epoch(3, exporter, 0, kMembers, 0).has_value());
  EXPECT_EQ(label, "SFrame 1.0 Base Key");
  EXPECT_EQ(length, 16u);  // AEAD.Nk of AES_128_GCM_SHA256_128
  EXPECT_EQ(context_len, 0u);
  // The same secret given as bytes yields the same keys.
  auto rx = make();
  ASSERT_TRUE(rx->install_epoch(3, epoch_secret(3), 1, kMembers, 0).has_value());
  EXPECT_TRUE(open(*rx, protect(*c, 2), 0).has_value());
  // An exporter failure installs nothing.
  const Exporter failing = [](std::string_view, ByteView, size_t) -> Result<SecretBytes> {
    return Err::kCryptoInternal;
  };
  EXPECT_EQ(error_of(c->install_epoch(4, failing, 0, kMembers, 0)), Err::kCryptoInternal);
  EXPECT_TRUE(open(*rx, protect(*c, 3), 0).has_value());
}

// verifies: REQ-SFRAME-009
TEST(SframeMls, unknown_sender_epoch_or_own_kid_rejected) {
  auto a = make();
  auto b = make();
  install(*a, 7, 0, 0);
  install(*b, 7, 1, 0);
  // Our own frames reflected back are not accepted.
  EXPECT_EQ(error_of(open(*a, protect(*a, 1), 0)), Err::kUnknownKeyId);
  // A leaf outside the roster: a non-member with its own keys for leaf 2.
  const std::array<uint32_t, 4> bigger = {0, 1, 2, 5};
  auto stranger = make();
  ASSERT_TRUE(stranger->install_epoch(7, epoch_secret(7), 2, bigger, 0).has_value());
  EXPECT_EQ(error_of(open(*b, protect(*stranger, 1), 0)), Err::kUnknownKeyId);
  // An epoch not held (8 has other low bits than 7).
  auto future = make();
  install(*future, 8, 0, 0);
  EXPECT_EQ(error_of(open(*b, protect(*future, 1), 0)), Err::kUnknownKeyId);
  // Nothing installed at all.
  auto empty = make();
  EXPECT_EQ(error_of(open(*empty, protect(*a, 2), 0)), Err::kUnknownKeyId);
  Bytes out(64);
  EXPECT_EQ(error_of(empty->protect(out, pattern(4, 1), {})), Err::kUnknownKeyId);
}

// verifies: REQ-SFRAME-007
TEST(SframeMls, per_sender_replay_window) {
  auto a = make();
  auto b = make();
  install(*a, 1, 0, 0);
  install(*b, 1, 1, 0);
  const Bytes f0 = protect(*a, 1);
  const Bytes f1 = protect(*a, 2);
  const Bytes f2 = protect(*a, 3);
  ASSERT_TRUE(open(*b, f2, 0).has_value());
  ASSERT_TRUE(open(*b, f0, 0).has_value());
  EXPECT_EQ(error_of(open(*b, f0, 0)), Err::kReplayed);
  ASSERT_TRUE(open(*b, f1, 0).has_value());
  EXPECT_EQ(error_of(open(*b, f1, 0)), Err::kReplayed);
  EXPECT_EQ(error_of(open(*b, f2, 0)), Err::kReplayed);
  ASSERT_TRUE(a->advance_counter(2 + kReplayWindow + 1).has_value());
  ASSERT_TRUE(open(*b, protect(*a, 4), 0).has_value());
  const Bytes late = f1;  // already seen, and now below the window anyway
  EXPECT_EQ(error_of(open(*b, late, 0)), Err::kReplayed);
}

// verifies: REQ-SFRAME-010, REQ-SFRAME-011
TEST(SframeMls, previous_epoch_opens_within_the_time_bound_only) {
  auto a = make();
  auto b = make();
  install(*a, 1, 0, 0);
  install(*b, 1, 1, 0);
  const Bytes old1 = protect(*a, 1);
  const Bytes old2 = protect(*a, 2);
  const Bytes old3 = protect(*a, 3);
  install(*a, 2, 0, 1000);
  install(*b, 2, 1, 1000);
  // The sender now uses the new epoch.
  auto f = parse_frame(protect(*a, 4));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->header.kid, a->kid(0, 2));
  // A late frame of epoch 1 opens within the grace period...
  auto u = open(*b, old1, 1000 + kEpochGraceMillis - 1);
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->epoch, 1u);
  // ...and the expire timer does nothing yet...
  b->expire(1000 + kEpochGraceMillis - 1);
  EXPECT_TRUE(b->has_previous_epoch());
  EXPECT_TRUE(open(*b, old2, 1000 + kEpochGraceMillis - 1).has_value());
  // ...but not once it has ended; the keys are gone.
  EXPECT_EQ(error_of(open(*b, old3, 1000 + kEpochGraceMillis)), Err::kUnknownKeyId);
  EXPECT_FALSE(b->has_previous_epoch());
}

// verifies: REQ-SFRAME-011
TEST(SframeMls, expire_deletes_the_previous_epoch) {
  auto a = make();
  auto b = make();
  install(*a, 1, 0, 0);
  install(*b, 1, 1, 0);
  const Bytes old = protect(*a, 1);
  install(*b, 2, 1, 50);
  b->expire(50 + kEpochGraceMillis);
  EXPECT_FALSE(b->has_previous_epoch());
  EXPECT_EQ(error_of(open(*b, old, 50)), Err::kUnknownKeyId);
}

// verifies: REQ-SFRAME-011
TEST(SframeMls, previous_epoch_opens_at_most_the_frame_bound_per_sender) {
  auto a = make();
  auto b = make();
  install(*a, 1, 0, 0);
  install(*b, 1, 1, 0);
  std::vector<Bytes> old;
  for (uint32_t i = 0; i <= kEpochGraceFrames; ++i) {
    old.push_back(protect(*a, static_cast<uint8_t>(i)));
  }
  install(*b, 2, 1, 0);
  for (uint32_t i = 0; i < kEpochGraceFrames; ++i) {
    ASSERT_TRUE(open(*b, old[i], 1).has_value()) << i;
  }
  EXPECT_EQ(error_of(open(*b, old[kEpochGraceFrames], 1)), Err::kUnknownKeyId);
}

// verifies: REQ-SFRAME-010
TEST(SframeMls, only_two_epochs_are_held) {
  auto a = make();
  auto b = make();
  install(*a, 1, 0, 0);
  install(*b, 1, 1, 0);
  const Bytes e1 = protect(*a, 1);
  install(*a, 2, 0, 0);
  install(*b, 2, 1, 0);
  const Bytes e2 = protect(*a, 2);
  install(*b, 3, 1, 0);
  EXPECT_EQ(error_of(open(*b, e1, 0)), Err::kUnknownKeyId);
  EXPECT_TRUE(open(*b, e2, 0).has_value());
}

// verifies: REQ-SFRAME-010
TEST(SframeMls, new_epoch_with_the_same_low_bits_evicts_the_old_one_at_once) {
  auto a = make(4);
  auto b = make(4);
  install(*a, 1, 0, 0);
  install(*b, 1, 1, 0);
  const Bytes old = protect(*a, 1);
  install(*b, 17, 1, 0);  // 17 mod 16 == 1 mod 16
  EXPECT_FALSE(b->has_previous_epoch());
  // The old frame's KID now names epoch 17, whose key does not open it.
  EXPECT_EQ(error_of(open(*b, old, 0)), Err::kAuthFailed);
}

// verifies: REQ-SFRAME-010
TEST(SframeMls, install_checks_its_inputs_and_changes_nothing_on_error) {
  auto a = make();
  auto b = make();
  install(*a, 5, 0, 0);
  install(*b, 5, 1, 0);
  const std::array<uint32_t, 3> dup = {0, 1, 1};
  const std::array<uint32_t, 2> without_own = {0, 5};
  EXPECT_EQ(error_of(b->install_epoch(6, epoch_secret(6), 1, dup, 0)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(b->install_epoch(6, epoch_secret(6), 1, without_own, 0)),
            Err::kInvalidArgument);
  EXPECT_EQ(error_of(b->install_epoch(6, secret(32, 1), 1, kMembers, 0)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(b->install_epoch(5, epoch_secret(5), 1, kMembers, 0)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(b->install_epoch(4, epoch_secret(4), 1, kMembers, 0)), Err::kInvalidArgument);
  EXPECT_FALSE(b->has_previous_epoch());
  EXPECT_TRUE(open(*b, protect(*a, 1), 0).has_value());
}

// verifies: REQ-SFRAME-006
TEST(SframeMls, counter_exhaustion_needs_a_new_epoch) {
  auto a = make();
  auto b = make();
  install(*a, 1, 0, 0);
  install(*b, 1, 1, 0);
  ASSERT_TRUE(a->advance_counter(kMaxCounter).has_value());
  const Bytes last = protect(*a, 1);
  Bytes out(64);
  EXPECT_EQ(error_of(a->protect(out, pattern(4, 1), {})), Err::kSequenceExhausted);
  EXPECT_TRUE(open(*b, last, 0).has_value());
  install(*a, 2, 0, 0);
  EXPECT_TRUE(a->protect(out, pattern(4, 1), {}).has_value());
}

// verifies: REQ-SFRAME-004
TEST(SframeMls, tampering_fails_authentication_and_leaves_state_alone) {
  auto a = make();
  auto b = make();
  install(*a, 1, 0, 0);
  install(*b, 1, 1, 0);
  const Bytes frame = protect(*a, 1);
  const size_t hlen = header_len(Header{a->kid(0, 1), 0});
  for (size_t i = hlen; i < frame.size(); ++i) {
    Bytes bad = frame;
    bad[i] ^= 0x10;
    EXPECT_EQ(error_of(open(*b, bad, 0)), Err::kAuthFailed) << i;
  }
  Bytes out(64);
  EXPECT_EQ(error_of(b->unprotect(out, frame, pattern(3, 3), 0)), Err::kAuthFailed);
  EXPECT_TRUE(open(*b, frame, 0).has_value());
}

}  // namespace
}  // namespace conclave::sframe
