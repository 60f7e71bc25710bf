#include "crypto/aes_ctr_hmac.h"

#include <array>

#include "core/secret_bytes.h"
#include "crypto/internal/auth_failure.h"
#include "crypto/internal/overlap.h"

namespace conclave::crypto {

namespace {

constexpr size_t kAuthKeyLen = 32;  // Nh of SHA-256

// counter_block is nonce || 0x00000000: the initial counter of §4.5.1.
std::array<uint8_t, kAesBlockLen> counter_block(ByteView nonce) {
  std::array<uint8_t, kAesBlockLen> block{};
  std::copy(nonce.begin(), nonce.end(), block.begin());
  return block;
}

// be64 encodes `v` as 8 big-endian bytes.
std::array<uint8_t, 8> be64(uint64_t v) {
  std::array<uint8_t, 8> out{};
  for (size_t i = 0; i < out.size(); ++i) {
    out[7 - i] = static_cast<uint8_t>(v >> (8 * i));
  }
  return out;
}

//= RFC 9605 §4.5.1
//# auth_data = aad_len + ct_len + tag_len + nonce + aad + ct
// The pieces are fed to HMAC one by one; auth_data is never built, so the
// construction needs no buffer sized by the frame.
Result<void> tag_op(HmacKey& mac, ByteView nonce, ByteView aad, ByteView ct, MutableByteView out,
                    ByteView expected, bool verify) {
  const auto aad_len = be64(aad.size());
  const auto ct_len = be64(ct.size());
  const auto tag_len = be64(mac.tag_len());
  const ByteView parts[] = {aad_len, ct_len, tag_len, nonce, aad, ct};
  return verify ? mac.verify(expected, parts) : mac.sign(out, parts);
}

}  // namespace

// implements: REQ-CRYPTO-012
Result<AesCtrHmacKey::Subkeys> AesCtrHmacKey::split_key(ByteView key) {
  CONCLAVE_REQUIRE(key.size() == kKeyLen,
                   Error(Err::kInvalidArgument, "AES-CTR-HMAC key has the wrong length"));
  static_assert(kKeyLen == kAes128KeyLen + kAuthKeyLen);
  //= RFC 9605 §4.5.1
  //# The encryption subkey comprises the first `Nka` bytes and the authentication
  //# subkey comprises the remaining `Nh` bytes.
  return Subkeys{key.first(kAes128KeyLen), key.subspan(kAes128KeyLen)};
}

// implements: REQ-CRYPTO-012
Result<AesCtrHmacKey> AesCtrHmacKey::create(ByteView key, size_t tag_len) {
  CONCLAVE_TRY_ASSIGN(const Subkeys sub, split_key(key));
  CONCLAVE_TRY_ASSIGN(AesCtrKey enc, AesCtrKey::create(sub.enc_key));
  CONCLAVE_TRY_ASSIGN(HmacKey mac, HmacKey::create(HashAlg::kSha256, sub.auth_key, tag_len));
  return AesCtrHmacKey(std::move(enc), std::move(mac));
}

// implements: REQ-CRYPTO-012
Result<size_t> AesCtrHmacKey::seal(MutableByteView out, ByteView nonce, ByteView aad,
                                   ByteView plaintext) {
  CONCLAVE_REQUIRE(nonce.size() == kAesCtrHmacNonceLen,
                   Error(Err::kInvalidArgument, "AES-CTR-HMAC nonce has the wrong length"));
  CONCLAVE_REQUIRE(out.size() >= plaintext.size() && out.size() - plaintext.size() >= tag_len(),
                   Error(Err::kBufferTooSmall, "AES-CTR-HMAC output shorter than pt + tag"));
  CONCLAVE_REQUIRE(!internal::partially_overlaps(out, plaintext),
                   Error(Err::kInvalidArgument, "AES-CTR-HMAC output partially overlaps input"));
  const auto counter = counter_block(nonce);
  const MutableByteView ct = out.first(plaintext.size());
  CONCLAVE_TRY(enc_.apply(ct, counter, plaintext));
  CONCLAVE_TRY(tag_op(mac_, nonce, aad, ct, out.subspan(ct.size(), tag_len()), {}, false));
  return ct.size() + tag_len();
}

// implements: REQ-CRYPTO-012
Result<size_t> AesCtrHmacKey::open(MutableByteView out, ByteView nonce, ByteView aad,
                                   ByteView ciphertext) {
  CONCLAVE_REQUIRE(nonce.size() == kAesCtrHmacNonceLen,
                   Error(Err::kInvalidArgument, "AES-CTR-HMAC nonce has the wrong length"));
  if (ciphertext.size() < tag_len()) {
    return internal::auth_failure();
  }
  const ByteView inner = ciphertext.first(ciphertext.size() - tag_len());
  const ByteView tag = ciphertext.subspan(inner.size());
  CONCLAVE_REQUIRE(out.size() >= inner.size(),
                   Error(Err::kBufferTooSmall, "AES-CTR-HMAC output shorter than the plaintext"));
  CONCLAVE_REQUIRE(!internal::partially_overlaps(out, ciphertext),
                   Error(Err::kInvalidArgument, "AES-CTR-HMAC output partially overlaps input"));
  //= RFC 9605 §4.5.1
  //# if !constant_time_equal(tag, candidate_tag):
  //#   raise Exception("Authentication Failure")
  // Encrypt-then-MAC: the tag is checked before any byte is decrypted.
  CONCLAVE_TRY(tag_op(mac_, nonce, aad, inner, {}, tag, true));
  const auto counter = counter_block(nonce);
  CONCLAVE_TRY(enc_.apply(out, counter, inner));
  return inner.size();
}

}  // namespace conclave::crypto
