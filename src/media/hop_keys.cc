#include "media/hop_keys.h"

#include <utility>

#include "core/check.h"
#include "crypto/hash.h"
#include "crypto/hkdf.h"
#include "media/limits.h"

namespace conclave::media {

namespace {

constexpr crypto::AeadAlg kHopAead = crypto::AeadAlg::kAes128Gcm;
constexpr size_t kHopKeyLen = 16;

// The HKDF-Expand labels of spec/07-media-transport.md#hop-keys.
constexpr std::string_view kC2sKeyLabel = "conclave hop c2s key";
constexpr std::string_view kC2sIvLabel = "conclave hop c2s iv";
constexpr std::string_view kS2cKeyLabel = "conclave hop s2c key";
constexpr std::string_view kS2cIvLabel = "conclave hop s2c iv";

// Nonce holds a per-packet nonce on the stack and wipes it afterwards: with
// the packet's public hop_seq it would give away the direction's IV.
class Nonce {
 public:
  Nonce(const SecretBytes& iv, uint64_t hop_seq) {
    CONCLAVE_ASSERT(iv.size() == bytes_.size());
    const ByteView v = iv.view();
    for (size_t i = 0; i < bytes_.size(); ++i) {
      bytes_[i] = v[i];
    }
    //= RFC 8446 §5.3
    //# The 64-bit record sequence number is encoded in network byte order
    //# and padded to the left with zeros to iv_length.
    for (size_t i = 0; i < 8; ++i) {
      bytes_[bytes_.size() - 1 - i] ^= static_cast<uint8_t>(hop_seq >> (8 * i));
    }
  }
  Nonce(const Nonce&) = delete;
  Nonce& operator=(const Nonce&) = delete;
  ~Nonce() { secure_zero(bytes_); }

  ByteView view() const { return bytes_; }

 private:
  std::array<uint8_t, crypto::kAeadNonceLen> bytes_{};
};

}  // namespace

const char* to_string(HopRole r) {
  switch (r) {
    case HopRole::kClient:
      return "client";
    case HopRole::kServer:
      return "server";
  }
  return "unknown";
}

// implements: REQ-MEDIA-003
std::array<uint8_t, kHopExporterContextLen> hop_exporter_context(uint32_t path_id) {
  std::array<uint8_t, kHopExporterContextLen> out{};
  size_t i = 0;
  for (char c : kHopExporterContextPrefix) {
    out[i++] = static_cast<uint8_t>(c);
  }
  for (int shift = 24; shift >= 0; shift -= 8) {
    out[i++] = static_cast<uint8_t>(path_id >> shift);
  }
  return out;
}

// implements: REQ-MEDIA-003
Result<HopCipher::Direction> HopCipher::derive_direction(const SecretBytes& hop_secret,
                                                         std::string_view key_label,
                                                         std::string_view iv_label) {
  CONCLAVE_TRY_ASSIGN(SecretBytes key,
                      crypto::hkdf_expand(crypto::HashAlg::kSha256, hop_secret.view(),
                                          as_bytes(key_label), kHopKeyLen));
  CONCLAVE_TRY_ASSIGN(SecretBytes iv,
                      crypto::hkdf_expand(crypto::HashAlg::kSha256, hop_secret.view(),
                                          as_bytes(iv_label), crypto::kAeadNonceLen));
  CONCLAVE_TRY_ASSIGN(crypto::AeadKey aead, crypto::AeadKey::create(kHopAead, key.view()));
  return Direction{std::move(aead), std::move(iv)};
}

// implements: REQ-MEDIA-003
Result<HopCipher> HopCipher::derive(HopRole role, const SecretBytes& hop_secret) {
  if (hop_secret.size() != kHopSecretLen) {
    return Error(Err::kInvalidArgument, "hop secret must be kHopSecretLen bytes");
  }
  CONCLAVE_TRY_ASSIGN(Direction c2s, derive_direction(hop_secret, kC2sKeyLabel, kC2sIvLabel));
  CONCLAVE_TRY_ASSIGN(Direction s2c, derive_direction(hop_secret, kS2cKeyLabel, kS2cIvLabel));
  switch (role) {
    case HopRole::kClient:
      return HopCipher(role, std::move(c2s), std::move(s2c));
    case HopRole::kServer:
      return HopCipher(role, std::move(s2c), std::move(c2s));
  }
  return Error(Err::kInvalidArgument, "unknown hop role");
}

// implements: REQ-MEDIA-004
Result<size_t> HopCipher::seal(MutableByteView out, uint64_t hop_seq, ByteView aad,
                               ByteView plaintext) const {
  const Nonce nonce(send_.iv, hop_seq);
  return send_.key.seal(out, nonce.view(), aad, plaintext);
}

// implements: REQ-MEDIA-004
Result<size_t> HopCipher::open(MutableByteView out, uint64_t hop_seq, ByteView aad,
                               ByteView sealed) const {
  const Nonce nonce(recv_.iv, hop_seq);
  return recv_.key.open(out, nonce.view(), aad, sealed);
}

}  // namespace conclave::media
