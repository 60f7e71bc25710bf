// Tests for crypto/mls/transcript_hash.h. tests/kat/mls_transcript_hashes.cc
// runs the official vectors.
#include "crypto/mls/transcript_hash.h"

#include <gtest/gtest.h>

#include "crypto/mls/mls_message.h"
#include "mls_test_vectors.h"

namespace conclave::mls {
namespace {

using testing::error_of;
using testing::messages_field;

const CipherSuite kSuite1(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);

AuthenticatedContent vector_commit() {
  auto m = decode_mls_message(messages_field("public_message_commit"));
  CONCLAVE_ASSERT(m.has_value());
  const PublicMessage& p = std::get<PublicMessage>(m->body);
  return {WireFormat::kPublicMessage, p.content, p.auth};
}

// verifies: REQ-MLS-014
TEST(TranscriptHash, REQ_MLS_014_hashes_follow_the_rfc_definitions) {
  const AuthenticatedContent a = vector_commit();
  const Bytes interim_before(32, 0x5a);
  auto input = confirmed_transcript_hash_input(a);
  auto whole = encode_authenticated_content(a);
  ASSERT_TRUE(input.has_value() && whole.has_value());
  // ConfirmedTranscriptHashInput is AuthenticatedContent minus
  // V(confirmation_tag).
  const size_t tag_len = 1 + a.auth.confirmation_tag.size();
  EXPECT_EQ(to_hex(*input), to_hex(ByteView(*whole).first(whole->size() - tag_len)));

  auto confirmed = next_confirmed_transcript_hash(kSuite1, interim_before, a);
  ASSERT_TRUE(confirmed.has_value());
  Bytes manual = interim_before;
  manual.insert(manual.end(), input->begin(), input->end());
  EXPECT_EQ(*confirmed, kSuite1.hash(manual));

  auto interim = next_interim_transcript_hash(kSuite1, *confirmed, a.auth.confirmation_tag);
  ASSERT_TRUE(interim.has_value());
  Bytes manual2 = *confirmed;
  manual2.push_back(static_cast<uint8_t>(a.auth.confirmation_tag.size()));
  manual2.insert(manual2.end(), a.auth.confirmation_tag.begin(), a.auth.confirmation_tag.end());
  EXPECT_EQ(*interim, kSuite1.hash(manual2));
}

// verifies: REQ-MLS-014
TEST(TranscriptHash, REQ_MLS_014_confirmation_tag_round_trip_and_mismatch) {
  const SecretBytes key = SecretBytes::copy_of(Bytes(32, 0x11));
  const Bytes confirmed(32, 0x22);
  auto tag = confirmation_tag(kSuite1, key, confirmed);
  ASSERT_TRUE(tag.has_value());
  EXPECT_TRUE(verify_confirmation_tag(kSuite1, key, confirmed, *tag).has_value());
  Bytes bad = *tag;
  bad[0] ^= 0x80;
  EXPECT_EQ(error_of(verify_confirmation_tag(kSuite1, key, confirmed, bad)), Err::kAuthFailed);
  EXPECT_EQ(error_of(verify_confirmation_tag(kSuite1, key, confirmed, ByteView(*tag).first(16))),
            Err::kAuthFailed);
}

// verifies: REQ-MLS-014
TEST(TranscriptHash, REQ_MLS_014_only_commits_enter_the_transcript) {
  AuthenticatedContent a = vector_commit();
  a.content.content = Proposal{Remove{0}};
  EXPECT_EQ(error_of(confirmed_transcript_hash_input(a)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(next_confirmed_transcript_hash(kSuite1, {}, a)), Err::kInvalidArgument);
}

}  // namespace
}  // namespace conclave::mls
