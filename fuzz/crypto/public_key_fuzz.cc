// Targets: crypto::validate_*_public_key, hpke::deserialize_public_key, crypto::dh
// Requirements: REQ-CRYPTO-006
//
// Every public-key decoder sees the same input. Properties: the decoders of
// one key type agree with each other; an accepted key has its exact length
// and re-serialises to the input; an accepted P-256 point yields a DH
// shared secret; an X25519 DH either fails with kInvalidPublicKey or gives
// a non-zero secret; every rejection is kInvalidPublicKey. Deterministic:
// the private keys are constants.
#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/secret_bytes.h"
#include "crypto/dh.h"
#include "crypto/hpke/dhkem.h"
#include "crypto/public_key.h"
#include "crypto/signature.h"
#include "fuzz/fuzz_check.h"

namespace {

using conclave::Bytes;
using conclave::ByteView;
using conclave::Err;
using conclave::Result;
using conclave::SecretBytes;
using conclave::crypto::DhGroup;
using conclave::crypto::SignatureScheme;
namespace crypto = conclave::crypto;
namespace hpke = conclave::crypto::hpke;

bool rejected_as_invalid_key(const Result<void>& r) {
  return !r.has_value() && r.error().code == Err::kInvalidPublicKey;
}

template <typename T>
bool rejected_as_invalid_key(const Result<T>& r) {
  return !r.has_value() && r.error().code == Err::kInvalidPublicKey;
}

bool all_zero(ByteView v) {
  uint8_t acc = 0;
  for (uint8_t b : v) {
    acc |= b;
  }
  return acc == 0;
}

void check_p256(ByteView in) {
  const auto plain = crypto::validate_p256_public_key(in);
  const auto kem = hpke::deserialize_public_key(hpke::KemId::kDhkemP256HkdfSha256, in);
  const auto sig = crypto::validate_signature_public_key(SignatureScheme::kEcdsaP256Sha256, in);
  CONCLAVE_FUZZ_CHECK(plain.has_value() == kem.has_value());
  CONCLAVE_FUZZ_CHECK(plain.has_value() == sig.has_value());
  if (!plain.has_value()) {
    CONCLAVE_FUZZ_CHECK(rejected_as_invalid_key(plain));
    CONCLAVE_FUZZ_CHECK(rejected_as_invalid_key(kem));
    CONCLAVE_FUZZ_CHECK(rejected_as_invalid_key(sig));
    return;
  }
  CONCLAVE_FUZZ_CHECK(in.size() == crypto::kP256PublicKeyLen && in[0] == 0x04);
  CONCLAVE_FUZZ_CHECK(conclave::equal(hpke::serialize_public_key(*kem), in));
  // A validated point always gives a shared secret (no infinity result).
  static const SecretBytes sk = SecretBytes::copy_of(Bytes(32, 0x5c));
  const auto shared = crypto::dh(DhGroup::kP256, sk, in);
  CONCLAVE_FUZZ_CHECK(shared.has_value());
  CONCLAVE_FUZZ_CHECK(shared->size() == 32);
}

void check_x25519(ByteView in) {
  const auto plain = crypto::validate_x25519_public_key(in);
  const auto kem = hpke::deserialize_public_key(hpke::KemId::kDhkemX25519HkdfSha256, in);
  CONCLAVE_FUZZ_CHECK(plain.has_value() == kem.has_value());
  CONCLAVE_FUZZ_CHECK(plain.has_value() == (in.size() == crypto::kX25519PublicKeyLen));
  static const SecretBytes sk = SecretBytes::copy_of(Bytes(32, 0xa3));
  const auto shared = crypto::dh(DhGroup::kX25519, sk, in);
  if (!plain.has_value()) {
    CONCLAVE_FUZZ_CHECK(rejected_as_invalid_key(plain));
    CONCLAVE_FUZZ_CHECK(rejected_as_invalid_key(kem));
    CONCLAVE_FUZZ_CHECK(rejected_as_invalid_key(shared));
    return;
  }
  CONCLAVE_FUZZ_CHECK(conclave::equal(hpke::serialize_public_key(*kem), in));
  if (shared.has_value()) {
    CONCLAVE_FUZZ_CHECK(!all_zero(shared->view()));
  } else {
    CONCLAVE_FUZZ_CHECK(rejected_as_invalid_key(shared));
  }
}

void check_ed25519(ByteView in) {
  const auto plain = crypto::validate_ed25519_public_key(in);
  const auto sig = crypto::validate_signature_public_key(SignatureScheme::kEd25519, in);
  CONCLAVE_FUZZ_CHECK(plain.has_value() == sig.has_value());
  CONCLAVE_FUZZ_CHECK(plain.has_value() == (in.size() == crypto::kEd25519PublicKeyLen));
  if (!plain.has_value()) {
    CONCLAVE_FUZZ_CHECK(rejected_as_invalid_key(plain));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  check_p256(in);
  check_x25519(in);
  check_ed25519(in);
  return 0;
}
