// Tests for crypto/mls/proposal.h: every proposal body of messages.json
// entry 0, unknown proposal types, ProposalOrRef and PreSharedKeyID.
#include "crypto/mls/proposal.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "mls_test_vectors.h"

namespace conclave::mls {
namespace {

using testing::encode;
using testing::error_of;
using testing::expect_round_trip;
using testing::messages_field;

// verifies: REQ-MLS-002
TEST(Proposal, REQ_MLS_002_vector_bodies_round_trip_inside_a_proposal) {
  const std::pair<const char*, uint16_t> bodies[] = {
      {"add_proposal", 1},
      {"update_proposal", 2},
      {"remove_proposal", 3},
      {"pre_shared_key_proposal", 4},
      {"re_init_proposal", 5},
      {"external_init_proposal", 6},
      {"group_context_extensions_proposal", 7},
  };
  for (const auto& [field, type] : bodies) {
    SCOPED_TRACE(field);
    Bytes p = {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type)};
    const Bytes body = messages_field(field);
    p.insert(p.end(), body.begin(), body.end());
    auto proposal = decode_proposal(p);
    ASSERT_TRUE(proposal.has_value());
    EXPECT_EQ(static_cast<uint16_t>(proposal->proposal_type()), type);
    auto out = encode_proposal(*proposal);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(to_hex(*out), to_hex(p));
  }
}

// verifies: REQ-MLS-005
TEST(Proposal, REQ_MLS_005_unknown_and_grease_proposal_types_are_rejected) {
  for (uint16_t type :
       std::initializer_list<uint16_t>{0x0000, 0x0008, 0x0a0a, 0x1a1a, 0xeaea, 0xfafa, 0xffff}) {
    SCOPED_TRACE(type);
    const Bytes p = {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type), 0, 0, 0, 1};
    EXPECT_EQ(error_of(decode_proposal(p)), Err::kUnsupported);
  }
}

Result<ProposalOrRef> decode_por(ByteView in) {
  return decode_all<ProposalOrRef>(in, "ProposalOrRef", parse_proposal_or_ref);
}

// verifies: REQ-MLS-003
TEST(Proposal, REQ_MLS_003_proposal_or_ref_type_is_checked) {
  // 01 | 0003 00000002 : a Remove by value; 02 | 02 abcd : a reference.
  const Bytes by_value = {0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02};
  const Bytes by_ref = {0x02, 0x02, 0xab, 0xcd};
  auto v = decode_por(by_value);
  auto r = decode_por(by_ref);
  ASSERT_TRUE(v.has_value() && r.has_value());
  EXPECT_EQ(v->type(), ProposalOrRefType::kProposal);
  EXPECT_EQ(r->type(), ProposalOrRefType::kReference);
  EXPECT_EQ(encode(*v, write_proposal_or_ref), by_value);
  EXPECT_EQ(encode(*r, write_proposal_or_ref), by_ref);
  for (uint8_t t : std::initializer_list<uint8_t>{0, 3, 0xff}) {
    SCOPED_TRACE(t);
    Bytes bad = by_ref;
    bad[0] = t;
    EXPECT_EQ(error_of(decode_por(bad)), Err::kInvalidValue);
  }
}

Result<PreSharedKeyId> decode_psk_id(ByteView in) {
  return decode_all<PreSharedKeyId>(in, "PreSharedKeyID", parse_pre_shared_key_id);
}

// verifies: REQ-MLS-003
TEST(Proposal, REQ_MLS_003_psk_type_and_usage_are_checked) {
  // 01 | 02 aaaa | 01 nn : external
  const Bytes external = {0x01, 0x02, 0xaa, 0xaa, 0x01, 0x99};
  // 02 | 03 | 01 gg | 0000000000000009 | 01 nn : resumption, branch
  const Bytes resumption = {0x02, 0x03, 0x01, 0x77, 0, 0, 0, 0, 0, 0, 0, 9, 0x01, 0x99};
  for (const Bytes& ok : {external, resumption}) {
    expect_round_trip<PreSharedKeyId>(ok, parse_pre_shared_key_id, write_pre_shared_key_id);
  }
  auto r = decode_psk_id(resumption);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->usage, ResumptionPskUsage::kBranch);
  EXPECT_EQ(r->psk_epoch, 9u);
  for (uint8_t t : std::initializer_list<uint8_t>{0, 3, 0xff}) {
    Bytes bad = external;
    bad[0] = t;
    EXPECT_EQ(error_of(decode_psk_id(bad)), Err::kInvalidValue);
  }
  for (uint8_t u : std::initializer_list<uint8_t>{0, 4, 0xff}) {
    Bytes bad = resumption;
    bad[1] = u;
    EXPECT_EQ(error_of(decode_psk_id(bad)), Err::kInvalidValue);
  }
}

// verifies: REQ-MLS-004
TEST(Proposal, REQ_MLS_004_reinit_version_must_be_mls10) {
  const Bytes valid = messages_field("re_init_proposal");
  // V(group_id) then the version.
  const size_t version_at = 1 + valid[0];
  ASSERT_EQ(valid[version_at + 1], 1);
  Bytes bad = valid;
  bad[version_at + 1] = 2;
  EXPECT_EQ(error_of(decode_all<ReInit>(bad, "ReInit", parse_re_init)), Err::kUnsupported);
}

// verifies: REQ-MLS-009
TEST(Proposal, REQ_MLS_009_malformation_sweep_over_proposal_bodies) {
  testing::expect_sweep_rejected<Add>(messages_field("add_proposal"), parse_add);
  testing::expect_sweep_rejected<ReInit>(messages_field("re_init_proposal"), parse_re_init);
  testing::expect_sweep_rejected<PreSharedKey>(messages_field("pre_shared_key_proposal"),
                                               parse_pre_shared_key);
}

}  // namespace
}  // namespace conclave::mls
