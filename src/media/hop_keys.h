// Hop keys: the per-path, per-direction AES-128-GCM keys that protect media
// packets between one client and the server, derived from the signaling
// connection's TLS exporter (spec/07-media-transport.md#hop-keys).
//
// Hop keys are transport keys, not media keys: the server holds them, and
// they never protect anything end to end. This unit uses the conclave::crypto
// API only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "core/bytes.h"
#include "core/result.h"
#include "core/secret_bytes.h"
#include "crypto/aead.h"

namespace conclave::media {

// HopRole says which end of a path this is: each end seals with its own
// direction's key and opens with the other's.
enum class HopRole : uint8_t {
  kClient,
  kServer,
};

const char* to_string(HopRole r);

// The TLS exporter label (RFC 8446 §7.5); the EXPERIMENTAL prefix marks an
// unregistered label (RFC 5705 §4). REQ-MEDIA-003
inline constexpr std::string_view kHopExporterLabel = "EXPERIMENTAL-conclave-media-hop";
// The fixed part of the exporter context; the path id follows it.
inline constexpr std::string_view kHopExporterContextPrefix = "conclave hop v1";
inline constexpr size_t kHopExporterContextLen = kHopExporterContextPrefix.size() + 4;

// hop_exporter_context returns the exporter context of `path_id`:
// "conclave hop v1" || uint32 path_id.
// implements: REQ-MEDIA-003
std::array<uint8_t, kHopExporterContextLen> hop_exporter_context(uint32_t path_id);

// HopCipher holds one path's two direction keys for one end: the key it
// seals with and the key it opens with. It is derived once per path; seal
// and open do not allocate and may run concurrently (they are const).
// Copying is deleted; moving transfers the keys. The keys and IVs are wiped
// on destruction.
// implements: REQ-MEDIA-003, REQ-MEDIA-004
class HopCipher {
 public:
  // derive expands `hop_secret` (the kHopSecretLen bytes of the TLS exporter
  // under kHopExporterLabel and hop_exporter_context(path_id)) into both
  // directions' keys and IVs. A secret of another length is
  // kInvalidArgument. `hop_secret` is only read during the call; the caller
  // destroys it afterwards.
  [[nodiscard]] static Result<HopCipher> derive(HopRole role, const SecretBytes& hop_secret);

  HopCipher(const HopCipher&) = delete;
  HopCipher& operator=(const HopCipher&) = delete;
  HopCipher(HopCipher&&) noexcept = default;
  HopCipher& operator=(HopCipher&&) noexcept = default;
  ~HopCipher() = default;

  HopRole role() const { return role_; }

  // seal encrypts `plaintext` under this end's sending key with the nonce of
  // `hop_seq` and `aad` (the hop header), writing ciphertext || tag to the
  // front of `out`; returns the byte count (plaintext.size() + 16) or
  // kBufferTooSmall / kInvalidArgument. `out` may alias `plaintext` exactly.
  // The caller guarantees that `hop_seq` is never used twice.
  [[nodiscard]] Result<size_t> seal(MutableByteView out, uint64_t hop_seq, ByteView aad,
                                    ByteView plaintext) const;

  // open authenticates and decrypts `sealed` under the peer's sending key.
  // Every authentication failure is kAuthFailed and releases no plaintext.
  // Aliasing as for seal.
  [[nodiscard]] Result<size_t> open(MutableByteView out, uint64_t hop_seq, ByteView aad,
                                    ByteView sealed) const;

 private:
  struct Direction {
    crypto::AeadKey key;
    SecretBytes iv;
  };
  HopCipher(HopRole role, Direction send, Direction recv)
      : role_(role), send_(std::move(send)), recv_(std::move(recv)) {}

  static Result<Direction> derive_direction(const SecretBytes& hop_secret,
                                            std::string_view key_label, std::string_view iv_label);

  HopRole role_;
  Direction send_;
  Direction recv_;
};

}  // namespace conclave::media
