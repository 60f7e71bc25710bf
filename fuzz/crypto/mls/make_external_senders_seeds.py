#!/usr/bin/env python3
"""Writes the seed corpus of the mls_external_senders fuzz target: one
ExternalSender with a basic credential, one with an x509 credential (P-256
sized key), and the two as an external_senders list. The first byte selects
the parser (even: ExternalSender, odd: the list). Run from the repository root.
"""
import os


def vec(b):
    # RFC 9420 varint length prefix (1 or 2 bytes are enough here).
    if len(b) < 64:
        return bytes([len(b)]) + b
    assert len(b) < 16384
    return bytes([0x40 | (len(b) >> 8), len(b) & 0xFF]) + b


def main():
    out = os.path.join("fuzz", "corpus", "mls_external_senders")
    os.makedirs(out, exist_ok=True)
    basic = vec(bytes(range(32))) + b"\x00\x01" + vec(b"conclave-server")
    x509 = vec(b"\x04" + bytes(64)) + b"\x00\x02" + vec(vec(b"certificate"))
    for name, data in (("one_basic", b"\x00" + basic), ("one_x509", b"\x02" + x509),
                       ("list_two", b"\x01" + vec(basic + x509))):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
