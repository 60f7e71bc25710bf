#include "crypto/mls/welcome_crypto.h"

#include <utility>

#include "crypto/aead.h"
#include "crypto/mls/codec_util.h"
#include "crypto/mls/psk.h"
#include "crypto/mls/transcript_hash.h"

namespace conclave::mls {

namespace {

constexpr const char* kWelcomeLabel = "Welcome";

// encode_psk_ids serializes each PreSharedKeyID once; compute_psk_secret
// takes the ids as the exact bytes on the wire.
Result<std::vector<Bytes>> encode_psk_ids(std::span<const PreSharedKeyId> ids) {
  std::vector<Bytes> out;
  out.reserve(ids.size());
  for (const PreSharedKeyId& id : ids) {
    CONCLAVE_TRY_ASSIGN(Bytes b, detail::encode_value(id, write_pre_shared_key_id));
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

// implements: REQ-MLS-409
Result<Welcome> create_welcome(const CipherSuite& suite, const GroupInfo& group_info,
                               const SecretBytes& joiner_secret,
                               std::span<const PreSharedKeyId> psks, const SecretBytes& psk_secret,
                               std::span<const WelcomeRecipient> recipients) {
  CONCLAVE_REQUIRE(group_info.group_context.cipher_suite == suite.wire_value(),
                   Err::kInvalidArgument);
  CONCLAVE_REQUIRE(!recipients.empty(), Err::kInvalidArgument);

  Welcome w;
  w.cipher_suite = suite.wire_value();
  CONCLAVE_TRY_ASSIGN(const Bytes group_info_bytes, encode_group_info(group_info));
  CONCLAVE_TRY_ASSIGN(const SecretBytes welcome_secret,
                      welcome_secret_from_joiner(suite, joiner_secret, psk_secret));
  CONCLAVE_TRY_ASSIGN(const WelcomeKey key, derive_welcome_key(suite, welcome_secret));
  CONCLAVE_TRY_ASSIGN(
      w.encrypted_group_info,
      crypto::aead_seal(suite.aead_alg(), key.key.view(), key.nonce.view(), {}, group_info_bytes));

  for (const WelcomeRecipient& r : recipients) {
    CONCLAVE_REQUIRE(r.key_package.cipher_suite == suite.wire_value(), Err::kInvalidArgument);
    GroupSecrets secrets;
    secrets.joiner_secret = joiner_secret.clone();
    if (r.path_secret.has_value()) {
      secrets.path_secret = PathSecret{r.path_secret->clone()};
    }
    secrets.psks.assign(psks.begin(), psks.end());
    CONCLAVE_TRY_ASSIGN(const SecretBytes plaintext, encode_group_secrets(secrets));

    //= RFC 9420 §12.4.3.1
    //# encrypted_group_secrets = EncryptWithLabel(init_key, "Welcome",
    //#     encrypted_group_info, group_secrets)
    EncryptedGroupSecrets entry;
    CONCLAVE_TRY_ASSIGN(entry.new_member, key_package_ref(r.key_package));
    CONCLAVE_TRY_ASSIGN(entry.encrypted_group_secrets,
                        suite.encrypt_with_label(r.key_package.init_key, kWelcomeLabel,
                                                 w.encrypted_group_info, plaintext.view()));
    w.secrets.push_back(std::move(entry));
  }
  return w;
}

// implements: REQ-MLS-410
Result<UnverifiedWelcome> open_welcome(const Welcome& welcome, const KeyPackage& key_package,
                                       const crypto::hpke::KeyPair& init_key,
                                       const PskResolver& resolve_psk) {
  if (welcome.cipher_suite != key_package.cipher_suite) {
    return Error(Err::kProtocol, "Welcome cipher suite differs from the KeyPackage's");
  }
  CONCLAVE_TRY_ASSIGN(const CipherSuite suite, CipherSuite::from_wire(welcome.cipher_suite));

  //= RFC 9420 §12.4.3.1
  //# If no such field exists, or if the ciphertext in that field cannot be
  //# decrypted (as described below), then the Welcome message MUST be
  //# ignored.
  CONCLAVE_TRY_ASSIGN(const Bytes ref, key_package_ref(key_package));
  const EncryptedGroupSecrets* ours = nullptr;
  for (const EncryptedGroupSecrets& e : welcome.secrets) {
    if (equal(e.new_member, ref)) {
      ours = &e;
      break;
    }
  }
  if (ours == nullptr) {
    return Error(Err::kProtocol, "Welcome is not addressed to this KeyPackage");
  }
  auto plaintext = suite.decrypt_with_label(init_key, kWelcomeLabel, welcome.encrypted_group_info,
                                            ours->encrypted_group_secrets.kem_output,
                                            ours->encrypted_group_secrets.ciphertext);
  if (!plaintext) {
    return Error(Err::kAuthFailed, "Welcome group secrets");
  }
  CONCLAVE_TRY_ASSIGN(GroupSecrets secrets, decode_group_secrets(plaintext->view()));

  //= RFC 9420 §12.4.3.1
  //# If a PreSharedKeyID is part of the GroupSecrets and the client is not
  //# in possession of the corresponding PSK, return an error.
  CONCLAVE_TRY_ASSIGN(const std::vector<Bytes> ids, encode_psk_ids(secrets.psks));
  std::vector<SecretBytes> values;
  values.reserve(secrets.psks.size());
  std::vector<PskInput> inputs;
  inputs.reserve(secrets.psks.size());
  for (size_t i = 0; i < secrets.psks.size(); ++i) {
    CONCLAVE_TRY_ASSIGN(SecretBytes value, resolve_psk(secrets.psks[i]));
    values.push_back(std::move(value));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    inputs.push_back(PskInput{ids[i], values[i].view()});
  }
  CONCLAVE_TRY_ASSIGN(SecretBytes psk_secret, compute_psk_secret(suite, inputs));

  CONCLAVE_TRY_ASSIGN(const SecretBytes welcome_secret,
                      welcome_secret_from_joiner(suite, secrets.joiner_secret, psk_secret));
  CONCLAVE_TRY_ASSIGN(const WelcomeKey key, derive_welcome_key(suite, welcome_secret));
  auto group_info_bytes = crypto::aead_open(suite.aead_alg(), key.key.view(), key.nonce.view(), {},
                                            welcome.encrypted_group_info);
  if (!group_info_bytes) {
    return Error(Err::kAuthFailed, "Welcome encrypted_group_info");
  }
  CONCLAVE_TRY_ASSIGN(GroupInfo group_info, decode_group_info(*group_info_bytes));
  if (group_info.group_context.cipher_suite != welcome.cipher_suite) {
    return Error(Err::kProtocol, "GroupInfo cipher suite differs from the Welcome's");
  }
  return UnverifiedWelcome(suite, std::move(group_info), std::move(secrets), std::move(psk_secret));
}

// implements: REQ-MLS-411
Result<WelcomeJoin> UnverifiedWelcome::verify(ByteView signer_key) && {
  //= RFC 9420 §12.4.3.1
  //# If the node is blank or if signature verification fails, return an
  //# error.
  if (!verify_group_info_signature(suite_, group_info_, signer_key)) {
    return Error(Err::kAuthFailed, "GroupInfo signature");
  }
  CONCLAVE_TRY_ASSIGN(const Bytes context, encode_group_context(group_info_.group_context));
  CONCLAVE_TRY_ASSIGN(EpochSecrets epoch,
                      epoch_from_joiner(suite_, secrets_.joiner_secret, psk_secret_, context));
  //= RFC 9420 §12.4.3.1
  //# Verify the confirmation tag in the GroupInfo using the derived
  //# confirmation key and the confirmed_transcript_hash from the GroupInfo.
  if (!verify_confirmation_tag(suite_, epoch.confirmation_key,
                               group_info_.group_context.confirmed_transcript_hash,
                               group_info_.confirmation_tag)) {
    return Error(Err::kAuthFailed, "GroupInfo confirmation_tag");
  }
  WelcomeJoin join;
  join.group_info = std::move(group_info_);
  if (secrets_.path_secret.has_value()) {
    join.path_secret = std::move(secrets_.path_secret->path_secret);
  }
  join.epoch = std::move(epoch);
  return join;
}

}  // namespace conclave::mls
