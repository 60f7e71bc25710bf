// Tests for crypto/mls/welcome.h.
#include "crypto/mls/welcome.h"

#include <gtest/gtest.h>

#include "crypto/mls/mls_limits.h"
#include "crypto/mls/mls_message.h"
#include "mls_test_vectors.h"

namespace conclave::mls {
namespace {

using testing::encode;
using testing::error_of;
using testing::messages_field;

// verifies: REQ-MLS-002, REQ-MLS-015
TEST(Welcome, REQ_MLS_015_group_secrets_round_trip_through_secret_bytes) {
  const Bytes bytes = messages_field("group_secrets");
  auto g = decode_group_secrets(bytes);
  ASSERT_TRUE(g.has_value());
  ASSERT_TRUE(g->path_secret.has_value());
  auto out = encode_group_secrets(*g);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(to_hex(out->view()), to_hex(bytes));
  testing::expect_sweep_rejected<GroupSecrets>(bytes, parse_group_secrets);
}

// verifies: REQ-MLS-007
TEST(Welcome, REQ_MLS_007_path_secret_presence_is_zero_or_one) {
  // 02 aabb | presence | 00 psks
  EXPECT_TRUE(decode_group_secrets(Bytes{0x02, 0xaa, 0xbb, 0x00, 0x00}).has_value());
  auto with = decode_group_secrets(Bytes{0x02, 0xaa, 0xbb, 0x01, 0x01, 0xcc, 0x00});
  ASSERT_TRUE(with.has_value());
  EXPECT_EQ(to_hex(with->path_secret->path_secret.view()), "cc");
  EXPECT_EQ(error_of(decode_group_secrets(Bytes{0x02, 0xaa, 0xbb, 0x02, 0x00})),
            Err::kInvalidValue);
}

// verifies: REQ-MLS-009
TEST(Welcome, REQ_MLS_009_malformation_sweep_over_bare_welcome) {
  auto m = decode_mls_message(messages_field("mls_welcome"));
  ASSERT_TRUE(m.has_value());
  const Bytes bare = encode(std::get<Welcome>(m->body), write_welcome);
  testing::expect_round_trip<Welcome>(bare, parse_welcome, write_welcome);
  testing::expect_sweep_rejected<Welcome>(bare, parse_welcome);
}

// verifies: REQ-MLS-011
TEST(Welcome, REQ_MLS_011_psk_count_is_limited) {
  GroupSecrets g;
  g.joiner_secret = SecretBytes::copy_of(Bytes{1});
  g.psks.assign(kMaxPsks, PreSharedKeyId{PskType::kExternal, {1}, {}, {}, 0, {2}});
  auto ok = encode_group_secrets(g);
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(decode_group_secrets(ok->view()).has_value());
  g.psks.push_back(g.psks.front());
  auto over = encode_group_secrets(g);
  ASSERT_TRUE(over.has_value());
  EXPECT_EQ(error_of(decode_group_secrets(over->view())), Err::kLengthLimit);
}

}  // namespace
}  // namespace conclave::mls
