#include "crypto/sframe/key_schedule.h"

#include <string_view>

#include "core/writer.h"
#include "crypto/hkdf.h"

namespace conclave::sframe {

namespace {

Bytes label(std::string_view prefix, CipherSuite s, uint64_t kid) {
  //= RFC 9605 §4.4.2
  //# * The KID value is encoded as an 8-byte big-endian integer, not the compressed
  //#   form used in the SFrame header.
  //#
  //# * The `cipher_suite` value is a 2-byte big-endian integer representing the
  //#   cipher suite in use (see {{sframe-cipher-suites}}).
  Writer w;
  w.bytes(as_bytes(prefix));
  w.u64(kid);
  w.u16(static_cast<uint16_t>(s));
  auto out = std::move(w).finish();
  CONCLAVE_ASSERT(out.has_value());  // a growing writer fails only on overflow
  return std::move(out).value();
}

}  // namespace

Bytes key_label(CipherSuite s, uint64_t kid) { return label("SFrame 1.0 Secret key ", s, kid); }
Bytes salt_label(CipherSuite s, uint64_t kid) { return label("SFrame 1.0 Secret salt ", s, kid); }

Result<SecretBytes> sframe_secret(CipherSuite s, ByteView base_key) {
  return crypto::hkdf_extract(suite_params(s).hash, ByteView{}, base_key);
}

// implements: REQ-SFRAME-003
Result<KeyAndSalt> derive_key_salt(CipherSuite s, uint64_t kid, ByteView base_key) {
  const SuiteParams p = suite_params(s);
  CONCLAVE_TRY_ASSIGN(const SecretBytes secret, sframe_secret(s, base_key));
  CONCLAVE_TRY_ASSIGN(SecretBytes key,
                      crypto::hkdf_expand(p.hash, secret.view(), key_label(s, kid), p.nk));
  CONCLAVE_TRY_ASSIGN(SecretBytes salt,
                      crypto::hkdf_expand(p.hash, secret.view(), salt_label(s, kid), p.nn));
  return KeyAndSalt{std::move(key), std::move(salt)};
}

}  // namespace conclave::sframe
