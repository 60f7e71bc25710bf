// Welcome cryptography (RFC 9420 §12.4.3.1): building a Welcome for new
// members and opening one as a joiner.
//
// Opening is split in two so that the GroupInfo signature cannot be
// forgotten: open_welcome decrypts and returns an UnverifiedWelcome, which
// gives out only what is needed to find the signer's key (the signer index
// and the GroupInfo extensions, where a ratchet_tree extension may carry the
// tree). The group state, the epoch secrets and the verified GroupInfo come
// only from UnverifiedWelcome::verify(signer_key), which checks the
// signature and the confirmation tag (REQ-MLS-411).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/hpke/dhkem.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/mls/extension.h"
#include "crypto/mls/group_info.h"
#include "crypto/mls/key_package.h"
#include "crypto/mls/key_schedule.h"
#include "crypto/mls/proposal.h"
#include "crypto/mls/welcome.h"

namespace conclave::mls {

// WelcomeRecipient is one new member: its KeyPackage and, when the Commit
// had a path, the path_secret of the lowest common ancestor of the
// committer and the new member (RFC 9420 §12.4.3.1).
struct WelcomeRecipient {
  KeyPackage key_package;
  std::optional<SecretBytes> path_secret;
};

// create_welcome builds the Welcome of a Commit: `group_info` (already
// signed) is encrypted under the key and nonce derived from
// welcome_secret = DeriveSecret(Extract(joiner_secret, psk_secret),
// "welcome"), and for each recipient a GroupSecrets { joiner_secret,
// path_secret, psks } is encrypted to its KeyPackage's init_key with
// EncryptWithLabel(init_key, "Welcome", encrypted_group_info, .). `psks`
// are the Commit's PSK ids and `psk_secret` their psk_secret (zero_secret()
// without PSKs). Every KeyPackage must be of `suite` (kInvalidArgument);
// its validation (RFC 9420 §10.1) is the caller's, done when the Add was.
// implements: REQ-MLS-409
[[nodiscard]] Result<Welcome> create_welcome(const CipherSuite& suite, const GroupInfo& group_info,
                                             const SecretBytes& joiner_secret,
                                             std::span<const PreSharedKeyId> psks,
                                             const SecretBytes& psk_secret,
                                             std::span<const WelcomeRecipient> recipients);

// PskResolver returns the value of the PSK `id` names, or an error when the
// joiner does not know it (kProtocol) or does not support it
// (kUnsupported), which open_welcome returns unchanged.
using PskResolver = std::function<Result<SecretBytes>(const PreSharedKeyId& id)>;

// WelcomeJoin is the outcome of a verified Welcome: the GroupInfo (signature
// and confirmation tag checked), the path_secret if the Welcome carried one,
// and the secrets of the epoch joined.
struct WelcomeJoin {
  GroupInfo group_info;
  std::optional<SecretBytes> path_secret;
  EpochSecrets epoch;
};

// UnverifiedWelcome is a decrypted Welcome whose GroupInfo is not yet
// authenticated. Move-only; verify consumes it.
class UnverifiedWelcome {
 public:
  UnverifiedWelcome(const UnverifiedWelcome&) = delete;
  UnverifiedWelcome& operator=(const UnverifiedWelcome&) = delete;
  UnverifiedWelcome(UnverifiedWelcome&&) noexcept = default;
  UnverifiedWelcome& operator=(UnverifiedWelcome&&) noexcept = default;
  ~UnverifiedWelcome() = default;

  // signer is the leaf index whose signature_key the caller looks up in the
  // group's tree (unauthenticated until verify succeeds).
  uint32_t signer() const { return group_info_.signer; }
  // unverified_extensions are the GroupInfo extensions (e.g. ratchet_tree),
  // which the caller may need to find the signer's key. Unauthenticated.
  const std::vector<Extension>& unverified_extensions() const { return group_info_.extensions; }
  // unverified_group_context is the GroupContext the tree must match
  // (tree_hash). Unauthenticated.
  const GroupContext& unverified_group_context() const { return group_info_.group_context; }

  // verify checks the GroupInfo signature with `signer_key`
  // (VerifyWithLabel "GroupInfoTBS"; kAuthFailed), derives the epoch secrets
  // from the joiner_secret, psk_secret and GroupContext, and checks the
  // confirmation tag against the confirmed_transcript_hash (kAuthFailed).
  // implements: REQ-MLS-411
  [[nodiscard]] Result<WelcomeJoin> verify(ByteView signer_key) &&;

 private:
  friend Result<UnverifiedWelcome> open_welcome(const Welcome&, const KeyPackage&,
                                                const crypto::hpke::KeyPair&, const PskResolver&);
  UnverifiedWelcome(CipherSuite suite, GroupInfo group_info, GroupSecrets secrets,
                    SecretBytes psk_secret)
      : suite_(suite),
        group_info_(std::move(group_info)),
        secrets_(std::move(secrets)),
        psk_secret_(std::move(psk_secret)) {}

  CipherSuite suite_;
  GroupInfo group_info_;
  GroupSecrets secrets_;
  SecretBytes psk_secret_;
};

// open_welcome is the joiner's first half of RFC 9420 §12.4.3.1: the Welcome
// must be of `key_package`'s suite (kProtocol); the entry whose new_member
// is KeyPackageRef(key_package) is found (none: kProtocol, "not addressed to
// us"); its GroupSecrets are decrypted with `init_key`, the private key of
// key_package.init_key (kAuthFailed); every PSK is resolved with
// `resolve_psk`; the GroupInfo is decrypted with the welcome key
// (kAuthFailed) and must be of the same suite (kProtocol).
// implements: REQ-MLS-410
[[nodiscard]] Result<UnverifiedWelcome> open_welcome(const Welcome& welcome,
                                                     const KeyPackage& key_package,
                                                     const crypto::hpke::KeyPair& init_key,
                                                     const PskResolver& resolve_psk);

}  // namespace conclave::mls
