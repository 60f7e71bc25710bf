#!/usr/bin/env python3
"""Writes the seed corpus of fuzz/crypto/tls/certificate_fuzz.cc.

  python3 fuzz/crypto/tls/make_seeds.py

Seeds: a fingerprint in colon form, the same in plain hex, and a PEM
certificate (a fixed self-signed P-256 certificate, seed material only,
made once with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256
-nodes -subj /CN=conclave-seed -days 1 -keyout /dev/null`).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "fuzz" / "corpus" / "certificate"
HERE = Path(__file__).resolve().parent

FP = bytes((i * 37 + 11) & 0xFF for i in range(32))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fingerprint_colons").write_text(":".join(f"{b:02X}" for b in FP))
    (OUT / "fingerprint_plain").write_text(FP.hex())
    (OUT / "certificate_pem").write_text((HERE / "seed_certificate.pem").read_text())


if __name__ == "__main__":
    main()
