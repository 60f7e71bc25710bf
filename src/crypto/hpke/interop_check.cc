#include "crypto/hpke/interop_check.h"

#include <openssl/hpke.h>

#include <array>

#include "core/bytes.h"
#include "core/secret_bytes.h"
#include "crypto/hpke/dhkem.h"
#include "crypto/hpke/hpke.h"

namespace conclave::crypto::hpke {

namespace {

constexpr Suite kSuite{KemId::kDhkemX25519HkdfSha256, KdfId::kHkdfSha256, AeadId::kAes128Gcm};
constexpr size_t kMessages = 3;
constexpr size_t kExportLen = 32;

Error mismatch(const char* what) { return Error(Err::kCryptoInternal, what); }

Bytes message(size_t i) { return Bytes(7 * i + 1, static_cast<uint8_t>(0x30 + i)); }
Bytes aad_of(size_t i) { return Bytes(i, static_cast<uint8_t>(0xa0 + i)); }

// boringssl_seals: EVP_HPKE sender, our recipient.
Result<void> boringssl_seals(const KeyPair& recipient, ByteView info) {
  bssl::UniquePtr<EVP_HPKE_CTX> ctx(EVP_HPKE_CTX_new());
  std::array<uint8_t, EVP_HPKE_MAX_ENC_LENGTH> enc{};
  size_t enc_len = 0;
  const ByteView pk = recipient.public_key().bytes();
  if (!ctx || EVP_HPKE_CTX_setup_sender(ctx.get(), enc.data(), &enc_len, enc.size(),
                                        EVP_hpke_x25519_hkdf_sha256(), EVP_hpke_hkdf_sha256(),
                                        EVP_hpke_aes_128_gcm(), pk.data(), pk.size(), info.data(),
                                        info.size()) != 1) {
    return mismatch("EVP_HPKE_CTX_setup_sender failed");
  }
  CONCLAVE_TRY_ASSIGN(RecipientContext ours,
                      setup_recipient(kSuite, ByteView(enc.data(), enc_len), recipient, info));
  for (size_t i = 0; i < kMessages; ++i) {
    const Bytes pt = message(i);
    const Bytes aad = aad_of(i);
    Bytes ct(pt.size() + EVP_HPKE_MAX_OVERHEAD);
    size_t ct_len = 0;
    if (EVP_HPKE_CTX_seal(ctx.get(), ct.data(), &ct_len, ct.size(), pt.data(), pt.size(),
                          aad.data(), aad.size()) != 1) {
      return mismatch("EVP_HPKE_CTX_seal failed");
    }
    auto opened = ours.open(aad, ByteView(ct.data(), ct_len));
    if (!opened || !equal(opened->view(), pt)) {
      return mismatch("BoringSSL's HPKE ciphertext did not open here");
    }
  }
  std::array<uint8_t, kExportLen> theirs{};
  if (EVP_HPKE_CTX_export(ctx.get(), theirs.data(), theirs.size(), info.data(), info.size()) != 1) {
    return mismatch("EVP_HPKE_CTX_export failed");
  }
  CONCLAVE_TRY_ASSIGN(const SecretBytes exported, ours.export_secret(info, kExportLen));
  if (!ct_equal(exported.view(), theirs)) {
    return mismatch("exported secrets differ (BoringSSL sender)");
  }
  secure_zero(theirs);
  return {};
}

// we_seal: our sender, EVP_HPKE recipient.
Result<void> we_seal(const KeyPair& recipient, ByteView info) {
  const SecretBytes sk = serialize_private_key(recipient);
  bssl::UniquePtr<EVP_HPKE_KEY> key(EVP_HPKE_KEY_new());
  if (!key || EVP_HPKE_KEY_init(key.get(), EVP_hpke_x25519_hkdf_sha256(), sk.view().data(),
                                sk.size()) != 1) {
    return mismatch("EVP_HPKE_KEY_init failed");
  }
  CONCLAVE_TRY_ASSIGN(SenderSetup ours, setup_sender(kSuite, recipient.public_key(), info));
  bssl::UniquePtr<EVP_HPKE_CTX> ctx(EVP_HPKE_CTX_new());
  if (!ctx || EVP_HPKE_CTX_setup_recipient(ctx.get(), key.get(), EVP_hpke_hkdf_sha256(),
                                           EVP_hpke_aes_128_gcm(), ours.enc.data(), ours.enc.size(),
                                           info.data(), info.size()) != 1) {
    return mismatch("EVP_HPKE_CTX_setup_recipient rejected our enc");
  }
  for (size_t i = 0; i < kMessages; ++i) {
    const Bytes pt = message(i);
    const Bytes aad = aad_of(i);
    CONCLAVE_TRY_ASSIGN(const Bytes ct, ours.context.seal(aad, pt));
    Bytes out(ct.size());
    size_t out_len = 0;
    if (EVP_HPKE_CTX_open(ctx.get(), out.data(), &out_len, out.size(), ct.data(), ct.size(),
                          aad.data(), aad.size()) != 1 ||
        !equal(ByteView(out.data(), out_len), pt)) {
      return mismatch("our HPKE ciphertext did not open in BoringSSL");
    }
  }
  std::array<uint8_t, kExportLen> theirs{};
  if (EVP_HPKE_CTX_export(ctx.get(), theirs.data(), theirs.size(), info.data(), info.size()) != 1) {
    return mismatch("EVP_HPKE_CTX_export failed");
  }
  CONCLAVE_TRY_ASSIGN(const SecretBytes exported, ours.context.export_secret(info, kExportLen));
  if (!ct_equal(exported.view(), theirs)) {
    return mismatch("exported secrets differ (our sender)");
  }
  secure_zero(theirs);
  return {};
}

}  // namespace

// implements: REQ-CRYPTO-007
Result<void> cross_check_with_boringssl() {
  CONCLAVE_TRY_ASSIGN(const KeyPair recipient, generate_key_pair(kSuite.kem));
  const Bytes info = to_bytes(as_bytes("Conclave HPKE cross-check"));
  CONCLAVE_TRY(boringssl_seals(recipient, info));
  CONCLAVE_TRY(we_seal(recipient, info));
  return {};
}

}  // namespace conclave::crypto::hpke
