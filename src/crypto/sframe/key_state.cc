#include "crypto/sframe/key_state.h"

#include "crypto/sframe/limits.h"

namespace conclave::sframe {

Result<SendKey> SendKey::create(CipherSuite s, uint64_t kid, ByteView base_key) {
  CONCLAVE_TRY_ASSIGN(FrameKey k, FrameKey::create(s, kid, base_key));
  return SendKey(std::move(k), kid);
}

// implements: REQ-SFRAME-005
Result<void> SendKey::advance_to(uint64_t next) {
  CONCLAVE_REQUIRE(next >= next_ctr_,
                   Error(Err::kInvalidArgument, "SFrame CTR may only move forward"));
  CONCLAVE_REQUIRE(next <= kMaxCounter + 1,
                   Error(Err::kInvalidArgument, "SFrame CTR above kMaxCounter"));
  next_ctr_ = next;
  return {};
}

// implements: REQ-SFRAME-005, REQ-SFRAME-006
Result<size_t> SendKey::protect(MutableByteView out, ByteView plaintext, ByteView metadata) {
  //= RFC 9605 §7.4
  //# However, senders
  //# MUST reject requests to encrypt multiple times with the same key and nonce
  if (next_ctr_ > kMaxCounter) {
    return Error(Err::kSequenceExhausted, "SFrame CTR space of this key is used up");
  }
  const Header h{kid_, next_ctr_};
  CONCLAVE_REQUIRE(out.size() >= protected_len(key_.suite(), h, plaintext.size()),
                   Error(Err::kBufferTooSmall, "SFrame output shorter than the frame"));
  CONCLAVE_REQUIRE(metadata.size() <= kMaxMetadataLen,
                   Error(Err::kInvalidArgument, "SFrame metadata above kMaxMetadataLen"));
  // Consume the CTR before encrypting: whatever happens next, it is not
  // handed out again.
  ++next_ctr_;
  return key_.seal(out, h, plaintext, metadata);
}

Result<ReceiveKey> ReceiveKey::create(CipherSuite s, uint64_t kid, ByteView base_key) {
  CONCLAVE_TRY_ASSIGN(FrameKey k, FrameKey::create(s, kid, base_key));
  return ReceiveKey(std::move(k));
}

// implements: REQ-SFRAME-006, REQ-SFRAME-007
Result<void> ReceiveKey::precheck(uint64_t ctr) const {
  if (ctr > kMaxCounter) {
    return Error(Err::kInvalidValue, "SFrame CTR above kMaxCounter");
  }
  return window_.check(ctr);
}

// implements: REQ-SFRAME-007
Result<size_t> ReceiveKey::unprotect(MutableByteView out, const FrameView& f, ByteView metadata) {
  CONCLAVE_TRY(precheck(f.header.ctr));
  CONCLAVE_TRY_ASSIGN(const size_t n, key_.open(out, f, metadata));
  window_.accept(f.header.ctr);
  return n;
}

}  // namespace conclave::sframe
