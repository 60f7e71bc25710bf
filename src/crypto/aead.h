// AEAD: AES-128-GCM and AES-256-GCM (NIST SP 800-38D) with 12-byte nonces
// and full 16-byte tags, from BoringSSL's EVP_AEAD.
//
// AeadKey is the keyed context for hot paths (SFrame, the UDP hop layer):
// the key schedule is expanded once, and seal/open then write into
// caller-provided spans without allocating. aead_seal/aead_open are
// one-shot conveniences that return Bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/bytes.h"
#include "core/result.h"

namespace conclave::crypto {

enum class AeadAlg : uint8_t {
  kAes128Gcm,
  kAes256Gcm,
};

const char* to_string(AeadAlg alg);

// aead_key_len is the key size of `alg`: 16 or 32 bytes.
size_t aead_key_len(AeadAlg alg);
inline constexpr size_t kAeadNonceLen = 12;
inline constexpr size_t kAeadTagLen = 16;

// AeadKey holds one expanded AEAD key. It is created once and used for many
// seal/open calls; neither allocates. Copying is deleted (a copy of a key is
// explicit: create another); moving transfers the key and leaves the source
// empty, on which seal/open return kInvalidArgument. The key schedule is
// wiped on destruction. seal/open are const and may run concurrently on one
// AeadKey.
// implements: REQ-CRYPTO-002
class AeadKey {
 public:
  // create expands `key`, which must be exactly aead_key_len(alg) bytes
  // (kInvalidArgument otherwise). `key` is only read during the call.
  [[nodiscard]] static Result<AeadKey> create(AeadAlg alg, ByteView key);

  AeadKey(const AeadKey&) = delete;
  AeadKey& operator=(const AeadKey&) = delete;
  AeadKey(AeadKey&&) noexcept;
  AeadKey& operator=(AeadKey&&) noexcept;
  ~AeadKey();

  AeadAlg alg() const { return alg_; }

  // seal encrypts `plaintext` under `nonce` (kAeadNonceLen bytes) and `aad`,
  // and writes ciphertext || tag (plaintext.size() + kAeadTagLen bytes) to
  // the front of `out`. It returns the number of bytes written, or
  // kBufferTooSmall / kInvalidArgument (nonce length, overlap). `out` may
  // alias `plaintext` exactly (in-place: same first byte) but must not
  // overlap it otherwise. Never allocates.
  [[nodiscard]] Result<size_t> seal(MutableByteView out, ByteView nonce, ByteView aad,
                                    ByteView plaintext) const;

  // open authenticates and decrypts `ciphertext` (ciphertext || tag) and
  // writes ciphertext.size() - kAeadTagLen bytes of plaintext to the front
  // of `out`, returning that count. Every authentication failure (bad tag,
  // wrong key, nonce or aad, input shorter than a tag) is kAuthFailed, and
  // then the plaintext region of `out` is zeroed so no unauthenticated byte
  // is released. Usage errors are kBufferTooSmall / kInvalidArgument. The
  // aliasing rule of seal applies. Never allocates.
  [[nodiscard]] Result<size_t> open(MutableByteView out, ByteView nonce, ByteView aad,
                                    ByteView ciphertext) const;

 private:
  struct Impl;
  AeadKey(AeadAlg alg, std::unique_ptr<Impl> impl);

  AeadAlg alg_;
  std::unique_ptr<Impl> impl_;
};

// aead_seal is a one-shot seal returning ciphertext || tag.
// implements: REQ-CRYPTO-002
[[nodiscard]] Result<Bytes> aead_seal(AeadAlg alg, ByteView key, ByteView nonce, ByteView aad,
                                      ByteView plaintext);

// aead_open is a one-shot open returning the plaintext; any authentication
// failure is kAuthFailed.
// implements: REQ-CRYPTO-002
[[nodiscard]] Result<Bytes> aead_open(AeadAlg alg, ByteView key, ByteView nonce, ByteView aad,
                                      ByteView ciphertext);

}  // namespace conclave::crypto
