#include "client/file_crypto.h"

#include <algorithm>

#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/rand.h"

namespace conclave::client {
namespace {

// The nonce is all zeros. This is safe only because each key encrypts
// exactly one file: seal_file draws a fresh key for every call and never
// reuses it, and the receivers only decrypt. (key, nonce) therefore never
// repeats, which is all AES-GCM needs; a per-file random nonce would add
// nothing but bytes.
// implements: REQ-CLIENT-003
constexpr std::array<uint8_t, crypto::kAeadNonceLen> kZeroNonce{};

// The AAD binds the ciphertext to its use, so a blob can never be
// mistaken for another kind of Conclave ciphertext under the same key.
constexpr std::string_view kFileAad = "conclave shared file v1";

}  // namespace

Result<SealedFile> seal_file(ByteView plaintext) {
  CONCLAVE_REQUIRE(plaintext.size() <= kMaxSharedFileLen, Err::kValueTooLarge);
  SealedFile out;
  out.key = SecretBytes(kFileKeyLen);
  CONCLAVE_TRY(crypto::random_bytes(out.key.mutable_view()));
  CONCLAVE_TRY_ASSIGN(out.ciphertext, crypto::aead_seal(crypto::AeadAlg::kAes256Gcm, out.key.view(),
                                                        kZeroNonce, as_bytes(kFileAad), plaintext));
  const Bytes digest = crypto::hash(crypto::HashAlg::kSha256, plaintext);
  std::copy(digest.begin(), digest.end(), out.sha256.begin());
  return out;
}

Result<Bytes> open_file(const FileMessage& announced, ByteView ciphertext) {
  CONCLAVE_REQUIRE(announced.key.size() == kFileKeyLen, Err::kInvalidArgument);
  if (ciphertext.size() != announced.size + crypto::kAeadTagLen) {
    return Error(Err::kAuthFailed, "shared file: size differs from the announcement");
  }
  CONCLAVE_TRY_ASSIGN(Bytes plaintext,
                      crypto::aead_open(crypto::AeadAlg::kAes256Gcm, announced.key.view(),
                                        kZeroNonce, as_bytes(kFileAad), ciphertext));
  const Bytes digest = crypto::hash(crypto::HashAlg::kSha256, plaintext);
  if (!equal(digest, announced.sha256)) {
    return Error(Err::kAuthFailed, "shared file: SHA-256 differs from the announcement");
  }
  return plaintext;
}

}  // namespace conclave::client
