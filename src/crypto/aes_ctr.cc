#include "crypto/aes_ctr.h"

#include <openssl/aes.h>
#include <openssl/mem.h>

#include <array>

#include "core/secret_bytes.h"
#include "crypto/internal/overlap.h"

namespace conclave::crypto {

struct AesCtrKey::Impl {
  AES_KEY key;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { OPENSSL_cleanse(&key, sizeof(key)); }
};

AesCtrKey::AesCtrKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AesCtrKey::AesCtrKey(AesCtrKey&&) noexcept = default;
AesCtrKey& AesCtrKey::operator=(AesCtrKey&&) noexcept = default;
AesCtrKey::~AesCtrKey() = default;

// implements: REQ-CRYPTO-012
Result<AesCtrKey> AesCtrKey::create(ByteView key) {
  CONCLAVE_REQUIRE(key.size() == kAes128KeyLen,
                   Error(Err::kInvalidArgument, "AES-CTR key has the wrong length"));
  auto impl = std::make_unique<Impl>();
  // AES_set_encrypt_key returns zero on success (BoringSSL's documented
  // exception to its usual convention).
  if (AES_set_encrypt_key(key.data(), 8 * kAes128KeyLen, &impl->key) != 0) {
    return Error(Err::kCryptoInternal, "AES_set_encrypt_key failed");
  }
  return AesCtrKey(std::move(impl));
}

// implements: REQ-CRYPTO-012
Result<void> AesCtrKey::apply(MutableByteView out, ByteView initial_counter, ByteView in) const {
  CONCLAVE_REQUIRE(impl_ != nullptr, Error(Err::kInvalidArgument, "AesCtrKey was moved from"));
  CONCLAVE_REQUIRE(initial_counter.size() == kAesBlockLen,
                   Error(Err::kInvalidArgument, "AES-CTR counter block has the wrong length"));
  CONCLAVE_REQUIRE(out.size() >= in.size(),
                   Error(Err::kBufferTooSmall, "AES-CTR output shorter than its input"));
  CONCLAVE_REQUIRE(!internal::partially_overlaps(out.first(in.size()), in),
                   Error(Err::kInvalidArgument, "AES-CTR output partially overlaps its input"));
  if (in.empty()) {
    return {};
  }
  // The counter block and the key-stream buffer are per call, so one key
  // serves concurrent callers; both are wiped because the key stream is as
  // sensitive as the plaintext it masks.
  std::array<uint8_t, kAesBlockLen> counter{};
  std::array<uint8_t, kAesBlockLen> stream{};
  std::copy(initial_counter.begin(), initial_counter.end(), counter.begin());
  unsigned num = 0;
  AES_ctr128_encrypt(in.data(), out.data(), in.size(), &impl_->key, counter.data(), stream.data(),
                     &num);
  secure_zero(stream);
  return {};
}

}  // namespace conclave::crypto
