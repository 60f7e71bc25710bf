#!/usr/bin/env python3
"""Generate a Promela rendering of a normative state-machine table.

Why: the proof models must check the tables the C++ code runs, not a
hand-copied variant of them. spec/state-machines/<machine>.csv is the single
source; the C++ tables are compared with it by tests/conformance/, and the
Promela tables are generated from it here. `--check` regenerates in memory and
fails if a committed file differs, so a CSV change without regenerating the
models fails CI (proofs/run.sh runs the check before every model).

Usage:
  gen_table.py CSV OUT.pml            write the Promela table for CSV
  gen_table.py --check CSV OUT.pml    exit 1 if OUT.pml is not what CSV gives

The output defines, for machine M (the CSV's file name):
  M_S_<state>, M_E_<event>, M_G_<guard>, M_A_<action>   small integers
  inline M_step(st, ev, g, act, ok)   one table lookup: for a listed
      (st, ev, g) it sets st to the row's `to`, act to its action and ok to
      true; for any other triple it leaves st unchanged, sets act to
      M_A_none and ok to false (the kUnexpectedMessage of the C++ `next`).
Python standard library only; works for every CSV of the README's format.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

COLUMNS = ["from", "event", "guard", "to", "action"]


def read_rows(csv_path: Path) -> list[dict[str, str]]:
    lines = [l.strip() for l in csv_path.read_text(encoding="utf-8").splitlines() if l.strip()]
    if not lines or lines[0].split(",") != COLUMNS:
        raise SystemExit(f"{csv_path}: header must be {','.join(COLUMNS)}")
    rows, seen = [], set()
    for n, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        if len(cells) != len(COLUMNS) or not all(c.isidentifier() for c in cells):
            raise SystemExit(f"{csv_path}:{n}: expected {len(COLUMNS)} identifier cells")
        row = dict(zip(COLUMNS, cells))
        key = (row["from"], row["event"], row["guard"])
        if key in seen:
            raise SystemExit(f"{csv_path}:{n}: triple {key} listed twice")
        seen.add(key)
        rows.append(row)
    return rows


def ordered(values) -> list[str]:
    out: list[str] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def render(csv_path: Path, rel_csv: str) -> str:
    m = csv_path.stem
    rows = read_rows(csv_path)
    states = ordered([v for r in rows for v in (r["from"], r["to"])])
    events = ordered(r["event"] for r in rows)
    guards = ordered(["none"] + [r["guard"] for r in rows])
    actions = ordered(["none"] + [r["action"] for r in rows])
    out = [
        f"/* Generated from {rel_csv} by proofs/tools/gen_table.py; do not edit.",
        f"   {len(rows)} rows; a triple not listed is refused (ok = false). */",
        "",
    ]
    for prefix, names in (("S", states), ("E", events), ("G", guards), ("A", actions)):
        for i, name in enumerate(names):
            out.append(f"#define {m}_{prefix}_{name} {i}")
        out.append("")
    out.append(f"inline {m}_step(st, ev, g, act, ok) {{")
    out.append("  if")
    for r in rows:
        out.append(
            f"  :: (st == {m}_S_{r['from']} && ev == {m}_E_{r['event']} && "
            f"g == {m}_G_{r['guard']}) ->\n"
            f"     st = {m}_S_{r['to']}; act = {m}_A_{r['action']}; ok = true")
    out.append(f"  :: else -> act = {m}_A_none; ok = false")
    out.append("  fi")
    out.append("}")
    return "\n".join(out) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true")
    p.add_argument("--label", help="CSV path to name in the header (default: as given)")
    p.add_argument("csv", type=Path)
    p.add_argument("out", type=Path)
    a = p.parse_args()
    text = render(a.csv, a.label or a.csv.as_posix())
    if a.check:
        try:
            current = a.out.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != text:
            print(f"gen_table: {a.out} is not generated from {a.csv}; run "
                  f"proofs/tools/gen_table.py {a.csv} {a.out}", file=sys.stderr)
            return 1
        return 0
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
