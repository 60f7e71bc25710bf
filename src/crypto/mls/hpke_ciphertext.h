// The wire codec of HPKECiphertext (RFC 9420 §7.6), the output of
// EncryptWithLabel; the struct itself is defined with the cipher suite
// (crypto/mls/cipher_suite.h).
#pragma once

#include "core/reader.h"
#include "core/result.h"
#include "core/writer.h"
#include "crypto/mls/cipher_suite.h"

namespace conclave::mls {

// struct {
//     opaque kem_output<V>;
//     opaque ciphertext<V>;
// } HPKECiphertext;
[[nodiscard]] Result<HpkeCiphertext> parse_hpke_ciphertext(Reader& r);
void write_hpke_ciphertext(Writer& w, const HpkeCiphertext& c);

}  // namespace conclave::mls
