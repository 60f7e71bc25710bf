// Targets: conclave::crypto::AeadKey::open, conclave::crypto::aead_open
// Requirements: REQ-CRYPTO-002
//
// Input layout:
//   uint8 selector          low bit: 0 = AES-128-GCM, 1 = AES-256-GCM
//   opaque nonce[12]
//   opaque aad<V>           (conclave::Reader varint vector)
//   ciphertext || tag       the rest of the input
// The keys are fixed: the `key` values of RFC 9180 vectors (AES-128-GCM:
// DHKEM(X25519) base mode; AES-256-GCM: the same with AEAD 0x0002), so seeds
// made from those vectors' encryptions open. Properties: every failure is
// kAuthFailed and leaves the output zeroed; what opens re-seals to the same
// ciphertext; the keyed context and the one-shot function agree.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/reader.h"
#include "crypto/aead.h"
#include "fuzz/fuzz_check.h"

namespace {

using conclave::Bytes;
using conclave::ByteView;
using conclave::crypto::AeadAlg;
using conclave::crypto::AeadKey;

constexpr std::array<uint8_t, 16> kKey128 = {0x45, 0x31, 0x68, 0x5d, 0x41, 0xd6, 0x5f, 0x03,
                                             0xdc, 0x48, 0xf6, 0xb8, 0x30, 0x2c, 0x05, 0xb0};
constexpr std::array<uint8_t, 32> kKey256 = {
    0xf5, 0x0b, 0x06, 0x09, 0x18, 0x67, 0x98, 0x72, 0x9e, 0xd0, 0x56, 0x4b, 0x36, 0xef, 0x2e, 0xf8,
    0x04, 0x4f, 0x1f, 0x9d, 0x05, 0x63, 0x68, 0x74, 0xd1, 0xf4, 0x6c, 0x81, 0x9c, 0x7a, 0x66, 0x9f};

const AeadKey& key_for(AeadAlg alg) {
  static const AeadKey k128 = std::move(AeadKey::create(AeadAlg::kAes128Gcm, kKey128)).value();
  static const AeadKey k256 = std::move(AeadKey::create(AeadAlg::kAes256Gcm, kKey256)).value();
  return alg == AeadAlg::kAes128Gcm ? k128 : k256;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  conclave::Reader r(ByteView(data, size));
  uint8_t selector = 0;
  ByteView nonce;
  ByteView aad;
  if (!r.u8(&selector) || !r.bytes(conclave::crypto::kAeadNonceLen, &nonce) || !r.vec(&aad)) {
    return 0;
  }
  ByteView ct;
  if (!r.bytes(r.remaining(), &ct)) {
    return 0;
  }
  const AeadAlg alg = (selector & 1) != 0 ? AeadAlg::kAes256Gcm : AeadAlg::kAes128Gcm;
  const AeadKey& key = key_for(alg);

  std::vector<uint8_t> out(ct.size(), 0xa5);
  const auto opened = key.open(out, nonce, aad, ct);
  const ByteView raw_key = alg == AeadAlg::kAes128Gcm ? ByteView(kKey128) : ByteView(kKey256);
  const auto one_shot = conclave::crypto::aead_open(alg, raw_key, nonce, aad, ct);
  CONCLAVE_FUZZ_CHECK(opened.has_value() == one_shot.has_value());
  if (!opened.has_value()) {
    CONCLAVE_FUZZ_CHECK(opened.error().code == conclave::Err::kAuthFailed);
    CONCLAVE_FUZZ_CHECK(one_shot.error().code == conclave::Err::kAuthFailed);
    // No unauthenticated plaintext byte is released.
    const size_t pt_len =
        ct.size() >= conclave::crypto::kAeadTagLen ? ct.size() - conclave::crypto::kAeadTagLen : 0;
    for (size_t i = 0; i < pt_len; ++i) {
      CONCLAVE_FUZZ_CHECK(out[i] == 0);
    }
    return 0;
  }
  const ByteView pt(out.data(), *opened);
  CONCLAVE_FUZZ_CHECK(conclave::equal(pt, *one_shot));
  Bytes resealed(pt.size() + conclave::crypto::kAeadTagLen);
  const auto n = key.seal(resealed, nonce, aad, pt);
  CONCLAVE_FUZZ_CHECK(n.has_value());
  CONCLAVE_FUZZ_CHECK(conclave::equal(resealed, ct));
  return 0;
}
