#!/bin/sh
# Writes the seed corpus of fuzz target signaling_wire: one Envelope of each
# message type, encoded by the capnp tool from the text form below (so the
# seeds do not depend on the adapter under test).
# Usage: fuzz/protocol/wire/make_signaling_wire_seeds.sh   (from the repo root)
set -eu
schema=src/protocol/schema/signaling.capnp
out=fuzz/corpus/signaling_wire
mkdir -p "$out"
seed() {
  printf '%s\n' "$2" | capnp encode "$schema" Envelope > "$out/$1.bin"
}
seed hello '(version = 1, body = (hello = (meetingId = "meeting-42", displayName = "Ada", authToken = 0x"0102030405060708", inviteToken = 0x"1112131415161718", pin = "0815")))'
seed submit_key_package '(version = 1, body = (submitKeyPackage = (keyPackage = 0x"00010005000100200102030405060708")))'
seed mls_message '(version = 1, body = (mlsMessage = (epoch = 7, message = 0x"0001000100000000")))'
seed admit '(version = 1, body = (admit = (entryId = 5, epoch = 9, commit = 0x"00010001aabbccdd", welcome = 0x"000100030011223344")))'
seed deny '(version = 1, body = (deny = (entryId = 5)))'
seed exclude '(version = 1, body = (exclude = (leafIndex = 3, epoch = 10, commit = 0x"00010001deadbeef")))'
seed leave '(version = 1, body = (leave = ()))'
seed lobby_update '(version = 1, body = (lobbyUpdate = (entries = [(entryId = 1, displayName = "Bob", identity = "bob@example.org", verified = true, denials = 0, keyPackage = 0x"0001000500010020"), (entryId = 2, displayName = "Eve", identity = "", verified = false, denials = 1, keyPackage = 0x"00")])))'
seed admitted '(version = 1, body = (admitted = (epoch = 11, welcome = 0x"0001000300aabb")))'
seed denied '(version = 1, body = (denied = ()))'
seed blocked '(version = 1, body = (blocked = ()))'
seed relay '(version = 1, body = (relay = (epoch = 12, message = 0x"000100020102")))'
seed commit_duty '(version = 1, body = (commitDuty = (epoch = 13, deadlineSeconds = 30)))'
seed commit_rejected '(version = 1, body = (commitRejected = (currentEpoch = 14)))'
seed error '(version = 1, body = (error = (code = 513, detail = "unexpected message")))'
seed session_info '(version = 1, body = (sessionInfo = (host = true, groupId = 0x"000102030405060708090a0b0c0d0e0f", cipherSuite = 1, externalSender = 0x"20aabbccdd0001000673657276657200", blobToken = 0x"0102", meetingTitle = "Board")))'
seed admitted_host '(version = 1, body = (admitted = (epoch = 0)))'
seed wrong_version '(version = 2, body = (leave = ()))'
seed media_path '(version = 1, body = (mediaPath = (pathId = 3735928559, audioStreamId = 1, videoStreamId = 2, udpPort = 8445)))'
# A keepalive-sized packet (hop header of path 0x01020304, hop_seq 5, and a 16-byte tag).
seed media_packet '(version = 1, body = (mediaPacket = (packet = 0x"010200000102030400000000000000051112131415161718191a1b1c1d1e1f20")))'
seed media_packet_short '(version = 1, body = (mediaPacket = (packet = 0x"0102")))'
