// Tests for crypto/hpke/hpke.h: round trips in every mode for both KEMs,
// authentication failures, mode-input checks and sequence exhaustion.
// tests/kat checks the same code against all RFC 9180 vectors.
#include "crypto/hpke/hpke.h"

#include <gtest/gtest.h>

#include <array>
#include <iterator>
#include <limits>
#include <string>

#include "../crypto_test_util.h"

namespace conclave::crypto::hpke {

// ContextTestAccess is the test-only door into a context: it moves the
// sequence number to the edge of its range, which no caller could reach
// by sealing 2^64 messages. Production code never defines this class.
class ContextTestAccess {
 public:
  static void set_sequence(SenderContext& c, uint64_t seq) { c.state_.seq = seq; }
  static void set_sequence(RecipientContext& c, uint64_t seq) { c.state_.seq = seq; }
};

namespace {

using testing::error_of;
using testing::hex;

constexpr Suite kSuites[] = {
    {KemId::kDhkemX25519HkdfSha256, KdfId::kHkdfSha256, AeadId::kAes128Gcm},
    {KemId::kDhkemP256HkdfSha256, KdfId::kHkdfSha256, AeadId::kAes128Gcm},
};
constexpr Mode kModes[] = {Mode::kBase, Mode::kPsk, Mode::kAuth, Mode::kAuthPsk};

const Bytes kInfo = hex("436f6e636c61766520746573742069");
const Bytes kPsk = Bytes(32, 0x42);
const Bytes kPskId = hex("70736b2d6964");

bool uses_psk(Mode m) { return m == Mode::kPsk || m == Mode::kAuthPsk; }
bool uses_auth(Mode m) { return m == Mode::kAuth || m == Mode::kAuthPsk; }

// Parties holds the long-term keys of one test.
struct Parties {
  KeyPair recipient;
  KeyPair sender;

  static Parties make(KemId kem) {
    auto r = generate_key_pair(kem);
    auto s = generate_key_pair(kem);
    CONCLAVE_ASSERT(r.has_value() && s.has_value());
    return Parties{std::move(r).value(), std::move(s).value()};
  }

  SenderModeInputs sender_inputs(Mode m) const {
    return {m, uses_psk(m) ? ByteView(kPsk) : ByteView(),
            uses_psk(m) ? ByteView(kPskId) : ByteView(), uses_auth(m) ? &sender : nullptr};
  }
  RecipientModeInputs recipient_inputs(Mode m) const {
    return {m, uses_psk(m) ? ByteView(kPsk) : ByteView(),
            uses_psk(m) ? ByteView(kPskId) : ByteView(),
            uses_auth(m) ? &sender.public_key() : nullptr};
  }
};

std::string name(const Suite& s, Mode m) {
  return std::string(to_string(s.kem)) + " " + to_string(m);
}

// verifies: REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_007_every_mode_round_trips_with_both_kems) {
  for (const Suite& suite : kSuites) {
    const Parties p = Parties::make(suite.kem);
    for (Mode mode : kModes) {
      SCOPED_TRACE(name(suite, mode));
      auto s = setup_sender(suite, p.recipient.public_key(), kInfo, p.sender_inputs(mode));
      ASSERT_TRUE(s.has_value());
      EXPECT_EQ(s->enc.size(), kem_enc_len(suite.kem));
      auto r = setup_recipient(suite, s->enc, p.recipient, kInfo, p.recipient_inputs(mode));
      ASSERT_TRUE(r.has_value());
      for (int i = 0; i < 3; ++i) {
        const Bytes pt(static_cast<size_t>(10 * i), static_cast<uint8_t>(i));
        const Bytes aad = {static_cast<uint8_t>(i)};
        auto ct = s->context.seal(aad, pt);
        ASSERT_TRUE(ct.has_value());
        EXPECT_EQ(ct->size(), pt.size() + aead_nt(suite.aead));
        auto back = r->open(aad, *ct);
        ASSERT_TRUE(back.has_value());
        EXPECT_TRUE(equal(back->view(), pt));
      }
      EXPECT_EQ(s->context.sequence(), 3u);
      EXPECT_EQ(r->sequence(), 3u);
      auto e1 = s->context.export_secret(as_bytes("ctx"), 42);
      auto e2 = r->export_secret(as_bytes("ctx"), 42);
      ASSERT_TRUE(e1.has_value() && e2.has_value());
      EXPECT_EQ(e1->size(), 42u);
      EXPECT_TRUE(e1->ct_equal(*e2));
    }
  }
}

// verifies: REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_007_single_shot_seal_and_open) {
  for (const Suite& suite : kSuites) {
    SCOPED_TRACE(to_string(suite.kem));
    const Parties p = Parties::make(suite.kem);
    auto sealed = seal(suite, p.recipient.public_key(), kInfo, as_bytes("aad"), as_bytes("hello"));
    ASSERT_TRUE(sealed.has_value());
    auto pt = open(suite, sealed->enc, p.recipient, kInfo, as_bytes("aad"), sealed->ciphertext);
    ASSERT_TRUE(pt.has_value());
    EXPECT_TRUE(equal(pt->view(), as_bytes("hello")));
  }
}

// verifies: REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_007_each_setup_uses_a_fresh_ephemeral_key) {
  const Suite& suite = kSuites[1];
  const Parties p = Parties::make(suite.kem);
  auto a = setup_sender(suite, p.recipient.public_key(), kInfo);
  auto b = setup_sender(suite, p.recipient.public_key(), kInfo);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(a->enc, b->enc);
}

// verifies: REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_007_tampered_ciphertext_is_rejected) {
  for (const Suite& suite : kSuites) {
    SCOPED_TRACE(to_string(suite.kem));
    const Parties p = Parties::make(suite.kem);
    auto sealed = seal(suite, p.recipient.public_key(), kInfo, {}, as_bytes("secret"));
    ASSERT_TRUE(sealed.has_value());
    for (size_t i = 0; i < sealed->ciphertext.size(); ++i) {
      Bytes bad = sealed->ciphertext;
      bad[i] ^= 0x01;
      SCOPED_TRACE(i);
      EXPECT_EQ(error_of(open(suite, sealed->enc, p.recipient, kInfo, {}, bad)), Err::kAuthFailed);
    }
    EXPECT_EQ(error_of(open(suite, sealed->enc, p.recipient, kInfo, {}, {})), Err::kAuthFailed);
  }
}

// verifies: REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_007_wrong_key_info_aad_or_enc_is_rejected) {
  for (const Suite& suite : kSuites) {
    SCOPED_TRACE(to_string(suite.kem));
    const Parties p = Parties::make(suite.kem);
    auto sealed = seal(suite, p.recipient.public_key(), kInfo, as_bytes("a"), as_bytes("secret"));
    ASSERT_TRUE(sealed.has_value());
    // The sender's key pair is a valid recipient key, just not this one.
    EXPECT_EQ(
        error_of(open(suite, sealed->enc, p.sender, kInfo, as_bytes("a"), sealed->ciphertext)),
        Err::kAuthFailed);
    EXPECT_EQ(error_of(open(suite, sealed->enc, p.recipient, as_bytes("other info"), as_bytes("a"),
                            sealed->ciphertext)),
              Err::kAuthFailed);
    EXPECT_EQ(
        error_of(open(suite, sealed->enc, p.recipient, kInfo, as_bytes("b"), sealed->ciphertext)),
        Err::kAuthFailed);
    // Another valid enc: a different shared secret.
    const Bytes other_enc = serialize_public_key(p.sender.public_key());
    EXPECT_EQ(
        error_of(open(suite, other_enc, p.recipient, kInfo, as_bytes("a"), sealed->ciphertext)),
        Err::kAuthFailed);
  }
}

// verifies: REQ-CRYPTO-006, REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_006_malformed_enc_is_rejected) {
  for (const Suite& suite : kSuites) {
    SCOPED_TRACE(to_string(suite.kem));
    const Parties p = Parties::make(suite.kem);
    auto sealed = seal(suite, p.recipient.public_key(), kInfo, {}, as_bytes("secret"));
    ASSERT_TRUE(sealed.has_value());
    Bytes longer = sealed->enc;
    longer.push_back(0);
    EXPECT_EQ(error_of(open(suite, longer, p.recipient, kInfo, {}, sealed->ciphertext)),
              Err::kInvalidPublicKey);
    EXPECT_EQ(error_of(open(suite, ByteView(sealed->enc).first(sealed->enc.size() - 1), p.recipient,
                            kInfo, {}, sealed->ciphertext)),
              Err::kInvalidPublicKey);
  }
}

// verifies: REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_007_psk_and_sender_key_must_match) {
  for (const Suite& suite : kSuites) {
    SCOPED_TRACE(to_string(suite.kem));
    const Parties p = Parties::make(suite.kem);
    const Parties q = Parties::make(suite.kem);
    {  // psk mode with another PSK
      auto s = setup_sender(suite, p.recipient.public_key(), kInfo, p.sender_inputs(Mode::kPsk));
      ASSERT_TRUE(s.has_value());
      auto ct = s->context.seal({}, as_bytes("m"));
      ASSERT_TRUE(ct.has_value());
      const Bytes other_psk(32, 0x43);
      auto r = setup_recipient(suite, s->enc, p.recipient, kInfo,
                               {Mode::kPsk, other_psk, kPskId, nullptr});
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(error_of(r->open({}, *ct)), Err::kAuthFailed);
      auto r2 = setup_recipient(suite, s->enc, p.recipient, kInfo,
                                {Mode::kPsk, kPsk, as_bytes("other id"), nullptr});
      ASSERT_TRUE(r2.has_value());
      EXPECT_EQ(error_of(r2->open({}, *ct)), Err::kAuthFailed);
    }
    {  // auth mode, recipient expects another sender
      auto s = setup_sender(suite, p.recipient.public_key(), kInfo, p.sender_inputs(Mode::kAuth));
      ASSERT_TRUE(s.has_value());
      auto ct = s->context.seal({}, as_bytes("m"));
      ASSERT_TRUE(ct.has_value());
      auto r = setup_recipient(suite, s->enc, p.recipient, kInfo,
                               {Mode::kAuth, {}, {}, &q.sender.public_key()});
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(error_of(r->open({}, *ct)), Err::kAuthFailed);
    }
    {  // the same enc opened in base mode instead of auth mode
      auto s = setup_sender(suite, p.recipient.public_key(), kInfo, p.sender_inputs(Mode::kAuth));
      ASSERT_TRUE(s.has_value());
      auto ct = s->context.seal({}, as_bytes("m"));
      ASSERT_TRUE(ct.has_value());
      auto r = setup_recipient(suite, s->enc, p.recipient, kInfo);
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(error_of(r->open({}, *ct)), Err::kAuthFailed);
    }
  }
}

// verifies: REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_007_inconsistent_mode_inputs_are_refused) {
  const Suite& suite = kSuites[0];
  const Parties p = Parties::make(suite.kem);
  const PublicKey& pk = p.recipient.public_key();
  const Bytes short_psk(31, 1);
  const SenderModeInputs bad[] = {
      {Mode::kBase, kPsk, kPskId, nullptr},      // PSK given when not needed
      {Mode::kPsk, {}, {}, nullptr},             // PSK missing
      {Mode::kPsk, kPsk, {}, nullptr},           // psk without psk_id
      {Mode::kPsk, {}, kPskId, nullptr},         // psk_id without psk
      {Mode::kPsk, short_psk, kPskId, nullptr},  // PSK below 32 bytes
      {Mode::kAuth, {}, {}, nullptr},            // auth without a sender key
      {Mode::kBase, {}, {}, &p.sender},          // sender key outside auth modes
      {Mode::kAuthPsk, {}, {}, &p.sender},       // auth_psk without PSK
      {Mode::kAuthPsk, kPsk, kPskId, nullptr},   // auth_psk without a sender key
  };
  for (size_t i = 0; i < std::size(bad); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(error_of(setup_sender(suite, pk, kInfo, bad[i])), Err::kInvalidArgument);
  }
  const Bytes enc(32, 9);
  EXPECT_EQ(
      error_of(setup_recipient(suite, enc, p.recipient, kInfo, {Mode::kAuth, {}, {}, nullptr})),
      Err::kInvalidArgument);
  EXPECT_EQ(
      error_of(setup_recipient(suite, enc, p.recipient, kInfo, {Mode::kPsk, kPsk, {}, nullptr})),
      Err::kInvalidArgument);
}

// verifies: REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_007_keys_of_another_kem_are_refused) {
  const Parties x = Parties::make(KemId::kDhkemX25519HkdfSha256);
  EXPECT_EQ(error_of(setup_sender(kSuites[1], x.recipient.public_key(), kInfo)),
            Err::kInvalidArgument);
  EXPECT_EQ(error_of(setup_recipient(kSuites[1], Bytes(65, 4), x.recipient, kInfo)),
            Err::kInvalidArgument);
}

// verifies: REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_007_messages_open_only_in_order) {
  const Suite& suite = kSuites[1];
  const Parties p = Parties::make(suite.kem);
  auto s = setup_sender(suite, p.recipient.public_key(), kInfo);
  ASSERT_TRUE(s.has_value());
  auto r = setup_recipient(suite, s->enc, p.recipient, kInfo);
  ASSERT_TRUE(r.has_value());
  auto c0 = s->context.seal({}, as_bytes("zero"));
  auto c1 = s->context.seal({}, as_bytes("one"));
  ASSERT_TRUE(c0.has_value() && c1.has_value());
  // c1 under sequence number 0 fails and does not advance the context.
  EXPECT_EQ(error_of(r->open({}, *c1)), Err::kAuthFailed);
  EXPECT_EQ(r->sequence(), 0u);
  EXPECT_TRUE(r->open({}, *c0).has_value());
  EXPECT_TRUE(r->open({}, *c1).has_value());
}

// verifies: REQ-CRYPTO-008
TEST(Hpke, REQ_CRYPTO_008_sequence_overflow_is_refused) {
  for (const Suite& suite : kSuites) {
    SCOPED_TRACE(to_string(suite.kem));
    const Parties p = Parties::make(suite.kem);
    auto s = setup_sender(suite, p.recipient.public_key(), kInfo);
    ASSERT_TRUE(s.has_value());
    auto r = setup_recipient(suite, s->enc, p.recipient, kInfo);
    ASSERT_TRUE(r.has_value());
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    ContextTestAccess::set_sequence(s->context, kMax - 1);
    ContextTestAccess::set_sequence(*r, kMax - 1);
    // The last usable sequence number still works on both sides.
    auto last = s->context.seal({}, as_bytes("last"));
    ASSERT_TRUE(last.has_value());
    auto opened = r->open({}, *last);
    ASSERT_TRUE(opened.has_value());
    EXPECT_TRUE(equal(opened->view(), as_bytes("last")));
    EXPECT_EQ(s->context.sequence(), kMax);
    // Now the sequence number cannot advance: both sides refuse, and keep
    // refusing; the sender encrypts nothing.
    EXPECT_EQ(error_of(s->context.seal({}, as_bytes("more"))), Err::kSequenceExhausted);
    EXPECT_EQ(error_of(s->context.seal({}, as_bytes("more"))), Err::kSequenceExhausted);
    Bytes out(4 + 16, 0xaa);
    EXPECT_EQ(error_of(s->context.seal(out, {}, as_bytes("more"))), Err::kSequenceExhausted);
    EXPECT_EQ(out, Bytes(4 + 16, 0xaa));
    EXPECT_EQ(error_of(r->open({}, *last)), Err::kSequenceExhausted);
    EXPECT_EQ(s->context.sequence(), kMax);
    EXPECT_EQ(r->sequence(), kMax);
    // Export does not use the sequence number and still works.
    EXPECT_TRUE(s->context.export_secret({}, 32).has_value());
  }
}

// verifies: REQ-CRYPTO-007
TEST(Hpke, REQ_CRYPTO_007_export_length_is_bounded) {
  const Suite& suite = kSuites[0];
  const Parties p = Parties::make(suite.kem);
  auto s = setup_sender(suite, p.recipient.public_key(), kInfo);
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->context.export_secret({}, 255 * 32).has_value());
  EXPECT_EQ(error_of(s->context.export_secret({}, 255 * 32 + 1)), Err::kInvalidArgument);
}

TEST(Hpke, context_buffers_round_trip_without_allocation_by_the_caller) {
  const Suite& suite = kSuites[1];
  const Parties p = Parties::make(suite.kem);
  auto s = setup_sender(suite, p.recipient.public_key(), kInfo);
  ASSERT_TRUE(s.has_value());
  auto r = setup_recipient(suite, s->enc, p.recipient, kInfo);
  ASSERT_TRUE(r.has_value());
  std::array<uint8_t, 5 + 16> ct{};
  auto n = s->context.seal(ct, {}, as_bytes("media"));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, ct.size());
  std::array<uint8_t, 5> pt{};
  auto m = r->open(pt, {}, ct);
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE(equal(pt, as_bytes("media")));
}

TEST(Hpke, suite_from_wire) {
  EXPECT_TRUE(suite_from_wire(0x0010, 0x0001, 0x0001).has_value());
  EXPECT_TRUE(suite_from_wire(0x0020, 0x0001, 0x0001).has_value());
  EXPECT_EQ(error_of(suite_from_wire(0x0011, 0x0001, 0x0001)), Err::kUnsupported);
  EXPECT_EQ(error_of(suite_from_wire(0x0020, 0x0003, 0x0001)), Err::kUnsupported);
  EXPECT_EQ(error_of(suite_from_wire(0x0020, 0x0001, 0x0003)), Err::kUnsupported);
  EXPECT_EQ(error_of(suite_from_wire(0x0020, 0x0001, 0xffff)), Err::kUnsupported);
  EXPECT_EQ(error_of(mode_from_wire(4)), Err::kUnsupported);
}

}  // namespace
}  // namespace conclave::crypto::hpke
