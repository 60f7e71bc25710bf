// Tests for crypto/mls/framing.h: Sender, FramedContent, the auth data,
// PublicMessage, PrivateMessage, SenderData and PrivateMessageContent; the
// to-be-signed / to-be-MACed encoders and ProposalRef.
//
// Offsets into the messages.json entry-0 PublicMessage and PrivateMessage:
//   0001 0001                 version, wire_format
//   10 57f8...2e90            group_id<V> (16 bytes), bytes 4..20
//   0000000000000000          epoch, bytes 21..28
//   01 00000000               sender_type (29), leaf_index (30..33)   [public]
//   03 616164                 authenticated_data                      [public]
//   03                        content_type (38)                       [public]
//   02                        content_type (29)                       [private]
#include "crypto/mls/framing.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "crypto/mls/mls_message.h"
#include "crypto/signature.h"
#include "mls_test_vectors.h"

namespace conclave::mls {
namespace {

using testing::encode;
using testing::error_of;
using testing::messages_field;

constexpr size_t kPublicSenderType = 29;
constexpr size_t kPublicContentType = 38;
constexpr size_t kPrivateContentType = 29;

const CipherSuite kSuite1(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);

PublicMessage public_commit() {
  auto m = decode_mls_message(messages_field("public_message_commit"));
  CONCLAVE_ASSERT(m.has_value());
  return std::get<PublicMessage>(m->body);
}

GroupContext some_context() {
  GroupContext c;
  c.cipher_suite = 1;
  c.group_id = {1, 2, 3};
  c.epoch = 7;
  c.tree_hash = Bytes(32, 0xaa);
  c.confirmed_transcript_hash = Bytes(32, 0xbb);
  return c;
}

// verifies: REQ-MLS-003
TEST(Framing, REQ_MLS_003_unknown_sender_type_is_rejected) {
  const Bytes valid = messages_field("public_message_commit");
  ASSERT_EQ(valid[kPublicSenderType], 1);
  for (uint8_t type : std::initializer_list<uint8_t>{0, 5, 0x0a, 0xff}) {
    SCOPED_TRACE(type);
    Bytes bad = valid;
    bad[kPublicSenderType] = type;
    EXPECT_EQ(error_of(decode_mls_message(bad)), Err::kInvalidValue);
  }
}

// verifies: REQ-MLS-003
TEST(Framing, REQ_MLS_003_unknown_content_type_is_rejected) {
  Bytes pub = messages_field("public_message_commit");
  Bytes priv = messages_field("private_message");
  ASSERT_EQ(pub[kPublicContentType], 3);
  ASSERT_EQ(priv[kPrivateContentType], 2);  // a proposal
  for (uint8_t type : std::initializer_list<uint8_t>{0, 4, 0xff}) {
    SCOPED_TRACE(type);
    Bytes bad_pub = pub;
    bad_pub[kPublicContentType] = type;
    EXPECT_EQ(error_of(decode_mls_message(bad_pub)), Err::kInvalidValue);
    Bytes bad_priv = priv;
    bad_priv[kPrivateContentType] = type;
    EXPECT_EQ(error_of(decode_mls_message(bad_priv)), Err::kInvalidValue);
  }
}

// verifies: REQ-MLS-007
TEST(Framing, REQ_MLS_007_membership_tag_only_for_member_senders) {
  PublicMessage m = public_commit();
  m.content.sender = {SenderType::kNewMemberCommit, 0};
  m.membership_tag = {1, 2, 3};  // not encoded for this sender
  const Bytes encoded = encode(m, write_public_message);
  auto back = decode_all<PublicMessage>(encoded, "test", parse_public_message);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->membership_tag.empty());
  // The member form carries one: dropping it truncates the message.
  PublicMessage member = public_commit();
  Bytes with_tag = encode(member, write_public_message);
  with_tag.resize(with_tag.size() - member.membership_tag.size() - 1);
  EXPECT_FALSE((decode_all<PublicMessage>(with_tag, "test", parse_public_message).has_value()));
}

// verifies: REQ-MLS-007
TEST(Framing, REQ_MLS_007_confirmation_tag_only_for_commits) {
  FramedContentAuthData auth{{9, 9}, {7, 7, 7}};
  const Bytes commit_auth = encode(auth, [](Writer& w, const FramedContentAuthData& a) {
    write_framed_content_auth_data(w, a, ContentType::kCommit);
  });
  const Bytes proposal_auth = encode(auth, [](Writer& w, const FramedContentAuthData& a) {
    write_framed_content_auth_data(w, a, ContentType::kProposal);
  });
  EXPECT_EQ(to_hex(commit_auth),
            "0209090307070"
            "7");
  EXPECT_EQ(to_hex(proposal_auth), "020909");
}

// verifies: REQ-MLS-017
TEST(Framing, REQ_MLS_017_content_type_must_suit_the_sender_type) {
  PublicMessage commit = public_commit();
  for (SenderType s : {SenderType::kExternal, SenderType::kNewMemberProposal}) {
    SCOPED_TRACE(static_cast<int>(s));
    PublicMessage m = commit;
    m.content.sender = {s, 0};
    EXPECT_EQ(error_of(decode_all<PublicMessage>(encode(m, write_public_message), "test",
                                                 parse_public_message)),
              Err::kProtocol);
  }
  // new_member_commit with a commit is fine; with a proposal it is not.
  PublicMessage nmc = commit;
  nmc.content.sender = {SenderType::kNewMemberCommit, 0};
  EXPECT_TRUE(
      (decode_all<PublicMessage>(encode(nmc, write_public_message), "test", parse_public_message)
           .has_value()));
  auto prop = decode_mls_message(messages_field("public_message_proposal"));
  ASSERT_TRUE(prop.has_value());
  PublicMessage p = std::get<PublicMessage>(prop->body);
  p.content.sender = {SenderType::kNewMemberCommit, 0};
  EXPECT_EQ(error_of(decode_all<PublicMessage>(encode(p, write_public_message), "test",
                                               parse_public_message)),
            Err::kProtocol);
  // new_member_proposal only with an Add.
  p.content.sender = {SenderType::kNewMemberProposal, 0};
  const bool is_add = std::get<Proposal>(p.content.content).proposal_type() == ProposalType::kAdd;
  EXPECT_EQ(decode_all<PublicMessage>(encode(p, write_public_message), "test", parse_public_message)
                .has_value(),
            is_add);
  p.content.content = Proposal{Remove{1}};
  EXPECT_EQ(error_of(decode_all<PublicMessage>(encode(p, write_public_message), "test",
                                               parse_public_message)),
            Err::kProtocol);
  // An external sender may send a Remove proposal.
  p.content.sender = {SenderType::kExternal, 3};
  EXPECT_TRUE(
      (decode_all<PublicMessage>(encode(p, write_public_message), "test", parse_public_message)
           .has_value()));
}

// verifies: REQ-MLS-003
TEST(Framing, REQ_MLS_003_authenticated_content_wire_format_is_public_or_private) {
  AuthenticatedContent a{WireFormat::kPrivateMessage, public_commit().content,
                         public_commit().auth};
  Bytes encoded = encode(a, write_authenticated_content);
  EXPECT_TRUE(decode_authenticated_content(encoded).has_value());
  for (uint8_t f : std::initializer_list<uint8_t>{0, 3, 4, 5, 6}) {
    SCOPED_TRACE(f);
    encoded[1] = f;
    EXPECT_EQ(error_of(decode_authenticated_content(encoded)), Err::kInvalidValue);
  }
}

// verifies: REQ-MLS-008
TEST(Framing, REQ_MLS_008_private_message_content_padding_must_be_zero) {
  PrivateMessageContent c{ApplicationData{{0x68, 0x69}}, {{1, 2, 3}, {}}, 5};
  Bytes encoded = encode(c, write_private_message_content);
  // 02 6869 | 03 010203 | 0000000000
  EXPECT_EQ(to_hex(encoded), "026869030102030000000000");
  auto back = decode_private_message_content(encoded, ContentType::kApplication);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->padding_len, 5u);
  EXPECT_EQ(to_hex(encode(*back, write_private_message_content)), to_hex(encoded));
  for (size_t i = 7; i < encoded.size(); ++i) {
    SCOPED_TRACE(i);
    Bytes bad = encoded;
    bad[i] = 0x01;
    EXPECT_EQ(error_of(decode_private_message_content(bad, ContentType::kApplication)),
              Err::kInvalidValue);
  }
  // No padding at all is fine; a commit needs its confirmation tag.
  EXPECT_TRUE(
      decode_private_message_content(Bytes{0x00, 0x00}, ContentType::kApplication).has_value());
  EXPECT_FALSE(decode_private_message_content(Bytes{0x00, 0x00}, ContentType::kCommit).has_value());
}

// verifies: REQ-MLS-002
TEST(Framing, REQ_MLS_002_sender_data_and_aads) {
  SenderData d{0x01020304, 0x0a0b0c0d, {0xde, 0xad, 0xbe, 0xef}};
  const Bytes encoded = encode(d, write_sender_data);
  EXPECT_EQ(to_hex(encoded), "010203040a0b0c0ddeadbeef");
  auto back = decode_sender_data(encoded);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->reuse_guard, d.reuse_guard);
  EXPECT_FALSE(decode_sender_data(Bytes(encoded.begin(), encoded.end() - 1)).has_value());

  PrivateMessage m{{0x11}, 2, ContentType::kProposal, {0x22, 0x33}, {0x44}, {0x55}};
  auto sd_aad = sender_data_aad(m);
  auto pc_aad = private_content_aad(m);
  ASSERT_TRUE(sd_aad.has_value() && pc_aad.has_value());
  EXPECT_EQ(to_hex(*sd_aad),
            "0111"
            "0000000000000002"
            "02");
  EXPECT_EQ(to_hex(*pc_aad),
            "0111"
            "0000000000000002"
            "02"
            "022233");
}

// verifies: REQ-MLS-012
TEST(Framing, REQ_MLS_012_framed_content_signature_round_trip) {
  auto keys = crypto::generate_signature_key_pair(kSuite1.signature_scheme());
  ASSERT_TRUE(keys.has_value());
  PublicMessage m = public_commit();
  const GroupContext ctx = some_context();
  // A member's TBS covers the GroupContext; without one it cannot be built.
  EXPECT_EQ(error_of(framed_content_tbs(WireFormat::kPublicMessage, m.content, nullptr)),
            Err::kInvalidArgument);
  auto sig =
      sign_framed_content(kSuite1, keys->private_key, WireFormat::kPublicMessage, m.content, &ctx);
  ASSERT_TRUE(sig.has_value());
  AuthenticatedContent a{WireFormat::kPublicMessage, m.content, {*sig, m.auth.confirmation_tag}};
  EXPECT_TRUE(verify_framed_content_signature(kSuite1, a, &ctx, keys->public_key).has_value());
  // Another epoch's context, another wire format or changed content fail.
  GroupContext other = ctx;
  other.epoch += 1;
  EXPECT_EQ(error_of(verify_framed_content_signature(kSuite1, a, &other, keys->public_key)),
            Err::kAuthFailed);
  AuthenticatedContent as_private = a;
  as_private.wire_format = WireFormat::kPrivateMessage;
  EXPECT_EQ(error_of(verify_framed_content_signature(kSuite1, as_private, &ctx, keys->public_key)),
            Err::kAuthFailed);
  AuthenticatedContent changed = a;
  changed.content.authenticated_data.push_back(0);
  EXPECT_EQ(error_of(verify_framed_content_signature(kSuite1, changed, &ctx, keys->public_key)),
            Err::kAuthFailed);
  // An external sender's TBS has no GroupContext.
  FramedContent ext{{1}, 0, {SenderType::kExternal, 0}, {}, Proposal{Remove{2}}};
  auto with = framed_content_tbs(WireFormat::kPublicMessage, ext, &ctx);
  auto without = framed_content_tbs(WireFormat::kPublicMessage, ext, nullptr);
  ASSERT_TRUE(with.has_value() && without.has_value());
  EXPECT_EQ(*with, *without);
  EXPECT_EQ(to_hex(*without),
            "0001"
            "0001"
            "0101"
            "0000000000000000"
            "0200000000"
            "00"
            "02"
            "0003"
            "00000002");
}

// verifies: REQ-MLS-012
TEST(Framing, REQ_MLS_012_membership_tag_round_trip) {
  const SecretBytes key = SecretBytes::copy_of(Bytes(32, 0x42));
  PublicMessage m = public_commit();
  const GroupContext ctx = some_context();
  auto tag = membership_tag(kSuite1, key, m, ctx);
  ASSERT_TRUE(tag.has_value());
  m.membership_tag = *tag;
  EXPECT_TRUE(verify_membership_tag(kSuite1, key, m, ctx).has_value());
  m.membership_tag.back() ^= 1;
  EXPECT_EQ(error_of(verify_membership_tag(kSuite1, key, m, ctx)), Err::kAuthFailed);
  m.membership_tag = *tag;
  m.content.sender = {SenderType::kNewMemberCommit, 0};
  EXPECT_EQ(error_of(verify_membership_tag(kSuite1, key, m, ctx)), Err::kAuthFailed);
}

// verifies: REQ-MLS-013
TEST(Framing, REQ_MLS_013_proposal_ref_is_ref_hash_of_authenticated_content) {
  auto prop = decode_mls_message(messages_field("public_message_proposal"));
  ASSERT_TRUE(prop.has_value());
  const PublicMessage& m = std::get<PublicMessage>(prop->body);
  AuthenticatedContent a{WireFormat::kPublicMessage, m.content, m.auth};
  auto ref = proposal_ref(kSuite1, a);
  auto encoded = encode_authenticated_content(a);
  ASSERT_TRUE(ref.has_value() && encoded.has_value());
  auto want = kSuite1.ref_hash("MLS 1.0 Proposal Reference", *encoded);
  ASSERT_TRUE(want.has_value());
  EXPECT_EQ(*ref, *want);
  EXPECT_EQ(ref->size(), 32u);
}

}  // namespace
}  // namespace conclave::mls
