#!/usr/bin/env python3
"""Check that a model's constants equal the C++ spec constants they stand for.

Why: a z3 model that proves a property for E <= 16 says nothing if the code
allows E <= 40. Each `constant:` line of a model.conf names a C++ constant, the
file that defines it, and the SMT-LIB `define-fun` (in a .smt2 model file) or
the Promela `#define` (in a .pml model file) that must hold the same value:

  constant: kMaxEpochBits | src/crypto/sframe/limits.h | kid.smt2 | kMaxEpochBits
  constant: kPliIntervalMs | src/media/limits.h | model.pml | kPliIntervalMs

Usage: check_constants.py MODEL_DIR REPO_ROOT. Exit 1 on a mismatch.
Python standard library only.
"""

import re
import sys
from pathlib import Path


def cxx_value(path: Path, name: str) -> int:
    text = path.read_text(encoding="utf-8")
    m = re.search(r"\b" + re.escape(name) + r"\s*=\s*([^;]+);", text)
    if not m:
        raise SystemExit(f"check_constants: {name} not found in {path}")
    expr = re.sub(r"(?:uint64_t|size_t|unsigned)\{(\w+)\}", r"(\1)", m.group(1))
    if not re.fullmatch(r"[\s0-9xXa-fA-F()+\-*<>]+", expr):
        raise SystemExit(f"check_constants: cannot evaluate {name} = {m.group(1)}")
    return int(eval(expr))  # digits and operators only, checked above


def smt_value(path: Path, name: str) -> int:
    text = path.read_text(encoding="utf-8")
    m = re.search(r"\(define-fun\s+" + re.escape(name) +
                  r"\s+\(\)\s+\(_ BitVec \d+\)\s+#x([0-9a-fA-F]+)\)", text)
    if not m:
        raise SystemExit(f"check_constants: define-fun {name} not found in {path}")
    return int(m.group(1), 16)


def pml_value(path: Path, name: str) -> int:
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^#define\s+" + re.escape(name) + r"\s+(0[xX][0-9a-fA-F]+|[0-9]+)\b",
                  text, re.MULTILINE)
    if not m:
        raise SystemExit(f"check_constants: #define {name} not found in {path}")
    return int(m.group(1), 0)


def model_value(path: Path, name: str) -> int:
    return pml_value(path, name) if path.suffix == ".pml" else smt_value(path, name)


def main() -> int:
    model, root = Path(sys.argv[1]), Path(sys.argv[2])
    bad = 0
    for line in (model / "model.conf").read_text(encoding="utf-8").splitlines():
        if not line.startswith("constant:"):
            continue
        cxx_name, cxx_file, smt_file, smt_name = [f.strip() for f in line[9:].split("|")]
        want, have = cxx_value(root / cxx_file, cxx_name), model_value(model / smt_file, smt_name)
        if want != have:
            print(f"check_constants: {smt_file} {smt_name} = {have}, but {cxx_file} "
                  f"{cxx_name} = {want}", file=sys.stderr)
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
