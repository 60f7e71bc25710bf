#include "crypto/mls/psk.h"

#include <cstdint>
#include <limits>

#include "core/writer.h"

namespace conclave::mls {

// implements: REQ-MLS-113
Result<SecretBytes> compute_psk_secret(const CipherSuite& suite, std::span<const PskInput> psks) {
  if (psks.size() > std::numeric_limits<uint16_t>::max()) {
    return Error(Err::kInvalidArgument, "psk: more than 65535 PSKs");
  }
  const auto count = static_cast<uint16_t>(psks.size());
  const Bytes zero(suite.nh(), 0);
  //= RFC 9420 §8.4
  //# Here `0` represents the all-zero vector of length `KDF.Nh`.
  SecretBytes acc(suite.nh());
  for (uint16_t i = 0; i < count; ++i) {
    const PskInput& in = psks[i];
    Writer label;
    label.bytes(in.id);
    label.u16(i);
    label.u16(count);
    CONCLAVE_TRY_ASSIGN(const Bytes psk_label, std::move(label).finish());
    CONCLAVE_TRY_ASSIGN(const SecretBytes extracted, suite.extract(zero, in.psk));
    CONCLAVE_TRY_ASSIGN(const SecretBytes input,
                        suite.expand_with_label(extracted, "derived psk", psk_label, suite.nh()));
    // Assigning replaces (and zeroises) the previous link of the chain.
    CONCLAVE_TRY_ASSIGN(acc, suite.extract(input.view(), acc.view()));
  }
  return acc;
}

}  // namespace conclave::mls
