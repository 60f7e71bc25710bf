// SendKey and ReceiveKey: one KID's FrameKey with the state RFC 9605 asks the
// application to keep beside it — the next CTR for a sender (§4.4.1, §9.1),
// the replay window for a receiver (§7.4, §9.3).
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/sframe/frame_key.h"
#include "crypto/sframe/replay_window.h"

namespace conclave::sframe {

// SendKey encrypts under one KID with a strictly increasing CTR.
// implements: REQ-SFRAME-005, REQ-SFRAME-006
class SendKey {
 public:
  [[nodiscard]] static Result<SendKey> create(CipherSuite s, uint64_t kid, ByteView base_key);

  uint64_t kid() const { return kid_; }
  uint64_t next_ctr() const { return next_ctr_; }

  // advance_to moves the next CTR forward to `next` (to resume from a stored
  // CTR, §9.1). Moving backwards, which would reuse nonces, is
  // kInvalidArgument, as is a value above kMaxCounter + 1.
  [[nodiscard]] Result<void> advance_to(uint64_t next);

  // protect seals one frame under the next CTR and consumes it. Once
  // kMaxCounter has been used, every call is kSequenceExhausted: the key is
  // spent and a new one (a new epoch) is needed. Usage errors found before
  // encryption (short output, metadata too long) leave the CTR unused; once
  // encryption starts the CTR is consumed even if it fails, so a CTR is never
  // used twice. Never allocates.
  [[nodiscard]] Result<size_t> protect(MutableByteView out, ByteView plaintext, ByteView metadata);

 private:
  SendKey(FrameKey k, uint64_t kid) : key_(std::move(k)), kid_(kid) {}

  FrameKey key_;
  uint64_t kid_;
  uint64_t next_ctr_ = 0;
};

// ReceiveKey decrypts under one KID and rejects replays.
// implements: REQ-SFRAME-007
class ReceiveKey {
 public:
  [[nodiscard]] static Result<ReceiveKey> create(CipherSuite s, uint64_t kid, ByteView base_key);

  // precheck runs the checks that need no cryptography: the CTR is within
  // kMaxCounter (kInvalidValue) and not replayed or too old (kReplayed).
  [[nodiscard]] Result<void> precheck(uint64_t ctr) const;

  // unprotect runs precheck, then opens `f` (kAuthFailed on any
  // authentication failure), and only then records the CTR in the window.
  // Never allocates.
  [[nodiscard]] Result<size_t> unprotect(MutableByteView out, const FrameView& f,
                                         ByteView metadata);

 private:
  explicit ReceiveKey(FrameKey k) : key_(std::move(k)) {}

  FrameKey key_;
  ReplayWindow window_;
};

}  // namespace conclave::sframe
