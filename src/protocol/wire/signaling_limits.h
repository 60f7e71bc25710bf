// Spec constants of the signaling wire format (spec/06-signaling-lobby.md,
// "Limits"). Changing a value is a specification change (STYLE.md STY-03).
#pragma once

#include <cstddef>
#include <cstdint>

namespace conclave::protocol {

// The only schema version this build speaks.
inline constexpr uint16_t kSignalingVersion = 1;  // REQ-SIG-002

// Largest MLS message (KeyPackage, PublicMessage, PrivateMessage, Welcome)
// carried in one field. A Welcome with the ratchet tree of a 1,000-member
// group is a few hundred KiB; 1 MiB leaves room without inviting abuse.
inline constexpr size_t kMaxMlsMessageLen = size_t{1} << 20;  // REQ-SIG-003
// Largest KeyPackage: one leaf node, its credential chain and extensions.
inline constexpr size_t kMaxKeyPackageLen = size_t{64} << 10;  // REQ-SIG-003
// Largest encoded Envelope: an Admit carries a commit and a Welcome.
inline constexpr size_t kMaxSignalingMessageLen =
    2 * kMaxMlsMessageLen + (size_t{64} << 10);  // REQ-SIG-001

// Cap'n Proto reader limits. The traversal limit is the message size in
// words, so no input can make the reader visit more words than it holds
// (amplification through shared pointers is cut off). The deepest path in
// the schema is Envelope -> LobbyUpdate -> List(WaitingEntry) -> WaitingEntry
// -> Text, depth 5; 8 leaves headroom and nothing more.
inline constexpr uint64_t kTraversalLimitWords = kMaxSignalingMessageLen / 8;  // REQ-SIG-001
inline constexpr int kNestingLimit = 8;                                        // REQ-SIG-001

// Text and opaque fields, in bytes (UTF-8 for text).
inline constexpr size_t kMaxMeetingIdLen = 64;     // REQ-SIG-003
inline constexpr size_t kMaxDisplayNameLen = 128;  // REQ-SIG-003
inline constexpr size_t kMaxIdentityLen = 512;     // REQ-SIG-003
inline constexpr size_t kMaxAuthTokenLen = 4096;   // REQ-SIG-003
inline constexpr size_t kMaxErrorDetailLen = 256;  // REQ-SIG-003
inline constexpr size_t kMaxPinLen = 16;           // REQ-SIG-003
// MLS group ids the server assigns, and the per-session blob token.
inline constexpr size_t kMaxGroupIdLen = 64;    // REQ-SIG-003
inline constexpr size_t kMaxBlobTokenLen = 64;  // REQ-SIG-003
// An encoded ExternalSender (signature key and credential, RFC 9420 §12.1.8.1).
inline constexpr size_t kMaxExternalSenderLen = size_t{16} << 10;  // REQ-SIG-003
// One media packet on the WebSocket fallback: a whole MediaPacket of
// spec/07, kMinPacketLen (32) .. kMaxPacketLen (1452) bytes. The media
// transport's constants are restated here because the protocol library does
// not link it; a static_assert in src/server/media_plane.cc ties them.
inline constexpr size_t kMinMediaPacketLen = 32;    // REQ-SIG-054
inline constexpr size_t kMaxMediaPacketLen = 1452;  // REQ-SIG-054
// Waiting entries in one LobbyUpdate.
inline constexpr size_t kMaxWaitingEntries = 1024;  // REQ-SIG-003

}  // namespace conclave::protocol
