#!/usr/bin/env python3
"""Writes the seed corpus of fuzz target meeting_room (fuzz/corpus/meeting_room/):
genuine meeting scripts and raw Envelopes from the signaling_wire corpus
sent by a waiting joiner and by the host. Record format: see the target.
Usage: python3 fuzz/server/make_meeting_room_seeds.py   (from the repo root)"""
import struct
from pathlib import Path

out = Path("fuzz/corpus/meeting_room")
out.mkdir(parents=True, exist_ok=True)


def rec(op, conn, body=b""):
    return struct.pack(">BBH", op, conn, len(body)) + body


host = rec(0, 0) + rec(4, 0)
(out / "genuine_meeting.bin").write_bytes(
    host + rec(0, 1) + rec(4, 1) + rec(5, 0) + rec(7, 0, b"hello") + rec(0, 2) + rec(4, 2)
    + rec(5, 0) + rec(2, 1) + rec(3, 0, b"\x05") + rec(6, 0) + rec(3, 0, b"\x20"))
(out / "duty_timeout.bin").write_bytes(
    host + rec(0, 1) + rec(4, 1) + rec(5, 0) + rec(0, 2) + rec(4, 2) + rec(5, 0) + rec(2, 2)
    + rec(3, 0, b"\x0b") + rec(3, 0, b"\x0b"))
(out / "waiting_only.bin").write_bytes(
    rec(0, 1) + rec(4, 1) + rec(0, 0) + rec(4, 0) + rec(3, 0, b"\xff"))
for name in ["admit", "exclude", "mls_message", "deny", "hello", "leave"]:
    env = Path(f"fuzz/corpus/signaling_wire/{name}.bin").read_bytes()
    (out / f"raw_{name}.bin").write_bytes(host + rec(0, 1) + rec(1, 1, env) + rec(1, 0, env))
