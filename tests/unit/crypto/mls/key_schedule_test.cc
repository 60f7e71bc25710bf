// Tests for crypto/mls/key_schedule.h: the epoch chain against the RFC 9420
// §8 formulas, input length checks, the Welcome path, the first epoch, the
// exporter and the external key pair. tests/kat runs the official
// key-schedule vectors.
#include "crypto/mls/key_schedule.h"

#include <gtest/gtest.h>

#include <set>

#include "../crypto_test_util.h"
#include "crypto/mls/group.h"  // ByteOrder

namespace conclave::mls {
namespace {

using crypto::testing::error_of;
using crypto::testing::hex;

const CipherSuite kSuite1(CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
const CipherSuite kSuite2(CipherSuiteId::kP256Aes128GcmSha256P256);

SecretBytes filled(uint8_t fill, size_t len = 32) {
  SecretBytes s(len);
  for (uint8_t& b : s.mutable_view()) {
    b = fill;
  }
  return s;
}

Bytes b(const SecretBytes& s) { return to_bytes(s.view()); }

const Bytes kGroupContext = hex("0001000104abcdef0000000000000003020102020304");

// verifies: REQ-MLS-108
TEST(KeySchedule, advance_epoch_follows_rfc_9420_section_8) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    SCOPED_TRACE(suite.name());
    const SecretBytes init = filled(1);
    const SecretBytes commit = filled(2);
    const SecretBytes psk = filled(3);
    auto keys = advance_epoch(suite, init, commit, psk, kGroupContext);
    ASSERT_TRUE(keys.has_value());

    auto extracted = suite.extract(init.view(), commit.view());
    auto joiner = suite.expand_with_label(*extracted, "joiner", kGroupContext, suite.nh());
    auto member = suite.extract(joiner->view(), psk.view());
    auto welcome = suite.derive_secret(*member, "welcome");
    auto epoch = suite.expand_with_label(*member, "epoch", kGroupContext, suite.nh());
    EXPECT_EQ(b(keys->joiner_secret), b(*joiner));
    EXPECT_EQ(b(keys->welcome_secret), b(*welcome));
    EXPECT_EQ(b(keys->epoch.sender_data_secret), b(*suite.derive_secret(*epoch, "sender data")));
    EXPECT_EQ(b(keys->epoch.encryption_secret), b(*suite.derive_secret(*epoch, "encryption")));
    EXPECT_EQ(b(keys->epoch.exporter_secret), b(*suite.derive_secret(*epoch, "exporter")));
    EXPECT_EQ(b(keys->epoch.external_secret), b(*suite.derive_secret(*epoch, "external")));
    EXPECT_EQ(b(keys->epoch.confirmation_key), b(*suite.derive_secret(*epoch, "confirm")));
    EXPECT_EQ(b(keys->epoch.membership_key), b(*suite.derive_secret(*epoch, "membership")));
    EXPECT_EQ(b(keys->epoch.resumption_psk), b(*suite.derive_secret(*epoch, "resumption")));
    EXPECT_EQ(b(keys->epoch.epoch_authenticator),
              b(*suite.derive_secret(*epoch, "authentication")));
    EXPECT_EQ(b(keys->epoch.init_secret), b(*suite.derive_secret(*epoch, "init")));

    // A different GroupContext gives a different epoch.
    Bytes other = kGroupContext;
    other.back() ^= 1;
    auto forked = advance_epoch(suite, init, commit, psk, other);
    ASSERT_TRUE(forked.has_value());
    EXPECT_NE(b(forked->epoch.epoch_authenticator), b(keys->epoch.epoch_authenticator));
  }
}

// verifies: REQ-MLS-108
TEST(KeySchedule, secret_inputs_must_be_nh_bytes) {
  const SecretBytes ok = filled(1);
  for (size_t len : {0u, 16u, 31u, 33u, 48u}) {
    SCOPED_TRACE(len);
    const SecretBytes bad = filled(1, len);
    EXPECT_EQ(error_of(advance_epoch(kSuite1, bad, ok, ok, kGroupContext)), Err::kInvalidArgument);
    EXPECT_EQ(error_of(advance_epoch(kSuite1, ok, bad, ok, kGroupContext)), Err::kInvalidArgument);
    EXPECT_EQ(error_of(advance_epoch(kSuite1, ok, ok, bad, kGroupContext)), Err::kInvalidArgument);
    EXPECT_EQ(error_of(welcome_secret_from_joiner(kSuite1, bad, ok)), Err::kInvalidArgument);
    EXPECT_EQ(error_of(welcome_secret_from_joiner(kSuite1, ok, bad)), Err::kInvalidArgument);
    EXPECT_EQ(error_of(epoch_from_joiner(kSuite1, bad, ok, kGroupContext)), Err::kInvalidArgument);
    EXPECT_EQ(error_of(epoch_from_joiner(kSuite1, ok, bad, kGroupContext)), Err::kInvalidArgument);
    EXPECT_EQ(error_of(derive_epoch_secrets(kSuite1, bad)), Err::kInvalidArgument);
    EXPECT_EQ(error_of(derive_welcome_key(kSuite1, bad)), Err::kInvalidArgument);
    EXPECT_EQ(error_of(external_key_pair(kSuite1, bad)), Err::kInvalidArgument);
    EXPECT_EQ(error_of(mls_exporter(kSuite1, bad, "x", {}, 16)), Err::kInvalidArgument);
  }
  const SecretBytes zero = zero_secret(kSuite1);
  EXPECT_EQ(b(zero), Bytes(32, 0));
}

// verifies: REQ-MLS-108
TEST(KeySchedule, epoch_secrets_are_distinct) {
  auto keys =
      advance_epoch(kSuite2, filled(9), zero_secret(kSuite2), zero_secret(kSuite2), kGroupContext);
  ASSERT_TRUE(keys.has_value());
  const EpochSecrets& e = keys->epoch;
  // ByteOrder, not std::less<Bytes>: GCC 12 -O3 false -Wstringop-overread
  // (finding V-03).
  const std::set<Bytes, ByteOrder> all = {
      b(keys->joiner_secret),   b(keys->welcome_secret), b(e.sender_data_secret),
      b(e.encryption_secret),   b(e.exporter_secret),    b(e.external_secret),
      b(e.confirmation_key),    b(e.membership_key),     b(e.resumption_psk),
      b(e.epoch_authenticator), b(e.init_secret)};
  EXPECT_EQ(all.size(), 11u);
}

// verifies: REQ-MLS-111
TEST(KeySchedule, welcome_path_reaches_the_same_epoch) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    SCOPED_TRACE(suite.name());
    const SecretBytes psk = filled(4);
    auto keys = advance_epoch(suite, filled(5), filled(6), psk, kGroupContext);
    ASSERT_TRUE(keys.has_value());
    auto welcome = welcome_secret_from_joiner(suite, keys->joiner_secret, psk);
    ASSERT_TRUE(welcome.has_value());
    EXPECT_EQ(b(*welcome), b(keys->welcome_secret));
    auto joined = epoch_from_joiner(suite, keys->joiner_secret, psk, kGroupContext);
    ASSERT_TRUE(joined.has_value());
    EXPECT_EQ(b(joined->encryption_secret), b(keys->epoch.encryption_secret));
    EXPECT_EQ(b(joined->epoch_authenticator), b(keys->epoch.epoch_authenticator));
    EXPECT_EQ(b(joined->init_secret), b(keys->epoch.init_secret));
    // A wrong psk_secret gives another welcome_secret.
    EXPECT_NE(b(*welcome_secret_from_joiner(suite, keys->joiner_secret, filled(7))),
              b(keys->welcome_secret));

    auto wk = derive_welcome_key(suite, *welcome);
    ASSERT_TRUE(wk.has_value());
    EXPECT_EQ(b(wk->key), b(*suite.expand_with_label(*welcome, "key", {}, suite.nk())));
    EXPECT_EQ(b(wk->nonce), b(*suite.expand_with_label(*welcome, "nonce", {}, suite.nn())));
    EXPECT_EQ(wk->key.size(), suite.nk());
    EXPECT_EQ(wk->nonce.size(), suite.nn());
  }
}

// verifies: REQ-MLS-112
TEST(KeySchedule, initial_epoch_is_fresh) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    SCOPED_TRACE(suite.name());
    auto a = initial_epoch(suite);
    auto c = initial_epoch(suite);
    ASSERT_TRUE(a.has_value() && c.has_value());
    EXPECT_EQ(a->epoch_authenticator.size(), suite.nh());
    EXPECT_EQ(a->init_secret.size(), suite.nh());
    EXPECT_NE(b(a->epoch_authenticator), b(c->epoch_authenticator));
    EXPECT_NE(b(a->encryption_secret), b(c->encryption_secret));
  }
}

// verifies: REQ-MLS-109
TEST(KeySchedule, exporter_follows_rfc_9420_section_8_5) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    SCOPED_TRACE(suite.name());
    const SecretBytes exporter = filled(8);
    const Bytes context = hex("0102030405");
    auto got = mls_exporter(suite, exporter, "SFrame 1.0 Secret", context, 32);
    ASSERT_TRUE(got.has_value());
    auto labelled = suite.derive_secret(exporter, "SFrame 1.0 Secret");
    auto want = suite.expand_with_label(*labelled, "exported", suite.hash(context), 32);
    EXPECT_EQ(b(*got), b(*want));
    EXPECT_NE(b(*mls_exporter(suite, exporter, "other label", context, 32)), b(*got));
    EXPECT_NE(b(*mls_exporter(suite, exporter, "SFrame 1.0 Secret", {}, 32)), b(*got));
    EXPECT_EQ(mls_exporter(suite, exporter, "x", context, 100)->size(), 100u);
    EXPECT_EQ(error_of(mls_exporter(suite, exporter, "x", context, 65536)), Err::kInvalidArgument);
  }
}

// verifies: REQ-MLS-110
TEST(KeySchedule, external_key_pair_is_derived_from_external_secret) {
  for (const CipherSuite& suite : {kSuite1, kSuite2}) {
    SCOPED_TRACE(suite.name());
    const SecretBytes external = filled(0x42);
    auto a = external_key_pair(suite, external);
    auto c = external_key_pair(suite, external);
    ASSERT_TRUE(a.has_value() && c.has_value());
    EXPECT_EQ(to_bytes(a->public_key().bytes()), to_bytes(c->public_key().bytes()));
    auto want = suite.derive_hpke_key_pair(external.view());
    ASSERT_TRUE(want.has_value());
    EXPECT_EQ(to_bytes(a->public_key().bytes()), to_bytes(want->public_key().bytes()));
    EXPECT_NE(to_bytes(external_key_pair(suite, filled(0x43))->public_key().bytes()),
              to_bytes(a->public_key().bytes()));
  }
}

}  // namespace
}  // namespace conclave::mls
