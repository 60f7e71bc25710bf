#include "crypto/sframe/cipher_suite.h"

namespace conclave::sframe {

using crypto::HashAlg;

const char* to_string(CipherSuite s) {
  switch (s) {
    case CipherSuite::kAes128CtrHmacSha256_80:
      return "AES_128_CTR_HMAC_SHA256_80";
    case CipherSuite::kAes128CtrHmacSha256_64:
      return "AES_128_CTR_HMAC_SHA256_64";
    case CipherSuite::kAes128CtrHmacSha256_32:
      return "AES_128_CTR_HMAC_SHA256_32";
    case CipherSuite::kAes128GcmSha256_128:
      return "AES_128_GCM_SHA256_128";
    case CipherSuite::kAes256GcmSha512_128:
      return "AES_256_GCM_SHA512_128";
  }
  return "unknown SFrame suite";
}

// implements: REQ-SFRAME-002
Result<CipherSuite> cipher_suite_from_wire(uint16_t value) {
  switch (value) {
    case 0x0001:
    case 0x0002:
    case 0x0003:
    case 0x0004:
    case 0x0005:
      return static_cast<CipherSuite>(value);
    default:
      return Error(Err::kUnsupported, "SFrame cipher suite not supported");
  }
}

//= RFC 9605 §4.5
//# | Name                          | Nh | Nka | Nk | Nn | Nt |
SuiteParams suite_params(CipherSuite s) {
  switch (s) {
    case CipherSuite::kAes128CtrHmacSha256_80:
      return {HashAlg::kSha256, 32, 16, 48, 12, 10};
    case CipherSuite::kAes128CtrHmacSha256_64:
      return {HashAlg::kSha256, 32, 16, 48, 12, 8};
    case CipherSuite::kAes128CtrHmacSha256_32:
      return {HashAlg::kSha256, 32, 16, 48, 12, 4};
    case CipherSuite::kAes128GcmSha256_128:
      return {HashAlg::kSha256, 32, 0, 16, 12, 16};
    case CipherSuite::kAes256GcmSha512_128:
      return {HashAlg::kSha512, 64, 0, 32, 12, 16};
  }
  CONCLAVE_ASSERT(false && "unknown SFrame CipherSuite");
  return {};
}

// implements: REQ-SFRAME-002
Result<FrameCipher> FrameCipher::create(CipherSuite s, ByteView key) {
  const SuiteParams p = suite_params(s);
  CONCLAVE_REQUIRE(key.size() == p.nk,
                   Error(Err::kInvalidArgument, "sframe_key has the wrong length"));
  switch (s) {
    case CipherSuite::kAes128CtrHmacSha256_80:
    case CipherSuite::kAes128CtrHmacSha256_64:
    case CipherSuite::kAes128CtrHmacSha256_32: {
      CONCLAVE_TRY_ASSIGN(crypto::AesCtrHmacKey k, crypto::AesCtrHmacKey::create(key, p.nt));
      return FrameCipher(s, Key(std::move(k)));
    }
    case CipherSuite::kAes128GcmSha256_128: {
      CONCLAVE_TRY_ASSIGN(crypto::AeadKey k,
                          crypto::AeadKey::create(crypto::AeadAlg::kAes128Gcm, key));
      return FrameCipher(s, Key(std::move(k)));
    }
    case CipherSuite::kAes256GcmSha512_128: {
      CONCLAVE_TRY_ASSIGN(crypto::AeadKey k,
                          crypto::AeadKey::create(crypto::AeadAlg::kAes256Gcm, key));
      return FrameCipher(s, Key(std::move(k)));
    }
  }
  return Error(Err::kUnsupported, "SFrame cipher suite not supported");
}

Result<size_t> FrameCipher::seal(MutableByteView out, ByteView nonce, ByteView aad,
                                 ByteView plaintext) {
  if (auto* gcm = std::get_if<crypto::AeadKey>(&key_)) {
    return gcm->seal(out, nonce, aad, plaintext);
  }
  return std::get<crypto::AesCtrHmacKey>(key_).seal(out, nonce, aad, plaintext);
}

Result<size_t> FrameCipher::open(MutableByteView out, ByteView nonce, ByteView aad,
                                 ByteView ciphertext) {
  if (auto* gcm = std::get_if<crypto::AeadKey>(&key_)) {
    return gcm->open(out, nonce, aad, ciphertext);
  }
  return std::get<crypto::AesCtrHmacKey>(key_).open(out, nonce, aad, ciphertext);
}

}  // namespace conclave::sframe
