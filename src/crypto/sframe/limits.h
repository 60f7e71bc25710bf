// SFrame spec constants (STYLE.md STY-03): fixed by
// spec/05-media-protection-sframe.md. Changing a value is a spec change.
#pragma once

#include <cstddef>
#include <cstdint>

namespace conclave::sframe {

// The longest SFrame header: a config byte, an 8-byte KID and an 8-byte CTR.
inline constexpr size_t kMaxHeaderLen = 17;

// The longest metadata a frame may authenticate; metadata is copied beside
// the header into a bounded buffer to form the AAD without allocating.
// REQ-SFRAME-004
inline constexpr size_t kMaxMetadataLen = 256;

// The largest CTR a key may be used with: each key protects at most 2^24
// frames, the same order as TLS 1.3's AES-GCM record limit (RFC 8446 §5.5).
// A sender refuses to go further and a receiver rejects a larger CTR.
// REQ-SFRAME-006
inline constexpr uint64_t kMaxCounter = (uint64_t{1} << 24) - 1;

// The replay window: how many counters below the highest one accepted from a
// key are still accepted once each. REQ-SFRAME-007
inline constexpr uint64_t kReplayWindow = 1024;

// The default number of low-order epoch bits in an MLS-derived KID (E of
// RFC 9605 §5.2), and the range a deployment may configure. REQ-SFRAME-009
inline constexpr unsigned kDefaultEpochBits = 4;
inline constexpr unsigned kMinEpochBits = 1;
inline constexpr unsigned kMaxEpochBits = 16;

// The grace period of the previous epoch after a new one is installed: its
// keys still open late frames for at most kEpochGraceMillis milliseconds and
// at most kEpochGraceFrames frames per sender, whichever ends first; then
// they are deleted. REQ-SFRAME-011
inline constexpr uint64_t kEpochGraceMillis = 2000;
inline constexpr uint32_t kEpochGraceFrames = 256;

}  // namespace conclave::sframe
