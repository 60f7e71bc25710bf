#!/usr/bin/env python3
"""Writes the seed corpora of the media_packet and feedback fuzz targets.

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
FEEDBACK_CORPUS = ROOT / "fuzz" / "corpus" / "feedback"
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


def feedback(stream_id, ftype, seqs):
    body = b"".join(struct.pack(">I", q) for q in seqs)
    # RFC 9420 varint: one byte below 64, two bytes (0x40 prefix) below 16384.
    prefix = bytes([len(body)]) if len(body) < 64 else struct.pack(">H", 0x4000 | len(body))
    return struct.pack(">IBB", stream_id, ftype, 0) + prefix + body


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
        # Feedback: a PLI for stream 202 and a NACK for 201 (peers of the
        # sfu_forwarder target), a NACK naming kMaxNackSeqs values.
        "valid_pli": seal(hop_header(3, 7), feedback(202, 1, []), 7),
        "valid_nack": seal(hop_header(3, 8), feedback(202, 2, [1, 2, 0xFFFFFFFF]), 8),
        "valid_nack_largest": seal(hop_header(3, 9), feedback(77, 2, list(range(64))), 9),
        "sealed_pli_with_seqs": seal(hop_header(3, 10), feedback(202, 1, [5]), 10),
        "feedback_short": hop_header(3, 11) + bytes(TAG_LEN + 6),
        "feedback_plain": feedback(202, 2, [3, 4]),
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
    # The feedback target reads plaintexts (Feedback structs) only.
    FEEDBACK_CORPUS.mkdir(parents=True, exist_ok=True)
    for old in FEEDBACK_CORPUS.iterdir():
        old.unlink()
    plain = {
        "pli": feedback(0x01020304, 1, []),
        "nack_one": feedback(77, 2, [5]),
        "nack_wrap": feedback(77, 2, [0xFFFFFFFE, 0xFFFFFFFF, 0, 1]),
        "nack_largest": feedback(77, 2, list(range(0, 640, 10))),
        "nack_too_many": feedback(77, 2, list(range(65))),
        "nack_empty": feedback(77, 2, []),
        "pli_with_seqs": feedback(77, 1, [1]),
        "bad_type": feedback(77, 3, []),
        "odd_length": struct.pack(">IBBB", 77, 2, 0, 3) + b"\x00\x00\x01",
        "trailing": feedback(77, 1, []) + b"\x00",
    }
    for name, data in plain.items():
        (FEEDBACK_CORPUS / name).write_bytes(data)
    print(f"wrote {len(plain)} seeds to {FEEDBACK_CORPUS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
