#include "crypto/mls/key_schedule.h"

#include "crypto/rand.h"

namespace conclave::mls {

namespace {

Result<void> require_nh(const CipherSuite& suite, const SecretBytes& s) {
  if (s.size() != suite.nh()) {
    return Error(Err::kInvalidArgument, "key schedule: secret is not Nh bytes");
  }
  return {};
}

// member_secret is the value between joiner_secret and epoch_secret:
// KDF.Extract(salt = joiner_secret, ikm = psk_secret).
Result<SecretBytes> member_secret(const CipherSuite& suite, const SecretBytes& joiner_secret,
                                  const SecretBytes& psk_secret) {
  CONCLAVE_TRY(require_nh(suite, joiner_secret));
  CONCLAVE_TRY(require_nh(suite, psk_secret));
  return suite.extract(joiner_secret.view(), psk_secret.view());
}

}  // namespace

SecretBytes zero_secret(const CipherSuite& suite) { return SecretBytes(suite.nh()); }

// implements: REQ-MLS-108
Result<EpochSecrets> derive_epoch_secrets(const CipherSuite& suite,
                                          const SecretBytes& epoch_secret) {
  CONCLAVE_TRY(require_nh(suite, epoch_secret));
  //= RFC 9420 §8
  //# A number of values are derived from the epoch secret for different
  //# purposes
  EpochSecrets out;
  CONCLAVE_TRY_ASSIGN(out.sender_data_secret, suite.derive_secret(epoch_secret, "sender data"));
  CONCLAVE_TRY_ASSIGN(out.encryption_secret, suite.derive_secret(epoch_secret, "encryption"));
  CONCLAVE_TRY_ASSIGN(out.exporter_secret, suite.derive_secret(epoch_secret, "exporter"));
  CONCLAVE_TRY_ASSIGN(out.external_secret, suite.derive_secret(epoch_secret, "external"));
  CONCLAVE_TRY_ASSIGN(out.confirmation_key, suite.derive_secret(epoch_secret, "confirm"));
  CONCLAVE_TRY_ASSIGN(out.membership_key, suite.derive_secret(epoch_secret, "membership"));
  CONCLAVE_TRY_ASSIGN(out.resumption_psk, suite.derive_secret(epoch_secret, "resumption"));
  CONCLAVE_TRY_ASSIGN(out.epoch_authenticator, suite.derive_secret(epoch_secret, "authentication"));
  CONCLAVE_TRY_ASSIGN(out.init_secret, suite.derive_secret(epoch_secret, "init"));
  return out;
}

// implements: REQ-MLS-108
Result<EpochKeys> advance_epoch(const CipherSuite& suite, const SecretBytes& init_secret,
                                const SecretBytes& commit_secret, const SecretBytes& psk_secret,
                                ByteView group_context) {
  CONCLAVE_TRY(require_nh(suite, init_secret));
  CONCLAVE_TRY(require_nh(suite, commit_secret));
  //= RFC 9420 §8
  //# When processing a handshake message, a client combines the
  //# following information to derive new epoch secrets:
  CONCLAVE_TRY_ASSIGN(const SecretBytes extracted,
                      suite.extract(init_secret.view(), commit_secret.view()));
  EpochKeys out;
  CONCLAVE_TRY_ASSIGN(out.joiner_secret,
                      suite.expand_with_label(extracted, "joiner", group_context, suite.nh()));
  CONCLAVE_TRY_ASSIGN(const SecretBytes member,
                      member_secret(suite, out.joiner_secret, psk_secret));
  CONCLAVE_TRY_ASSIGN(out.welcome_secret, suite.derive_secret(member, "welcome"));
  CONCLAVE_TRY_ASSIGN(const SecretBytes epoch_secret,
                      suite.expand_with_label(member, "epoch", group_context, suite.nh()));
  CONCLAVE_TRY_ASSIGN(out.epoch, derive_epoch_secrets(suite, epoch_secret));
  return out;
}

// implements: REQ-MLS-111
Result<SecretBytes> welcome_secret_from_joiner(const CipherSuite& suite,
                                               const SecretBytes& joiner_secret,
                                               const SecretBytes& psk_secret) {
  CONCLAVE_TRY_ASSIGN(const SecretBytes member, member_secret(suite, joiner_secret, psk_secret));
  return suite.derive_secret(member, "welcome");
}

// implements: REQ-MLS-111
Result<WelcomeKey> derive_welcome_key(const CipherSuite& suite, const SecretBytes& welcome_secret) {
  CONCLAVE_TRY(require_nh(suite, welcome_secret));
  //= RFC 9420 §12.4.3.1
  //# welcome_nonce = ExpandWithLabel(welcome_secret, "nonce", "", AEAD.Nn)
  //# welcome_key = ExpandWithLabel(welcome_secret, "key", "", AEAD.Nk)
  WelcomeKey out;
  CONCLAVE_TRY_ASSIGN(out.key, suite.expand_with_label(welcome_secret, "key", {}, suite.nk()));
  CONCLAVE_TRY_ASSIGN(out.nonce, suite.expand_with_label(welcome_secret, "nonce", {}, suite.nn()));
  return out;
}

// implements: REQ-MLS-111
Result<EpochSecrets> epoch_from_joiner(const CipherSuite& suite, const SecretBytes& joiner_secret,
                                       const SecretBytes& psk_secret, ByteView group_context) {
  CONCLAVE_TRY_ASSIGN(const SecretBytes member, member_secret(suite, joiner_secret, psk_secret));
  CONCLAVE_TRY_ASSIGN(const SecretBytes epoch_secret,
                      suite.expand_with_label(member, "epoch", group_context, suite.nh()));
  return derive_epoch_secrets(suite, epoch_secret);
}

// implements: REQ-MLS-112
Result<EpochSecrets> initial_epoch(const CipherSuite& suite) {
  //= RFC 9420 §11
  //# Epoch secret: A fresh random value of size `KDF.Nh`
  SecretBytes epoch_secret(suite.nh());
  CONCLAVE_TRY(crypto::random_bytes(epoch_secret.mutable_view()));
  return derive_epoch_secrets(suite, epoch_secret);
}

// implements: REQ-MLS-110
Result<crypto::hpke::KeyPair> external_key_pair(const CipherSuite& suite,
                                                const SecretBytes& external_secret) {
  CONCLAVE_TRY(require_nh(suite, external_secret));
  //= RFC 9420 §8
  //# external_priv, external_pub = KEM.DeriveKeyPair(external_secret)
  return suite.derive_hpke_key_pair(external_secret.view());
}

// implements: REQ-MLS-109
Result<SecretBytes> mls_exporter(const CipherSuite& suite, const SecretBytes& exporter_secret,
                                 std::string_view label, ByteView context, size_t length) {
  CONCLAVE_TRY(require_nh(suite, exporter_secret));
  //= RFC 9420 §8.5
  //# MLS-Exporter(Label, Context, Length) =
  //#        ExpandWithLabel(DeriveSecret(exporter_secret, Label),
  //#                          "exported", Hash(Context), Length)
  CONCLAVE_TRY_ASSIGN(const SecretBytes labelled, suite.derive_secret(exporter_secret, label));
  const Bytes context_hash = suite.hash(context);
  return suite.expand_with_label(labelled, "exported", context_hash, length);
}

}  // namespace conclave::mls
