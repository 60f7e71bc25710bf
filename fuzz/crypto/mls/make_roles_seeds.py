#!/usr/bin/env python3
"""Writes the seed corpus of fuzz/crypto/mls/mls_roles_fuzz.cc (standard
library only):

  python3 fuzz/crypto/mls/make_roles_seeds.py

The roles extension is Conclave's own (spec/04-group-keys-mls.md#the-roles-
extension), so there are no official vectors: the seeds are hand-built
encodings, the annotated one of tests/unit/crypto/mls/roles_test.cc among
them. Selector 0 = RolesEntry, 1 = ConclaveRoles, 2 = a policy case (sender
byte, u16 length, current roles data, proposed roles data); the fuzz
target's tree has members with the one-byte signature keys a0..a3.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "fuzz" / "corpus" / "mls_roles"

MODERATOR, RECORDER, GATEWAY = 0x01, 0x02, 0x04
MAY_SPEAK, CAMERA, HAND = 0x01, 0x02, 0x04
MUTED_ALL = 0x01


def varint(n):
    assert n < 0x4000
    return bytes([n]) if n < 0x40 else bytes([0x40 | (n >> 8), n & 0xff])


def entry(key, roles, rights):
    return varint(len(key)) + key + bytes([roles, rights])


def roles(flags, entries):
    body = b"".join(entry(*e) for e in sorted(entries))
    return bytes([1, flags]) + varint(len(body)) + body


def policy(sender, before, after):
    return bytes([2, sender]) + len(before).to_bytes(2, "big") + before + after


def main():
    CORPUS.mkdir(parents=True, exist_ok=True)
    a = [bytes([0xa0 + i]) for i in range(4)]
    host = roles(0, [(a[0], MODERATOR, MAY_SPEAK)])
    seeds = {
        "entry_moderator": b"\x00" + entry(b"\x0a\x0b", MODERATOR, MAY_SPEAK),
        "entry_all_bits": b"\x00" + entry(bytes(32), 0x07, 0x07),
        "roles_empty": b"\x01" + roles(0, []),
        "roles_annotated": b"\x01" + roles(MUTED_ALL, [(b"\x0a\x0b", MODERATOR, MAY_SPEAK),
                                                       (b"\x0c", 0, HAND)]),
        "roles_meeting": b"\x01" + roles(0, [(a[0], MODERATOR, MAY_SPEAK),
                                             (a[1], 0, MAY_SPEAK | HAND),
                                             (a[2], RECORDER, 0),
                                             (a[3], GATEWAY, CAMERA)]),
        # A participant raises its hand (accepted).
        "policy_hand_raise": policy(1, host, roles(0, [(a[0], MODERATOR, MAY_SPEAK),
                                                       (a[1], 0, HAND)])),
        # The host gives the floor and mutes everyone else (accepted).
        "policy_moderator_grant": policy(0, host, roles(MUTED_ALL, [(a[0], MODERATOR, MAY_SPEAK),
                                                                    (a[1], 0, MAY_SPEAK)])),
        # A participant makes itself moderator (refused).
        "policy_self_promotion": policy(2, host, roles(0, [(a[0], MODERATOR, MAY_SPEAK),
                                                           (a[2], MODERATOR, 0)])),
        # The host steps down without a successor (refused).
        "policy_no_moderator_left": policy(0, host, roles(0, [(a[0], 0, MAY_SPEAK)])),
    }
    for name, data in seeds.items():
        (CORPUS / name).write_bytes(data)


if __name__ == "__main__":
    main()
