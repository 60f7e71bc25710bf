// HPKE (RFC 9180), written here on BoringSSL primitives.
//
// Suites: KEM 0x0010 DHKEM(P-256, HKDF-SHA256) or 0x0020 DHKEM(X25519,
// HKDF-SHA256); KDF 0x0001 HKDF-SHA256; AEAD 0x0001 AES-128-GCM. Modes:
// base, psk, auth, auth_psk. src/crypto/README.md says why this is not
// BoringSSL's own EVP_HPKE (it has neither P-256 nor the psk/auth modes).
//
// The sender and recipient contexts are different types, so a sender
// context cannot open and a recipient context cannot seal (RFC 9180 §5.2).
// The setup functions here always draw a fresh ephemeral key; the
// deterministic entry point for known-answer tests is in
// crypto/hpke/known_answer.h and nowhere else.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/aead.h"
#include "crypto/hpke/dhkem.h"

namespace conclave::crypto::hpke {

enum class Mode : uint8_t {
  kBase = 0x00,
  kPsk = 0x01,
  kAuth = 0x02,
  kAuthPsk = 0x03,
};

enum class KdfId : uint16_t {
  kHkdfSha256 = 0x0001,
};

enum class AeadId : uint16_t {
  kAes128Gcm = 0x0001,
};

const char* to_string(Mode mode);
const char* to_string(KdfId kdf);
const char* to_string(AeadId aead);

// *_from_wire map code points to the enums; unknown values are kUnsupported.
[[nodiscard]] Result<Mode> mode_from_wire(uint8_t value);
[[nodiscard]] Result<KdfId> kdf_from_wire(uint16_t value);
[[nodiscard]] Result<AeadId> aead_from_wire(uint16_t value);

// Suite is an HPKE cipher suite (KEM, KDF, AEAD).
struct Suite {
  KemId kem;
  KdfId kdf;
  AeadId aead;
};

// suite_from_wire builds a Suite from three code points, or kUnsupported.
[[nodiscard]] Result<Suite> suite_from_wire(uint16_t kem, uint16_t kdf, uint16_t aead);

// The RFC 9180 §7.2 and §7.3 sizes, in bytes.
size_t kdf_nh(KdfId kdf);
size_t aead_nk(AeadId aead);
size_t aead_nn(AeadId aead);
size_t aead_nt(AeadId aead);

// SenderModeInputs selects the mode on the sending side. The PSK views and
// the sender key are borrowed for the duration of the setup call only.
//   kBase     nothing else
//   kPsk      psk (at least 32 bytes) and a non-empty psk_id
//   kAuth     sender_key
//   kAuthPsk  all three
// Any other combination is kInvalidArgument (RFC 9180 §5.1 VerifyPSKInputs).
struct SenderModeInputs {
  Mode mode = Mode::kBase;
  ByteView psk;
  ByteView psk_id;
  const KeyPair* sender_key = nullptr;  // nullable borrow; auth modes only
};

// RecipientModeInputs is the recipient's side of the same choice; the auth
// modes need the sender's public key instead of its key pair.
struct RecipientModeInputs {
  Mode mode = Mode::kBase;
  ByteView psk;
  ByteView psk_id;
  const PublicKey* sender_public_key = nullptr;  // nullable borrow; auth modes only
};

// ContextTestAccess is defined only by the unit tests
// (tests/unit/crypto/hpke/hpke_test.cc), to move a context's sequence
// number to the end of its range; product code never defines it.
// ScheduleAccess (hpke.cc) is the only code that builds a context.
class ContextTestAccess;
struct ScheduleAccess;

namespace detail {
// ContextState is what the key schedule produces: the AEAD key, base nonce,
// exporter secret and sequence number. Both context types wrap one.
struct ContextState {
  Suite suite;
  AeadKey key;
  SecretBytes base_nonce;
  SecretBytes exporter_secret;
  uint64_t seq = 0;
};
}  // namespace detail

//= RFC 9180 §5.2
//# The sender's context MUST NOT be used for decryption. Similarly, the recipient's
//# context MUST NOT be used for encryption.
//
// Two types, so the rule holds at compile time.

// SenderContext is ContextS: it seals a sequence of messages and exports
// secrets. Move-only.
// implements: REQ-CRYPTO-007, REQ-CRYPTO-008
class SenderContext {
 public:
  // seal encrypts `plaintext` with the next sequence number and returns
  // ciphertext || tag. Once the sequence number cannot advance, it refuses
  // with kSequenceExhausted and encrypts nothing.
  [[nodiscard]] Result<Bytes> seal(ByteView aad, ByteView plaintext);

  // seal into a caller buffer (plaintext.size() + aead_nt bytes);
  // returns the bytes written. Same errors as AeadKey::seal, plus
  // kSequenceExhausted. The sequence number advances only on success.
  [[nodiscard]] Result<size_t> seal(MutableByteView out, ByteView aad, ByteView plaintext);

  // export_secret is Context.Export(exporter_context, L); `length` is at
  // most 255 * Nh (kInvalidArgument).
  [[nodiscard]] Result<SecretBytes> export_secret(ByteView exporter_context, size_t length) const;

  // sequence is the number of messages sealed so far.
  uint64_t sequence() const { return state_.seq; }
  const Suite& suite() const { return state_.suite; }

 private:
  friend class ContextTestAccess;
  friend struct ScheduleAccess;
  explicit SenderContext(detail::ContextState state) : state_(std::move(state)) {}

  detail::ContextState state_;
};

// RecipientContext is ContextR: it opens messages in the order they were
// sealed and exports secrets. Move-only.
// implements: REQ-CRYPTO-007, REQ-CRYPTO-008
class RecipientContext {
 public:
  // open decrypts the next message. Authentication failure is kAuthFailed
  // and leaves the sequence number unchanged; kSequenceExhausted as in
  // SenderContext::seal. The plaintext is returned as SecretBytes: in
  // Conclave, HPKE carries key material (MLS GroupSecrets, path secrets).
  [[nodiscard]] Result<SecretBytes> open(ByteView aad, ByteView ciphertext);

  // open into a caller buffer (ciphertext.size() - aead_nt bytes);
  // returns the bytes written. On failure the buffer's plaintext region is
  // zeroed.
  [[nodiscard]] Result<size_t> open(MutableByteView out, ByteView aad, ByteView ciphertext);

  [[nodiscard]] Result<SecretBytes> export_secret(ByteView exporter_context, size_t length) const;

  uint64_t sequence() const { return state_.seq; }
  const Suite& suite() const { return state_.suite; }

 private:
  friend class ContextTestAccess;
  friend struct ScheduleAccess;
  explicit RecipientContext(detail::ContextState state) : state_(std::move(state)) {}

  detail::ContextState state_;
};

// SenderSetup is what SetupS returns: the encapsulated key to send and the
// sender context.
struct SenderSetup {
  Bytes enc;
  SenderContext context;
};

// setup_sender is Setup<MODE>S(pkR, info, ...) with a fresh ephemeral key.
// Errors: kInvalidArgument (mode inputs, keys of another KEM than the
// suite's), kInvalidPublicKey (DH output rejected), kCryptoInternal.
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<SenderSetup> setup_sender(const Suite& suite, const PublicKey& pk_r,
                                               ByteView info, const SenderModeInputs& mode = {});

// setup_recipient is Setup<MODE>R(enc, skR, info, ...). A malformed `enc`
// (wrong length, invalid point, low-order X25519 point) is kInvalidPublicKey.
// implements: REQ-CRYPTO-006, REQ-CRYPTO-007
[[nodiscard]] Result<RecipientContext> setup_recipient(const Suite& suite, ByteView enc,
                                                       const KeyPair& sk_r, ByteView info,
                                                       const RecipientModeInputs& mode = {});

// Sealed is a single-shot HPKE ciphertext.
struct Sealed {
  Bytes enc;
  Bytes ciphertext;
};

// seal is the single-shot Seal<MODE>(pkR, info, aad, pt, ...) (RFC 9180 §6.1).
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<Sealed> seal(const Suite& suite, const PublicKey& pk_r, ByteView info,
                                  ByteView aad, ByteView plaintext,
                                  const SenderModeInputs& mode = {});

// open is the single-shot Open<MODE>(enc, skR, info, aad, ct, ...): errors of
// setup_recipient, then kAuthFailed for a ciphertext that does not open.
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<SecretBytes> open(const Suite& suite, ByteView enc, const KeyPair& sk_r,
                                       ByteView info, ByteView aad, ByteView ciphertext,
                                       const RecipientModeInputs& mode = {});

}  // namespace conclave::crypto::hpke
