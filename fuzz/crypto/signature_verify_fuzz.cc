// Targets: conclave::crypto::verify, conclave::mls::CipherSuite::verify_with_label
// Requirements: REQ-CRYPTO-004, REQ-CRYPTO-005, REQ-CRYPTO-006, REQ-CRYPTO-011
//
// Input layout (decoded with conclave::Reader):
//   uint8 scheme            low bit: 0 = Ed25519 (suite 0x0001), 1 = ECDSA P-256 (0x0002)
//   opaque public_key<V>
//   opaque signature<V>
//   opaque label<V>
//   message                 the rest of the input
// Properties: verification either succeeds or fails with kInvalidPublicKey
// (exactly when the key does not validate) or kAuthFailed; the outcome is
// deterministic; VerifyWithLabel(label, content) agrees with a plain verify
// of the SignContent encoding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/reader.h"
#include "core/writer.h"
#include "crypto/mls/cipher_suite.h"
#include "crypto/signature.h"
#include "fuzz/fuzz_check.h"

namespace {

using conclave::ByteView;
using conclave::Err;

bool allowed_failure(const conclave::Result<void>& r) {
  return r.has_value() || r.error().code == Err::kAuthFailed ||
         r.error().code == Err::kInvalidPublicKey;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  conclave::Reader r(ByteView(data, size));
  uint8_t selector = 0;
  ByteView pub;
  ByteView sig;
  ByteView label;
  if (!r.u8(&selector) || !r.vec(&pub) || !r.vec(&sig) || !r.vec(&label)) {
    return 0;
  }
  ByteView message;
  if (!r.bytes(r.remaining(), &message)) {
    return 0;
  }
  const bool ecdsa = (selector & 1) != 0;
  const auto scheme = ecdsa ? conclave::crypto::SignatureScheme::kEcdsaP256Sha256
                            : conclave::crypto::SignatureScheme::kEd25519;

  const auto plain = conclave::crypto::verify(scheme, pub, message, sig);
  CONCLAVE_FUZZ_CHECK(allowed_failure(plain));
  const bool key_ok = conclave::crypto::validate_signature_public_key(scheme, pub).has_value();
  CONCLAVE_FUZZ_CHECK(key_ok == (plain.has_value() || plain.error().code == Err::kAuthFailed));
  const auto again = conclave::crypto::verify(scheme, pub, message, sig);
  CONCLAVE_FUZZ_CHECK(again.has_value() == plain.has_value());

  // The same bytes through VerifyWithLabel, against a plain verify of the
  // SignContent the label and message encode.
  const conclave::mls::CipherSuite suite(
      ecdsa ? conclave::mls::CipherSuiteId::kP256Aes128GcmSha256P256
            : conclave::mls::CipherSuiteId::kX25519Aes128GcmSha256Ed25519);
  const std::string label_text(label.begin(), label.end());
  const auto labeled = suite.verify_with_label(pub, label_text, message, sig);
  CONCLAVE_FUZZ_CHECK(allowed_failure(labeled));
  conclave::Writer w;
  w.vec_of([&](conclave::Writer& body) {
    body.bytes(conclave::as_bytes("MLS 1.0 "));
    body.bytes(label);
  });
  w.vec(message);
  auto sign_content = std::move(w).finish();
  if (sign_content.has_value()) {
    const auto direct = conclave::crypto::verify(scheme, pub, *sign_content, sig);
    CONCLAVE_FUZZ_CHECK(direct.has_value() == labeled.has_value());
  }
  return 0;
}
