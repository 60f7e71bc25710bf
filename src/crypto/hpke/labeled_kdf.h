// HPKE's labelled KDF calls (RFC 9180 §4) and its two suite_id forms.
//
// Used by DHKEM (suite_id "KEM" || kem_id) and by the HPKE key schedule and
// exporter (suite_id "HPKE" || kem_id || kdf_id || aead_id). The labelled
// inputs are encoded with core::Writer; secret IKM is fed to HMAC in pieces
// and never concatenated into a temporary buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/hash.h"

namespace conclave::crypto::hpke {

// kem_suite_id returns concat("KEM", I2OSP(kem_id, 2)).
Bytes kem_suite_id(uint16_t kem_id);

// hpke_suite_id returns concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2),
// I2OSP(aead_id, 2)).
Bytes hpke_suite_id(uint16_t kem_id, uint16_t kdf_id, uint16_t aead_id);

// labeled_extract is LabeledExtract(salt, label, ikm) where the ikm is the
// concatenation of `ikm_parts`.
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<SecretBytes> labeled_extract(HashAlg alg, ByteView suite_id, ByteView salt,
                                                  std::string_view label,
                                                  std::span<const ByteView> ikm_parts);

// labeled_extract with a single ikm.
[[nodiscard]] Result<SecretBytes> labeled_extract(HashAlg alg, ByteView suite_id, ByteView salt,
                                                  std::string_view label, ByteView ikm);

// labeled_expand is LabeledExpand(prk, label, info, L). `length` must fit
// the two-byte I2OSP(L, 2) and HKDF's 255 * Nh bound (kInvalidArgument).
// implements: REQ-CRYPTO-007
[[nodiscard]] Result<SecretBytes> labeled_expand(HashAlg alg, ByteView suite_id, ByteView prk,
                                                 std::string_view label, ByteView info,
                                                 size_t length);

}  // namespace conclave::crypto::hpke
