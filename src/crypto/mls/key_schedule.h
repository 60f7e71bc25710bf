// The MLS key schedule (RFC 9420 §8): from one epoch's init_secret, the
// commit_secret, the psk_secret and the new GroupContext to the next epoch's
// secrets; the entry from a Welcome; the first epoch of a new group; the
// exporter and the external key pair.
//
//                     init_secret_[n-1]
//                           |
//     commit_secret --> KDF.Extract
//                           |
//                   ExpandWithLabel(., "joiner", GroupContext_[n], Nh)
//                           |
//                      joiner_secret
//                           |
// psk_secret (or 0) --> KDF.Extract  --> DeriveSecret(., "welcome") = welcome_secret
//                           |
//                   ExpandWithLabel(., "epoch", GroupContext_[n], Nh)
//                           |
//                      epoch_secret --> DeriveSecret(., <label>) = <secret>
//
// The GroupContext is taken as its serialized bytes: its codec belongs to the
// message layer. Every secret input must be exactly Nh bytes
// (kInvalidArgument otherwise); a joiner_secret from a Welcome is checked
// here too, so a GroupSecrets with a secret of the wrong length cannot reach
// the KDF.
//
// The intermediate values (the extract outputs, epoch_secret) never leave
// these functions and are zeroised on return. What the caller receives it
// owns, and deletes per RFC 9420 §9.2: the previous epoch's secrets once the
// new epoch is committed, the joiner_secret once the Welcome is built.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/hpke/dhkem.h"
#include "crypto/mls/cipher_suite.h"

namespace conclave::mls {

// EpochSecrets are the secrets derived from one epoch_secret (RFC 9420 §8,
// table "Epoch-Derived Secrets", plus init_secret). Move-only.
// implements: REQ-MLS-108
struct EpochSecrets {
  SecretBytes sender_data_secret;   // "sender data"
  SecretBytes encryption_secret;    // "encryption" (root of the secret tree)
  SecretBytes exporter_secret;      // "exporter"
  SecretBytes external_secret;      // "external"
  SecretBytes confirmation_key;     // "confirm"
  SecretBytes membership_key;       // "membership"
  SecretBytes resumption_psk;       // "resumption"
  SecretBytes epoch_authenticator;  // "authentication"
  SecretBytes init_secret;          // "init" (input to the next epoch)
};

// EpochKeys is what a member that processes or creates a Commit obtains: the
// joiner_secret and welcome_secret (for the Welcome to new members) and the
// new epoch's secrets.
struct EpochKeys {
  SecretBytes joiner_secret;
  SecretBytes welcome_secret;
  EpochSecrets epoch;
};

// derive_epoch_secrets derives every epoch-derived secret from `epoch_secret`
// (Nh bytes).
// implements: REQ-MLS-108
[[nodiscard]] Result<EpochSecrets> derive_epoch_secrets(const CipherSuite& suite,
                                                        const SecretBytes& epoch_secret);

// advance_epoch is the key schedule of a Commit: from the previous epoch's
// `init_secret`, the Commit's `commit_secret` (the all-zero Nh-byte vector
// when the Commit has no path: zero_secret()), the `psk_secret` of the
// Commit's PSKs (compute_psk_secret; zero_secret() without PSKs) and the new
// epoch's serialized GroupContext `group_context`.
// implements: REQ-MLS-108
[[nodiscard]] Result<EpochKeys> advance_epoch(const CipherSuite& suite,
                                              const SecretBytes& init_secret,
                                              const SecretBytes& commit_secret,
                                              const SecretBytes& psk_secret,
                                              ByteView group_context);

// welcome_secret_from_joiner is the first step of joining from a Welcome:
// welcome_secret = DeriveSecret(Extract(joiner_secret, psk_secret),
// "welcome"). It needs no GroupContext, which the joiner learns only from the
// GroupInfo this secret decrypts.
// implements: REQ-MLS-111
[[nodiscard]] Result<SecretBytes> welcome_secret_from_joiner(const CipherSuite& suite,
                                                             const SecretBytes& joiner_secret,
                                                             const SecretBytes& psk_secret);

// WelcomeKey is the AEAD key (Nk) and nonce (Nn) that encrypt a Welcome's
// GroupInfo (RFC 9420 §12.4.3.1).
struct WelcomeKey {
  SecretBytes key;
  SecretBytes nonce;
};

// derive_welcome_key derives the GroupInfo key and nonce from `welcome_secret`.
// implements: REQ-MLS-111
[[nodiscard]] Result<WelcomeKey> derive_welcome_key(const CipherSuite& suite,
                                                    const SecretBytes& welcome_secret);

// epoch_from_joiner is the second step of joining from a Welcome: the epoch
// secrets from the GroupSecrets' `joiner_secret`, the `psk_secret` of its
// PSKs, and the serialized GroupContext of the GroupInfo.
// implements: REQ-MLS-111
[[nodiscard]] Result<EpochSecrets> epoch_from_joiner(const CipherSuite& suite,
                                                     const SecretBytes& joiner_secret,
                                                     const SecretBytes& psk_secret,
                                                     ByteView group_context);

// initial_epoch is the key schedule of a new group's epoch 0: a fresh random
// epoch_secret of Nh bytes (RFC 9420 §11), from which the epoch secrets are
// derived. It fails only if the RNG does (kCryptoInternal).
// implements: REQ-MLS-112
[[nodiscard]] Result<EpochSecrets> initial_epoch(const CipherSuite& suite);

// zero_secret is the all-zero vector of length Nh, the "0" of RFC 9420 §8.
SecretBytes zero_secret(const CipherSuite& suite);

// external_key_pair is KEM.DeriveKeyPair(external_secret): the HPKE key pair
// whose public key (external_pub) goes into GroupInfo for external joins.
// implements: REQ-MLS-110
[[nodiscard]] Result<crypto::hpke::KeyPair> external_key_pair(const CipherSuite& suite,
                                                              const SecretBytes& external_secret);

// mls_exporter is MLS-Exporter(label, context, length) =
//   ExpandWithLabel(DeriveSecret(exporter_secret, label), "exported",
//                   Hash(context), length)
// over the epoch's `exporter_secret` (Nh bytes). `label` is used as given
// (DeriveSecret adds the "MLS 1.0 " prefix); `length` above 65535 is
// kInvalidArgument.
// implements: REQ-MLS-109
[[nodiscard]] Result<SecretBytes> mls_exporter(const CipherSuite& suite,
                                               const SecretBytes& exporter_secret,
                                               std::string_view label, ByteView context,
                                               size_t length);

}  // namespace conclave::mls
