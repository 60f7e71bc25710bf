// Targets: hpke::setup_recipient, hpke::open, RecipientContext::open, decrypt_with_label
// Requirements: REQ-CRYPTO-006, REQ-CRYPTO-007, REQ-CRYPTO-011
//
// Input layout:
//   uint8 selector   bit 0: KEM (0 = DHKEM(X25519), 1 = DHKEM(P-256));
//                    bit 1: mode (0 = base, 1 = auth_psk)
//   enc              exactly Nenc bytes of the KEM (32 or 65)
//   ciphertext       the rest of the input
// The recipient, sender and PSK are the ones of the RFC 9180 vector entry
// for that KEM and mode (AEAD AES-128-GCM), with its info and the aad of its
// first encryption, so seeds made from those entries open. Properties: any
// failure is kInvalidPublicKey (enc) or kAuthFailed (ciphertext); the
// single-shot and the context API agree; the result is deterministic; the
// MLS DecryptWithLabel over the same bytes fails the same way.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "crypto/hpke/dhkem.h"
#include "crypto/hpke/hpke.h"
#include "crypto/mls/cipher_suite.h"
#include "fuzz/fuzz_check.h"

namespace {

using conclave::Bytes;
using conclave::ByteView;
using conclave::Err;
namespace hpke = conclave::crypto::hpke;

// Parameters of one RFC 9180 Appendix A entry.
struct Entry {
  hpke::KemId kem;
  hpke::Mode mode;
  std::string_view ikm_r;
  std::string_view ikm_s;  // auth_psk only
};

constexpr std::string_view kInfo = "4f6465206f6e2061204772656369616e2055726e";
constexpr std::string_view kAad = "436f756e742d30";
constexpr std::string_view kPsk =
    "0247fd33b913760fa1fa51e1892d9f307fbe65eb171e8132c2af18555a738b82";
constexpr std::string_view kPskId = "456e6e796e20447572696e206172616e204d6f726961";

constexpr std::array<Entry, 4> kEntries = {{
    {hpke::KemId::kDhkemX25519HkdfSha256, hpke::Mode::kBase,
     "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037", ""},
    {hpke::KemId::kDhkemP256HkdfSha256, hpke::Mode::kBase,
     "668b37171f1072f3cf12ea8a236a45df23fc13b82af3609ad1e354f6ef817550", ""},
    {hpke::KemId::kDhkemX25519HkdfSha256, hpke::Mode::kAuthPsk,
     "4b16221f3b269a88e207270b5e1de28cb01f847841b344b8314d6a622fe5ee90",
     "62f77dcf5df0dd7eac54eac9f654f426d4161ec850cc65c54f8b65d2e0b4e345"},
    {hpke::KemId::kDhkemP256HkdfSha256, hpke::Mode::kAuthPsk,
     "abcc2da5b3fa81d8aabd91f7f800a8ccf60ec37b1b585a5d1d1ac77f258b6cca",
     "6262031f040a9db853edd6f91d2272596eabbc78a2ed2bd643f770ecd0f19b82"},
}};

Bytes unhex(std::string_view s) { return std::move(conclave::from_hex(s)).value(); }

// Keys holds the derived keys of one entry, built once.
struct Keys {
  hpke::KeyPair recipient;
  std::optional<hpke::KeyPair> sender;
};

const Keys& keys_for(size_t i) {
  static const std::array<Keys, 4> keys = [] {
    auto make = [](const Entry& e) {
      auto r = hpke::derive_key_pair(e.kem, unhex(e.ikm_r));
      CONCLAVE_FUZZ_CHECK(r.has_value());
      Keys k{std::move(r).value(), std::nullopt};
      if (!e.ikm_s.empty()) {
        auto s = hpke::derive_key_pair(e.kem, unhex(e.ikm_s));
        CONCLAVE_FUZZ_CHECK(s.has_value());
        k.sender = std::move(s).value();
      }
      return k;
    };
    return std::array<Keys, 4>{make(kEntries[0]), make(kEntries[1]), make(kEntries[2]),
                               make(kEntries[3])};
  }();
  return keys[i];
}

bool allowed(Err e) { return e == Err::kInvalidPublicKey || e == Err::kAuthFailed; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  if (in.empty()) {
    return 0;
  }
  const size_t index = in[0] & 3U;
  const Entry& entry = kEntries[index];
  const size_t enc_len = hpke::kem_enc_len(entry.kem);
  if (in.size() - 1 < enc_len) {
    return 0;
  }
  const ByteView enc = in.subspan(1, enc_len);
  const ByteView ct = in.subspan(1 + enc_len);

  static const Bytes info = unhex(kInfo);
  static const Bytes aad = unhex(kAad);
  static const Bytes psk = unhex(kPsk);
  static const Bytes psk_id = unhex(kPskId);
  const Keys& keys = keys_for(index);
  const hpke::Suite suite{entry.kem, hpke::KdfId::kHkdfSha256, hpke::AeadId::kAes128Gcm};
  hpke::RecipientModeInputs mode;
  if (entry.mode == hpke::Mode::kAuthPsk) {
    mode = {hpke::Mode::kAuthPsk, psk, psk_id, &keys.sender->public_key()};
  }

  const auto single = hpke::open(suite, enc, keys.recipient, info, aad, ct, mode);
  if (!single.has_value()) {
    CONCLAVE_FUZZ_CHECK(allowed(single.error().code));
  }
  auto context = hpke::setup_recipient(suite, enc, keys.recipient, info, mode);
  if (!context.has_value()) {
    CONCLAVE_FUZZ_CHECK(context.error().code == Err::kInvalidPublicKey);
    CONCLAVE_FUZZ_CHECK(!single.has_value() && single.error().code == Err::kInvalidPublicKey);
  } else {
    const auto via_context = context->open(aad, ct);
    CONCLAVE_FUZZ_CHECK(via_context.has_value() == single.has_value());
    if (via_context.has_value()) {
      CONCLAVE_FUZZ_CHECK(via_context->ct_equal(*single));
      CONCLAVE_FUZZ_CHECK(context->sequence() == 1);
    } else {
      CONCLAVE_FUZZ_CHECK(via_context.error().code == Err::kAuthFailed);
      CONCLAVE_FUZZ_CHECK(context->sequence() == 0);
    }
  }

  if (entry.mode == hpke::Mode::kBase) {
    // EncryptWithLabel's decryptor over the same enc and ciphertext.
    const conclave::mls::CipherSuite mls_suite(
        entry.kem == hpke::KemId::kDhkemP256HkdfSha256
            ? conclave::mls::CipherSuiteId::kP256Aes128GcmSha256P256
            : conclave::mls::CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
    const auto labeled = mls_suite.decrypt_with_label(keys.recipient, "Welcome", info, enc, ct);
    if (!labeled.has_value()) {
      CONCLAVE_FUZZ_CHECK(allowed(labeled.error().code));
      CONCLAVE_FUZZ_CHECK(single.has_value() || labeled.error().code == single.error().code);
    }
  }
  return 0;
}
