// Tests for crypto/mls/psk.h: the RFC 9420 §8.4 chain for zero, one and two
// PSKs, its sensitivity to order and to the id bytes, and the count limit.
// tests/kat runs the official psk_secret vectors.
#include "crypto/mls/psk.h"

#include <gtest/gtest.h>

#include <vector>

#include "../crypto_test_util.h"
#include "core/writer.h"

namespace conclave::mls {
namespace {

using crypto::testing::error_of;
using crypto::testing::hex;

const CipherSuite kSuite1(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
const CipherSuite kSuite2(CipherSuiteId::kP256Aes128GcmSha256P256);

Bytes b(const SecretBytes& s) { return to_bytes(s.view()); }

// verifies: REQ-MLS-113
TEST(Psk, empty_list_gives_zero) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    auto got = compute_psk_secret(suite, {});
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(b(*got), Bytes(suite.nh(), 0));
  }
}

// verifies: REQ-MLS-113
TEST(Psk, chain_follows_rfc_9420_section_8_4) {
  const CipherSuite& suite = kSuite2;
  const Bytes id0 = hex("01036162630411223344");
  const Bytes id1 = hex("0102787904aabbccdd");
  const Bytes psk0 = hex("000102030405060708090a0b0c0d0e0f");
  const Bytes psk1 = hex("f0f1f2f3");
  const PskInput list[] = {{id0, psk0}, {id1, psk1}};
  auto got = compute_psk_secret(suite, list);
  ASSERT_TRUE(got.has_value());

  const Bytes zero(suite.nh(), 0);
  SecretBytes acc = SecretBytes::copy_of(zero);
  const Bytes* ids[] = {&id0, &id1};
  const Bytes* psks[] = {&psk0, &psk1};
  for (uint16_t i = 0; i < 2; ++i) {
    Writer label;
    label.bytes(*ids[i]);
    label.u16(i);
    label.u16(2);
    const Bytes l = *std::move(label).finish();
    auto extracted = suite.extract(zero, *psks[i]);
    auto input = suite.expand_with_label(*extracted, "derived psk", l, suite.nh());
    acc = *suite.extract(input->view(), acc.view());
  }
  EXPECT_EQ(b(*got), b(acc));

  // Order and id bytes matter.
  const PskInput swapped[] = {{id1, psk1}, {id0, psk0}};
  EXPECT_NE(b(*compute_psk_secret(suite, swapped)), b(*got));
  Bytes id0_other = id0;
  id0_other.back() ^= 1;
  const PskInput renamed[] = {{id0_other, psk0}, {id1, psk1}};
  EXPECT_NE(b(*compute_psk_secret(suite, renamed)), b(*got));
}

// verifies: REQ-MLS-113
TEST(Psk, more_than_65535_psks_are_refused) {
  const std::vector<PskInput> many(65536);
  EXPECT_EQ(error_of(compute_psk_secret(kSuite1, many)), Err::kInvalidArgument);
}

}  // namespace
}  // namespace conclave::mls
