// Targets: conclave::mls::open_welcome, conclave::mls::UnverifiedWelcome::verify
// Requirements: REQ-MLS-410, REQ-MLS-411
//
// Input: an MLSMessage; a Welcome is opened for the fixed joiner of
// protection_fuzz_setup.h (welcome.json entry 0, suite 1) with no PSKs, and
// verified with the vector's signer key.
// Properties: no crash; a Welcome that opens is of the joiner's suite; a
// verified join has a GroupInfo of that suite whose signature verifies and
// whose confirmation tag has MAC length, and epoch secrets of Nh bytes.
#include <cstddef>
#include <cstdint>

#include "crypto/mls/mls_message.h"
#include "crypto/mls/welcome_crypto.h"
#include "fuzz/crypto/mls/protection_fuzz_setup.h"
#include "fuzz/fuzz_check.h"

namespace {

using namespace conclave::mls;  // NOLINT(google-build-using-namespace)

struct Joiner {
  Joiner()
      : suite(CipherSuiteId::kX25519Aes128GcmSha256Ed25519),
        key_package(
            std::get<KeyPackage>(decode_mls_message(fuzz::welcome_key_package_message())->body)),
        init_key(std::move(suite.hpke_private_key(fuzz::welcome_init_priv())).value()),
        signer_pub(fuzz::welcome_signer_pub()) {}
  CipherSuite suite;
  KeyPackage key_package;
  conclave::crypto::hpke::KeyPair init_key;
  conclave::Bytes signer_pub;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Joiner joiner;
  auto msg = decode_mls_message(conclave::ByteView(data, size));
  if (!msg || !std::holds_alternative<Welcome>(msg->body)) {
    return 0;
  }
  const Welcome& w = std::get<Welcome>(msg->body);
  const PskResolver no_psks = [](const PreSharedKeyId&) -> conclave::Result<conclave::SecretBytes> {
    return conclave::Error(conclave::Err::kProtocol, "unknown PSK");
  };
  auto opened = open_welcome(w, joiner.key_package, joiner.init_key, no_psks);
  if (!opened) {
    return 0;
  }
  CONCLAVE_FUZZ_CHECK(w.cipher_suite == joiner.suite.wire_value());
  CONCLAVE_FUZZ_CHECK(opened->unverified_group_context().cipher_suite == w.cipher_suite);
  auto join = std::move(*opened).verify(joiner.signer_pub);
  if (!join) {
    CONCLAVE_FUZZ_CHECK(join.error().code == conclave::Err::kAuthFailed);
    return 0;
  }
  CONCLAVE_FUZZ_CHECK(
      verify_group_info_signature(joiner.suite, join->group_info, joiner.signer_pub).has_value());
  CONCLAVE_FUZZ_CHECK(join->group_info.confirmation_tag.size() == joiner.suite.nh());
  CONCLAVE_FUZZ_CHECK(join->epoch.epoch_authenticator.size() == joiner.suite.nh());
  CONCLAVE_FUZZ_CHECK(encode_group_info(join->group_info).has_value());
  return 0;
}
