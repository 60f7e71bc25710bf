// SFrame key derivation (RFC 9605 §4.4.2): sframe_key and sframe_salt from a
// base_key and a KID.
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/sframe/cipher_suite.h"

namespace conclave::sframe {

// key_label and salt_label are the HKDF-Expand infos of §4.4.2:
// "SFrame 1.0 Secret key " / "SFrame 1.0 Secret salt " + uint64(KID) +
// uint16(cipher_suite), big-endian.
Bytes key_label(CipherSuite s, uint64_t kid);
Bytes salt_label(CipherSuite s, uint64_t kid);

// sframe_secret is HKDF-Extract("", base_key) under the suite's hash.
[[nodiscard]] Result<SecretBytes> sframe_secret(CipherSuite s, ByteView base_key);

struct KeyAndSalt {
  SecretBytes key;   // sframe_key, Nk bytes
  SecretBytes salt;  // sframe_salt, Nn bytes
};

// derive_key_salt runs §4.4.2 for (KID, base_key). The intermediate secret is
// wiped before it returns.
// implements: REQ-SFRAME-003
[[nodiscard]] Result<KeyAndSalt> derive_key_salt(CipherSuite s, uint64_t kid, ByteView base_key);

}  // namespace conclave::sframe
