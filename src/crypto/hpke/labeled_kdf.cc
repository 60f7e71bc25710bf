#include "crypto/hpke/labeled_kdf.h"

#include <array>
#include <limits>

#include "core/writer.h"
#include "crypto/hkdf.h"

namespace conclave::crypto::hpke {

namespace {

constexpr std::string_view kVersionLabel = "HPKE-v1";

}  // namespace

Bytes kem_suite_id(uint16_t kem_id) {
  Writer w;
  w.bytes(as_bytes("KEM"));
  w.u16(kem_id);
  auto out = std::move(w).finish();
  CONCLAVE_ASSERT(out.has_value());
  return std::move(out).value();
}

Bytes hpke_suite_id(uint16_t kem_id, uint16_t kdf_id, uint16_t aead_id) {
  Writer w;
  w.bytes(as_bytes("HPKE"));
  w.u16(kem_id);
  w.u16(kdf_id);
  w.u16(aead_id);
  auto out = std::move(w).finish();
  CONCLAVE_ASSERT(out.has_value());
  return std::move(out).value();
}

// implements: REQ-CRYPTO-007
Result<SecretBytes> labeled_extract(HashAlg alg, ByteView suite_id, ByteView salt,
                                    std::string_view label, std::span<const ByteView> ikm_parts) {
  //= RFC 9180 §4
  //# def LabeledExtract(salt, label, ikm):
  //#   labeled_ikm = concat("HPKE-v1", suite_id, label, ikm)
  //#   return Extract(salt, labeled_ikm)
  //
  // The public prefix is encoded once; the (secret) ikm parts follow it
  // into HMAC without being copied.
  Writer prefix;
  prefix.bytes(as_bytes(kVersionLabel));
  prefix.bytes(suite_id);
  prefix.bytes(as_bytes(label));
  CONCLAVE_TRY_ASSIGN(const Bytes head, std::move(prefix).finish());

  // Room for the prefix plus the most parts any caller passes (AuthEncap's
  // two DH outputs); more is a programming error in this folder.
  constexpr size_t kMaxParts = 4;
  CONCLAVE_ASSERT(ikm_parts.size() < kMaxParts);
  std::array<ByteView, kMaxParts> parts{};
  parts[0] = head;
  for (size_t i = 0; i < ikm_parts.size(); ++i) {
    parts[i + 1] = ikm_parts[i];
  }
  return hkdf_extract(alg, salt, std::span<const ByteView>(parts.data(), ikm_parts.size() + 1));
}

Result<SecretBytes> labeled_extract(HashAlg alg, ByteView suite_id, ByteView salt,
                                    std::string_view label, ByteView ikm) {
  const ByteView parts[] = {ikm};
  return labeled_extract(alg, suite_id, salt, label, parts);
}

// implements: REQ-CRYPTO-007
Result<SecretBytes> labeled_expand(HashAlg alg, ByteView suite_id, ByteView prk,
                                   std::string_view label, ByteView info, size_t length) {
  //= RFC 9180 §4
  //# def LabeledExpand(prk, label, info, L):
  //#   labeled_info = concat(I2OSP(L, 2), "HPKE-v1", suite_id,
  //#                         label, info)
  //#   return Expand(prk, labeled_info, L)
  CONCLAVE_REQUIRE(length <= std::numeric_limits<uint16_t>::max(),
                   Error(Err::kInvalidArgument, "LabeledExpand length does not fit I2OSP(L, 2)"));
  Writer w;
  w.u16(static_cast<uint16_t>(length));
  w.bytes(as_bytes(kVersionLabel));
  w.bytes(suite_id);
  w.bytes(as_bytes(label));
  w.bytes(info);
  CONCLAVE_TRY_ASSIGN(const Bytes labeled_info, std::move(w).finish());
  return hkdf_expand(alg, prk, labeled_info, length);
}

}  // namespace conclave::crypto::hpke
