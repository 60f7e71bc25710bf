#include "crypto/hmac.h"

#include <openssl/hmac.h>
#include <openssl/mem.h>

#include <array>

#include "core/secret_bytes.h"
#include "crypto/internal/auth_failure.h"
#include "crypto/internal/md.h"

namespace conclave::crypto {

namespace {

constexpr size_t kMaxMacLen = 64;

Result<void> compute(HashAlg alg, ByteView key, ByteView data, MutableByteView out) {
  unsigned out_len = 0;
  if (HMAC(internal::evp_md(alg), key.data(), key.size(), data.data(), data.size(), out.data(),
           &out_len) == nullptr ||
      out_len != out.size()) {
    secure_zero(out);
    return Error(Err::kCryptoInternal, "HMAC failed");
  }
  return {};
}

}  // namespace

// implements: REQ-CRYPTO-003
Result<Bytes> hmac(HashAlg alg, ByteView key, ByteView data) {
  Bytes out(hash_len(alg));
  CONCLAVE_TRY(compute(alg, key, data, out));
  return out;
}

// implements: REQ-CRYPTO-003
Result<void> hmac_verify(HashAlg alg, ByteView key, ByteView data, ByteView tag) {
  std::array<uint8_t, kMaxMacLen> buf{};
  const MutableByteView expected(buf.data(), hash_len(alg));
  CONCLAVE_TRY(compute(alg, key, data, expected));
  // Lengths are public: a wrong-length tag fails without a comparison. The
  // comparison itself does not stop at the first differing byte.
  const bool ok = tag.size() == expected.size() &&
                  CRYPTO_memcmp(tag.data(), expected.data(), expected.size()) == 0;
  secure_zero(expected);
  if (!ok) {
    return internal::auth_failure();
  }
  return {};
}

}  // namespace conclave::crypto
