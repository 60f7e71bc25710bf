#include "crypto/aead.h"

#include <openssl/aead.h>
#include <openssl/mem.h>

#include <cstdint>
#include <functional>
#include <memory>

#include "core/check.h"
#include "core/secret_bytes.h"
#include "crypto/internal/auth_failure.h"

namespace conclave::crypto {

namespace {

const EVP_AEAD* evp_aead(AeadAlg alg) {
  switch (alg) {
    case AeadAlg::kAes128Gcm:
      return EVP_aead_aes_128_gcm();
    case AeadAlg::kAes256Gcm:
      return EVP_aead_aes_256_gcm();
  }
  return nullptr;
}

// partially_overlaps is true when the two views share memory but do not
// start at the same byte: the one aliasing BoringSSL's AEADs do not allow.
bool partially_overlaps(ByteView a, ByteView b) {
  if (a.empty() || b.empty()) {
    return false;
  }
  // std::less gives a total order over unrelated pointers, where the
  // built-in < would not.
  const std::less<const uint8_t*> before;
  const uint8_t* a_end = a.data() + a.size();
  const uint8_t* b_end = b.data() + b.size();
  return a.data() != b.data() && before(a.data(), b_end) && before(b.data(), a_end);
}

}  // namespace

const char* to_string(AeadAlg alg) {
  switch (alg) {
    case AeadAlg::kAes128Gcm:
      return "AES-128-GCM";
    case AeadAlg::kAes256Gcm:
      return "AES-256-GCM";
  }
  return "unknown AEAD";
}

size_t aead_key_len(AeadAlg alg) {
  switch (alg) {
    case AeadAlg::kAes128Gcm:
      return 16;
    case AeadAlg::kAes256Gcm:
      return 32;
  }
  CONCLAVE_ASSERT(false && "unknown AeadAlg");
  return 0;
}

struct AeadKey::Impl {
  EVP_AEAD_CTX ctx;

  Impl() { EVP_AEAD_CTX_zero(&ctx); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    // cleanup releases BoringSSL's state; the cleanse wipes the expanded key
    // schedule, which lives inline in the context.
    EVP_AEAD_CTX_cleanup(&ctx);
    OPENSSL_cleanse(&ctx, sizeof(ctx));
  }
};

AeadKey::AeadKey(AeadAlg alg, std::unique_ptr<Impl> impl) : alg_(alg), impl_(std::move(impl)) {}
AeadKey::AeadKey(AeadKey&&) noexcept = default;
AeadKey& AeadKey::operator=(AeadKey&&) noexcept = default;
AeadKey::~AeadKey() = default;

// implements: REQ-CRYPTO-002
Result<AeadKey> AeadKey::create(AeadAlg alg, ByteView key) {
  CONCLAVE_REQUIRE(key.size() == aead_key_len(alg),
                   Error(Err::kInvalidArgument, "AEAD key has the wrong length"));
  auto impl = std::make_unique<Impl>();
  if (EVP_AEAD_CTX_init(&impl->ctx, evp_aead(alg), key.data(), key.size(), kAeadTagLen, nullptr) !=
      1) {
    return Error(Err::kCryptoInternal, "EVP_AEAD_CTX_init failed");
  }
  return AeadKey(alg, std::move(impl));
}

// implements: REQ-CRYPTO-002
Result<size_t> AeadKey::seal(MutableByteView out, ByteView nonce, ByteView aad,
                             ByteView plaintext) const {
  CONCLAVE_REQUIRE(impl_ != nullptr, Error(Err::kInvalidArgument, "AeadKey was moved from"));
  CONCLAVE_REQUIRE(nonce.size() == kAeadNonceLen,
                   Error(Err::kInvalidArgument, "AEAD nonce has the wrong length"));
  CONCLAVE_REQUIRE(out.size() >= plaintext.size() && out.size() - plaintext.size() >= kAeadTagLen,
                   Error(Err::kBufferTooSmall, "AEAD output shorter than plaintext + tag"));
  CONCLAVE_REQUIRE(!partially_overlaps(out, plaintext),
                   Error(Err::kInvalidArgument, "AEAD output partially overlaps its input"));
  size_t out_len = 0;
  if (EVP_AEAD_CTX_seal(&impl_->ctx, out.data(), &out_len, out.size(), nonce.data(), nonce.size(),
                        plaintext.data(), plaintext.size(), aad.data(), aad.size()) != 1) {
    return Error(Err::kCryptoInternal, "EVP_AEAD_CTX_seal failed");
  }
  CONCLAVE_ASSERT(out_len == plaintext.size() + kAeadTagLen);
  return out_len;
}

// implements: REQ-CRYPTO-002
Result<size_t> AeadKey::open(MutableByteView out, ByteView nonce, ByteView aad,
                             ByteView ciphertext) const {
  CONCLAVE_REQUIRE(impl_ != nullptr, Error(Err::kInvalidArgument, "AeadKey was moved from"));
  CONCLAVE_REQUIRE(nonce.size() == kAeadNonceLen,
                   Error(Err::kInvalidArgument, "AEAD nonce has the wrong length"));
  // A ciphertext without room for a tag cannot authenticate; it is an
  // authentication failure like any other, not a usage error.
  if (ciphertext.size() < kAeadTagLen) {
    return internal::auth_failure();
  }
  const size_t plaintext_len = ciphertext.size() - kAeadTagLen;
  CONCLAVE_REQUIRE(out.size() >= plaintext_len,
                   Error(Err::kBufferTooSmall, "AEAD output shorter than the plaintext"));
  CONCLAVE_REQUIRE(!partially_overlaps(out, ciphertext),
                   Error(Err::kInvalidArgument, "AEAD output partially overlaps its input"));
  size_t out_len = 0;
  if (EVP_AEAD_CTX_open(&impl_->ctx, out.data(), &out_len, out.size(), nonce.data(), nonce.size(),
                        ciphertext.data(), ciphertext.size(), aad.data(), aad.size()) != 1 ||
      out_len != plaintext_len) {
    // GCM decrypts before it compares the tag: clear what it wrote.
    secure_zero(out.first(plaintext_len));
    return internal::auth_failure();
  }
  return out_len;
}

// implements: REQ-CRYPTO-002
Result<Bytes> aead_seal(AeadAlg alg, ByteView key, ByteView nonce, ByteView aad,
                        ByteView plaintext) {
  CONCLAVE_TRY_ASSIGN(const AeadKey k, AeadKey::create(alg, key));
  Bytes out(plaintext.size() + kAeadTagLen);
  CONCLAVE_TRY(k.seal(out, nonce, aad, plaintext));
  return out;
}

// implements: REQ-CRYPTO-002
Result<Bytes> aead_open(AeadAlg alg, ByteView key, ByteView nonce, ByteView aad,
                        ByteView ciphertext) {
  CONCLAVE_TRY_ASSIGN(const AeadKey k, AeadKey::create(alg, key));
  if (ciphertext.size() < kAeadTagLen) {
    return internal::auth_failure();
  }
  Bytes out(ciphertext.size() - kAeadTagLen);
  CONCLAVE_TRY(k.open(out, nonce, aad, ciphertext));
  return out;
}

}  // namespace conclave::crypto
