#include "crypto/public_key.h"

#include "crypto/internal/p256.h"

namespace conclave::crypto {

// implements: REQ-CRYPTO-006
Result<void> validate_p256_public_key(ByteView key) {
  CONCLAVE_TRY(internal::p256_decode_point(key));
  return {};
}

// implements: REQ-CRYPTO-006
Result<void> validate_x25519_public_key(ByteView key) {
  //= RFC 9180 §7.1.1
  //# For X25519 and X448, the `SerializePublicKey()` and `DeserializePublicKey()`
  //# functions are the identity function, since these curves already use
  //# fixed-length byte strings for public keys.
  //
  // "Fixed-length" is the whole check: anything but 32 bytes is rejected.
  if (key.size() != kX25519PublicKeyLen) {
    return Error(Err::kInvalidPublicKey, "X25519 public key is not 32 bytes");
  }
  return {};
}

// implements: REQ-CRYPTO-006
Result<void> validate_ed25519_public_key(ByteView key) {
  if (key.size() != kEd25519PublicKeyLen) {
    return Error(Err::kInvalidPublicKey, "Ed25519 public key is not 32 bytes");
  }
  return {};
}

}  // namespace conclave::crypto
