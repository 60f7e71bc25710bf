// Tests for crypto/mls/mls_message.h: MLSMessage envelopes of all five wire
// formats from the official vectors, the malformation sweep over each
// top-level kind, and rejection of bad versions and wire formats.
// tests/kat/mls_messages.cc runs every entry of messages.json.
#include "crypto/mls/mls_message.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "mls_test_vectors.h"

namespace conclave::mls {
namespace {

using testing::error_of;
using testing::messages_field;

// verifies: REQ-MLS-001, REQ-MLS-002
TEST(MlsMessage, REQ_MLS_001_all_five_wire_formats_round_trip) {
  const std::pair<const char*, WireFormat> cases[] = {
      {"public_message_commit", WireFormat::kPublicMessage},
      {"private_message", WireFormat::kPrivateMessage},
      {"mls_welcome", WireFormat::kWelcome},
      {"mls_group_info", WireFormat::kGroupInfo},
      {"mls_key_package", WireFormat::kKeyPackage},
  };
  for (const auto& [field, format] : cases) {
    SCOPED_TRACE(field);
    const Bytes bytes = messages_field(field);
    auto m = decode_mls_message(bytes);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->wire_format(), format);
    auto out = encode_mls_message(*m);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(to_hex(*out), to_hex(bytes));
  }
}

// verifies: REQ-MLS-009
TEST(MlsMessage, REQ_MLS_009_malformation_sweep_over_every_top_level_kind) {
  size_t total = 0;
  for (const char* field :
       {"mls_welcome", "mls_group_info", "mls_key_package", "public_message_application",
        "public_message_proposal", "public_message_commit", "private_message"}) {
    SCOPED_TRACE(field);
    total += testing::expect_sweep_rejected<MlsMessage>(messages_field(field), parse_mls_message);
  }
  EXPECT_GT(total, 1000u);
}

// verifies: REQ-MLS-004
TEST(MlsMessage, REQ_MLS_004_version_other_than_mls10_is_rejected) {
  const Bytes valid = messages_field("mls_key_package");
  for (uint16_t version : std::initializer_list<uint16_t>{0x0000, 0x0002, 0x0100, 0xffff}) {
    SCOPED_TRACE(version);
    Bytes bad = valid;
    bad[0] = static_cast<uint8_t>(version >> 8);
    bad[1] = static_cast<uint8_t>(version);
    EXPECT_EQ(error_of(decode_mls_message(bad)), Err::kUnsupported);
  }
}

// verifies: REQ-MLS-001
TEST(MlsMessage, REQ_MLS_001_unknown_wire_format_is_rejected) {
  const Bytes valid = messages_field("mls_key_package");
  for (uint16_t format : std::initializer_list<uint16_t>{0x0000, 0x0006, 0x0a0a, 0xf000, 0xffff}) {
    SCOPED_TRACE(format);
    Bytes bad = valid;
    bad[2] = static_cast<uint8_t>(format >> 8);
    bad[3] = static_cast<uint8_t>(format);
    EXPECT_EQ(error_of(decode_mls_message(bad)), Err::kInvalidValue);
  }
}

// verifies: REQ-MLS-001
TEST(MlsMessage, REQ_MLS_001_body_of_another_format_is_rejected) {
  // A KeyPackage body labelled as a GroupInfo does not parse as one.
  Bytes bad = messages_field("mls_key_package");
  bad[3] = static_cast<uint8_t>(WireFormat::kGroupInfo);
  EXPECT_FALSE(decode_mls_message(bad).has_value());
}

}  // namespace
}  // namespace conclave::mls
