// SFrame cipher suites (RFC 9605 §4.5) and FrameCipher, the keyed AEAD of
// one suite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/aead.h"
#include "crypto/aes_ctr_hmac.h"
#include "crypto/hash.h"

namespace conclave::sframe {

// The RFC 9605 §8.1 registry values. Conclave's production profile uses
// kAes128GcmSha256_128 only (spec/05, REQ-SFRAME-002); the others exist for
// the official vectors and for interoperability tests.
enum class CipherSuite : uint16_t {
  kAes128CtrHmacSha256_80 = 0x0001,
  kAes128CtrHmacSha256_64 = 0x0002,
  kAes128CtrHmacSha256_32 = 0x0003,
  kAes128GcmSha256_128 = 0x0004,
  kAes256GcmSha512_128 = 0x0005,
};

// The suite of Conclave's production profile.
inline constexpr CipherSuite kProfileSuite = CipherSuite::kAes128GcmSha256_128;

const char* to_string(CipherSuite s);

// cipher_suite_from_wire maps a registry value to a suite; any value not in
// the list above (including 0 and the private-use range) is kUnsupported.
// implements: REQ-SFRAME-002
[[nodiscard]] Result<CipherSuite> cipher_suite_from_wire(uint16_t value);

// SuiteParams are the constants of RFC 9605 §4.5's table.
struct SuiteParams {
  crypto::HashAlg hash;
  size_t nh;   // hash output size
  size_t nka;  // AES key size of a CTR+HMAC suite, 0 for GCM
  size_t nk;   // AEAD key size
  size_t nn;   // nonce size
  size_t nt;   // tag size (AEAD overhead)
};

SuiteParams suite_params(CipherSuite s);

// FrameCipher is the AEAD of one suite under one sframe_key: AES-GCM for
// suites 4 and 5, the §4.5.1 AES-CTR + HMAC construction for 1..3. It is
// move-only; seal and open never allocate and are not const (the HMAC
// context is reused), so one FrameCipher serves one thread at a time.
// implements: REQ-SFRAME-002
class FrameCipher {
 public:
  // create keys the suite's AEAD with `key` (suite_params(s).nk bytes,
  // kInvalidArgument otherwise).
  [[nodiscard]] static Result<FrameCipher> create(CipherSuite s, ByteView key);

  CipherSuite suite() const { return suite_; }
  size_t tag_len() const { return suite_params(suite_).nt; }

  // seal and open follow AeadKey::seal/open: `nonce` is nn bytes, seal
  // writes ct || tag, open returns the plaintext length, and every
  // authentication failure is kAuthFailed.
  [[nodiscard]] Result<size_t> seal(MutableByteView out, ByteView nonce, ByteView aad,
                                    ByteView plaintext);
  [[nodiscard]] Result<size_t> open(MutableByteView out, ByteView nonce, ByteView aad,
                                    ByteView ciphertext);

 private:
  using Key = std::variant<crypto::AeadKey, crypto::AesCtrHmacKey>;
  FrameCipher(CipherSuite s, Key k) : suite_(s), key_(std::move(k)) {}

  CipherSuite suite_;
  Key key_;
};

}  // namespace conclave::sframe
