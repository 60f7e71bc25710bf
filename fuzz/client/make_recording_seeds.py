#!/usr/bin/env python3
"""Writes the seed corpus of fuzz target recording_file.

The recordings are sealed here by an independent HPKE (RFC 9180) base-mode
implementation over the `cryptography` package, following the file format
of spec/08-client.md#recording-files, to the fuzz target's fixed key (32
bytes 0x01..0x20); the ephemeral keys are fixed too, so the corpus is
reproducible. Plus damaged variants and a key-sized input.
Usage: fuzz/client/make_recording_seeds.py   (from the repository root)
"""
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

CHUNK = 64 * 1024
KEM_ID, KDF_ID, AEAD_ID = 0x0020, 0x0001, 0x0001
INFO = b"conclave recording v1"


def extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def expand(prk, info, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]


def labeled_extract(suite, salt, label, ikm):
    return extract(salt, b"HPKE-v1" + suite + label + ikm)


def labeled_expand(suite, prk, label, info, n):
    return expand(prk, struct.pack(">H", n) + b"HPKE-v1" + suite + label + info, n)


def raw(pub):
    return pub.public_bytes(Encoding.Raw, PublicFormat.Raw)


def setup_base_sender(pk_r, sk_e):
    kem_suite = b"KEM" + struct.pack(">H", KEM_ID)
    enc = raw(sk_e.public_key())
    dh = sk_e.exchange(pk_r)
    prk = labeled_extract(kem_suite, b"", b"eae_prk", dh)
    shared = labeled_expand(kem_suite, prk, b"shared_secret", enc + raw(pk_r), 32)
    suite = b"HPKE" + struct.pack(">HHH", KEM_ID, KDF_ID, AEAD_ID)
    ctx = (b"\x00" + labeled_extract(suite, b"", b"psk_id_hash", b"")
           + labeled_extract(suite, b"", b"info_hash", INFO))
    secret = labeled_extract(suite, shared, b"secret", b"")
    key = labeled_expand(suite, secret, b"key", ctx, 16)
    nonce = labeled_expand(suite, secret, b"base_nonce", ctx, 12)
    return enc, key, nonce


def seal_recording(pk_r, sk_e, plaintext):
    enc, key, base_nonce = setup_base_sender(pk_r, sk_e)
    header = b"CONCLREC" + bytes([1]) + struct.pack(">HHH", KEM_ID, KDF_ID, AEAD_ID) + b"\x00" + enc
    out, at, seq = header, 0, 0
    while True:
        part = plaintext[at:at + CHUNK]
        final = len(part) < CHUNK
        nonce = bytes(a ^ b for a, b in zip(base_nonce, seq.to_bytes(12, "big")))
        ct = AESGCM(key).encrypt(nonce, part, header + bytes([1 if final else 0]))
        out += bytes([1 if final else 0]) + struct.pack(">I", len(ct)) + ct
        at += len(part)
        seq += 1
        if final:
            return out


def write(name, data):
    folder = "fuzz/corpus/recording_file"
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


recipient = X25519PrivateKey.from_private_bytes(bytes(range(1, 33))).public_key()
ephemeral = [X25519PrivateKey.from_private_bytes(bytes([0x40 + i] * 32)) for i in range(4)]
empty = seal_recording(recipient, ephemeral[0], b"")
small = seal_recording(recipient, ephemeral[1], b"OggS recording of a few bytes")
two = seal_recording(recipient, ephemeral[2], bytes(range(256)) * 300)  # 76800: two chunks
exact = seal_recording(recipient, ephemeral[3], b"\x07" * CHUNK)  # a full chunk, then an empty final
write("empty.crec", empty)
write("small.crec", small)
write("two_chunks.crec", two)
write("exact_chunk.crec", exact)
write("truncated.crec", two[:48 + 5 + CHUNK + 16])
write("tampered.crec", small[:60] + bytes([small[60] ^ 1]) + small[61:])
write("header_only.crec", small[:48])
write("public_key.bin", raw(recipient))
