// The AES-CTR + HMAC AEAD of RFC 9605 §4.5.1 (encrypt-then-MAC, as in SRTP),
// used by SFrame cipher suites AES_128_CTR_HMAC_SHA256_80/_64/_32.
//
//   key = enc_key (Nka bytes) || auth_key (Nh bytes)
//   ct  = AES-CTR(enc_key, nonce || 0x00000000, pt)
//   tag = truncate(HMAC(auth_key, len64(aad) || len64(ct) || len64(Nt)
//                                 || nonce || aad || ct), Nt)
//   output ct || tag
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/aes_ctr.h"
#include "crypto/hash.h"
#include "crypto/hmac_key.h"

namespace conclave::crypto {

// The nonce length of the construction (RFC 9605 §4.5, Nn).
inline constexpr size_t kAesCtrHmacNonceLen = 12;

// AesCtrHmacKey is one keyed instance of the RFC 9605 §4.5.1 AEAD with
// AES-128 (Nka = 16), HMAC-SHA-256 (Nh = 32) and a tag of tag_len bytes.
// seal/open are not const (they reuse the HMAC context; see HmacKey) and
// never allocate.
// implements: REQ-CRYPTO-012
class AesCtrHmacKey {
 public:
  // key_len is Nka + Nh: the length of the combined AEAD key.
  static constexpr size_t kKeyLen = kAes128KeyLen + 32;

  // Subkeys are the two halves of the combined key (derive_subkeys).
  struct Subkeys {
    ByteView enc_key;   // the first Nka bytes
    ByteView auth_key;  // the remaining Nh bytes
  };
  // split_key views the subkeys of `key` (kKeyLen bytes, kInvalidArgument
  // otherwise); the views borrow `key`.
  [[nodiscard]] static Result<Subkeys> split_key(ByteView key);

  // create splits `key` (kKeyLen bytes, kInvalidArgument otherwise) into
  // enc_key and auth_key as derive_subkeys does, and fixes the tag length
  // (kMinHmacTagLen..32).
  [[nodiscard]] static Result<AesCtrHmacKey> create(ByteView key, size_t tag_len);

  size_t tag_len() const { return mac_.tag_len(); }

  // seal writes ct || tag (plaintext.size() + tag_len() bytes) to the front
  // of `out` and returns the count. `nonce` must be kAesCtrHmacNonceLen bytes
  // (kInvalidArgument); a short `out` is kBufferTooSmall; `out` must not
  // overlap `plaintext` except exactly (kInvalidArgument).
  [[nodiscard]] Result<size_t> seal(MutableByteView out, ByteView nonce, ByteView aad,
                                    ByteView plaintext);

  // open checks the tag first and decrypts only if it matches (so no
  // unauthenticated plaintext is ever written); it returns the plaintext
  // length. Every authentication failure, including input shorter than a
  // tag, is kAuthFailed. The usage errors and aliasing rule of seal apply.
  [[nodiscard]] Result<size_t> open(MutableByteView out, ByteView nonce, ByteView aad,
                                    ByteView ciphertext);

 private:
  AesCtrHmacKey(AesCtrKey enc, HmacKey mac) : enc_(std::move(enc)), mac_(std::move(mac)) {}

  AesCtrKey enc_;
  HmacKey mac_;
};

}  // namespace conclave::crypto
