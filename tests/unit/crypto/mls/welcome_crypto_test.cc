// Tests for crypto/mls/welcome_crypto.h: create_welcome / open_welcome /
// UnverifiedWelcome::verify round trips with several recipients, a path
// secret and PSKs, in both suites; a Welcome not addressed to us, a wrong
// init key, a tampered GroupInfo ciphertext, signature or confirmation tag,
// an unknown PSK and a suite mismatch are all refused. tests/kat runs the
// official welcome vectors.
#include "crypto/mls/welcome_crypto.h"

#include <gtest/gtest.h>

#include <vector>

#include "../crypto_test_util.h"
#include "crypto/hpke/dhkem.h"
#include "crypto/mls/psk.h"
#include "crypto/signature.h"

namespace conclave::mls {
namespace {

using crypto::testing::error_of;

SecretBytes filled(uint8_t fill, size_t len) {
  SecretBytes s(len);
  for (uint8_t& b : s.mutable_view()) {
    b = fill;
  }
  return s;
}

struct Joiner {
  KeyPackage key_package;
  crypto::hpke::KeyPair init_key;
};

Joiner make_joiner(const CipherSuite& suite, uint8_t id) {
  auto init = crypto::hpke::generate_key_pair(suite.hpke_suite().kem);
  CONCLAVE_ASSERT(init.has_value());
  KeyPackage kp;
  kp.cipher_suite = suite.wire_value();
  kp.init_key = to_bytes(init->public_key().bytes());
  kp.leaf_node.encryption_key = Bytes(32, id);
  kp.leaf_node.signature_key = Bytes(32, id);
  kp.leaf_node.credential.identity = {id};
  kp.leaf_node.signature = {id};
  kp.signature = {id};
  return Joiner{std::move(kp), std::move(init).value()};
}

PreSharedKeyId external_psk(uint8_t id, size_t nh) {
  PreSharedKeyId p;
  p.psktype = PskType::kExternal;
  p.psk_id = {id, id};
  p.psk_nonce = Bytes(nh, id);
  return p;
}

// Committer is the existing member that builds the Welcome.
struct Committer {
  explicit Committer(const CipherSuite& s) : suite(s) {
    auto kp = crypto::generate_signature_key_pair(suite.signature_scheme());
    CONCLAVE_ASSERT(kp.has_value());
    signer = std::move(kp).value();
    joiner_secret = filled(0x4a, suite.nh());
    psks = {external_psk(1, suite.nh()), external_psk(2, suite.nh())};
  }

  SecretBytes psk_value(const PreSharedKeyId& id) const { return filled(id.psk_id[0], 16); }

  PskResolver resolver() const {
    return [this](const PreSharedKeyId& id) -> Result<SecretBytes> {
      if (id.psk_id.empty() || id.psk_id[0] > 2) {
        return Error(Err::kProtocol, "unknown PSK");
      }
      return psk_value(id);
    };
  }

  SecretBytes psk_secret() const {
    std::vector<Bytes> ids;
    std::vector<SecretBytes> values;
    std::vector<PskInput> in;
    for (const PreSharedKeyId& p : psks) {
      Writer w;
      write_pre_shared_key_id(w, p);
      ids.push_back(*std::move(w).finish());
      values.push_back(psk_value(p));
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      in.push_back(PskInput{ids[i], values[i].view()});
    }
    return *compute_psk_secret(suite, in);
  }

  // group_info is a GroupInfo of epoch 5 with a valid confirmation tag for
  // this joiner_secret and psk_secret, signed by `signer`.
  GroupInfo group_info() const {
    GroupInfo gi;
    gi.group_context.cipher_suite = suite.wire_value();
    gi.group_context.group_id = {1, 2, 3};
    gi.group_context.epoch = 5;
    gi.group_context.tree_hash = Bytes(suite.nh(), 0x0e);
    gi.group_context.confirmed_transcript_hash = Bytes(suite.nh(), 0x0c);
    gi.signer = 3;
    const SecretBytes psk = psk_secret();
    auto epoch =
        epoch_from_joiner(suite, joiner_secret, psk, *encode_group_context(gi.group_context));
    gi.confirmation_tag =
        *suite.mac(epoch->confirmation_key.view(), gi.group_context.confirmed_transcript_hash);
    gi.signature = *sign_group_info(suite, signer.private_key, gi);
    return gi;
  }

  Result<Welcome> welcome(const GroupInfo& gi, const std::vector<Joiner>& joiners,
                          bool with_path_secret) const {
    std::vector<WelcomeRecipient> r;
    for (size_t i = 0; i < joiners.size(); ++i) {
      WelcomeRecipient w{joiners[i].key_package, std::nullopt};
      if (with_path_secret) {
        w.path_secret = filled(static_cast<uint8_t>(0x70 + i), suite.nh());
      }
      r.push_back(std::move(w));
    }
    return create_welcome(suite, gi, joiner_secret, psks, psk_secret(), r);
  }

  CipherSuite suite;
  crypto::SignatureKeyPair signer;
  SecretBytes joiner_secret;
  std::vector<PreSharedKeyId> psks;
};

class WelcomeCrypto : public ::testing::TestWithParam<CipherSuiteId> {
 protected:
  CipherSuite suite{GetParam()};
  Committer c{suite};
};

INSTANTIATE_TEST_SUITE_P(Suites, WelcomeCrypto,
                         ::testing::Values(CipherSuiteId::kX25519Aes128GcmSha256Ed25519,
                                           CipherSuiteId::kP256Aes128GcmSha256P256));

// verifies: REQ-MLS-409, REQ-MLS-410, REQ-MLS-411
TEST_P(WelcomeCrypto, round_trip_for_each_recipient) {
  std::vector<Joiner> joiners;
  joiners.push_back(make_joiner(suite, 1));
  joiners.push_back(make_joiner(suite, 2));
  const GroupInfo gi = c.group_info();
  auto w = c.welcome(gi, joiners, true);
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(w->secrets.size(), 2U);
  EXPECT_EQ(w->cipher_suite, suite.wire_value());

  const Bytes context = *encode_group_context(gi.group_context);
  auto expected = epoch_from_joiner(suite, c.joiner_secret, c.psk_secret(), context);
  for (size_t i = 0; i < joiners.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(w->secrets[i].new_member, *key_package_ref(joiners[i].key_package));
    auto opened = open_welcome(*w, joiners[i].key_package, joiners[i].init_key, c.resolver());
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(opened->signer(), 3U);
    EXPECT_EQ(opened->unverified_group_context().epoch, 5U);
    auto join = std::move(*opened).verify(c.signer.public_key);
    ASSERT_TRUE(join.has_value());
    EXPECT_EQ(join->group_info.signature, gi.signature);
    ASSERT_TRUE(join->path_secret.has_value());
    EXPECT_TRUE(join->path_secret->ct_equal(filled(static_cast<uint8_t>(0x70 + i), suite.nh())));
    EXPECT_TRUE(join->epoch.epoch_authenticator.ct_equal(expected->epoch_authenticator));
  }
}

// verifies: REQ-MLS-410
TEST_P(WelcomeCrypto, welcome_not_addressed_to_us_is_refused) {
  std::vector<Joiner> joiners;
  joiners.push_back(make_joiner(suite, 1));
  auto w = c.welcome(c.group_info(), joiners, false);
  ASSERT_TRUE(w.has_value());
  const Joiner stranger = make_joiner(suite, 9);
  EXPECT_EQ(error_of(open_welcome(*w, stranger.key_package, stranger.init_key, c.resolver())),
            Err::kProtocol);
  // Our KeyPackageRef, but another init key: the secrets do not decrypt.
  EXPECT_EQ(error_of(open_welcome(*w, joiners[0].key_package, stranger.init_key, c.resolver())),
            Err::kAuthFailed);
}

// verifies: REQ-MLS-410
TEST_P(WelcomeCrypto, tampered_ciphertexts_are_auth_failed) {
  std::vector<Joiner> joiners;
  joiners.push_back(make_joiner(suite, 1));
  auto w = c.welcome(c.group_info(), joiners, false);
  ASSERT_TRUE(w.has_value());
  const Joiner& j = joiners[0];
  // encrypted_group_info is also the context of the secrets' encryption.
  Welcome bad = *w;
  bad.encrypted_group_info.back() ^= 1;
  EXPECT_EQ(error_of(open_welcome(bad, j.key_package, j.init_key, c.resolver())), Err::kAuthFailed);
  bad = *w;
  bad.secrets[0].encrypted_group_secrets.ciphertext[0] ^= 1;
  EXPECT_EQ(error_of(open_welcome(bad, j.key_package, j.init_key, c.resolver())), Err::kAuthFailed);
}

// verifies: REQ-MLS-410
TEST_P(WelcomeCrypto, unknown_psk_and_suite_mismatch_are_refused) {
  std::vector<Joiner> joiners;
  joiners.push_back(make_joiner(suite, 1));
  auto w = c.welcome(c.group_info(), joiners, false);
  ASSERT_TRUE(w.has_value());
  const Joiner& j = joiners[0];
  auto none = [](const PreSharedKeyId&) -> Result<SecretBytes> { return Err::kUnsupported; };
  EXPECT_EQ(error_of(open_welcome(*w, j.key_package, j.init_key, none)), Err::kUnsupported);
  Welcome other = *w;
  other.cipher_suite = suite.wire_value() == 1 ? 2 : 1;
  EXPECT_EQ(error_of(open_welcome(other, j.key_package, j.init_key, c.resolver())), Err::kProtocol);
}

// verifies: REQ-MLS-411
TEST_P(WelcomeCrypto, tampered_group_info_signature_is_refused) {
  std::vector<Joiner> joiners;
  joiners.push_back(make_joiner(suite, 1));
  GroupInfo gi = c.group_info();
  gi.signature[gi.signature.size() / 2] ^= 1;
  auto w = c.welcome(gi, joiners, false);
  ASSERT_TRUE(w.has_value());
  const Joiner& j = joiners[0];
  auto opened = open_welcome(*w, j.key_package, j.init_key, c.resolver());
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(error_of(std::move(*opened).verify(c.signer.public_key)), Err::kAuthFailed);

  // A correct signature checked against another member's key.
  auto w2 = c.welcome(c.group_info(), joiners, false);
  auto opened2 = open_welcome(*w2, j.key_package, j.init_key, c.resolver());
  ASSERT_TRUE(opened2.has_value());
  auto other = crypto::generate_signature_key_pair(suite.signature_scheme());
  EXPECT_EQ(error_of(std::move(*opened2).verify(other->public_key)), Err::kAuthFailed);
}

// verifies: REQ-MLS-411
TEST_P(WelcomeCrypto, wrong_confirmation_tag_is_refused) {
  std::vector<Joiner> joiners;
  joiners.push_back(make_joiner(suite, 1));
  GroupInfo gi = c.group_info();
  gi.confirmation_tag[0] ^= 1;
  gi.signature = *sign_group_info(suite, c.signer.private_key, gi);
  auto w = c.welcome(gi, joiners, false);
  ASSERT_TRUE(w.has_value());
  auto opened = open_welcome(*w, joiners[0].key_package, joiners[0].init_key, c.resolver());
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(error_of(std::move(*opened).verify(c.signer.public_key)), Err::kAuthFailed);
}

// verifies: REQ-MLS-409
TEST_P(WelcomeCrypto, create_refuses_foreign_suites_and_no_recipients) {
  std::vector<Joiner> joiners;
  joiners.push_back(make_joiner(suite, 1));
  joiners[0].key_package.cipher_suite = 3;
  EXPECT_EQ(error_of(c.welcome(c.group_info(), joiners, false)), Err::kInvalidArgument);
  EXPECT_EQ(error_of(c.welcome(c.group_info(), {}, false)), Err::kInvalidArgument);
}

}  // namespace
}  // namespace conclave::mls
