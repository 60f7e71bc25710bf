#include "crypto/sframe/context.h"

#include "crypto/sframe/frame_key.h"

namespace conclave::sframe {

// implements: REQ-SFRAME-005
Result<void> Context::add_key(uint64_t kid, ByteView base_key, KeyUsage usage) {
  CONCLAVE_REQUIRE(!send_.contains(kid) && !receive_.contains(kid),
                   Error(Err::kInvalidArgument, "SFrame KID already has a key"));
  switch (usage) {
    case KeyUsage::kEncrypt: {
      CONCLAVE_TRY_ASSIGN(SendKey k, SendKey::create(suite_, kid, base_key));
      send_.emplace(kid, std::move(k));
      return {};
    }
    case KeyUsage::kDecrypt: {
      CONCLAVE_TRY_ASSIGN(ReceiveKey k, ReceiveKey::create(suite_, kid, base_key));
      receive_.emplace(kid, std::move(k));
      return {};
    }
  }
  return Error(Err::kInvalidArgument, "unknown KeyUsage");
}

void Context::remove_key(uint64_t kid) {
  send_.erase(kid);
  receive_.erase(kid);
}

Result<void> Context::advance_counter(uint64_t kid, uint64_t next_ctr) {
  auto it = send_.find(kid);
  if (it == send_.end()) {
    return Error(Err::kUnknownKeyId, "SFrame KID has no encryption key");
  }
  return it->second.advance_to(next_ctr);
}

Result<size_t> Context::protect(uint64_t kid, MutableByteView out, ByteView plaintext,
                                ByteView metadata) {
  auto it = send_.find(kid);
  if (it == send_.end()) {
    return Error(Err::kUnknownKeyId, "SFrame KID has no encryption key");
  }
  return it->second.protect(out, plaintext, metadata);
}

// implements: REQ-SFRAME-004
Result<Unprotected> Context::unprotect(MutableByteView out, ByteView frame, ByteView metadata) {
  CONCLAVE_TRY_ASSIGN(const FrameView f, parse_frame(frame));
  auto it = receive_.find(f.header.kid);
  if (it == receive_.end()) {
    return Error(Err::kUnknownKeyId, "SFrame KID has no decryption key");
  }
  CONCLAVE_TRY_ASSIGN(const size_t n, it->second.unprotect(out, f, metadata));
  return Unprotected{n, f.header.kid, f.header.ctr};
}

}  // namespace conclave::sframe
