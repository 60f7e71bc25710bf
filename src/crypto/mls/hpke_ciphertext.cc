#include "crypto/mls/hpke_ciphertext.h"

#include "crypto/mls/codec_util.h"

namespace conclave::mls {

Result<HpkeCiphertext> parse_hpke_ciphertext(Reader& r) {
  HpkeCiphertext c;
  CONCLAVE_TRY(detail::read_opaque(r, "HPKECiphertext.kem_output", &c.kem_output));
  CONCLAVE_TRY(detail::read_opaque(r, "HPKECiphertext.ciphertext", &c.ciphertext));
  return c;
}

void write_hpke_ciphertext(Writer& w, const HpkeCiphertext& c) {
  w.vec(c.kem_output);
  w.vec(c.ciphertext);
}

}  // namespace conclave::mls
