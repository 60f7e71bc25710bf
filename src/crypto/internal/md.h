// Maps HashAlg to BoringSSL's EVP_MD. Internal to src/crypto.
#pragma once

#include <openssl/digest.h>

#include "crypto/hash.h"

namespace conclave::crypto::internal {

inline const EVP_MD* evp_md(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha256:
      return EVP_sha256();
    case HashAlg::kSha384:
      return EVP_sha384();
    case HashAlg::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

}  // namespace conclave::crypto::internal
