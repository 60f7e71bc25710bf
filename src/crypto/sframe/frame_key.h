// FrameKey: the keyed state of one KID (sframe_key as a FrameCipher, and
// sframe_salt) and the two frame operations of RFC 9605 §4.4.3 and §4.4.4.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/sframe/cipher_suite.h"
#include "crypto/sframe/header.h"

namespace conclave::sframe {

inline constexpr size_t kNonceLen = 12;  // Nn of every RFC 9605 suite

// FrameView is a frame split at its header: the parsed header, the header's
// bytes (part of the AAD) and the AEAD ciphertext after it.
struct FrameView {
  Header header;
  ByteView header_bytes;
  ByteView ciphertext;
};

// parse_frame splits `frame` into header and ciphertext. Only the header is
// checked here (parse_header's rules); the ciphertext is whatever follows.
// implements: REQ-SFRAME-001
[[nodiscard]] Result<FrameView> parse_frame(ByteView frame);

// protected_len is the size of a frame protecting `plaintext_len` bytes
// under header `h` and `suite`.
size_t protected_len(CipherSuite suite, const Header& h, size_t plaintext_len);

// frame_nonce is sframe_salt XOR CTR, the CTR encoded big-endian in Nn
// bytes (§4.4.3). `salt` must be kNonceLen bytes.
std::array<uint8_t, kNonceLen> frame_nonce(ByteView salt, uint64_t ctr);

// FrameKey is move-only; its salt is wiped on destruction.
class FrameKey {
 public:
  // create derives sframe_key and sframe_salt for (KID, base_key) (§4.4.2)
  // and keys the suite's AEAD with them.
  [[nodiscard]] static Result<FrameKey> create(CipherSuite s, uint64_t kid, ByteView base_key);

  FrameKey(FrameKey&&) noexcept = default;
  FrameKey& operator=(FrameKey&&) noexcept = default;
  FrameKey(const FrameKey&) = delete;
  FrameKey& operator=(const FrameKey&) = delete;
  ~FrameKey();

  CipherSuite suite() const { return cipher_.suite(); }

  // seal writes header(h) || AEAD.Encrypt(sframe_key, nonce, header ||
  // metadata, plaintext) into `out` and returns its length. Counter and
  // KID policy belong to the caller (Context); this is the bare §4.4.3
  // step. kBufferTooSmall if `out` is short, kInvalidArgument if metadata
  // exceeds kMaxMetadataLen or `out` overlaps `plaintext`. Never allocates.
  // implements: REQ-SFRAME-004
  [[nodiscard]] Result<size_t> seal(MutableByteView out, const Header& h, ByteView plaintext,
                                    ByteView metadata);

  // open authenticates and decrypts `f` with AAD = header || metadata
  // (§4.4.4), writes the plaintext to `out` and returns its length. Every
  // authentication failure is kAuthFailed. Never allocates.
  // implements: REQ-SFRAME-004
  [[nodiscard]] Result<size_t> open(MutableByteView out, const FrameView& f, ByteView metadata);

 private:
  FrameKey(FrameCipher c, ByteView salt);
  FrameCipher cipher_;
  std::array<uint8_t, kNonceLen> salt_{};
};

}  // namespace conclave::sframe
