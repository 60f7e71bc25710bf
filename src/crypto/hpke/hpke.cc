#include "crypto/hpke/hpke.h"

#include <array>
#include <limits>

#include "core/check.h"
#include "core/writer.h"
#include "crypto/hash.h"
#include "crypto/hpke/known_answer.h"
#include "crypto/hpke/labeled_kdf.h"
#include "crypto/internal/auth_failure.h"

namespace conclave::crypto::hpke {

// ScheduleAccess is the one place that turns a key schedule into a context.
struct ScheduleAccess {
  static SenderContext sender(detail::ContextState state) {
    return SenderContext(std::move(state));
  }
  static RecipientContext recipient(detail::ContextState state) {
    return RecipientContext(std::move(state));
  }
};

namespace {

constexpr size_t kNonceLen = 12;
// The sequence number is 64 bits, shorter than the 96-bit nonce, which RFC
// 9180 §5.2 allows; this is its last value, which can never be used.
constexpr uint64_t kSeqLimit = std::numeric_limits<uint64_t>::max();
// RFC 9180 §5.1.2: "The PSK MUST have at least 32 bytes of entropy"; the
// length is the part of that a library can check.
constexpr size_t kMinPskLen = 32;

HashAlg hash_of(KdfId kdf) {
  switch (kdf) {
    case KdfId::kHkdfSha256:
      return HashAlg::kSha256;
  }
  CONCLAVE_ASSERT(false && "unknown KdfId");
  return HashAlg::kSha256;
}

AeadAlg alg_of(AeadId aead) {
  switch (aead) {
    case AeadId::kAes128Gcm:
      return AeadAlg::kAes128Gcm;
  }
  CONCLAVE_ASSERT(false && "unknown AeadId");
  return AeadAlg::kAes128Gcm;
}

Bytes suite_id_of(const Suite& suite) {
  return hpke_suite_id(static_cast<uint16_t>(suite.kem), static_cast<uint16_t>(suite.kdf),
                       static_cast<uint16_t>(suite.aead));
}

bool uses_psk(Mode mode) { return mode == Mode::kPsk || mode == Mode::kAuthPsk; }
bool uses_auth(Mode mode) { return mode == Mode::kAuth || mode == Mode::kAuthPsk; }

// check_mode_inputs is VerifyPSKInputs plus the matching rule for the
// sender's key, which RFC 9180 encodes in the choice of Setup function.
Result<void> check_mode_inputs(Mode mode, ByteView psk, ByteView psk_id, bool has_sender_key) {
  //= RFC 9180 §5.1
  //# The `psk` and `psk_id` fields MUST appear together or not at all.
  //# That is, if a non-default value is provided for one of them, then
  //# the other MUST be set to a non-default value.
  const bool got_psk = !psk.empty();
  const bool got_psk_id = !psk_id.empty();
  if (got_psk != got_psk_id) {
    return Error(Err::kInvalidArgument, "HPKE: inconsistent PSK inputs");
  }
  if (got_psk && !uses_psk(mode)) {
    return Error(Err::kInvalidArgument, "HPKE: PSK input provided when not needed");
  }
  if (!got_psk && uses_psk(mode)) {
    return Error(Err::kInvalidArgument, "HPKE: missing required PSK input");
  }
  //= RFC 9180 §5.1.2
  //# The PSK MUST have at least 32 bytes of entropy and SHOULD be of length `Nh`
  //# bytes or longer.
  if (got_psk && psk.size() < kMinPskLen) {
    return Error(Err::kInvalidArgument, "HPKE: PSK shorter than 32 bytes");
  }
  if (has_sender_key != uses_auth(mode)) {
    return Error(Err::kInvalidArgument, "HPKE: sender key given iff the mode is auth/auth_psk");
  }
  return {};
}

Result<void> check_kem(const Suite& suite, KemId kem) {
  if (suite.kem != kem) {
    return Error(Err::kInvalidArgument, "HPKE: key of another KEM than the suite's");
  }
  return {};
}

// key_schedule is KeySchedule<ROLE>(mode, shared_secret, info, psk, psk_id)
// of RFC 9180 §5.1, for inputs already checked by check_mode_inputs.
Result<detail::ContextState> key_schedule(SetupTrace* out_trace, const Suite& suite, Mode mode,
                                          const SecretBytes& shared_secret, ByteView info,
                                          ByteView psk, ByteView psk_id) {
  const HashAlg h = hash_of(suite.kdf);
  const Bytes sid = suite_id_of(suite);
  //= RFC 9180 §5.1
  //#   psk_id_hash = LabeledExtract("", "psk_id_hash", psk_id)
  //#   info_hash = LabeledExtract("", "info_hash", info)
  //#   key_schedule_context = concat(mode, psk_id_hash, info_hash)
  CONCLAVE_TRY_ASSIGN(const SecretBytes psk_id_hash,
                      labeled_extract(h, sid, {}, "psk_id_hash", psk_id));
  CONCLAVE_TRY_ASSIGN(const SecretBytes info_hash, labeled_extract(h, sid, {}, "info_hash", info));
  Writer ksc_writer;
  ksc_writer.u8(static_cast<uint8_t>(mode));
  ksc_writer.bytes(psk_id_hash.view());
  ksc_writer.bytes(info_hash.view());
  CONCLAVE_TRY_ASSIGN(const Bytes ksc, std::move(ksc_writer).finish());

  //= RFC 9180 §5.1
  //#   secret = LabeledExtract(shared_secret, "secret", psk)
  //#
  //#   key = LabeledExpand(secret, "key", key_schedule_context, Nk)
  //#   base_nonce = LabeledExpand(secret, "base_nonce",
  //#                              key_schedule_context, Nn)
  //#   exporter_secret = LabeledExpand(secret, "exp",
  //#                                   key_schedule_context, Nh)
  CONCLAVE_TRY_ASSIGN(SecretBytes secret,
                      labeled_extract(h, sid, shared_secret.view(), "secret", psk));
  CONCLAVE_TRY_ASSIGN(SecretBytes key,
                      labeled_expand(h, sid, secret.view(), "key", ksc, aead_nk(suite.aead)));
  CONCLAVE_TRY_ASSIGN(SecretBytes base_nonce, labeled_expand(h, sid, secret.view(), "base_nonce",
                                                             ksc, aead_nn(suite.aead)));
  CONCLAVE_TRY_ASSIGN(SecretBytes exporter_secret,
                      labeled_expand(h, sid, secret.view(), "exp", ksc, kdf_nh(suite.kdf)));
  CONCLAVE_TRY_ASSIGN(AeadKey aead_key, AeadKey::create(alg_of(suite.aead), key.view()));

  if (out_trace != nullptr) {
    out_trace->shared_secret = shared_secret.clone();
    out_trace->key_schedule_context = ksc;
    out_trace->secret = std::move(secret);
    out_trace->key = std::move(key);
    out_trace->base_nonce = base_nonce.clone();
    out_trace->exporter_secret = exporter_secret.clone();
  }
  return detail::ContextState{suite, std::move(aead_key), std::move(base_nonce),
                              std::move(exporter_secret), 0};
}

// Nonce is one per-message nonce, wiped when it goes out of scope.
class Nonce {
 public:
  //= RFC 9180 §5.2
  //# def Context<ROLE>.ComputeNonce(seq):
  //#   seq_bytes = I2OSP(seq, Nn)
  //#   return xor(self.base_nonce, seq_bytes)
  Nonce(const SecretBytes& base_nonce, uint64_t seq) {
    CONCLAVE_ASSERT(base_nonce.size() == kNonceLen);
    const ByteView base = base_nonce.view();
    for (size_t i = 0; i < kNonceLen; ++i) {
      // I2OSP(seq, 12): the 64-bit value sits in the last eight bytes.
      const size_t from_end = kNonceLen - 1 - i;
      const uint8_t seq_byte = from_end < 8 ? static_cast<uint8_t>(seq >> (8 * from_end)) : 0;
      bytes_[i] = static_cast<uint8_t>(base[i] ^ seq_byte);
    }
  }
  Nonce(const Nonce&) = delete;
  Nonce& operator=(const Nonce&) = delete;
  ~Nonce() { secure_zero(bytes_); }

  ByteView view() const { return bytes_; }

 private:
  std::array<uint8_t, kNonceLen> bytes_{};
};

// implements: REQ-CRYPTO-008
Result<void> check_sequence(uint64_t seq) {
  //= RFC 9180 §5.2
  //# Implementations MAY use a sequence number that is shorter than the
  //# nonce length (padding on the left with zero), but MUST raise an error
  //# if the sequence number overflows.
  //
  //= RFC 9180 §5.2
  //# If `ContextS.Seal()` or `ContextR.Open()` would cause the `seq` field to
  //# overflow, then the implementation MUST fail with an error.
  //
  // Checked before the AEAD runs, so nothing is encrypted or released
  // under a sequence number that could not then be incremented.
  if (seq >= kSeqLimit) {
    return Error(Err::kSequenceExhausted, "HPKE context sequence number exhausted");
  }
  return {};
}

Result<size_t> state_seal(detail::ContextState& state, MutableByteView out, ByteView aad,
                          ByteView plaintext) {
  CONCLAVE_TRY(check_sequence(state.seq));
  const Nonce nonce(state.base_nonce, state.seq);
  CONCLAVE_TRY_ASSIGN(const size_t written, state.key.seal(out, nonce.view(), aad, plaintext));
  ++state.seq;
  return written;
}

Result<size_t> state_open(detail::ContextState& state, MutableByteView out, ByteView aad,
                          ByteView ciphertext) {
  CONCLAVE_TRY(check_sequence(state.seq));
  const Nonce nonce(state.base_nonce, state.seq);
  CONCLAVE_TRY_ASSIGN(const size_t written, state.key.open(out, nonce.view(), aad, ciphertext));
  ++state.seq;
  return written;
}

Result<SecretBytes> state_export(const detail::ContextState& state, ByteView exporter_context,
                                 size_t length) {
  //= RFC 9180 §5.3
  //# def Context.Export(exporter_context, L):
  //#   return LabeledExpand(self.exporter_secret, "sec",
  //#                        exporter_context, L)
  //
  // L above 255*Nh is refused by HKDF-Expand (kInvalidArgument).
  return labeled_expand(hash_of(state.suite.kdf), suite_id_of(state.suite),
                        state.exporter_secret.view(), "sec", exporter_context, length);
}

Result<SenderSetup> setup_sender_impl(SetupTrace* out_trace, const Suite& suite,
                                      const KeyPair& ephemeral, const PublicKey& pk_r,
                                      ByteView info, const SenderModeInputs& mode) {
  CONCLAVE_TRY(check_mode_inputs(mode.mode, mode.psk, mode.psk_id, mode.sender_key != nullptr));
  CONCLAVE_TRY(check_kem(suite, pk_r.kem()));
  CONCLAVE_TRY(check_kem(suite, ephemeral.kem()));
  Encapsulation encapsulation;
  if (mode.sender_key != nullptr) {
    CONCLAVE_TRY(check_kem(suite, mode.sender_key->kem()));
    CONCLAVE_TRY_ASSIGN(encapsulation,
                        auth_encap_with_ephemeral(pk_r, *mode.sender_key, ephemeral));
  } else {
    CONCLAVE_TRY_ASSIGN(encapsulation, encap_with_ephemeral(pk_r, ephemeral));
  }
  CONCLAVE_TRY_ASSIGN(detail::ContextState state,
                      key_schedule(out_trace, suite, mode.mode, encapsulation.shared_secret, info,
                                   mode.psk, mode.psk_id));
  return SenderSetup{std::move(encapsulation.enc), ScheduleAccess::sender(std::move(state))};
}

Result<RecipientContext> setup_recipient_impl(SetupTrace* out_trace, const Suite& suite,
                                              ByteView enc, const KeyPair& sk_r, ByteView info,
                                              const RecipientModeInputs& mode) {
  CONCLAVE_TRY(
      check_mode_inputs(mode.mode, mode.psk, mode.psk_id, mode.sender_public_key != nullptr));
  CONCLAVE_TRY(check_kem(suite, sk_r.kem()));
  SecretBytes shared_secret;
  if (mode.sender_public_key != nullptr) {
    CONCLAVE_TRY(check_kem(suite, mode.sender_public_key->kem()));
    CONCLAVE_TRY_ASSIGN(shared_secret, auth_decap(enc, sk_r, *mode.sender_public_key));
  } else {
    CONCLAVE_TRY_ASSIGN(shared_secret, decap(enc, sk_r));
  }
  CONCLAVE_TRY_ASSIGN(
      detail::ContextState state,
      key_schedule(out_trace, suite, mode.mode, shared_secret, info, mode.psk, mode.psk_id));
  return ScheduleAccess::recipient(std::move(state));
}

}  // namespace

const char* to_string(Mode mode) {
  switch (mode) {
    case Mode::kBase:
      return "base";
    case Mode::kPsk:
      return "psk";
    case Mode::kAuth:
      return "auth";
    case Mode::kAuthPsk:
      return "auth_psk";
  }
  return "unknown mode";
}

const char* to_string(KdfId kdf) {
  switch (kdf) {
    case KdfId::kHkdfSha256:
      return "HKDF-SHA256";
  }
  return "unknown KDF";
}

const char* to_string(AeadId aead) {
  switch (aead) {
    case AeadId::kAes128Gcm:
      return "AES-128-GCM";
  }
  return "unknown AEAD";
}

Result<Mode> mode_from_wire(uint8_t value) {
  switch (value) {
    case static_cast<uint8_t>(Mode::kBase):
      return Mode::kBase;
    case static_cast<uint8_t>(Mode::kPsk):
      return Mode::kPsk;
    case static_cast<uint8_t>(Mode::kAuth):
      return Mode::kAuth;
    case static_cast<uint8_t>(Mode::kAuthPsk):
      return Mode::kAuthPsk;
    default:
      return Error(Err::kUnsupported, "HPKE mode not supported");
  }
}

Result<KdfId> kdf_from_wire(uint16_t value) {
  switch (value) {
    case static_cast<uint16_t>(KdfId::kHkdfSha256):
      return KdfId::kHkdfSha256;
    default:
      return Error(Err::kUnsupported, "HPKE KDF not supported");
  }
}

Result<AeadId> aead_from_wire(uint16_t value) {
  switch (value) {
    case static_cast<uint16_t>(AeadId::kAes128Gcm):
      return AeadId::kAes128Gcm;
    default:
      return Error(Err::kUnsupported, "HPKE AEAD not supported");
  }
}

Result<Suite> suite_from_wire(uint16_t kem, uint16_t kdf, uint16_t aead) {
  CONCLAVE_TRY_ASSIGN(const KemId k, kem_from_wire(kem));
  CONCLAVE_TRY_ASSIGN(const KdfId d, kdf_from_wire(kdf));
  CONCLAVE_TRY_ASSIGN(const AeadId a, aead_from_wire(aead));
  return Suite{k, d, a};
}

size_t kdf_nh(KdfId kdf) { return hash_len(hash_of(kdf)); }
size_t aead_nk(AeadId aead) { return aead_key_len(alg_of(aead)); }
size_t aead_nn(AeadId) { return kAeadNonceLen; }
size_t aead_nt(AeadId) { return kAeadTagLen; }

// implements: REQ-CRYPTO-007, REQ-CRYPTO-008
Result<Bytes> SenderContext::seal(ByteView aad, ByteView plaintext) {
  Bytes out(plaintext.size() + kAeadTagLen);
  CONCLAVE_TRY(state_seal(state_, out, aad, plaintext));
  return out;
}

// implements: REQ-CRYPTO-007, REQ-CRYPTO-008
Result<size_t> SenderContext::seal(MutableByteView out, ByteView aad, ByteView plaintext) {
  return state_seal(state_, out, aad, plaintext);
}

// implements: REQ-CRYPTO-007
Result<SecretBytes> SenderContext::export_secret(ByteView exporter_context, size_t length) const {
  return state_export(state_, exporter_context, length);
}

// implements: REQ-CRYPTO-007, REQ-CRYPTO-008
Result<SecretBytes> RecipientContext::open(ByteView aad, ByteView ciphertext) {
  if (ciphertext.size() < kAeadTagLen) {
    return internal::auth_failure();
  }
  SecretBytes out(ciphertext.size() - kAeadTagLen);
  CONCLAVE_TRY(state_open(state_, out.mutable_view(), aad, ciphertext));
  return out;
}

// implements: REQ-CRYPTO-007, REQ-CRYPTO-008
Result<size_t> RecipientContext::open(MutableByteView out, ByteView aad, ByteView ciphertext) {
  return state_open(state_, out, aad, ciphertext);
}

// implements: REQ-CRYPTO-007
Result<SecretBytes> RecipientContext::export_secret(ByteView exporter_context,
                                                    size_t length) const {
  return state_export(state_, exporter_context, length);
}

// implements: REQ-CRYPTO-007
Result<SenderSetup> setup_sender(const Suite& suite, const PublicKey& pk_r, ByteView info,
                                 const SenderModeInputs& mode) {
  CONCLAVE_TRY(check_kem(suite, pk_r.kem()));
  CONCLAVE_TRY_ASSIGN(const KeyPair ephemeral, generate_key_pair(suite.kem));
  return setup_sender_impl(nullptr, suite, ephemeral, pk_r, info, mode);
}

// implements: REQ-CRYPTO-006, REQ-CRYPTO-007
Result<RecipientContext> setup_recipient(const Suite& suite, ByteView enc, const KeyPair& sk_r,
                                         ByteView info, const RecipientModeInputs& mode) {
  return setup_recipient_impl(nullptr, suite, enc, sk_r, info, mode);
}

// implements: REQ-CRYPTO-007
Result<Sealed> seal(const Suite& suite, const PublicKey& pk_r, ByteView info, ByteView aad,
                    ByteView plaintext, const SenderModeInputs& mode) {
  //= RFC 9180 §6.1
  //# def Seal<MODE>(pkR, info, aad, pt, ...):
  //#   enc, ctx = Setup<MODE>S(pkR, info, ...)
  //#   ct = ctx.Seal(aad, pt)
  //#   return enc, ct
  CONCLAVE_TRY_ASSIGN(SenderSetup setup, setup_sender(suite, pk_r, info, mode));
  CONCLAVE_TRY_ASSIGN(Bytes ct, setup.context.seal(aad, plaintext));
  return Sealed{std::move(setup.enc), std::move(ct)};
}

// implements: REQ-CRYPTO-007
Result<SecretBytes> open(const Suite& suite, ByteView enc, const KeyPair& sk_r, ByteView info,
                         ByteView aad, ByteView ciphertext, const RecipientModeInputs& mode) {
  //= RFC 9180 §6.1
  //# def Open<MODE>(enc, skR, info, aad, ct, ...):
  //#   ctx = Setup<MODE>R(enc, skR, info, ...)
  //#   return ctx.Open(aad, ct)
  CONCLAVE_TRY_ASSIGN(RecipientContext context, setup_recipient(suite, enc, sk_r, info, mode));
  return context.open(aad, ciphertext);
}

Result<SenderSetup> setup_sender_with_ephemeral(SetupTrace* out_trace, const Suite& suite,
                                                const KeyPair& ephemeral, const PublicKey& pk_r,
                                                ByteView info, const SenderModeInputs& mode) {
  return setup_sender_impl(out_trace, suite, ephemeral, pk_r, info, mode);
}

Result<RecipientContext> setup_recipient_traced(SetupTrace* out_trace, const Suite& suite,
                                                ByteView enc, const KeyPair& sk_r, ByteView info,
                                                const RecipientModeInputs& mode) {
  return setup_recipient_impl(out_trace, suite, enc, sk_r, info, mode);
}

}  // namespace conclave::crypto::hpke
