// Runs the MLS welcome.json vectors (mls-implementations test-vectors, RFC
// 9420 §12.4.3.1): the Welcome is opened with init_priv and the KeyPackage,
// the GroupInfo signature verified with signer_pub and its confirmation tag
// with the derived confirmation_key (both inside UnverifiedWelcome::verify).
// Beyond the vector: a wrong signer key and a KeyPackage the Welcome is not
// addressed to are refused, and a Welcome built with create_welcome for the
// same KeyPackage and GroupInfo opens and verifies again.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "crypto/mls/mls_message.h"
#include "crypto/mls/welcome_crypto.h"
#include "mls_kat_util.h"
#include "vector_kinds.h"

namespace conclave::kat {

namespace {

using mls::CipherSuite;

Result<SecretBytes> no_psks(const mls::PreSharedKeyId& /*id*/) {
  return Error(Err::kProtocol, "unknown PSK");
}

template <typename T>
Result<T> decode_as(ByteView in) {
  CONCLAVE_TRY_ASSIGN(mls::MlsMessage m, mls::decode_mls_message(in));
  if (!std::holds_alternative<T>(m.body)) {
    return Error(Err::kUnexpectedMessage, "wrong wire format");
  }
  return std::get<T>(std::move(m.body));
}

std::string check_entry(const CipherSuite& suite, Fields& f) {
  const SecretBytes init_priv = SecretBytes::copy_of(f.hex("init_priv"));
  const Bytes signer_pub = f.hex("signer_pub");
  const Bytes key_package_msg = f.hex("key_package");
  const Bytes welcome_msg = f.hex("welcome");
  if (!f.ok()) {
    return f.error();
  }
  auto kp = decode_as<mls::KeyPackage>(key_package_msg);
  if (!kp) {
    return error_text("decode key_package", kp.error());
  }
  auto welcome = decode_as<mls::Welcome>(welcome_msg);
  if (!welcome) {
    return error_text("decode welcome", welcome.error());
  }
  auto init_key = suite.hpke_private_key(init_priv);
  if (!init_key) {
    return error_text("hpke_private_key", init_key.error());
  }
  if (!equal(init_key->public_key().bytes(), kp->init_key)) {
    return "init_priv does not match key_package.init_key";
  }

  auto opened = mls::open_welcome(*welcome, *kp, *init_key, no_psks);
  if (!opened) {
    return error_text("open_welcome", opened.error());
  }
  // A wrong signer key is refused (the signer's own key, corrupted).
  {
    auto again = mls::open_welcome(*welcome, *kp, *init_key, no_psks);
    Bytes wrong = signer_pub;
    wrong.back() ^= 1;
    auto bad = std::move(*again).verify(wrong);
    if (bad) {
      return "GroupInfo verified with a wrong signer key";
    }
  }
  auto join = std::move(*opened).verify(signer_pub);
  if (!join) {
    return error_text("UnverifiedWelcome::verify", join.error());
  }
  if (join->path_secret.has_value()) {
    return "unexpected path_secret";
  }

  // A KeyPackage the Welcome is not addressed to.
  mls::KeyPackage other = *kp;
  other.signature.push_back(0);
  auto not_ours = mls::open_welcome(*welcome, other, *init_key, no_psks);
  if (not_ours || not_ours.error().code != Err::kProtocol) {
    return "Welcome opened for a KeyPackage it is not addressed to";
  }

  // Our own Welcome for the same member and GroupInfo, with a fresh joiner
  // secret: it must open and verify the same way (the confirmation tag is
  // recomputed for the new epoch secrets).
  SecretBytes joiner = mls::zero_secret(suite);
  joiner.mutable_view()[0] = 0x5a;
  const SecretBytes psk_secret = mls::zero_secret(suite);
  mls::GroupInfo gi = join->group_info;
  auto context = mls::encode_group_context(gi.group_context);
  if (!context) {
    return error_text("encode_group_context", context.error());
  }
  auto epoch = mls::epoch_from_joiner(suite, joiner, psk_secret, *context);
  if (!epoch) {
    return error_text("epoch_from_joiner", epoch.error());
  }
  auto tag = suite.mac(epoch->confirmation_key.view(), gi.group_context.confirmed_transcript_hash);
  if (!tag) {
    return error_text("mac", tag.error());
  }
  gi.confirmation_tag = *tag;
  // The vector gives no signer private key: sign with a fresh one.
  auto signer = crypto::generate_signature_key_pair(suite.signature_scheme());
  if (!signer) {
    return error_text("generate_signature_key_pair", signer.error());
  }
  auto sig = mls::sign_group_info(suite, signer->private_key, gi);
  if (!sig) {
    return error_text("sign_group_info", sig.error());
  }
  gi.signature = *sig;
  std::vector<mls::WelcomeRecipient> recipients;
  recipients.push_back(mls::WelcomeRecipient{*kp, std::nullopt});
  auto mine = mls::create_welcome(suite, gi, joiner, {}, psk_secret, recipients);
  if (!mine) {
    return error_text("create_welcome", mine.error());
  }
  auto mine_opened = mls::open_welcome(*mine, *kp, *init_key, no_psks);
  if (!mine_opened) {
    return error_text("open own Welcome", mine_opened.error());
  }
  auto mine_join = std::move(*mine_opened).verify(signer->public_key);
  if (!mine_join) {
    return error_text("verify own Welcome", mine_join.error());
  }
  Checks c;
  c.expect_equal("own Welcome epoch_authenticator", mine_join->epoch.epoch_authenticator.view(),
                 epoch->epoch_authenticator.view());
  return c.first();
}

FileReport run_welcome(const nlohmann::json& entries) {
  return run_suite_entries(entries, check_entry);
}

}  // namespace

CONCLAVE_VECTOR_KIND(
    krun_mls_welcome, "mls welcome",
    [](const nlohmann::json& doc) {
      if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
        return false;
      }
      const nlohmann::json& e = doc[0];
      return e.size() == 5 && e.contains("cipher_suite") && e.contains("init_priv") &&
             e.contains("signer_pub") && e.contains("key_package") && e.contains("welcome");
    },
    &run_welcome);

}  // namespace conclave::kat
