#!/usr/bin/env python3
"""Writes the seed corpora of the src/crypto fuzz targets from the official
test vectors (standard library only).

  python3 fuzz/crypto/make_seeds.py [VECTORS_DIR]

VECTORS_DIR defaults to ../shared/vectors beside the repository. Each seed
is a small binary file in fuzz/corpus/<target>/ named after its origin; the
layouts are those documented at the top of each *_fuzz.cc.
"""

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fuzz" / "corpus"


def varint(n):
    """RFC 9420 §2.1.2 minimal variable-length integer."""
    if n < 64:
        return bytes([n])
    if n < 16384:
        return bytes([0x40 | (n >> 8), n & 0xFF])
    return bytes([0x80 | (n >> 24), (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF])


def vec(b):
    return varint(len(b)) + b


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def hx(s):
    return bytes.fromhex(s)


def main(argv):
    vectors = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "vectors"
    x25519 = json.loads((vectors / "hpke/test-vectors-x25519-sha256-aes128gcm.json").read_text())
    p256 = json.loads((vectors / "hpke/test-vectors-p256-sha256-aes128gcm.json").read_text())
    full_gz = vectors / "hpke/test-vectors-full-5f503c5.json.gz"
    full = json.loads(gzip.decompress(full_gz.read_bytes()))
    basics = json.loads((vectors / "mls/crypto-basics.json").read_text())

    def entry(entries, kem, kdf, aead, mode):
        want = (kem, kdf, aead, mode)
        return next(e for e in entries
                    if (e["kem_id"], e["kdf_id"], e["aead_id"], e["mode"]) == want)

    # public_key: raw keys of every type, valid and a few malformed forms.
    for name, entries in (("x25519", x25519), ("p256", p256)):
        e = entry(entries, 0x20 if name == "x25519" else 0x10, 1, 1, 0)
        write("public_key", f"{name}_pkR", hx(e["pkRm"]))
        write("public_key", f"{name}_pkE", hx(e["pkEm"]))
    pk = bytearray(hx(entry(p256, 0x10, 1, 1, 0)["pkRm"]))
    write("public_key", "p256_compressed", bytes([0x02 | (pk[64] & 1)]) + bytes(pk[1:33]))
    pk[64] ^= 1
    write("public_key", "p256_off_curve", bytes(pk))
    write("public_key", "infinity", b"\x00")
    write("public_key", "x25519_zero", bytes(32))
    write("public_key", "ed25519_suite1", hx(basics[0]["sign_with_label"]["pub"]))

    # signature_verify: scheme || V(pub) || V(sig) || V(label) || content,
    # from the crypto-basics sign_with_label vectors (they verify).
    for e in basics[:2]:
        s = e["sign_with_label"]
        scheme = e["cipher_suite"] - 1  # suite 1 -> Ed25519 (0), suite 2 -> ECDSA (1)
        data = (bytes([scheme]) + vec(hx(s["pub"])) + vec(hx(s["signature"])) +
                vec(s["label"].encode()) + hx(s["content"]))
        write("signature_verify", f"suite{e['cipher_suite']}_sign_with_label", data)
        # The same signature as a plain verify over the SignContent bytes.
        sign_content = vec(b"MLS 1.0 " + s["label"].encode()) + vec(hx(s["content"]))
        data = (bytes([scheme]) + vec(hx(s["pub"])) + vec(hx(s["signature"])) + vec(b"") +
                sign_content)
        write("signature_verify", f"suite{e['cipher_suite']}_plain", data)

    # aead_open: selector || nonce || V(aad) || ct, from HPKE encryptions.
    for name, e, selector in (("aes128gcm", entry(x25519, 0x20, 1, 1, 0), 0),
                              ("aes256gcm", entry(full, 0x20, 1, 2, 0), 1)):
        for seq in (0, 1, 256):
            enc = e["encryptions"][seq]
            data = bytes([selector]) + hx(enc["nonce"]) + vec(hx(enc["aad"])) + hx(enc["ct"])
            write("aead_open", f"{name}_seq{seq}", data)

    # hpke_open: selector || enc || ct, the first encryption of the entries
    # the target hard-codes (bit 0: KEM, bit 1: base / auth_psk).
    for selector, (entries, kem, mode) in enumerate(
            ((x25519, 0x20, 0), (p256, 0x10, 0), (x25519, 0x20, 3), (p256, 0x10, 3))):
        e = entry(entries, kem, 1, 1, mode)
        data = bytes([selector]) + hx(e["enc"]) + hx(e["encryptions"][0]["ct"])
        write("hpke_open", f"kem{kem:04x}_mode{mode}", data)
    # The MLS EncryptWithLabel vectors: valid enc, ciphertext under another info.
    for e in basics[:2]:
        s = e["encrypt_with_label"]
        write("hpke_open", f"suite{e['cipher_suite']}_encrypt_with_label",
              bytes([e["cipher_suite"] - 1]) + hx(s["kem_output"]) + hx(s["ciphertext"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
