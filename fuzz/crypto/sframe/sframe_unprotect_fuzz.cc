// Targets: conclave::sframe::Context::unprotect, conclave::sframe::MlsContext::unprotect
// Requirements: REQ-SFRAME-004, REQ-SFRAME-007, REQ-SFRAME-009
//
// Input layout:
//   uint8 selector   low 3 bits: suite index 0..4 (RFC 9605 suites 1..5);
//                    bit 3: also feed the frame to an MLS context
//   frame            the rest of the input
// Keys are fixed: each suite's context holds the decryption key of the RFC
// 9605 Appendix C `sframe` vector for that suite (its kid and base_key), and
// the metadata is that vector's, so seeds made from the vectors' ct open.
// Properties: unprotect never crashes; every failure is a value; an accepted
// frame re-protects, with the same key and CTR, to exactly the input bytes;
// the same frame is then rejected as a replay. The MLS context (suite 4,
// epoch 1, members 0..3, own leaf 0) must reject or accept without crashing,
// and what it accepts must come from a member other than leaf 0.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/bytes.h"
#include "core/secret_bytes.h"
#include "crypto/sframe/context.h"
#include "crypto/sframe/frame_key.h"
#include "crypto/sframe/mls_context.h"
#include "fuzz/fuzz_check.h"

namespace {

using conclave::Bytes;
using conclave::ByteView;
using conclave::sframe::CipherSuite;
using conclave::sframe::Context;
using conclave::sframe::KeyUsage;

struct Vector {
  CipherSuite suite;
  uint64_t kid;
};

// The kid of every Appendix C `sframe` entry is 0x123 and its base_key
// 000102..0f; the metadata is "IETF SFrame WG".
constexpr uint64_t kKid = 0x123;
constexpr std::array<uint8_t, 16> kBaseKey = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                              0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
constexpr std::array<uint8_t, 14> kMetadata = {0x49, 0x45, 0x54, 0x46, 0x20, 0x53, 0x46,
                                               0x72, 0x61, 0x6d, 0x65, 0x20, 0x57, 0x47};
constexpr std::array<CipherSuite, 5> kSuites = {
    CipherSuite::kAes128CtrHmacSha256_80, CipherSuite::kAes128CtrHmacSha256_64,
    CipherSuite::kAes128CtrHmacSha256_32, CipherSuite::kAes128GcmSha256_128,
    CipherSuite::kAes256GcmSha512_128};

std::unique_ptr<Context> receiver(CipherSuite s) {
  auto c = std::make_unique<Context>(s);
  CONCLAVE_FUZZ_CHECK(c->add_key(kKid, kBaseKey, KeyUsage::kDecrypt).has_value());
  return c;
}

std::unique_ptr<conclave::sframe::MlsContext> mls_receiver() {
  auto c = conclave::sframe::MlsContext::create(conclave::sframe::MlsConfig{});
  CONCLAVE_FUZZ_CHECK(c.has_value());
  const std::array<uint32_t, 4> members = {0, 1, 2, 3};
  const auto secret = conclave::SecretBytes(16);  // AEAD.Nk of the profile suite
  CONCLAVE_FUZZ_CHECK((*c)->install_epoch(1, secret, 0, members, 0).has_value());
  return std::move(c).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) {
    return 0;
  }
  const CipherSuite suite = kSuites[(data[0] & 0x07) % kSuites.size()];
  const bool with_mls = (data[0] & 0x08) != 0;
  const ByteView frame(data + 1, size - 1);
  // A fresh context per input keeps the target deterministic.
  auto rx = receiver(suite);
  std::vector<uint8_t> out(frame.size());
  auto u = rx->unprotect(out, frame, kMetadata);
  if (u.has_value()) {
    CONCLAVE_FUZZ_CHECK(u->kid == kKid);
    // Re-protect under the same key and CTR: the bytes must be identical.
    Context tx(suite);
    CONCLAVE_FUZZ_CHECK(tx.add_key(kKid, kBaseKey, KeyUsage::kEncrypt).has_value());
    CONCLAVE_FUZZ_CHECK(tx.advance_counter(kKid, u->ctr).has_value());
    std::vector<uint8_t> again(frame.size() + 32);
    auto n = tx.protect(kKid, again, ByteView(out).first(u->plaintext_len), kMetadata);
    CONCLAVE_FUZZ_CHECK(n.has_value());
    CONCLAVE_FUZZ_CHECK(conclave::equal(ByteView(again).first(*n), frame));
    auto replay = rx->unprotect(out, frame, kMetadata);
    CONCLAVE_FUZZ_CHECK(!replay.has_value() && replay.error().code == conclave::Err::kReplayed);
  } else {
    const auto cat = u.error().category();
    CONCLAVE_FUZZ_CHECK(cat == conclave::ErrCategory::kDecode ||
                        cat == conclave::ErrCategory::kProtocol ||
                        cat == conclave::ErrCategory::kCrypto);
  }
  if (with_mls) {
    auto mls = mls_receiver();
    auto m = mls->unprotect(out, frame, kMetadata, 0);
    if (m.has_value()) {
      CONCLAVE_FUZZ_CHECK(m->sender != 0 && m->sender <= 3 && m->epoch == 1);
    }
  }
  return 0;
}
