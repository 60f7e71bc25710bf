#!/usr/bin/env python3
"""Writes the seed corpora of the SFrame fuzz targets from the RFC 9605
vectors (standard library only).

  python3 fuzz/crypto/sframe/make_seeds.py [VECTORS_DIR]

VECTORS_DIR defaults to ../shared/vectors beside the repository. Layouts are
documented at the top of each *_fuzz.cc.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "fuzz" / "corpus"


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main(argv):
    vectors = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "vectors"
    doc = json.loads((vectors / "sframe/test-vectors.json").read_text())
    # sframe_header: a spread of the header vectors (every form and length),
    # plus one with trailing bytes as a frame would have.
    headers = doc["header"]
    for i, e in enumerate(headers):
        if i % 16 == 0 or i == len(headers) - 1:
            write("sframe_header", f"header_{i:03d}", bytes.fromhex(e["encoded"]))
    write("sframe_header", "frame_suite4", bytes.fromhex(doc["sframe"][3]["ct"]))
    write("sframe_header", "nonminimal_kid", bytes.fromhex("8005"))
    # sframe_unprotect: selector (suite index, MLS bit) || ct of each vector.
    for e in doc["sframe"]:
        suite = e["cipher_suite"]
        ct = bytes.fromhex(e["ct"])
        write("sframe_unprotect", f"suite{suite}", bytes([suite - 1]) + ct)
        write("sframe_unprotect", f"suite{suite}_mls", bytes([(suite - 1) | 0x08]) + ct)


if __name__ == "__main__":
    main(sys.argv)
