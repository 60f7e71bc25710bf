#!/usr/bin/env python3
"""Writes the seed corpus of the mls_group_session fuzz target: short scripts
of [actor][op][n][n bytes] records (see mls_group_session_fuzz.cc). Run from
the repository root.
"""
import os

A, B, C = 0, 1, 2
DELIVER, COMMIT, SEND, TAMPER, PROPOSE_REMOVE = 0, 1, 2, 3, 4


def rec(actor, op, arg=b""):
    return bytes([actor, op, len(arg)]) + arg


SEEDS = {
    "commit_each": rec(A, COMMIT) + rec(B, COMMIT) + rec(C, COMMIT),
    "chat": rec(A, SEND, b"hello") + rec(B, SEND, b"hi") + rec(C, SEND, b"") + rec(A, SEND, b"x" * 200),
    "remove_b": rec(C, PROPOSE_REMOVE, b"\x01") + rec(A, COMMIT) + rec(A, SEND, b"after"),
    "remove_twice": rec(A, PROPOSE_REMOVE, b"\x02") + rec(B, PROPOSE_REMOVE, b"\x02") + rec(B, COMMIT),
    "tamper_commit": rec(A, COMMIT) + rec(B, TAMPER, b"\x05\x01"),
    "tamper_message": rec(B, SEND, b"secret") + rec(C, TAMPER, b"\x40\x80\x01"),
    "replay": rec(A, SEND, b"once") + rec(B, TAMPER, b"\x00"),
    "self_leave": rec(B, PROPOSE_REMOVE, b"\x01") + rec(B, COMMIT) + rec(C, COMMIT) + rec(A, SEND, b"bye"),
}


def main():
    out = os.path.join("fuzz", "corpus", "mls_group_session")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
