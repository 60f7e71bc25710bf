// MlsContext: SFrame keys from MLS (RFC 9605 §5.2), as Conclave profiles it
// in spec/05-media-protection-sframe.md.
//
// Per epoch, the MLS layer hands in base_key =
// MLS-Exporter(kExporterLabel, "", AEAD.Nk) — as bytes, or as an exporter
// callback — so this library does not depend on conclave_mls. From it:
//
//   KID                     = (leaf << E) | (epoch mod 2^E)
//   sframe_key, sframe_salt = derive_key_salt(KID, base_key)   (§4.4.2)
//
// The KID enters the key and salt derivation, so every sender encrypts under
// its own key and salt. The own leaf's key encrypts only; the others'
// decrypt only (§4.4.1). Two epochs are held at most: the current one, and the
// previous one during its grace period.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/sframe/cipher_suite.h"
#include "crypto/sframe/key_state.h"
#include "crypto/sframe/limits.h"

namespace conclave::sframe {

// The MLS exporter label that produces the epoch's base_key (empty context,
// length AEAD.Nk of the SFrame suite).
inline constexpr std::string_view kExporterLabel = "SFrame 1.0 Base Key";

// Exporter is the MLS-Exporter(label, context, length) of the epoch being
// installed (RFC 9420 §8.5), supplied by the MLS layer.
using Exporter =
    std::function<Result<SecretBytes>(std::string_view label, ByteView context, size_t length)>;

struct MlsConfig {
  CipherSuite suite = kProfileSuite;
  unsigned epoch_bits = kDefaultEpochBits;  // E
};

// MlsUnprotected describes a frame that opened: who sent it, in which epoch.
struct MlsUnprotected {
  size_t plaintext_len = 0;
  uint32_t sender = 0;  // MLS leaf index
  uint64_t epoch = 0;
  uint64_t ctr = 0;
};

// MlsContext is a resource type, created on the heap and neither copied nor
// moved. install_epoch allocates; protect and unprotect do not, except that
// unprotect frees the previous epoch's keys at the moment it finds their
// grace period over.
// implements: REQ-SFRAME-012
class MlsContext {
 public:
  // create checks the configuration: epoch_bits in [kMinEpochBits,
  // kMaxEpochBits] (kInvalidArgument).
  [[nodiscard]] static Result<std::unique_ptr<MlsContext>> create(const MlsConfig& config);

  MlsContext(const MlsContext&) = delete;
  MlsContext& operator=(const MlsContext&) = delete;
  MlsContext(MlsContext&&) = delete;
  MlsContext& operator=(MlsContext&&) = delete;
  ~MlsContext();

  const MlsConfig& config() const { return config_; }

  // epoch_secret_len is AEAD.Nk: the exporter length install_epoch expects
  // (RFC 9605 §5.2).
  size_t epoch_secret_len() const { return suite_params(config_.suite).nk; }

  // kid is (leaf << E) | (epoch mod 2^E).
  uint64_t kid(uint32_t leaf, uint64_t epoch) const;

  // install_epoch makes `epoch` current. `epoch_secret` is the exporter
  // output (epoch_secret_len() bytes); `members` lists the leaf indices of
  // the epoch's members, which must include `own_leaf` and hold no
  // duplicates; `now_ms` is the caller's monotonic clock. The epoch must be
  // above the current one. Everything is derived before anything changes;
  // then the previous current epoch keeps decrypting for its grace period
  // (from now_ms) and any older epoch is deleted. If the new epoch has the
  // same low E bits as the old current one, the old one is deleted at once
  // (RFC 9605 §5.2). The epoch secret and base keys are wiped once the frame
  // keys are derived. Errors: kInvalidArgument.
  // implements: REQ-SFRAME-008, REQ-SFRAME-010
  [[nodiscard]] Result<void> install_epoch(uint64_t epoch, const SecretBytes& epoch_secret,
                                           uint32_t own_leaf, std::span<const uint32_t> members,
                                           uint64_t now_ms);

  // install_epoch with an exporter asks it for sframe_epoch_secret.
  [[nodiscard]] Result<void> install_epoch(uint64_t epoch, const Exporter& exporter,
                                           uint32_t own_leaf, std::span<const uint32_t> members,
                                           uint64_t now_ms);

  // expire deletes the previous epoch's keys if its grace period is over at
  // `now_ms`; the caller runs it on a timer so old keys do not outlive their
  // grace period when no frame arrives.
  // implements: REQ-SFRAME-011
  void expire(uint64_t now_ms);

  // has_previous_epoch says whether a previous epoch is still held.
  bool has_previous_epoch() const { return previous_ != nullptr; }

  // advance_counter moves the own send CTR of the current epoch forward
  // (SendKey::advance_to).
  [[nodiscard]] Result<void> advance_counter(uint64_t next_ctr);

  // protect encrypts one frame under the own KID of the current epoch.
  // kUnknownKeyId before the first epoch; kSequenceExhausted once the
  // epoch's CTR space is spent. Never allocates.
  [[nodiscard]] Result<size_t> protect(MutableByteView out, ByteView plaintext, ByteView metadata);

  // unprotect opens one frame. A KID naming an epoch not held, a leaf that
  // is not a member of that epoch, or the own leaf, is kUnknownKeyId; so is
  // a previous-epoch frame after its grace period; a replayed or too-old CTR
  // is kReplayed; any authentication failure is kAuthFailed. State (replay
  // window, grace frame count) changes only after authentication.
  // implements: REQ-SFRAME-009, REQ-SFRAME-011
  [[nodiscard]] Result<MlsUnprotected> unprotect(MutableByteView out, ByteView frame,
                                                 ByteView metadata, uint64_t now_ms);

 private:
  struct Sender {
    uint32_t leaf;
    ReceiveKey key;
    uint32_t grace_frames_left;
  };
  struct Epoch {
    uint64_t epoch = 0;
    std::optional<SendKey> send;
    std::vector<Sender> senders;  // sorted by leaf
    uint64_t grace_end_ms = 0;    // meaningful once the epoch is previous
  };

  explicit MlsContext(const MlsConfig& c) : config_(c) {}
  uint64_t epoch_mask() const { return (uint64_t{1} << config_.epoch_bits) - 1; }
  Result<std::unique_ptr<Epoch>> derive_epoch(uint64_t epoch, const SecretBytes& epoch_secret,
                                              uint32_t own_leaf,
                                              std::span<const uint32_t> members) const;

  MlsConfig config_;
  std::unique_ptr<Epoch> current_;
  std::unique_ptr<Epoch> previous_;
};

}  // namespace conclave::sframe
