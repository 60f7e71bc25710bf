// Tests for crypto/mls/group_info.h.
#include "crypto/mls/group_info.h"

#include <gtest/gtest.h>

#include "crypto/mls/mls_message.h"
#include "crypto/signature.h"
#include "mls_test_vectors.h"

namespace conclave::mls {
namespace {

using testing::encode;
using testing::error_of;
using testing::messages_field;

GroupInfo vector_group_info() {
  auto m = decode_mls_message(messages_field("mls_group_info"));
  CONCLAVE_ASSERT(m.has_value());
  return std::get<GroupInfo>(m->body);
}

// verifies: REQ-MLS-009
TEST(GroupInfo, REQ_MLS_009_malformation_sweep_over_bare_group_info) {
  const Bytes bare = encode(vector_group_info(), write_group_info);
  testing::expect_round_trip<GroupInfo>(bare, parse_group_info, write_group_info);
  testing::expect_sweep_rejected<GroupInfo>(bare, parse_group_info);
}

// verifies: REQ-MLS-004
TEST(GroupInfo, REQ_MLS_004_group_context_version_must_be_mls10) {
  Bytes bare = encode(vector_group_info(), write_group_info);
  ASSERT_EQ(bare[1], 1);
  bare[1] = 0;
  EXPECT_EQ(error_of(decode_group_info(bare)), Err::kUnsupported);
}

// verifies: REQ-MLS-012
TEST(GroupInfo, REQ_MLS_012_signature_covers_everything_but_itself) {
  const CipherSuite suite(CipherSuiteId::kP256Aes128GcmSha256P256);
  auto keys = crypto::generate_signature_key_pair(suite.signature_scheme());
  ASSERT_TRUE(keys.has_value());
  GroupInfo g = vector_group_info();
  auto sig = sign_group_info(suite, keys->private_key, g);
  ASSERT_TRUE(sig.has_value());
  g.signature = *sig;
  EXPECT_TRUE(verify_group_info_signature(suite, g, keys->public_key).has_value());
  auto tbs = group_info_tbs(g);
  auto full = encode_group_info(g);
  ASSERT_TRUE(tbs.has_value() && full.has_value());
  EXPECT_EQ(to_hex(ByteView(*full).first(tbs->size())), to_hex(*tbs));
  GroupInfo other = g;
  other.signer += 1;
  EXPECT_EQ(error_of(verify_group_info_signature(suite, other, keys->public_key)),
            Err::kAuthFailed);
  other = g;
  other.group_context.epoch += 1;
  EXPECT_EQ(error_of(verify_group_info_signature(suite, other, keys->public_key)),
            Err::kAuthFailed);
}

// verifies: REQ-MLS-002
TEST(GroupInfo, REQ_MLS_002_group_context_layout) {
  GroupContext c{2, {0x01}, 3, {0x02}, {0x03}, {{0x0001, {0x04}}}};
  auto encoded = encode_group_context(c);
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(to_hex(*encoded),
            "0001"
            "0002"
            "0101"
            "0000000000000003"
            "0102"
            "0103"
            "04"
            "0001"
            "0104");
  auto back = decode_group_context(*encoded);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->epoch, 3u);
}

}  // namespace
}  // namespace conclave::mls
