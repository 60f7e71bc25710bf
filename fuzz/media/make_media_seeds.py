#!/usr/bin/env python3
"""Writes the seed corpus of the media_packet fuzz target.

  python3 fuzz/media/make_media_seeds.py

Packets are sealed the way spec/07-media-transport.md says, independently of
the C++ code: HKDF-Expand with the standard library's hmac, AES-128-GCM with
python3-cryptography (Debian package; needed only to make seeds). The
exporter secret is 00 01 .. 1f and the path id 0x00c0ffee, as in
media_packet_fuzz.cc; the packets go from client to server (c2s keys).
Files named valid_* must open; tests/unit/media/media_path_test.cc checks
that they do, which makes them known-answer tests of the C++ derivation.
"""

import hashlib
import hmac
import struct
import sys
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fuzz" / "corpus" / "media_packet"
SECRET = bytes(range(32))
PATH_ID = 0x00C0FFEE
TAG_LEN = 16
MAX_PACKET = 1452


def expand(prk, label, length):
    # HKDF-Expand (RFC 5869 §2.3) for length <= 32: a single block.
    assert length <= 32
    return hmac.new(prk, label.encode() + b"\x01", hashlib.sha256).digest()[:length]


KEY = expand(SECRET, "conclave hop c2s key", 16)
IV = expand(SECRET, "conclave hop c2s iv", 12)


def hop_header(ptype, seq, path_id=PATH_ID, version=1, reserved=0):
    return struct.pack(">BBHIQ", version, ptype, reserved, path_id, seq)


def media_header(stream_id, kind, flags, layer, stream_seq):
    return struct.pack(">IBBBBI", stream_id, kind, flags, layer, 0, stream_seq)


def seal(header, plaintext, seq):
    nonce = bytes(a ^ b for a, b in zip(IV, b"\x00" * 4 + struct.pack(">Q", seq)))
    return header + AESGCM(KEY).encrypt(nonce, plaintext, header)


def main(_argv):
    CORPUS.mkdir(parents=True, exist_ok=True)
    for old in CORPUS.iterdir():
        old.unlink()
    frame = bytes.fromhex("9a") + bytes(range(40))  # stands in for an SFrame frame
    seeds = {
        "valid_keepalive": seal(hop_header(2, 0), b"", 0),
        "valid_video_keyframe": seal(hop_header(1, 1),
                                     media_header(77, 2, 0xC0, 0x21, 1) + frame, 1),
        "valid_audio": seal(hop_header(1, 2), media_header(78, 1, 0x60, 0, 9) + frame[:20], 2),
        "valid_largest": seal(hop_header(1, 1000),
                              media_header(77, 2, 0x20, 0, 2)
                              + bytes(MAX_PACKET - 16 - 12 - TAG_LEN), 1000),
        "valid_high_seq": seal(hop_header(1, (1 << 28) - 1),
                               media_header(1, 2, 0, 0, 0) + b"\x00", (1 << 28) - 1),
        # Authenticated, but the plaintext is not a valid media payload.
        "sealed_bad_kind": seal(hop_header(1, 3), media_header(77, 3, 0, 0, 1) + frame, 3),
        "sealed_no_frame": seal(hop_header(1, 4), media_header(77, 2, 0, 0, 1), 4),
        # Rejected before the AEAD.
        "bad_version": hop_header(1, 5, version=2) + bytes(32),
        "bad_type": hop_header(7, 5) + bytes(32),
        "bad_reserved": hop_header(1, 5, reserved=1) + bytes(32),
        "path_zero": hop_header(1, 5, path_id=0) + bytes(32),
        "other_path": seal(hop_header(1, 5, path_id=PATH_ID + 1), media_header(1, 2, 0, 0, 0) + frame, 5),
        "seq_at_limit": hop_header(2, 1 << 28) + bytes(TAG_LEN),
        "keepalive_long": hop_header(2, 6) + bytes(TAG_LEN + 1),
        "short": hop_header(2, 6) + bytes(TAG_LEN - 1),
        # A media payload on its own (the plaintext view of the input).
        "payload_video": media_header(77, 2, 0xE0, 0x10, 5) + frame,
    }
    tampered = bytearray(seeds["valid_video_keyframe"])
    tampered[-1] ^= 1
    seeds["bad_tag"] = bytes(tampered)
    for name, data in seeds.items():
        (CORPUS / name).write_bytes(data)
    print(f"wrote {len(seeds)} seeds to {CORPUS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
