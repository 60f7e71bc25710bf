#!/usr/bin/env python3
"""Writes the seed corpus of fuzz/crypto/mls/mls_tree_validation_fuzz.cc from
tree-validation.json (standard library only).

  python3 fuzz/crypto/mls/make_tree_validation_seeds.py [VECTORS_DIR]

Each seed is: selector (0 = suite 1, 1 = suite 2), len(group_id), group_id,
tree. Suite 1 and 2 entries only (the target implements those).
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "fuzz" / "corpus" / "mls_tree_validation"


def main(argv):
    vectors = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "vectors"
    entries = json.loads((vectors / "mls/tree-validation.json").read_text())
    OUT.mkdir(parents=True, exist_ok=True)
    for i, e in enumerate(entries):
        if e["cipher_suite"] not in (1, 2):
            continue
        gid = bytes.fromhex(e["group_id"])
        tree = bytes.fromhex(e["tree"])
        seed = bytes([e["cipher_suite"] - 1, len(gid)]) + gid + tree
        (OUT / f"e{i}_suite{e['cipher_suite']}").write_bytes(seed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
