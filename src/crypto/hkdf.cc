#include "crypto/hkdf.h"

#include <openssl/hkdf.h>
#include <openssl/hmac.h>

#include "crypto/internal/md.h"

namespace conclave::crypto {

// implements: REQ-CRYPTO-003
Result<SecretBytes> hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm) {
  const ByteView parts[] = {ikm};
  return hkdf_extract(alg, salt, parts);
}

// implements: REQ-CRYPTO-003
Result<SecretBytes> hkdf_extract(HashAlg alg, ByteView salt, std::span<const ByteView> ikm_parts) {
  // HKDF-Extract is HMAC keyed with the salt (RFC 5869 §2.2). HMAC pads a
  // short key with zeros, so an empty salt is the same as HashLen zeros.
  bssl::UniquePtr<HMAC_CTX> ctx(HMAC_CTX_new());
  if (!ctx ||
      HMAC_Init_ex(ctx.get(), salt.data(), salt.size(), internal::evp_md(alg), nullptr) != 1) {
    return Error(Err::kCryptoInternal, "HMAC_Init_ex failed");
  }
  for (ByteView part : ikm_parts) {
    if (HMAC_Update(ctx.get(), part.data(), part.size()) != 1) {
      return Error(Err::kCryptoInternal, "HMAC_Update failed");
    }
  }
  SecretBytes prk(hash_len(alg));
  unsigned out_len = 0;
  if (HMAC_Final(ctx.get(), prk.mutable_view().data(), &out_len) != 1 || out_len != prk.size()) {
    return Error(Err::kCryptoInternal, "HMAC_Final failed");
  }
  return prk;
}

// implements: REQ-CRYPTO-003
Result<SecretBytes> hkdf_expand(HashAlg alg, ByteView prk, ByteView info, size_t length) {
  //= RFC 5869 §2.3
  //# L        length of output keying material in octets
  //#          (<= 255*HashLen)
  CONCLAVE_REQUIRE(length <= 255 * hash_len(alg),
                   Error(Err::kInvalidArgument, "HKDF-Expand length above 255*HashLen"));
  CONCLAVE_REQUIRE(prk.size() >= hash_len(alg),
                   Error(Err::kInvalidArgument, "HKDF-Expand PRK shorter than HashLen"));
  SecretBytes okm(length);
  if (length == 0) {
    return okm;
  }
  if (HKDF_expand(okm.mutable_view().data(), length, internal::evp_md(alg), prk.data(), prk.size(),
                  info.data(), info.size()) != 1) {
    return Error(Err::kCryptoInternal, "HKDF_expand failed");
  }
  return okm;
}

}  // namespace conclave::crypto
