#include "crypto/hmac_key.h"

#include <openssl/hmac.h>
#include <openssl/mem.h>

#include <array>

#include "core/secret_bytes.h"
#include "crypto/internal/auth_failure.h"
#include "crypto/internal/md.h"

namespace conclave::crypto {

namespace {
constexpr size_t kMaxMacLen = 64;  // SHA-512
}  // namespace

struct HmacKey::Impl {
  HMAC_CTX ctx;
  size_t mac_len = 0;  // the untruncated output size, hash_len(alg)

  Impl() { HMAC_CTX_init(&ctx); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  // cleanse zeroes the keyed inner and outer states before freeing them.
  ~Impl() { HMAC_CTX_cleanse(&ctx); }

  // full computes the untruncated HMAC of the concatenated parts into `out`
  // (hash_len bytes). Re-initialising with a null key and digest reuses the
  // keyed states set up by create() and the buffers BoringSSL already holds,
  // so no call after create() allocates.
  bool full(MutableByteView out, std::span<const ByteView> parts) {
    if (HMAC_Init_ex(&ctx, nullptr, 0, nullptr, nullptr) != 1) {
      return false;
    }
    for (ByteView p : parts) {
      if (HMAC_Update(&ctx, p.data(), p.size()) != 1) {
        return false;
      }
    }
    unsigned len = 0;
    return HMAC_Final(&ctx, out.data(), &len) == 1 && len == out.size();
  }
};

HmacKey::HmacKey(std::unique_ptr<Impl> impl, size_t tag_len)
    : impl_(std::move(impl)), tag_len_(tag_len) {}
HmacKey::HmacKey(HmacKey&&) noexcept = default;
HmacKey& HmacKey::operator=(HmacKey&&) noexcept = default;
HmacKey::~HmacKey() = default;

// implements: REQ-CRYPTO-012
Result<HmacKey> HmacKey::create(HashAlg alg, ByteView key, size_t tag_len) {
  CONCLAVE_REQUIRE(tag_len >= kMinHmacTagLen && tag_len <= hash_len(alg),
                   Error(Err::kInvalidArgument, "HMAC tag length out of range"));
  auto impl = std::make_unique<Impl>();
  impl->mac_len = hash_len(alg);
  if (HMAC_Init_ex(&impl->ctx, key.data(), key.size(), internal::evp_md(alg), nullptr) != 1) {
    return Error(Err::kCryptoInternal, "HMAC_Init_ex failed");
  }
  return HmacKey(std::move(impl), tag_len);
}

// implements: REQ-CRYPTO-012
Result<void> HmacKey::sign(MutableByteView out_tag, std::span<const ByteView> parts) {
  CONCLAVE_REQUIRE(impl_ != nullptr, Error(Err::kInvalidArgument, "HmacKey was moved from"));
  CONCLAVE_REQUIRE(out_tag.size() == tag_len_,
                   Error(Err::kInvalidArgument, "HMAC tag buffer has the wrong length"));
  std::array<uint8_t, kMaxMacLen> buf{};
  const MutableByteView mac(buf.data(), impl_->mac_len);
  const bool ok = impl_->full(mac, parts);
  if (ok) {
    std::copy_n(mac.begin(), tag_len_, out_tag.begin());
  }
  secure_zero(mac);
  if (!ok) {
    return Error(Err::kCryptoInternal, "HMAC failed");
  }
  return {};
}

// implements: REQ-CRYPTO-012
Result<void> HmacKey::verify(ByteView tag, std::span<const ByteView> parts) {
  CONCLAVE_REQUIRE(impl_ != nullptr, Error(Err::kInvalidArgument, "HmacKey was moved from"));
  std::array<uint8_t, kMaxMacLen> buf{};
  const MutableByteView mac(buf.data(), impl_->mac_len);
  if (!impl_->full(mac, parts)) {
    secure_zero(mac);
    return Error(Err::kCryptoInternal, "HMAC failed");
  }
  // The tag length is public and fixed by the key: a tag of any other length
  // fails without a comparison; the comparison itself is constant-time.
  const bool ok = tag.size() == tag_len_ && CRYPTO_memcmp(tag.data(), mac.data(), tag_len_) == 0;
  secure_zero(mac);
  if (!ok) {
    return internal::auth_failure();
  }
  return {};
}

}  // namespace conclave::crypto
