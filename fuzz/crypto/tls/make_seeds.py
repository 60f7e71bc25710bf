#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/crypto/tls/certificate_fuzz.cc and
fuzz/crypto/tls/device_certificate_fuzz.cc.

  python3 fuzz/crypto/tls/make_seeds.py

Seeds: a fingerprint in colon form, the same in plain hex, and a PEM
certificate (a fixed self-signed P-256 certificate, seed material only,
made once with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256
-nodes -subj /CN=conclave-seed -days 1 -keyout /dev/null`).

Device certificate seeds: the DER of each certificate in
tests/data/device_certificate (made by make.sh there; device_ok verifies
against the fixed CA the target uses, the others break one rule each), and
certificate requests: a P-256 one (seed_device_request.pem, made once with
`openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
-keyout /dev/null -subj /CN=seed`) and the Ed25519, P-384 and RSA ones of
the test data.
"""

import base64
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "fuzz" / "corpus" / "certificate"
DEVICE_OUT = ROOT / "fuzz" / "corpus" / "device_certificate"
DEVICE_DATA = ROOT / "tests" / "data" / "device_certificate"
HERE = Path(__file__).resolve().parent

FP = bytes((i * 37 + 11) & 0xFF for i in range(32))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fingerprint_colons").write_text(":".join(f"{b:02X}" for b in FP))
    (OUT / "fingerprint_plain").write_text(FP.hex())
    (OUT / "certificate_pem").write_text((HERE / "seed_certificate.pem").read_text())

    DEVICE_OUT.mkdir(parents=True, exist_ok=True)
    for pem in sorted(DEVICE_DATA.glob("*.pem")):
        text = pem.read_text()
        if pem.name.startswith("csr_"):
            (DEVICE_OUT / pem.stem).write_text(text)
        elif "BEGIN CERTIFICATE-----" in text:
            (DEVICE_OUT / (pem.stem + "_der")).write_bytes(pem_to_der(text))
    (DEVICE_OUT / "csr_p256").write_text((HERE / "seed_device_request.pem").read_text())


def pem_to_der(text):
    lines = text.strip().splitlines()
    return base64.b64decode("".join(lines[1:-1]))


if __name__ == "__main__":
    main()
