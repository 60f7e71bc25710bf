// Tests for crypto/mls/credential.h and crypto/mls/extension.h.
#include "crypto/mls/credential.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "crypto/mls/extension.h"
#include "crypto/mls/mls_limits.h"
#include "mls_test_vectors.h"

namespace conclave::mls {
namespace {

using testing::encode;
using testing::error_of;

Result<Credential> decode_credential(ByteView in) {
  return decode_all<Credential>(in, "Credential", parse_credential);
}

// verifies: REQ-MLS-002
TEST(Credential, REQ_MLS_002_basic_and_x509_round_trip) {
  // 0001 | 05 "alice"
  const Bytes basic = {0x00, 0x01, 0x05, 'a', 'l', 'i', 'c', 'e'};
  auto b = decode_credential(basic);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->credential_type, CredentialType::kBasic);
  EXPECT_EQ(encode(*b, write_credential), basic);
  // 0002 | 06 [ 02 3082 | 02 3083 ]
  const Bytes x509 = {0x00, 0x02, 0x06, 0x02, 0x30, 0x82, 0x02, 0x30, 0x83};
  auto x = decode_credential(x509);
  ASSERT_TRUE(x.has_value());
  ASSERT_EQ(x->certificates.size(), 2u);
  EXPECT_EQ(encode(*x, write_credential), x509);
}

// verifies: REQ-MLS-005
TEST(Credential, REQ_MLS_005_unknown_credential_type_is_rejected) {
  for (uint16_t type : std::initializer_list<uint16_t>{0x0000, 0x0003, 0x0a0a, 0xf000, 0xffff}) {
    SCOPED_TRACE(type);
    const Bytes in = {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type), 0x00};
    EXPECT_EQ(error_of(decode_credential(in)), Err::kUnsupported);
  }
}

// verifies: REQ-MLS-011
TEST(Credential, REQ_MLS_011_certificate_chain_is_limited) {
  Credential c;
  c.credential_type = CredentialType::kX509;
  c.certificates.assign(kMaxCertificates, Certificate{{0x30}});
  EXPECT_TRUE(decode_credential(encode(c, write_credential)).has_value());
  c.certificates.push_back(Certificate{{0x30}});
  EXPECT_EQ(error_of(decode_credential(encode(c, write_credential))), Err::kLengthLimit);
}

Result<std::vector<Extension>> decode_extensions(ByteView in) {
  return decode_all<std::vector<Extension>>(in, "Extensions", parse_extensions);
}

// verifies: REQ-MLS-005, REQ-MLS-006
TEST(Extension, REQ_MLS_006_duplicate_types_are_rejected_grease_is_carried) {
  const std::vector<Extension> list = {{0x0a0a, {1}}, {kExtRatchetTree, {}}, {0xfafa, {2, 3}}};
  const Bytes encoded = encode(list, write_extensions);
  auto back = decode_extensions(encoded);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(encode(*back, write_extensions), encoded);
  ASSERT_NE(find_extension(*back, 0xfafa), nullptr);
  EXPECT_EQ(find_extension(*back, 0xfafa)->extension_data, (Bytes{2, 3}));
  EXPECT_EQ(find_extension(*back, kExtExternalPub), nullptr);

  std::vector<Extension> dup = list;
  dup.push_back({0x0a0a, {9}});
  EXPECT_EQ(error_of(decode_extensions(encode(dup, write_extensions))), Err::kInvalidValue);
}

// verifies: REQ-MLS-011
TEST(Extension, REQ_MLS_011_extension_lists_are_limited) {
  std::vector<Extension> list;
  for (size_t i = 0; i < kMaxExtensions; ++i) {
    list.push_back({static_cast<ExtensionType>(i), {}});
  }
  EXPECT_TRUE(decode_extensions(encode(list, write_extensions)).has_value());
  list.push_back({0xffff, {}});
  EXPECT_EQ(error_of(decode_extensions(encode(list, write_extensions))), Err::kLengthLimit);
}

}  // namespace
}  // namespace conclave::mls
