// The one authentication-failure path (STYLE.md STY-14). Internal to
// src/crypto.
//
// Every AEAD open, signature verification and MAC check in src/crypto that
// fails returns auth_failure(): the same code and the same static detail,
// whatever the cause (bad tag, bad signature encoding, wrong key, truncated
// input), so no caller and no log can tell the causes apart.
#pragma once

#include <openssl/err.h>

#include "core/result.h"

namespace conclave::crypto::internal {

inline Error auth_failure() {
  // BoringSSL may have queued the detailed reason; drop it so it cannot
  // surface later through an unrelated error report.
  ERR_clear_error();
  return Error(Err::kAuthFailed, "authentication failed");
}

}  // namespace conclave::crypto::internal
