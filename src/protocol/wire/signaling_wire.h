// Signaling messages as plain C++ values, and the one adapter between them
// and their Cap'n Proto encoding (spec/06-signaling-lobby.md, "Message
// catalogue"; spec/02-wire-encoding.md, "Cap'n Proto messages").
//
// Nothing of Cap'n Proto appears in this header: callers see only these
// structs, Bytes and Result (STYLE.md STY-10).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "protocol/wire/signaling_limits.h"

namespace conclave::protocol {

// --- client -> server ---

// Hello opens a session for one meeting. `auth_token` is an account's login
// token (empty for a guest); `invite_token` is the meeting invitation's token
// (empty for the meeting's host); `pin` the meeting PIN if it has one. Which
// of them a meeting requires is its security profile's decision.
struct Hello {
  std::string meeting_id;    // 1..kMaxMeetingIdLen
  std::string display_name;  // 0..kMaxDisplayNameLen
  Bytes auth_token;          // 0..kMaxAuthTokenLen
  Bytes invite_token;        // 0..kMaxAuthTokenLen
  std::string pin;           // 0..kMaxPinLen
  bool operator==(const Hello&) const = default;
};

// SubmitKeyPackage puts the sender in the waiting room with this KeyPackage.
struct SubmitKeyPackage {
  Bytes key_package;  // 1..kMaxKeyPackageLen, an MLSMessage(KeyPackage)
  bool operator==(const SubmitKeyPackage&) const = default;
};

// MlsMessage asks the server to relay an MLS message of `epoch` to the group.
struct MlsMessage {
  uint64_t epoch = 0;
  Bytes message;  // 1..kMaxMlsMessageLen
  bool operator==(const MlsMessage&) const = default;
};

// Admit is a moderator's commit Add(KeyPackage of `entry_id`) and the Welcome
// for the joiner.
struct Admit {
  uint64_t entry_id = 0;
  uint64_t epoch = 0;
  Bytes commit;   // 1..kMaxMlsMessageLen
  Bytes welcome;  // 1..kMaxMlsMessageLen
  bool operator==(const Admit&) const = default;
};

// Deny refuses waiting entry `entry_id`.
struct Deny {
  uint64_t entry_id = 0;
  bool operator==(const Deny&) const = default;
};

// Exclude is a moderator's commit Remove(`leaf_index`).
struct Exclude {
  uint32_t leaf_index = 0;
  uint64_t epoch = 0;
  Bytes commit;  // 1..kMaxMlsMessageLen
  bool operator==(const Exclude&) const = default;
};

// Leave ends the sender's session.
struct Leave {
  bool operator==(const Leave&) const = default;
};

// --- server -> client ---

// WaitingEntry is one joiner in the waiting room as moderators see it.
struct WaitingEntry {
  uint64_t entry_id = 0;
  std::string display_name;  // 0..kMaxDisplayNameLen
  std::string identity;      // 0..kMaxIdentityLen
  bool verified = false;
  uint8_t denials = 0;  // 0 or 1: a second denial blocks
  Bytes key_package;    // 1..kMaxKeyPackageLen: what a moderator's Add commits
  bool operator==(const WaitingEntry&) const = default;
};

// LobbyUpdate is the whole current waiting list (not a delta).
struct LobbyUpdate {
  std::vector<WaitingEntry> entries;  // 0..kMaxWaitingEntries
  bool operator==(const LobbyUpdate&) const = default;
};

// Admitted carries the Welcome to the admitted joiner. The host, who creates
// the group itself, gets Admitted{epoch 0} with an empty Welcome.
struct Admitted {
  uint64_t epoch = 0;
  Bytes welcome;  // 0..kMaxMlsMessageLen
  bool operator==(const Admitted&) const = default;
};

// Denied tells a joiner a moderator refused it once; it may wait again.
struct Denied {
  bool operator==(const Denied&) const = default;
};

// Blocked tells a joiner it was denied twice and may not wait again.
struct Blocked {
  bool operator==(const Blocked&) const = default;
};

// Relay forwards an MLS message of `epoch` to a member.
struct Relay {
  uint64_t epoch = 0;
  Bytes message;  // 1..kMaxMlsMessageLen
  bool operator==(const Relay&) const = default;
};

// CommitDuty designates the receiver to commit the pending external Remove
// proposals of `epoch` within `deadline_seconds`.
struct CommitDuty {
  uint64_t epoch = 0;
  uint16_t deadline_seconds = 0;  // 1..65535
  bool operator==(const CommitDuty&) const = default;
};

// CommitRejected: another commit won `current_epoch - 1`; retry on top of it.
struct CommitRejected {
  uint64_t current_epoch = 0;
  bool operator==(const CommitRejected&) const = default;
};

// ErrorMessage reports why the server refused a request.
struct ErrorMessage {
  uint16_t code = 0;   // a conclave::Err value
  std::string detail;  // 0..kMaxErrorDetailLen
  bool operator==(const ErrorMessage&) const = default;
};

// SessionInfo answers an accepted Hello: what the client needs to create
// (host) or check (joiner) the meeting's MLS group.
struct SessionInfo {
  bool host = false;          // this session created the meeting
  Bytes group_id;             // 1..kMaxGroupIdLen: the MLS group_id to use
  uint16_t cipher_suite = 0;  // the meeting profile's MLS cipher suite
  Bytes external_sender;      // 1..kMaxExternalSenderLen: the server's encoded ExternalSender
  Bytes blob_token;           // 0..kMaxBlobTokenLen: authorises this session's blob requests
  std::string meeting_title;  // 0..kMaxDisplayNameLen
  // The profile's gates (SF-13): may the meeting have recorders, gateways.
  // The host bakes them into the group state (mls::profile_flags).
  bool allow_recording = false;
  bool allow_gateways = false;
  bool operator==(const SessionInfo&) const = default;
};

// MediaPathInfo assigns a member session its media path (spec/07, "Server
// integration"): the path id whose hop keys both ends derive from this
// connection's TLS exporter, the stream ids its audio and video packets
// carry, and the server's UDP port (on the signaling host).
struct MediaPathInfo {
  uint32_t path_id = 0;          // never 0
  uint32_t audio_stream_id = 0;  // never 0
  uint32_t video_stream_id = 0;  // never 0, differs from audio_stream_id
  uint16_t udp_port = 0;         // never 0
  bool operator==(const MediaPathInfo&) const = default;
};

// MediaPacketMessage carries one media packet on the WebSocket fallback, in
// either direction: exactly the bytes of a UDP datagram (spec/07 "WebSocket
// fallback"). The adapter checks only its length; the media path checks the
// rest.
struct MediaPacketMessage {
  Bytes packet;  // kMinMediaPacketLen..kMaxMediaPacketLen
  bool operator==(const MediaPacketMessage&) const = default;
};

using SignalingMessage =
    std::variant<Hello, SubmitKeyPackage, MlsMessage, Admit, Deny, Exclude, Leave, LobbyUpdate,
                 Admitted, Denied, Blocked, Relay, CommitDuty, CommitRejected, ErrorMessage,
                 SessionInfo, MediaPathInfo, MediaPacketMessage>;

// from_wire decodes one Envelope of schema version kSignalingVersion. It
// rejects, without throwing: input longer than kMaxSignalingMessageLen
// (kLengthLimit), input that is not whole words or not a valid Cap'n Proto
// message, or that has bytes after the message (decode category); another
// version (kUnsupported); an unknown union member (kInvalidValue); any field
// outside its limit (kLengthLimit), an empty required field or text that is
// not UTF-8 (kInvalidValue). `in` is borrowed for the call only.
[[nodiscard]] Result<SignalingMessage> from_wire(ByteView in);

// to_wire encodes `m` as an Envelope of version kSignalingVersion. It refuses
// a value from_wire would reject (kInvalidArgument / kValueTooLarge), so what
// it returns always decodes to `m`.
[[nodiscard]] Result<Bytes> to_wire(const SignalingMessage& m);

// validate checks `m` against the field limits of the spec; from_wire and
// to_wire both call it. Errors are decode-category codes.
[[nodiscard]] Result<void> validate(const SignalingMessage& m);

}  // namespace conclave::protocol
