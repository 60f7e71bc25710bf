// Tests for crypto/mls/message_protection.h: PublicMessage and
// PrivateMessage protection round trips in both suites, every
// authentication failure as kAuthFailed, group and epoch checks as protocol
// errors, Conclave's handshake policy, padding, the reuse guard, and the
// secret tree left untouched by every refused message (a forged message
// never burns the genuine one's key; a replay is refused). tests/kat runs
// the official message-protection vectors.
#include "crypto/mls/message_protection.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "../crypto_test_util.h"
#include "crypto/aead.h"
#include "crypto/signature.h"

namespace conclave::mls {
namespace {

using crypto::testing::error_of;

const CipherSuite kSuite1(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
const CipherSuite kSuite2(CipherSuiteId::kP256Aes128GcmSha256P256);
constexpr uint32_t kLeaves = 4;

SecretBytes filled(uint8_t fill, size_t len) {
  SecretBytes s(len);
  for (uint8_t& b : s.mutable_view()) {
    b = fill;
  }
  return s;
}

// Group is one epoch of a four-leaf group in which leaves 0-2 are members
// and leaf 3 is blank.
struct Group {
  explicit Group(const CipherSuite& s) : suite(s) {
    context.cipher_suite = suite.wire_value();
    context.group_id = {0x67, 0x72, 0x6f, 0x75, 0x70};
    context.epoch = 7;
    context.tree_hash = Bytes(suite.nh(), 0x11);
    context.confirmed_transcript_hash = Bytes(suite.nh(), 0x22);
    membership_key = filled(0x33, suite.nh());
    sender_data_secret = filled(0x44, suite.nh());
    for (uint32_t i = 0; i < kLeaves; ++i) {
      auto kp = crypto::generate_signature_key_pair(suite.signature_scheme());
      CONCLAVE_ASSERT(kp.has_value());
      keys.push_back(std::move(kp).value());
    }
  }

  SecretTree tree() const {
    auto t =
        SecretTree::create(suite, *TreeSize::from_leaf_count(kLeaves), filled(0x55, suite.nh()));
    CONCLAVE_ASSERT(t.has_value());
    return std::move(t).value();
  }

  SignatureKeyLookup lookup() const {
    return [this](const FramedContent& c) -> Result<Bytes> {
      if (c.sender.sender_type != SenderType::kMember || c.sender.index >= kLeaves) {
        return Error(Err::kProtocol, "unknown sender");
      }
      return keys[c.sender.index].public_key;
    };
  }

  IsMember members() const {
    return [](LeafIndex leaf) { return leaf.value() < 3; };
  }

  FramedContent content(uint32_t leaf, Content body) const {
    FramedContent f;
    f.group_id = context.group_id;
    f.epoch = context.epoch;
    f.sender = Sender{SenderType::kMember, leaf};
    f.authenticated_data = {0xad};
    f.content = std::move(body);
    return f;
  }

  Result<PublicMessage> protect_public(uint32_t leaf, Content body, ByteView tag = {}) const {
    return protect_public_message(suite, context, membership_key, keys[leaf].private_key,
                                  content(leaf, std::move(body)), tag);
  }
  Result<AuthenticatedContent> unprotect_public(const PublicMessage& m) const {
    return unprotect_public_message(suite, context, membership_key, m, lookup());
  }
  Result<PrivateMessage> protect_private(SecretTree& t, uint32_t leaf, Content body,
                                         PaddingPolicy padding = {},
                                         HandshakePolicy policy = HandshakePolicy::kConclave,
                                         ByteView tag = {}) const {
    return protect_private_message(suite, context, sender_data_secret, t, keys[leaf].private_key,
                                   content(leaf, std::move(body)), tag, padding, policy);
  }
  Result<AuthenticatedContent> unprotect_private(
      SecretTree& t, const PrivateMessage& m,
      HandshakePolicy policy = HandshakePolicy::kConclave) const {
    return unprotect_private_message(suite, context, sender_data_secret, t, m, members(), lookup(),
                                     policy);
  }

  CipherSuite suite;
  GroupContext context;
  SecretBytes membership_key;
  SecretBytes sender_data_secret;
  std::vector<crypto::SignatureKeyPair> keys;
};

Content remove_proposal() { return Proposal{Remove{2}}; }
Content app(uint8_t b) { return ApplicationData{Bytes(5, b)}; }

// Snapshot is what a refused message must not change in the receiver's
// tree.
struct Snapshot {
  uint64_t next_app;
  uint64_t next_hs;
  size_t skipped;
  size_t nodes;
  bool operator==(const Snapshot&) const = default;
};
Snapshot snapshot(const SecretTree& t, uint32_t leaf) {
  return {t.next_generation(LeafIndex(leaf), RatchetType::kApplication),
          t.next_generation(LeafIndex(leaf), RatchetType::kHandshake),
          t.skipped_key_count(LeafIndex(leaf), RatchetType::kApplication), t.node_secret_count()};
}

class MessageProtection : public ::testing::TestWithParam<CipherSuiteId> {
 protected:
  Group g{CipherSuite(GetParam())};
};

INSTANTIATE_TEST_SUITE_P(Suites, MessageProtection,
                         ::testing::Values(CipherSuiteId::kX25519Aes128GcmSha256Ed25519,
                                           CipherSuiteId::kP256Aes128GcmSha256P256));

// verifies: REQ-MLS-401
TEST_P(MessageProtection, public_round_trip_of_proposal_and_commit) {
  auto p = g.protect_public(1, remove_proposal());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->membership_tag.size(), g.suite.nh());
  auto got = g.unprotect_public(*p);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->wire_format, WireFormat::kPublicMessage);
  EXPECT_EQ(got->content.sender.index, 1U);
  EXPECT_EQ(std::get<Remove>(std::get<Proposal>(got->content.content).body).removed, 2U);

  const Bytes tag(g.suite.nh(), 0x77);
  auto c = g.protect_public(0, Commit{}, tag);
  ASSERT_TRUE(c.has_value());
  auto got_c = g.unprotect_public(*c);
  ASSERT_TRUE(got_c.has_value());
  EXPECT_EQ(got_c->auth.confirmation_tag, tag);
}

// verifies: REQ-MLS-401
TEST_P(MessageProtection, public_confirmation_tag_only_and_always_for_commits) {
  EXPECT_EQ(error_of(g.protect_public(0, Commit{})), Err::kInvalidArgument);
  EXPECT_EQ(error_of(g.protect_public(0, remove_proposal(), Bytes(g.suite.nh(), 1))),
            Err::kInvalidArgument);
}

// verifies: REQ-MLS-401
TEST_P(MessageProtection, public_tampered_membership_tag_is_auth_failed) {
  auto p = g.protect_public(1, remove_proposal());
  ASSERT_TRUE(p.has_value());
  p->membership_tag[0] ^= 1;
  EXPECT_EQ(error_of(g.unprotect_public(*p)), Err::kAuthFailed);
  p->membership_tag.pop_back();
  p->membership_tag[0] ^= 1;
  EXPECT_EQ(error_of(g.unprotect_public(*p)), Err::kAuthFailed);
}

// A member (who knows membership_key) forging another member's proposal:
// the membership tag verifies, the signature does not.
// verifies: REQ-MLS-401
TEST_P(MessageProtection, public_tampered_signature_is_auth_failed) {
  auto p = g.protect_public(1, remove_proposal());
  ASSERT_TRUE(p.has_value());
  p->auth.signature[p->auth.signature.size() / 2] ^= 1;
  p->membership_tag = *membership_tag(g.suite, g.membership_key, *p, g.context);
  EXPECT_EQ(error_of(g.unprotect_public(*p)), Err::kAuthFailed);

  // Signed by leaf 2 but claiming leaf 1.
  auto forged = protect_public_message(g.suite, g.context, g.membership_key, g.keys[2].private_key,
                                       g.content(1, remove_proposal()), {});
  ASSERT_TRUE(forged.has_value());
  EXPECT_EQ(error_of(g.unprotect_public(*forged)), Err::kAuthFailed);
}

// verifies: REQ-MLS-401
TEST_P(MessageProtection, public_tampered_content_is_auth_failed) {
  auto p = g.protect_public(1, remove_proposal());
  ASSERT_TRUE(p.has_value());
  p->content.authenticated_data.push_back(1);
  EXPECT_EQ(error_of(g.unprotect_public(*p)), Err::kAuthFailed);
}

// verifies: REQ-MLS-401
TEST_P(MessageProtection, public_unknown_sender_is_the_lookups_error) {
  auto p = g.protect_public(1, remove_proposal());
  ASSERT_TRUE(p.has_value());
  auto none = [](const FramedContent&) -> Result<Bytes> { return Err::kProtocol; };
  EXPECT_EQ(error_of(unprotect_public_message(g.suite, g.context, g.membership_key, *p, none)),
            Err::kProtocol);
}

// verifies: REQ-MLS-402
TEST_P(MessageProtection, public_application_data_is_refused) {
  EXPECT_EQ(error_of(g.protect_public(1, app(1))), Err::kInvalidArgument);
  auto p = g.protect_public(1, remove_proposal());
  ASSERT_TRUE(p.has_value());
  p->content.content = ApplicationData{{1, 2, 3}};
  EXPECT_EQ(error_of(g.unprotect_public(*p)), Err::kProtocol);
}

// verifies: REQ-MLS-402
TEST_P(MessageProtection, public_membership_tag_from_non_member_is_refused) {
  auto p = g.protect_public(1, remove_proposal());
  ASSERT_TRUE(p.has_value());
  p->content.sender = Sender{SenderType::kExternal, 0};
  EXPECT_EQ(error_of(g.unprotect_public(*p)), Err::kProtocol);
}

// verifies: REQ-MLS-403
TEST_P(MessageProtection, public_wrong_epoch_or_group_is_protocol_error) {
  auto p = g.protect_public(1, remove_proposal());
  ASSERT_TRUE(p.has_value());
  GroupContext other = g.context;
  other.epoch += 1;
  EXPECT_EQ(error_of(unprotect_public_message(g.suite, other, g.membership_key, *p, g.lookup())),
            Err::kProtocol);
  other = g.context;
  other.group_id.push_back(0);
  EXPECT_EQ(error_of(unprotect_public_message(g.suite, other, g.membership_key, *p, g.lookup())),
            Err::kProtocol);
  // Protecting content of another epoch is a usage error.
  FramedContent c = g.content(1, remove_proposal());
  c.epoch = 1;
  EXPECT_EQ(error_of(protect_public_message(g.suite, g.context, g.membership_key,
                                            g.keys[1].private_key, c, {})),
            Err::kInvalidArgument);
}

// verifies: REQ-MLS-404
TEST_P(MessageProtection, private_round_trip_of_application_data) {
  SecretTree sender = g.tree();
  SecretTree receiver = g.tree();
  for (uint8_t i = 0; i < 3; ++i) {
    auto m = g.protect_private(sender, 2, app(i));
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->content_type, ContentType::kApplication);
    EXPECT_EQ(m->authenticated_data, Bytes{0xad});
    auto got = g.unprotect_private(receiver, *m);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->wire_format, WireFormat::kPrivateMessage);
    EXPECT_EQ(got->content.sender.index, 2U);
    EXPECT_EQ(got->content.authenticated_data, Bytes{0xad});
    EXPECT_EQ(std::get<ApplicationData>(got->content.content).data, Bytes(5, i));
  }
  EXPECT_EQ(sender.next_generation(LeafIndex(2), RatchetType::kApplication), 3U);
  EXPECT_EQ(receiver.next_generation(LeafIndex(2), RatchetType::kApplication), 3U);
}

// The sender data names the leaf and generation; the reuse guard is fresh
// per message, so the same generation of the same key gives different
// ciphertexts.
// verifies: REQ-MLS-404
TEST_P(MessageProtection, private_sender_data_and_reuse_guard) {
  SecretTree a = g.tree();
  SecretTree b = g.tree();
  auto m1 = g.protect_private(a, 1, app(9));
  auto m2 = g.protect_private(b, 1, app(9));
  ASSERT_TRUE(m1.has_value() && m2.has_value());
  EXPECT_NE(m1->ciphertext, m2->ciphertext);
  std::array<SenderData, 2> sd;
  const std::array<const PrivateMessage*, 2> ms{&*m1, &*m2};
  for (size_t i = 0; i < 2; ++i) {
    auto key = derive_sender_data_key(g.suite, g.sender_data_secret, ms[i]->ciphertext);
    ASSERT_TRUE(key.has_value());
    auto plain = crypto::aead_open(g.suite.aead_alg(), key->key.view(), key->nonce.view(),
                                   *sender_data_aad(*ms[i]), ms[i]->encrypted_sender_data);
    ASSERT_TRUE(plain.has_value());
    sd[i] = *decode_sender_data(*plain);
    EXPECT_EQ(sd[i].leaf_index, 1U);
    EXPECT_EQ(sd[i].generation, 0U);
  }
  EXPECT_NE(sd[0].reuse_guard, sd[1].reuse_guard);
}

// verifies: REQ-MLS-406
TEST_P(MessageProtection, private_padding_to_block_size) {
  SecretTree sender = g.tree();
  SecretTree receiver = g.tree();
  for (size_t block : {size_t{0}, size_t{1}, size_t{32}, size_t{256}}) {
    SCOPED_TRACE(block);
    auto m = g.protect_private(sender, 0, app(3), PaddingPolicy{block});
    ASSERT_TRUE(m.has_value());
    const size_t plain_len = m->ciphertext.size() - crypto::kAeadTagLen;
    if (block > 1) {
      EXPECT_EQ(plain_len % block, 0U);
    }
    EXPECT_TRUE(g.unprotect_private(receiver, *m).has_value());
  }
  EXPECT_EQ(error_of(g.protect_private(sender, 0, app(3), PaddingPolicy{kMaxPaddingBlock + 1})),
            Err::kInvalidArgument);
}

// verifies: REQ-MLS-405
TEST_P(MessageProtection, private_handshake_is_refused_by_conclave_policy) {
  SecretTree sender = g.tree();
  SecretTree receiver = g.tree();
  EXPECT_EQ(error_of(g.protect_private(sender, 1, remove_proposal())), Err::kInvalidArgument);
  EXPECT_EQ(error_of(g.protect_private(sender, 1, Commit{}, {}, HandshakePolicy::kConclave,
                                       Bytes(g.suite.nh(), 1))),
            Err::kInvalidArgument);
  EXPECT_EQ(sender.next_generation(LeafIndex(1), RatchetType::kHandshake), 0U);

  auto m = g.protect_private(sender, 1, remove_proposal(), {}, HandshakePolicy::kRfc9420);
  ASSERT_TRUE(m.has_value());
  const Snapshot before = snapshot(receiver, 1);
  EXPECT_EQ(error_of(g.unprotect_private(receiver, *m)), Err::kProtocol);
  EXPECT_EQ(snapshot(receiver, 1), before);
  // The RFC's general rule still opens it (the interop vectors need this).
  EXPECT_TRUE(g.unprotect_private(receiver, *m, HandshakePolicy::kRfc9420).has_value());
}

// verifies: REQ-MLS-407, REQ-MLS-408
TEST_P(MessageProtection, private_tampered_ciphertext_does_not_burn_the_key) {
  SecretTree sender = g.tree();
  SecretTree receiver = g.tree();
  auto m = g.protect_private(sender, 1, app(4));
  ASSERT_TRUE(m.has_value());
  const Snapshot before = snapshot(receiver, 1);
  PrivateMessage bad = *m;
  bad.ciphertext.back() ^= 1;  // past the sample: the sender data still opens
  EXPECT_EQ(error_of(g.unprotect_private(receiver, bad)), Err::kAuthFailed);
  bad = *m;
  bad.authenticated_data.push_back(0);
  EXPECT_EQ(error_of(g.unprotect_private(receiver, bad)), Err::kAuthFailed);
  EXPECT_EQ(snapshot(receiver, 1), before);
  EXPECT_TRUE(g.unprotect_private(receiver, *m).has_value());
}

// verifies: REQ-MLS-408
TEST_P(MessageProtection, private_tampered_sender_data_is_auth_failed) {
  SecretTree sender = g.tree();
  SecretTree receiver = g.tree();
  auto m = g.protect_private(sender, 1, app(4));
  ASSERT_TRUE(m.has_value());
  const Snapshot before = snapshot(receiver, 1);
  PrivateMessage bad = *m;
  bad.encrypted_sender_data[0] ^= 1;
  EXPECT_EQ(error_of(g.unprotect_private(receiver, bad)), Err::kAuthFailed);
  bad = *m;
  bad.ciphertext[0] ^= 1;  // in the sample: the sender-data key changes
  EXPECT_EQ(error_of(g.unprotect_private(receiver, bad)), Err::kAuthFailed);
  bad = *m;
  bad.encrypted_sender_data.clear();
  EXPECT_EQ(error_of(g.unprotect_private(receiver, bad)), Err::kAuthFailed);
  EXPECT_EQ(snapshot(receiver, 1), before);
  EXPECT_TRUE(g.unprotect_private(receiver, *m).has_value());
}

// An insider who can derive leaf 1's keys (every member can) but not sign
// as leaf 1: its message decrypts, fails the signature, and the genuine
// message of the same generation still opens.
// verifies: REQ-MLS-407, REQ-MLS-408
TEST_P(MessageProtection, private_forged_signature_does_not_burn_the_key) {
  SecretTree forger = g.tree();
  SecretTree genuine_sender = g.tree();
  SecretTree receiver = g.tree();
  auto forged = protect_private_message(g.suite, g.context, g.sender_data_secret, forger,
                                        g.keys[2].private_key, g.content(1, app(6)), {}, {},
                                        HandshakePolicy::kConclave);
  ASSERT_TRUE(forged.has_value());
  auto genuine = g.protect_private(genuine_sender, 1, app(7));
  ASSERT_TRUE(genuine.has_value());
  const Snapshot before = snapshot(receiver, 1);
  EXPECT_EQ(error_of(g.unprotect_private(receiver, *forged)), Err::kAuthFailed);
  EXPECT_EQ(snapshot(receiver, 1), before);
  auto got = g.unprotect_private(receiver, *genuine);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(std::get<ApplicationData>(got->content.content).data, Bytes(5, 7));
}

// verifies: REQ-MLS-407
TEST_P(MessageProtection, private_replay_is_refused) {
  SecretTree sender = g.tree();
  SecretTree receiver = g.tree();
  auto m0 = g.protect_private(sender, 0, app(1));
  auto m1 = g.protect_private(sender, 0, app(2));
  ASSERT_TRUE(m0.has_value() && m1.has_value());
  // Out of order, then each replayed.
  EXPECT_TRUE(g.unprotect_private(receiver, *m1).has_value());
  EXPECT_TRUE(g.unprotect_private(receiver, *m0).has_value());
  const Snapshot before = snapshot(receiver, 0);
  EXPECT_EQ(error_of(g.unprotect_private(receiver, *m0)), Err::kProtocol);
  EXPECT_EQ(error_of(g.unprotect_private(receiver, *m1)), Err::kProtocol);
  EXPECT_EQ(snapshot(receiver, 0), before);
}

// verifies: REQ-MLS-403
TEST_P(MessageProtection, private_wrong_epoch_or_group_is_protocol_error) {
  SecretTree sender = g.tree();
  SecretTree receiver = g.tree();
  auto m = g.protect_private(sender, 0, app(1));
  ASSERT_TRUE(m.has_value());
  GroupContext other = g.context;
  other.epoch -= 1;
  EXPECT_EQ(
      error_of(unprotect_private_message(g.suite, other, g.sender_data_secret, receiver, *m,
                                         g.members(), g.lookup(), HandshakePolicy::kConclave)),
      Err::kProtocol);
  other = g.context;
  other.group_id[0] ^= 1;
  EXPECT_EQ(
      error_of(unprotect_private_message(g.suite, other, g.sender_data_secret, receiver, *m,
                                         g.members(), g.lookup(), HandshakePolicy::kConclave)),
      Err::kProtocol);
  EXPECT_EQ(snapshot(receiver, 0), snapshot(g.tree(), 0));
  EXPECT_TRUE(g.unprotect_private(receiver, *m).has_value());
}

// seal_by_hand builds a PrivateMessage as protect_private_message does but
// with chosen sender data and padding bytes, for the cases the API will not
// produce.
PrivateMessage seal_by_hand(const Group& g, SecretTree& t, uint32_t leaf, uint8_t pad_byte) {
  const FramedContent fc = g.content(leaf, app(8));
  PrivateMessageContent body;
  body.content = fc.content;
  body.auth.signature = *sign_framed_content(g.suite, g.keys[leaf].private_key,
                                             WireFormat::kPrivateMessage, fc, &g.context);
  Writer w;
  write_private_message_content(w, body);
  Bytes plain = *std::move(w).finish();
  plain.push_back(0);
  plain.push_back(pad_byte);
  PrivateMessage m;
  m.group_id = fc.group_id;
  m.epoch = fc.epoch;
  m.content_type = ContentType::kApplication;
  m.authenticated_data = fc.authenticated_data;
  const RatchetKey key = *t.next_sending_key(LeafIndex(leaf), RatchetType::kApplication);
  m.ciphertext = *crypto::aead_seal(g.suite.aead_alg(), key.key.view(), key.nonce.view(),
                                    *private_content_aad(m), plain);
  SenderData sd;
  sd.leaf_index = leaf;
  sd.generation = key.generation;
  Writer sw;
  write_sender_data(sw, sd);
  const SenderDataKey sk = *derive_sender_data_key(g.suite, g.sender_data_secret, m.ciphertext);
  m.encrypted_sender_data = *crypto::aead_seal(g.suite.aead_alg(), sk.key.view(), sk.nonce.view(),
                                               *sender_data_aad(m), *std::move(sw).finish());
  return m;
}

// verifies: REQ-MLS-408
TEST_P(MessageProtection, private_non_zero_padding_is_rejected) {
  SecretTree sender = g.tree();
  SecretTree receiver = g.tree();
  const PrivateMessage bad = seal_by_hand(g, sender, 0, 0x01);
  const Snapshot before = snapshot(receiver, 0);
  EXPECT_EQ(error_of(g.unprotect_private(receiver, bad)), Err::kInvalidValue);
  EXPECT_EQ(snapshot(receiver, 0), before);
  // The same construction with zero padding opens: only the byte differed.
  SecretTree sender2 = g.tree();
  EXPECT_TRUE(g.unprotect_private(receiver, seal_by_hand(g, sender2, 0, 0x00)).has_value());
}

// verifies: REQ-MLS-408
TEST_P(MessageProtection, private_sender_that_is_not_a_member_is_refused) {
  SecretTree sender = g.tree();
  SecretTree receiver = g.tree();
  const PrivateMessage m = seal_by_hand(g, sender, 3, 0x00);  // leaf 3 is blank
  const Snapshot before = snapshot(receiver, 3);
  EXPECT_EQ(error_of(g.unprotect_private(receiver, m)), Err::kProtocol);
  EXPECT_EQ(snapshot(receiver, 3), before);
  // Only member senders may protect, and only leaves of the tree.
  FramedContent c = g.content(0, app(1));
  c.sender = Sender{SenderType::kExternal, 0};
  EXPECT_EQ(error_of(protect_private_message(g.suite, g.context, g.sender_data_secret, sender,
                                             g.keys[0].private_key, c, {}, {},
                                             HandshakePolicy::kConclave)),
            Err::kInvalidArgument);
  c.sender = Sender{SenderType::kMember, kLeaves};
  EXPECT_EQ(error_of(protect_private_message(g.suite, g.context, g.sender_data_secret, sender,
                                             g.keys[0].private_key, c, {}, {},
                                             HandshakePolicy::kConclave)),
            Err::kInvalidArgument);
}

}  // namespace
}  // namespace conclave::mls
