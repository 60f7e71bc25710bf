# Conclave signaling messages, schema version 1 (spec/06-signaling-lobby.md).
#
# Every WebSocket message is one Envelope. Fields are only ever added (with
# new ordinals) within a version; a change that old peers would misread
# gets a new version number. Length limits are spec constants in
# src/protocol/wire/signaling_limits.h and are checked by the adapter
# (src/protocol/wire/signaling_wire.cc), never by Cap'n Proto.
@0xf46105b620eec214;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("conclave::protocol::schema");

# One waiting entry as moderators see it.
struct WaitingEntry {
  entryId @0 :UInt64;
  displayName @1 :Text;
  identity @2 :Text;
  verified @3 :Bool;
  denials @4 :UInt8;
  keyPackage @5 :Data;
}

# Client -> server.
struct Hello {
  meetingId @0 :Text;
  displayName @1 :Text;
  authToken @2 :Data;
  inviteToken @3 :Data;
  pin @4 :Text;
}
struct SubmitKeyPackage {
  keyPackage @0 :Data;
}
struct MlsRelay {
  epoch @0 :UInt64;
  message @1 :Data;
}
struct Admit {
  entryId @0 :UInt64;
  epoch @1 :UInt64;
  commit @2 :Data;
  welcome @3 :Data;
}
struct Deny {
  entryId @0 :UInt64;
}
struct Exclude {
  leafIndex @0 :UInt32;
  epoch @1 :UInt64;
  commit @2 :Data;
}
struct Leave {}

# Server -> client.
struct LobbyUpdate {
  entries @0 :List(WaitingEntry);
}
struct Admitted {
  epoch @0 :UInt64;
  welcome @1 :Data;
}
struct Denied {}
struct Blocked {}
struct Relay {
  epoch @0 :UInt64;
  message @1 :Data;
}
struct CommitDuty {
  epoch @0 :UInt64;
  deadlineSeconds @1 :UInt16;
}
struct CommitRejected {
  currentEpoch @0 :UInt64;
}
struct SessionInfo {
  host @0 :Bool;
  groupId @1 :Data;
  cipherSuite @2 :UInt16;
  externalSender @3 :Data;
  blobToken @4 :Data;
  meetingTitle @5 :Text;
  allowRecording @6 :Bool;
  allowGateways @7 :Bool;
}
struct Error {
  code @0 :UInt16;
  detail @1 :Text;
}
# The session's media path, once it is a member (spec/07 "Server integration").
struct MediaPath {
  pathId @0 :UInt32;
  audioStreamId @1 :UInt32;
  videoStreamId @2 :UInt32;
  udpPort @3 :UInt16;
}

# Both directions: one media packet on the WebSocket fallback, the same bytes
# as a UDP datagram (spec/07 "WebSocket fallback").
struct MediaPacket {
  packet @0 :Data;
}

struct Envelope {
  version @0 :UInt16;
  body :union {
    hello @1 :Hello;
    submitKeyPackage @2 :SubmitKeyPackage;
    mlsMessage @3 :MlsRelay;
    admit @4 :Admit;
    deny @5 :Deny;
    exclude @6 :Exclude;
    leave @7 :Leave;
    lobbyUpdate @8 :LobbyUpdate;
    admitted @9 :Admitted;
    denied @10 :Denied;
    blocked @11 :Blocked;
    relay @12 :Relay;
    commitDuty @13 :CommitDuty;
    commitRejected @14 :CommitRejected;
    error @15 :Error;
    sessionInfo @16 :SessionInfo;
    mediaPath @17 :MediaPath;
    mediaPacket @18 :MediaPacket;
  }
}
