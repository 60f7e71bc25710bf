#include "crypto/hash.h"

#include <openssl/sha.h>

#include "core/check.h"

namespace conclave::crypto {

const char* to_string(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha256:
      return "SHA-256";
    case HashAlg::kSha384:
      return "SHA-384";
    case HashAlg::kSha512:
      return "SHA-512";
  }
  return "unknown hash";
}

size_t hash_len(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha256:
      return SHA256_DIGEST_LENGTH;
    case HashAlg::kSha384:
      return SHA384_DIGEST_LENGTH;
    case HashAlg::kSha512:
      return SHA512_DIGEST_LENGTH;
  }
  CONCLAVE_ASSERT(false && "unknown HashAlg");
  return 0;
}

// implements: REQ-CRYPTO-003
Bytes hash(HashAlg alg, ByteView data) {
  Bytes out(hash_len(alg));
  switch (alg) {
    case HashAlg::kSha256:
      SHA256(data.data(), data.size(), out.data());
      break;
    case HashAlg::kSha384:
      SHA384(data.data(), data.size(), out.data());
      break;
    case HashAlg::kSha512:
      SHA512(data.data(), data.size(), out.data());
      break;
  }
  return out;
}

}  // namespace conclave::crypto
