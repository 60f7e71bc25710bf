#!/usr/bin/env python3
"""Check Conclave's requirement traceability and write the traceability matrix.

Why this exists: an evaluator (ANSSI CSPN, BSI BSZ) must be able to follow
every normative requirement to the code that implements it and to the evidence
that it holds, and every threat to the security functions that counter it.
A chain kept in a document goes stale; a chain kept in the sources and checked
on every change does not. Duvet and StrictDoc cannot be installed here, so this
is a small tool that uses only the Python standard library (3.11+, for tomllib).

What it reads (paths relative to --root):
  spec/requirements/<area>.toml           [[requirement]] catalogue
  certification/security-functions.toml   [[function]] catalogue (SF-NN)
  threat-model/threats.toml               [[threat]] catalogue (T-NN)
  threat-model/assumptions.toml           [[assumption]] catalogue (A-NN)
  certification/exceptions/*.toml         [[exception]] waivers with a reason
  annotations in src/, tests/, fuzz/, proofs/, CMake files, scripts/, tools/, .ci/
  ctest JUnit files (--junit) and proof verdicts (--proof-results, or the
  ctest tests proof.<model> in the JUnit files), optional

What it writes: each problem with where (file:line), what and why; a Markdown
matrix at --out; and the closing line "traceability: N passed, N failed".
Every assertion it makes counts as one check, so the closing line also says
how much was verified. The exit status is 1 iff a check failed.

docs/traceability.md is the manual (annotation syntax, examples, CI use).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------
# Identifier grammar (certification/README.md). REQ numbers are three digits;
# SF, T and A take two (three once a catalogue outgrows 99 entries).

REQ_ID = re.compile(r"REQ-([A-Z][A-Z0-9]*)-(\d{3})")
SF_ID = re.compile(r"SF-\d{2,3}")
THREAT_ID = re.compile(r"T-\d{2,3}")
ASSUMPTION_ID = re.compile(r"A-\d{2,3}")
FEATURE_ID = re.compile(r"F-\d{2}")
PROP_ID = re.compile(r"PROP-\d{2,3}")
# "REQ-MED-010..014" (or "..REQ-MED-014") is an inclusive range, as in the
# fuzz-harness headers of STYLE.md STY-18.
REQ_RANGE = re.compile(r"(REQ-[A-Z][A-Z0-9]*-)(\d{3})\.\.(?:\1)?(\d{3})")
# A token that is meant as an identifier: upper-case letters then '-' or '_'.
# The id list of an annotation ends at the first token that is not one, so a
# free-text tail ("-- why this test matters") is allowed.
ID_SHAPED = re.compile(r"[A-Z][A-Z0-9]*[-_]")
# A gtest name carrying the id (ASSURANCE.md): REQ_MLS_004_rejects_non_member.
REQ_IN_NAME = re.compile(r"(?<![A-Za-z0-9])REQ_([A-Z][A-Z0-9]*)_(\d{3})(?![0-9])")

LEVELS = ("MUST", "SHOULD", "MAY")
VERIFY_KINDS = ("test", "proof", "review")
SF_STATUSES = ("implemented", "planned")
# What an exception may waive; by default all of them.
WAIVABLE = ("implementation",) + VERIFY_KINDS

# Catalogue schemas: key -> (type, required). Unknown keys are errors, so a
# misspelt key ("verfiy") cannot silently drop a verification duty.
REQUIREMENT_KEYS = {
    "id": (str, True), "level": (str, True), "source": (str, True),
    "sf": (list, True), "threats": (list, True), "verify": (list, True),
    "text": (str, True), "reviewed_in": (str, False),
}
FUNCTION_KEYS = {
    "id": (str, True), "name": (str, True), "description": (str, True),
    "status": (str, True), "features": (list, False),
}
THREAT_KEYS = {
    "id": (str, True), "title": (str, True), "adversary": (str, True),
    "asset": (str, True), "countered_by": (list, True),
    "assumptions": (list, True), "residual": (str, True),
}
ASSUMPTION_KEYS = {"id": (str, True), "text": (str, True)}
EXCEPTION_KEYS = {
    "req": (str, True), "reason": (str, True), "waives": (list, False),
    "approved_by": (str, False), "tracking": (str, False),
}

# Annotation syntax. Implementation comments may trail code; test comments
# must stand on their own line directly above the test they describe.
IMPLEMENTS = re.compile(r"(?:^|\s)(?://+|#+|/\*+|\*)\s*implements:\s*(.*)")
VERIFIES_CC = re.compile(r"^\s*(?://+|/\*+|\*)\s*verifies:\s*(.*)")
VERIFIES_CMAKE = re.compile(r"^\s*#+\s*verifies:\s*(.*)")
FUZZ_REQUIREMENTS = re.compile(r"^\s*//.*?\bRequirements:\s*(.*)")
PROOF_VERIFIES = re.compile(r"\bverifies:\s*(.*)")
CC_COMMENT = re.compile(r"^\s*(?://|/\*|\*)")
CMAKE_COMMENT = re.compile(r"^\s*#")
COMMENT_LEADER = re.compile(r"^\s*(?://+|#+|/?\*+|;+)\s?")
GTEST = re.compile(
    r"\s*(TEST|TEST_F|TEST_P|TYPED_TEST|TYPED_TEST_P)\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)")
# Commands whose first argument is a ctest test name (cmake/Testing.cmake).
CMAKE_TEST_COMMANDS = ("add_test", "conclave_add_check", "conclave_add_kat",
                       "conclave_add_fuzz_smoke")
CMAKE_TEST = re.compile(
    r"\s*(?i:(" + "|".join(CMAKE_TEST_COMMANDS) + r"))\s*\(\s*(?:NAME\s+)?"
    r"(\"[^\"]*\"|[^\s()\"#]+)")

# Folders never scanned: VCS data, build trees, caches, and this tool's own
# folder, whose tests are full of example annotations.
PRUNE_ANYWHERE = {".git", "__pycache__", "node_modules", "_deps", ".cache"}
PRUNE_TOP_PREFIXES = ("build", "cmake-build")
SELF_DIR = "tools/traceability"
MAX_SCAN_BYTES = 2 * 1024 * 1024


# --------------------------------------------------------------------------
# Problem reporting


@dataclass(frozen=True)
class Loc:
    """Where something was written: a root-relative path and a 1-based line."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class Report:
    """Counts checks and collects problems.

    Failures gate CI. Warnings are for what the process tolerates for now
    (an unimplemented SHOULD, a stale exception); notes are context.
    """

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.failures: list[tuple[Loc, str]] = []
        self.warnings: list[tuple[Loc, str]] = []
        self.notes: list[str] = []

    def check(self, ok: bool, loc: Loc, name: str, what: str, why: str) -> bool:
        if ok:
            self.passed += 1
        else:
            self.fail(loc, name, what, why)
        return ok

    def fail(self, loc: Loc, name: str, what: str, why: str) -> None:
        self.failed += 1
        self.failures.append((loc, f"{loc}: FAIL [{name}] {what}\n    why: {why}"))

    def warn(self, loc: Loc, what: str, why: str) -> None:
        self.warnings.append((loc, f"{loc}: WARN {what}\n    why: {why}"))

    def note(self, text: str) -> None:
        self.notes.append(f"note: {text}")

    def lines(self) -> list[str]:
        """Notes, then warnings, then failures (last, where CI logs end), each
        sorted by file and line so that related problems sit together."""
        def by_place(items):
            return [text for _, text in sorted(items, key=lambda i: (i[0].path, i[0].line))]
        return self.notes + by_place(self.warnings) + by_place(self.failures)


# --------------------------------------------------------------------------
# Catalogues


@dataclass
class Requirement:
    id: str
    level: str
    source: str
    sf: list[str]
    threats: list[str]
    verify: list[str]
    text: str
    reviewed_in: str
    loc: Loc


@dataclass
class SecurityFunction:
    id: str
    name: str
    status: str
    loc: Loc
    description: str = ""


@dataclass
class Threat:
    id: str
    title: str
    countered_by: list[str]
    assumptions: list[str]
    residual: str
    loc: Loc


@dataclass
class Waiver:
    """One [[exception]]: a requirement deliberately left without some evidence."""

    req: str
    reason: str
    waives: tuple[str, ...]
    valid: bool
    loc: Loc


@dataclass
class Catalogue:
    requirements: dict[str, Requirement] = field(default_factory=dict)
    functions: dict[str, SecurityFunction] = field(default_factory=dict)
    threats: dict[str, Threat] = field(default_factory=dict)
    assumptions: dict[str, Loc] = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)


def rel(root: Path, path: Path) -> str:
    """Root-relative POSIX path, so messages read the same on every machine."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def table_lines(text: str, table: str, count: int) -> list[int]:
    """Line of each [[table]] entry (of its id/req key when present).

    tomllib keeps no positions, and "file:line" is what makes a problem
    actionable, so the headers are located in the raw text.
    """
    lines = text.splitlines()
    header = re.compile(r"^\s*\[\[\s*" + re.escape(table) + r"\s*\]\]")
    starts = [i for i, line in enumerate(lines) if header.match(line)]
    if len(starts) != count:  # inline arrays of tables: no better position
        return [1] * count
    result = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        line = start
        for i in range(start, end):
            if re.match(r"^\s*(id|req)\s*=", lines[i]):
                line = i
                break
        result.append(line + 1)
    return result


def read_tables(root: Path, path: Path, table: str, report: Report) -> list[tuple[dict, Loc]]:
    """Parse one catalogue file into (entry, location) pairs; report bad files."""
    where = Loc(rel(root, path))
    if not path.is_file():
        report.fail(where, "parse", f"catalogue file {where.path} is missing",
                    "the traceability chain needs every catalogue (docs/traceability.md)")
        return []
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as err:
        report.fail(where, "parse", f"cannot read {where.path}", str(err))
        return []
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"line (\d+)", str(err))
        report.fail(Loc(where.path, int(m.group(1)) if m else 0), "parse",
                    f"{where.path} is not valid TOML", str(err))
        return []
    report.passed += 1
    for key in sorted(set(data) - {table}):
        report.fail(where, "schema", f"unexpected top-level key '{key}'",
                    f"a catalogue file holds only [[{table}]] tables")
    items = data.get(table, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        report.fail(where, "schema", f"'{table}' is not an array of tables",
                    f"write each entry as a [[{table}]] table")
        return []
    return list(zip(items, [Loc(where.path, n) for n in table_lines(text, table, len(items))]))


def check_schema(entry: dict, loc: Loc, schema: dict, kind: str, report: Report,
                 may_be_blank: tuple[str, ...] = ()) -> None:
    """One check per entry: required keys present, types right, no unknown keys.

    Keys in `may_be_blank` have a dedicated check with a better message."""
    problems = []
    for key, (typ, required) in schema.items():
        if key not in entry:
            if required:
                problems.append(f"missing key '{key}'")
            continue
        value = entry[key]
        if typ is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"'{key}' must be a list of strings")
        elif not isinstance(value, str):
            problems.append(f"'{key}' must be a string")
        elif required and not value.strip() and key not in may_be_blank:
            problems.append(f"'{key}' is empty")
    problems += [f"unknown key '{key}'" for key in entry if key not in schema]
    ident = entry.get("id", entry.get("req", "?"))
    report.check(not problems, loc, "schema", f"{kind} {ident}: " + "; ".join(problems),
                 "the catalogue formats are fixed in docs/traceability.md; an unknown key "
                 "is usually a misspelt one")


def s(entry: dict, key: str) -> str:
    value = entry.get(key, "")
    return value if isinstance(value, str) else ""


def strs(entry: dict, key: str) -> list[str]:
    value = entry.get(key, [])
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def register(ident: str, loc: Loc, pattern: re.Pattern, kind: str, example: str,
             seen: dict, report: Report) -> bool:
    """Check one catalogue id for form and uniqueness; True if it is new."""
    report.check(pattern.fullmatch(ident) is not None, loc, "id-format",
                 f"{kind} id '{ident}' is malformed", f"{kind} ids look like {example}")
    if ident in seen:
        report.fail(loc, "unique-id", f"duplicate {kind} id {ident}",
                    f"already defined at {seen[ident]}; ids are unique and never reused")
        return False
    report.passed += 1
    seen[ident] = loc
    return True


def load_catalogue(root: Path, report: Report) -> Catalogue:
    cat = Catalogue()
    seen: dict[str, Loc] = {}

    req_dir = root / "spec" / "requirements"
    req_files = sorted(req_dir.glob("*.toml")) if req_dir.is_dir() else []
    report.check(bool(req_files), Loc("spec/requirements"), "parse",
                 "no requirement catalogue found",
                 "spec/requirements/<area>.toml files hold the requirements")
    for path in req_files:
        area = path.stem.upper()
        for entry, loc in read_tables(root, path, "requirement", report):
            check_schema(entry, loc, REQUIREMENT_KEYS, "requirement", report)
            ident = s(entry, "id")
            if not ident:
                continue
            if not register(ident, loc, REQ_ID, "requirement", "REQ-WIRE-001", seen, report):
                continue
            m = REQ_ID.fullmatch(ident)
            if m:
                report.check(m.group(1) == area, loc, "id-format",
                             f"{ident} is filed in {path.name}",
                             f"requirements of area {m.group(1)} belong in "
                             f"spec/requirements/{m.group(1).lower()}.toml")
            req = Requirement(ident, s(entry, "level"), s(entry, "source"), strs(entry, "sf"),
                              strs(entry, "threats"), strs(entry, "verify"), s(entry, "text"),
                              s(entry, "reviewed_in"), loc)
            cat.requirements[ident] = req
            report.check(req.level in LEVELS, loc, "schema",
                         f"{ident}: level '{req.level}' is not one of {', '.join(LEVELS)}",
                         "levels are the RFC 2119 keywords")
            bad = [v for v in req.verify if v not in VERIFY_KINDS]
            report.check(not bad, loc, "schema",
                         f"{ident}: unknown verify kind(s) {', '.join(bad)}",
                         f"verify lists kinds from {', '.join(VERIFY_KINDS)}")
            if req.level == "MUST":
                report.check(bool(req.verify), loc, "schema",
                             f"{ident} (MUST) has an empty verify list",
                             "a MUST names how it is verified: test, proof or review")
            if req.level in LEVELS and req.level not in req.text:
                report.warn(loc, f"{ident}: text does not contain its level keyword {req.level}",
                            "requirement text is written with RFC 2119 keywords")
            if not req.sf:
                report.warn(loc, f"{ident} names no security function",
                            "without an SF the requirement is outside the security target")

    path = root / "certification" / "security-functions.toml"
    for entry, loc in read_tables(root, path, "function", report):
        check_schema(entry, loc, FUNCTION_KEYS, "security function", report)
        ident = s(entry, "id")
        if ident and register(ident, loc, SF_ID, "security function", "SF-01", seen, report):
            status = s(entry, "status")
            report.check(status in SF_STATUSES, loc, "schema",
                         f"{ident}: status '{status}' is not one of {', '.join(SF_STATUSES)}",
                         "an SF is either implemented (needs requirements) or planned")
            bad = [f for f in strs(entry, "features") if not FEATURE_ID.fullmatch(f)]
            report.check(not bad, loc, "id-format",
                         f"{ident}: malformed feature id(s) {', '.join(bad)}",
                         "features are F-NN ids from PRODUCT.md")
            cat.functions[ident] = SecurityFunction(ident, s(entry, "name"), status, loc,
                                                 s(entry, "description"))

    path = root / "threat-model" / "threats.toml"
    for entry, loc in read_tables(root, path, "threat", report):
        check_schema(entry, loc, THREAT_KEYS, "threat", report)
        ident = s(entry, "id")
        if ident and register(ident, loc, THREAT_ID, "threat", "T-01", seen, report):
            cat.threats[ident] = Threat(ident, s(entry, "title"), strs(entry, "countered_by"),
                                        strs(entry, "assumptions"), s(entry, "residual"), loc)

    path = root / "threat-model" / "assumptions.toml"
    for entry, loc in read_tables(root, path, "assumption", report):
        check_schema(entry, loc, ASSUMPTION_KEYS, "assumption", report)
        ident = s(entry, "id")
        if ident and register(ident, loc, ASSUMPTION_ID, "assumption", "A-01", seen, report):
            cat.assumptions[ident] = loc

    exc_dir = root / "certification" / "exceptions"
    for path in sorted(exc_dir.glob("*.toml")) if exc_dir.is_dir() else []:
        for entry, loc in read_tables(root, path, "exception", report):
            check_schema(entry, loc, EXCEPTION_KEYS, "exception", report, ("reason",))
            reason = s(entry, "reason").strip()
            waives = tuple(strs(entry, "waives")) or WAIVABLE
            bad = [w for w in waives if w not in WAIVABLE]
            valid = report.check(bool(reason), loc, "exception",
                                 f"exception for {s(entry, 'req') or '?'} has no reason",
                                 "an exception is a recorded decision; it states why, or it "
                                 "does not count")
            valid &= report.check(not bad, loc, "exception",
                                  f"exception waives unknown item(s) {', '.join(bad)}",
                                  f"waives lists items from {', '.join(WAIVABLE)}")
            cat.waivers.append(Waiver(s(entry, "req"), reason, waives, valid, loc))
    return cat


# --------------------------------------------------------------------------
# Annotations in the sources


@dataclass(frozen=True)
class TestRef:
    """A ctest test named by an annotation.

    `pattern` is set for parameterised and typed gtest cases, whose ctest
    names carry an instantiation prefix or a parameter suffix.
    """

    name: str
    pattern: str = ""

    def matches(self, ctest_name: str) -> bool:
        if self.pattern:
            return re.fullmatch(self.pattern, ctest_name) is not None
        return ctest_name == self.name


@dataclass
class Evidence:
    """One claim found in the sources: `req` is implemented or verified at `loc`."""

    req: str
    kind: str  # "code", "test" or "proof"
    loc: Loc
    test: TestRef | None = None
    model: str = ""


def gtest_ref(macro: str, suite: str, name: str) -> TestRef:
    """The ctest name that gtest_discover_tests gives a TEST-like macro."""
    s_, n_ = re.escape(suite), re.escape(name)
    if macro == "TEST_P":
        return TestRef(f"{suite}.{name}/*", rf"(?:[^/]+/)?{s_}\.{n_}/.+")
    if macro == "TYPED_TEST":
        return TestRef(f"{suite}/*.{name}", rf"{s_}/[^/.]+\.{n_}")
    if macro == "TYPED_TEST_P":
        return TestRef(f"*/{suite}/*.{name}", rf"(?:[^/]+/)?{s_}/[^/.]+\.{n_}")
    return TestRef(f"{suite}.{name}")


class Scanner:
    """Walks the tree once per annotation family and collects Evidence."""

    def __init__(self, root: Path, report: Report) -> None:
        self.root = root
        self.report = report
        self.evidence: list[Evidence] = []

    # -- file discovery

    def walk(self, top: str):
        """Yield files under `top` (root-relative), skipping pruned folders."""
        base = self.root / top if top else self.root
        if not base.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(base):
            here = Path(dirpath)
            rel_here = rel(self.root, here)
            keep = []
            for d in sorted(dirnames):
                rel_d = f"{rel_here}/{d}" if rel_here != "." else d
                if d in PRUNE_ANYWHERE or rel_d == SELF_DIR:
                    continue
                if here == self.root and d.startswith(PRUNE_TOP_PREFIXES):
                    continue
                keep.append(d)
            dirnames[:] = keep
            for f in sorted(filenames):
                yield here / f

    def lines(self, path: Path) -> list[str] | None:
        """The file's lines, or None for binaries and oversized files."""
        try:
            if path.stat().st_size > MAX_SCAN_BYTES:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        if b"\0" in data:
            return None
        return data.decode("utf-8", errors="replace").splitlines()

    @staticmethod
    def is_cmake(path: Path) -> bool:
        return path.name == "CMakeLists.txt" or path.suffix == ".cmake"

    # -- id lists

    def ids(self, text: str, loc: Loc, allow_prop: bool = False) -> list[str]:
        """Parse the id list of an annotation; report malformed ids."""
        text = text.split("*/")[0]
        found: list[str] = []
        bad: list[str] = []
        for tok in re.split(r"[\s,]+", text.strip()):
            tok = tok.rstrip(".;:)")
            if not tok:
                continue
            if not ID_SHAPED.match(tok):
                break  # free text follows the list
            rng = REQ_RANGE.fullmatch(tok)
            if rng and int(rng.group(2)) < int(rng.group(3)):
                found += [f"{rng.group(1)}{n:03d}"
                          for n in range(int(rng.group(2)), int(rng.group(3)) + 1)]
            elif REQ_ID.fullmatch(tok):
                found.append(tok)
            elif allow_prop and PROP_ID.fullmatch(tok):
                continue  # security properties are tracked by the proof READMEs
            else:
                bad.append(tok)
        for tok in bad:
            self.report.fail(loc, "id-format", f"malformed requirement id '{tok}' in annotation",
                             "annotations name ids like REQ-WIRE-001 or ranges like "
                             "REQ-WIRE-001..004, separated by commas")
        if not found and not bad:
            self.report.fail(loc, "id-format", "annotation names no requirement",
                             "write the ids right after the colon")
        return found

    @staticmethod
    def continued(lines: list[str], i: int, text: str) -> str:
        """Join an id list that ends in a comma with the next comment line."""
        while text.rstrip().endswith(",") and i + 1 < len(lines):
            m = COMMENT_LEADER.match(lines[i + 1])
            if not m:
                break
            i += 1
            text += " " + lines[i][m.end():]
        return text

    # -- implementation

    def scan_implementations(self) -> None:
        """'implements:' comments in src/, CMake files, scripts/, tools/ and .ci/."""
        seen: set[Path] = set()
        candidates = [p for p in self.walk("src")
                      if p.suffix in (".h", ".cc", ".capnp") or self.is_cmake(p)]
        candidates += [p for p in self.walk("") if self.is_cmake(p)]
        for top in ("scripts", "tools", ".ci"):
            candidates += list(self.walk(top))
        for path in candidates:
            if path in seen:
                continue
            seen.add(path)
            lines = self.lines(path)
            for i, line in enumerate(lines or []):
                m = IMPLEMENTS.search(line)
                if m:
                    loc = Loc(rel(self.root, path), i + 1)
                    for req in self.ids(self.continued(lines, i, m.group(1)), loc):
                        self.evidence.append(Evidence(req, "code", loc))

    # -- tests

    def attach(self, path: Path, annotation: re.Pattern, comment: re.Pattern,
               find_test) -> None:
        """Bind each 'verifies:' comment to the test definition right below it.

        Only blank and comment lines may separate them, so an annotation
        cannot drift away from the test it describes when code moves.
        `find_test(lines, i)` returns the TestRef defined at line i, or None.
        """
        lines = self.lines(path)
        if lines is None:
            return
        where = rel(self.root, path)
        pending: list[tuple[Loc, list[str]]] = []
        for i, line in enumerate(lines):
            m = annotation.match(line)
            if m:
                loc = Loc(where, i + 1)
                pending.append((loc, self.ids(self.continued(lines, i, m.group(1)), loc)))
                continue
            if not line.strip() or comment.match(line):
                continue
            test = find_test(lines, i)
            if test is not None and ("${" in test.name or "$<" in test.name):
                for loc, _ in pending:
                    self.report.fail(loc, "annotation",
                                     f"test name '{test.name}' is computed by CMake",
                                     "the checker reads test names literally; write the "
                                     "ctest name out in the annotated call")
                pending, test = [], None
            if test is not None:
                for req in self.name_ids(test.name):
                    self.evidence.append(Evidence(req, "test", Loc(where, i + 1), test))
            for loc, reqs in pending:
                if self.report.check(test is not None, loc, "annotation",
                                     "'verifies:' annotation is not directly above a test",
                                     "only blank or comment lines may separate it from "
                                     "TEST(...)/TEST_F(...) or an add_test-like CMake call"):
                    self.evidence += [Evidence(req, "test", loc, test) for req in reqs]
            pending = []
        for loc, _ in pending:
            self.report.fail(loc, "annotation", "'verifies:' annotation at end of file",
                             "it must stand directly above the test it describes")

    def name_ids(self, test_name: str) -> list[str]:
        """Requirement ids carried in a test name (REQ_WIRE_001_...)."""
        return [f"REQ-{m.group(1)}-{m.group(2)}" for m in REQ_IN_NAME.finditer(test_name)]

    @staticmethod
    def gtest_at(lines: list[str], i: int) -> TestRef | None:
        m = GTEST.match(" ".join(lines[i:i + 3]))
        return gtest_ref(*m.groups()) if m else None

    @staticmethod
    def cmake_test_at(lines: list[str], i: int) -> TestRef | None:
        m = CMAKE_TEST.match(" ".join(lines[i:i + 6]))
        return TestRef(m.group(2).strip('"')) if m else None

    def scan_tests(self) -> None:
        for top in ("tests", "fuzz"):
            for path in self.walk(top):
                if path.suffix == ".cc":
                    self.attach(path, VERIFIES_CC, CC_COMMENT, self.gtest_at)
        for path in self.walk(""):
            if self.is_cmake(path):
                self.attach(path, VERIFIES_CMAKE, CMAKE_COMMENT, self.cmake_test_at)
        # A fuzz target's 'Requirements:' header is verification by the ctest
        # test that runs it: fuzz/core/reader_fuzz.cc -> fuzz.reader.
        for path in self.walk("fuzz"):
            if not path.name.endswith("_fuzz.cc"):
                continue
            test = TestRef("fuzz." + path.name[: -len("_fuzz.cc")])
            lines = self.lines(path) or []
            for i, line in enumerate(lines):
                m = FUZZ_REQUIREMENTS.match(line)
                if m:
                    loc = Loc(rel(self.root, path), i + 1)
                    for req in self.ids(self.continued(lines, i, m.group(1)), loc):
                        self.evidence.append(Evidence(req, "test", loc, test))

    # -- proofs

    def scan_proofs(self) -> None:
        """'verifies:' in proofs/**/*.{pml,smt2,py}. Mutants are not evidence:
        they are broken on purpose and must fail."""
        for path in self.walk("proofs"):
            if path.suffix not in (".pml", ".smt2", ".py"):
                continue
            parts = Path(rel(self.root, path)).parts
            if "mutants" in parts:
                continue
            model = parts[1] if len(parts) > 2 else path.stem
            lines = self.lines(path) or []
            for i, line in enumerate(lines):
                m = PROOF_VERIFIES.search(line)
                if m:
                    loc = Loc(rel(self.root, path), i + 1)
                    for req in self.ids(m.group(1), loc, allow_prop=True):
                        self.evidence.append(Evidence(req, "proof", loc, model=model))


# --------------------------------------------------------------------------
# Results of this run


def junit_outcome(case: ET.Element) -> str:
    """pass, fail, skipped or disabled for one <testcase>.

    ctest 3.25 writes status="run"|"fail"|"notrun"|"disabled" with a
    <failure> or <skipped> child; other JUnit writers only use the children.
    """
    if case.find("failure") is not None or case.find("error") is not None:
        return "fail"
    status = case.get("status", "run")
    if status == "disabled":
        return "disabled"
    if status == "notrun" or case.find("skipped") is not None:
        return "skipped"
    return "pass" if status in ("run", "pass", "passed") else "fail"


# How outcomes of one test merge across JUnit files (configurations): a
# failure anywhere wins; otherwise a test that passed where it ran has passed.
OUTCOME_RANK = {"fail": 3, "pass": 2, "skipped": 1, "disabled": 0}


def read_junit(paths: list[str], report: Report) -> dict[str, str]:
    """ctest name -> outcome, merged over files by OUTCOME_RANK."""
    outcomes: dict[str, str] = {}
    for p in paths:
        try:
            tree = ET.parse(p)
        except (OSError, ET.ParseError) as err:
            report.fail(Loc(p), "parse", f"cannot read JUnit file {p}", str(err))
            continue
        report.passed += 1
        for case in tree.getroot().iter("testcase"):
            name = case.get("name")
            if not name:
                continue
            outcome = junit_outcome(case)
            if name not in outcomes or OUTCOME_RANK[outcome] > OUTCOME_RANK[outcomes[name]]:
                outcomes[name] = outcome
    return outcomes


# The ctest test of a proof model (proofs/CMakeLists.txt); its mutants are
# proof.<model>.mutant.<name> and say nothing about the model's verdict.
PROOF_CTEST = re.compile(r"proof\.([A-Za-z0-9_-]+)")


def proof_verdicts_from_junit(outcomes: dict[str, str]) -> dict[str, str]:
    """model name -> "pass" | "fail" from the ctest tests proof.<model>."""
    verdicts = {}
    for name, outcome in outcomes.items():
        m = PROOF_CTEST.fullmatch(name)
        if m:
            verdicts[m.group(1)] = "pass" if outcome == "pass" else "fail"
    return verdicts


def read_proof_results(paths: list[str], report: Report) -> dict[str, str]:
    """model name -> "pass" | "fail", merged over files; a fail anywhere wins."""
    results: dict[str, str] = {}
    for p in paths:
        try:
            data = json.loads(Path(p).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            report.fail(Loc(p), "parse", f"cannot read proof results {p}", str(err))
            continue
        if not isinstance(data, dict):
            report.fail(Loc(p), "parse", f"proof results {p} is not a JSON object",
                        'the format is {"model-name": "pass" | "fail"}')
            continue
        report.passed += 1
        for model, verdict in data.items():
            if verdict not in ("pass", "fail"):
                report.fail(Loc(p), "parse", f"proof result for '{model}' is {verdict!r}",
                            'each verdict is "pass" or "fail"')
            elif results.get(model) != "fail":
                results[model] = verdict
    return results


# --------------------------------------------------------------------------
# Cross-checks


def markdown_anchors(text: str) -> set[str]:
    """Anchors a Markdown file offers: GitHub heading slugs, {#id}, <a id=...>."""
    anchors: set[str] = set()
    counts: dict[str, int] = {}
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        anchors.update(re.findall(r'<a\s+(?:id|name)="([^"]+)"', line))
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        title = m.group(1)
        explicit = re.search(r"\{#([\w-]+)\}\s*$", title)
        if explicit:
            anchors.add(explicit.group(1))
            title = title[: explicit.start()]
        slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        n = counts.get(slug, 0)
        counts[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def doc_ref_problem(root: Path, ref: str) -> str:
    """Why `path#anchor` does not resolve, or "" when it does."""
    path, _, anchor = ref.partition("#")
    target = root / path
    if not target.is_file():
        return f"{path} does not exist"
    if anchor and target.suffix == ".md":
        if anchor not in markdown_anchors(target.read_text(encoding="utf-8", errors="replace")):
            return f"{path} has no heading or anchor '{anchor}'"
    return ""


PATH_REF = re.compile(r"[\w.-]+(?:/[\w.-]+)+(?:#[\w-]+)?")


@dataclass
class Row:
    """One requirement's line in the matrix."""

    req: Requirement
    code: list[Evidence]
    tests: list[tuple[Evidence, str]]
    proofs: list[tuple[Evidence, str]]
    status: str


class Evaluator:
    """Cross-checks the catalogues, the evidence found in the sources and the
    results of this run, reporting each assertion to the Report."""

    def __init__(self, root: Path, cat: Catalogue, evidence: list[Evidence],
                 junit: dict[str, str] | None, proofs: dict[str, str] | None,
                 report: Report) -> None:
        self.root, self.cat, self.report = root, cat, report
        self.junit, self.proofs = junit, proofs
        # One claim per (requirement, kind, test or model): a test that both
        # carries the id in its name and has a comment is counted once.
        unique: dict[tuple, Evidence] = {}
        for ev in evidence:
            key = (ev.req, ev.kind, ev.test or ev.loc, ev.model)
            unique.setdefault(key, ev)
        self.evidence = list(unique.values())

    def test_outcome(self, ref: TestRef) -> str:
        if self.junit is None:
            return "not checked"
        if not ref.pattern:
            return self.junit.get(ref.name, "missing")
        hits = [o for name, o in self.junit.items() if ref.matches(name)]
        if not hits:
            return "missing"
        return "pass" if all(o == "pass" for o in hits) else next(o for o in hits if o != "pass")

    def proof_outcome(self, model: str) -> str:
        if self.proofs is None:
            return "not run"
        return self.proofs.get(model, "not run")

    def references(self) -> None:
        cat, report = self.cat, self.report
        for req in cat.requirements.values():
            for sf in req.sf:
                report.check(sf in cat.functions, req.loc, "reference",
                             f"{req.id} names unknown security function {sf}",
                             "no such id in certification/security-functions.toml")
            for t in req.threats:
                report.check(t in cat.threats, req.loc, "reference",
                             f"{req.id} names unknown threat {t}",
                             "no such id in threat-model/threats.toml")
                threat = cat.threats.get(t)
                if threat and req.sf and not set(req.sf) & set(threat.countered_by):
                    report.warn(req.loc, f"{req.id} counters {t}, but {t} is not countered by "
                                f"any of {', '.join(req.sf)}",
                                "the chain T -> SF -> REQ should close: add the SF to the "
                                "threat's countered_by, or drop the threat here")
            refs = [p.strip() for p in req.source.split(";") if PATH_REF.fullmatch(p.strip())]
            if req.reviewed_in:
                refs.append(req.reviewed_in)
            for ref in refs:
                why = doc_ref_problem(self.root, ref)
                report.check(not why, req.loc, "reference",
                             f"{req.id} points to {ref}", why)
        for threat in cat.threats.values():
            for sf in threat.countered_by:
                report.check(sf in cat.functions, threat.loc, "reference",
                             f"{threat.id} names unknown security function {sf}",
                             "no such id in certification/security-functions.toml")
            for a in threat.assumptions:
                report.check(a in cat.assumptions, threat.loc, "reference",
                             f"{threat.id} names unknown assumption {a}",
                             "no such id in threat-model/assumptions.toml")
        for waiver in cat.waivers:
            report.check(waiver.req in cat.requirements, waiver.loc, "reference",
                         f"exception names unknown requirement '{waiver.req}'",
                         "no such id in spec/requirements/*.toml")
        for ev in self.evidence:
            report.check(ev.req in cat.requirements, ev.loc, "reference",
                         f"annotation names unknown requirement {ev.req}",
                         "no such id in spec/requirements/*.toml (a typo, or a requirement "
                         "that was never written or was withdrawn)")
        self.spec_citations()

    def spec_citations(self) -> None:
        """Requirement ids cited in the normative prose of spec/ must exist."""
        spec = self.root / "spec"
        for path in sorted(spec.rglob("*.md")) if spec.is_dir() else []:
            text = path.read_text(encoding="utf-8", errors="replace")
            for n, line in enumerate(text.splitlines(), 1):
                for m in REQ_ID.finditer(line):
                    ident = m.group(0)
                    self.report.check(ident in self.cat.requirements,
                                      Loc(rel(self.root, path), n), "reference",
                                      f"spec text cites unknown requirement {ident}",
                                      "no such id in spec/requirements/*.toml")

    def results(self) -> None:
        """Every test and proof an annotation names must have run and passed."""
        first: dict[TestRef, Evidence] = {}
        for ev in self.evidence:
            if ev.kind == "test" and ev.test is not None:
                first.setdefault(ev.test, ev)
        if self.junit is not None:
            for ref, ev in first.items():
                outcome = self.test_outcome(ref)
                why = ("the JUnit file has no test of that name: is it registered with "
                       "ctest (gtest_discover_tests) and was it built in this configuration?"
                       if outcome == "missing" else "see the ctest log of this run")
                self.report.check(outcome == "pass", ev.loc, "test-result",
                                  f"test {ref.name} did not pass ({outcome})", why)
        if self.proofs is not None:
            models = {ev.model: ev for ev in self.evidence if ev.kind == "proof"}
            for model, ev in sorted(models.items()):
                verdict = self.proof_outcome(model)
                if verdict == "not run":
                    self.report.warn(ev.loc, f"proof model {model} has no result",
                                     "the proof results file does not mention it")
                else:
                    self.report.check(verdict == "pass", ev.loc, "proof-result",
                                      f"proof model {model} failed",
                                      "see the proof run log (proofs/<model>/run script)")

    def rows(self) -> list[Row]:
        by_req: dict[str, list[Evidence]] = {}
        for ev in self.evidence:
            by_req.setdefault(ev.req, []).append(ev)
        waivers: dict[str, Waiver] = {}
        for w in self.cat.waivers:
            if not w.valid or w.req not in self.cat.requirements:
                continue
            if w.req in waivers:
                self.report.warn(w.loc, f"second exception for {w.req}",
                                 f"the first is at {waivers[w.req].loc}; keep one")
            waivers.setdefault(w.req, w)

        rows = []
        for req in sorted(self.cat.requirements.values(), key=lambda r: r.id):
            evs = by_req.get(req.id, [])
            code = [e for e in evs if e.kind == "code"]
            tests = [(e, self.test_outcome(e.test)) for e in evs if e.kind == "test" and e.test]
            proofs = [(e, self.proof_outcome(e.model)) for e in evs if e.kind == "proof"]
            gaps = self.gaps(req, code, tests, proofs)
            waiver = waivers.get(req.id)
            open_gaps = [g for g in gaps if not (waiver and g[0] in waiver.waives)]
            if req.level == "MUST":
                for item, what, why in gaps:
                    if (item, what, why) in open_gaps:
                        self.report.fail(req.loc, "coverage", f"{req.id} (MUST) {what}", why)
                    else:
                        self.report.passed += 1  # excepted, with a recorded reason
                self.report.passed += len(self.duties(req)) - len(gaps)
            else:
                for _, what, why in open_gaps:
                    self.report.warn(req.loc, f"{req.id} ({req.level}) {what}", why)
            if waiver and not gaps:
                self.report.warn(waiver.loc, f"exception for {req.id} is no longer needed",
                                 "the requirement has all its evidence; delete the exception")
            if not open_gaps:
                status = "excepted: " + waiver.reason if gaps else "ok"
            else:
                label = "FAIL" if req.level == "MUST" else "open"
                status = label + ": " + "; ".join(what for _, what, _ in open_gaps)
            rows.append(Row(req, code, tests, proofs, status))
        return rows

    @staticmethod
    def duties(req: Requirement) -> list[str]:
        return ["implementation"] + [k for k in VERIFY_KINDS if k in req.verify]

    def gaps(self, req: Requirement, code, tests, proofs) -> list[tuple[str, str, str]]:
        """(item, what is missing, why) for each duty the requirement lacks."""
        gaps = []
        if not code:
            gaps.append(("implementation", "has no implementation",
                         f"no 'implements: {req.id}' annotation in src/, a CMake file, "
                         "scripts/, tools/ or .ci/, and no exception waives it"))
        if "test" in req.verify and not any(o in ("pass", "not checked") for _, o in tests):
            if tests:
                detail = [f"{e.test.name} {o} ({e.loc})" for e, o in tests]
                more = f", and {len(detail) - 3} more" if len(detail) > 3 else ""
                why = f"its tests did not pass in this run: {', '.join(detail[:3])}{more}"
            else:
                why = f"no test carries 'verifies: {req.id}' (or {req.id.replace('-', '_')} " \
                      "in its name), and no exception waives it"
            gaps.append(("test", "has no passing test" if tests else "has no test", why))
        if "proof" in req.verify and not any(o == "pass" for _, o in proofs):
            if not proofs:
                why = f"no model under proofs/ carries 'verifies: {req.id}'"
            elif self.proofs is None:
                why = "proof models were not run (no --proof-results given)"
            else:
                why = "its models did not pass: " + ", ".join(
                    f"{e.model} {o}" for e, o in proofs)
            gaps.append(("proof", "has no passing proof" if proofs else "has no proof", why))
        if "review" in req.verify:
            if not req.reviewed_in:
                gaps.append(("review", "has no review record",
                             "verify lists 'review' but the requirement has no reviewed_in"))
            elif doc_ref_problem(self.root, req.reviewed_in):
                gaps.append(("review", "has no review record",
                             f"reviewed_in: {doc_ref_problem(self.root, req.reviewed_in)}"))
        return gaps

    def threats_and_functions(self) -> None:
        cat, report = self.cat, self.report
        planned_only = []
        for t in cat.threats.values():
            report.check(bool(t.countered_by or t.assumptions), t.loc, "threat-countered",
                         f"{t.id} is countered by nothing",
                         "every threat names at least one security function or assumption")
            sfs = [cat.functions[f] for f in t.countered_by if f in cat.functions]
            if sfs and all(f.status == "planned" for f in sfs):
                planned_only.append(t.id)
        covered = {sf for r in cat.requirements.values() for sf in r.sf}
        waiting = []
        for f in cat.functions.values():
            if f.status == "implemented":
                report.check(f.id in covered, f.loc, "sf-covered",
                             f"{f.id} ({f.name}) is implemented but no requirement names it",
                             "an implemented security function is specified by requirements")
            elif f.id not in covered:
                waiting.append(f.id)
        if waiting:
            report.note(f"{len(waiting)} planned security function(s) without a requirement yet: "
                        + ", ".join(waiting))
        if planned_only:
            report.note(f"{len(planned_only)} threat(s) countered only by planned security "
                        "functions: " + ", ".join(planned_only))


# --------------------------------------------------------------------------
# Security target: the generated parts of certification/security-target.md

SECURITY_TARGET = "certification/security-target.md"
# Rows of an SF section that are derived from the catalogues and annotations;
# every other row (interfaces, secure defaults, notes) is written by hand.
ST_DERIVED_ROWS = ("Status", "Behaviour", "Threats countered", "Requirements",
                   "Implemented in", "Tests", "Proofs")
ST_ROW = re.compile(r"^\| ([^|]+?) \| (.*) \|$")


def st_anchor(sf_id: str, name: str) -> str:
    """The GitHub-style anchor of the heading '### SF-NN Name'."""
    text = f"{sf_id} {name}".lower()
    return re.sub(r"[^a-z0-9 -]", "", text).replace(" ", "-")


def st_test_place(path: str) -> str:
    """Where a test lives, at the grain a reader opens: unit tests and fuzz
    targets by their area's folder, every other test by its file."""
    parts = path.split("/")
    if parts[:2] == ["tests", "unit"] and len(parts) > 3:
        return "/".join(parts[:3])
    if parts[0] == "fuzz" and len(parts) > 2:
        return "/".join(parts[:2])
    return path


class SecurityTarget:
    """Derives the generated parts of the security target and compares them
    with (or writes them into) the committed document, so that the document
    an evaluator reads cannot drift from the catalogues and the code."""

    def __init__(self, root: Path, cat: Catalogue, evidence: list[Evidence],
                 scanner: Scanner, report: Report) -> None:
        self.root, self.cat, self.report = root, cat, report
        self.by_req: dict[str, list[Evidence]] = {}
        for ev in evidence:
            self.by_req.setdefault(ev.req, []).append(ev)
        self.scanner = scanner

    def threat_rows(self) -> list[str]:
        return [f"| {t.id} | {cell([t.title])} | {', '.join(t.countered_by) or '—'} | "
                f"{', '.join(t.assumptions) or '—'} |" for t in self.cat.threats.values()]

    def summary_rows(self) -> list[str]:
        return [f"| [{f.id}](#{st_anchor(f.id, f.name)}) | {f.name} | {f.status} |"
                for f in self.cat.functions.values()]

    def proofs_of(self, reqs: list[Requirement]) -> str:
        """'PROP-NN (model, …)' for each property whose annotation names one
        of `reqs`."""
        models: dict[str, set[str]] = {}
        for r in reqs:
            for ev in self.by_req.get(r.id, []):
                if ev.kind != "proof":
                    continue
                lines = self.scanner.lines(self.root / ev.loc.path) or []
                # The annotation and its continuation lines, up to the comment's end.
                text = ""
                for line in lines[ev.loc.line - 1:ev.loc.line + 3]:
                    text += line
                    if "*/" in line or not line.rstrip().endswith("--"):
                        break
                for p in PROP_ID.findall(text) or ["no PROP id"]:
                    models.setdefault(p, set()).add(ev.model)
        return ", ".join(f"{p} ({', '.join(sorted(m))})" for p, m in sorted(models.items())) or "—"

    def derived(self, f: SecurityFunction) -> dict[str, tuple[str, str]]:
        """Row key -> (label, value) for one SF section."""
        reqs = sorted((r for r in self.cat.requirements.values() if f.id in r.sf),
                      key=lambda r: r.id)
        must = sum(r.level == "MUST" for r in reqs)
        code = sorted({ev.loc.path for r in reqs for ev in self.by_req.get(r.id, [])
                       if ev.kind == "code"})
        tests = sorted({st_test_place(ev.loc.path) for r in reqs
                        for ev in self.by_req.get(r.id, []) if ev.kind == "test"})
        threats = [t.id for t in self.cat.threats.values() if f.id in t.countered_by]

        def files(items: list[str]) -> str:
            return ", ".join(f"`{i}`" for i in items) or "—"

        return {
            "Status": ("Status", f.status),
            "Behaviour": ("Behaviour", " ".join(f.description.split())),
            "Threats countered": ("Threats countered", ", ".join(threats) or "—"),
            "Requirements": (f"Requirements ({len(reqs)}, {must} MUST)",
                             ", ".join(r.id for r in reqs) or "none yet"),
            "Implemented in": ("Implemented in", files(code)),
            "Tests": ("Tests (files with `verifies:`)", files(tests)),
            "Proofs": ("Proofs", self.proofs_of(reqs)),
        }

    def render(self, text: str) -> tuple[str, list[str]]:
        """The document with every generated part recomputed, and a list of
        structural problems (missing sections or tables)."""
        problems: list[str] = []
        lines = text.split("\n")
        out: list[str] = []
        section = ""
        sf: SecurityFunction | None = None
        seen: set[str] = set()
        threats_done = summary_done = False
        for line in lines:
            if line.startswith("## "):
                section, sf = line, None
            elif line.startswith("### SF-"):
                ident = line[4:].split(" ", 1)[0]
                sf = self.cat.functions.get(ident)
                if sf is None:
                    problems.append(f"section '{line}' names no security function of the catalogue")
                else:
                    seen.add(sf.id)
                    line = f"### {sf.id} {sf.name}"
            elif line.startswith("### "):
                sf = None
            if section.startswith("## 8.") and re.match(r"^\| T-\d", line):
                if not threats_done:
                    out += self.threat_rows()
                    threats_done = True
                continue
            if section.startswith("## 9.") and sf is None and line.startswith("| [SF-"):
                if not summary_done:
                    out += self.summary_rows()
                    summary_done = True
                continue
            m = ST_ROW.match(line)
            if sf is not None and m:
                key = next((k for k in ST_DERIVED_ROWS if m.group(1).startswith(k)), None)
                if key:
                    label, value = self.derived(sf)[key]
                    line = f"| {label} | {value} |"
            out.append(line)
        if not threats_done:
            problems.append("§8 has no threats table (rows '| T-NN | …')")
        if not summary_done:
            problems.append("§9 has no summary table (rows '| [SF-NN](#…) | …')")
        for ident in self.cat.functions:
            if ident not in seen:
                problems.append(f"no section '### {ident} …' in §9")
        return "\n".join(out), problems

    def check(self, write: bool) -> None:
        path = self.root / SECURITY_TARGET
        if not path.is_file():
            self.report.note(f"no {SECURITY_TARGET}: its generated parts were not checked")
            return
        text = path.read_text(encoding="utf-8")
        rendered, problems = self.render(text)
        for p in problems:
            self.report.fail(Loc(SECURITY_TARGET), "security-target", p,
                             "the security target has one section per security function "
                             "and the threat and summary tables the checker fills in")
        if write and rendered != text:
            path.write_text(rendered, encoding="utf-8")
            self.report.note(f"{SECURITY_TARGET}: generated parts rewritten")
            return
        old, new = text.split("\n"), rendered.split("\n")
        stale = [i for tag, i1, i2, j1, j2 in
                 difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
                 if tag != "equal" for i in range(i1, max(i2, i1 + j2 - j1))]
        self.report.check(
            not stale, Loc(SECURITY_TARGET, stale[0] + 1 if stale else 1), "security-target",
            f"{len(stale)} generated line(s) of the security target differ from the catalogues "
            "and annotations",
            "the SF tables, the summary and the threats table are derived from the catalogues "
            "and the code; run tools/traceability/check.py --write-security-target and review "
            "the diff")


# --------------------------------------------------------------------------
# Matrix


def cell(items: list[str]) -> str:
    """One table cell: items on separate lines, whitespace folded so that
    multi-line TOML strings cannot break the table."""
    text = "<br>".join(" ".join(i.split()) for i in items) if items else "—"
    return text.replace("|", "\\|")


def git_commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def write_matrix(out: Path, root: Path, cat: Catalogue, rows: list[Row],
                 junit: list[str], proofs: list[str], report: Report) -> None:
    must = [r for r in rows if r.req.level == "MUST"]
    lines = [
        "# Traceability matrix",
        "",
        "Generated by `tools/traceability/check.py`; do not edit. "
        f"Commit `{git_commit(root)}`.",
        "",
        f"- Test results: {', '.join(junit) if junit else 'not given (structure only)'}",
        f"- Proof results: {', '.join(proofs) if proofs else 'not given (proofs not run)'}",
        f"- Requirements: {len(rows)} ({len(must)} MUST); "
        f"{sum(r.status == 'ok' for r in rows)} ok, "
        f"{sum(r.status.startswith('excepted') for r in rows)} excepted, "
        f"{sum(r.status.startswith('FAIL') for r in rows)} failing, "
        f"{sum(r.status.startswith('open') for r in rows)} open (SHOULD/MAY)",
        f"- Checks: {report.passed} passed, {report.failed} failed",
        "",
        "## Requirements",
        "",
        "| REQ | level | SF | threats | code | tests | proofs | status |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append("| " + " | ".join([
            r.req.id, r.req.level, cell(r.req.sf), cell(r.req.threats),
            cell([str(e.loc) for e in r.code]),
            cell([f"`{e.test.name}` ({o})" for e, o in r.tests]),
            cell([f"{e.model} ({o})" for e, o in r.proofs]),
            cell([r.status]),
        ]) + " |")
    by_sf: dict[str, list[str]] = {}
    by_threat: dict[str, list[str]] = {}
    for r in rows:
        for sf in r.req.sf:
            by_sf.setdefault(sf, []).append(r.req.id)
        for t in r.req.threats:
            by_threat.setdefault(t, []).append(r.req.id)
    lines += ["", "## Security functions", "",
              "| SF | name | status | requirements |", "|---|---|---|---|"]
    for f in cat.functions.values():
        lines.append(f"| {f.id} | {cell([f.name])} | {f.status} | {cell(by_sf.get(f.id, []))} |")
    # A threat's tests and proofs are those of the requirements that name it,
    # so a reader sees from the threat what evidence stands behind it.
    row_of = {r.req.id: r for r in rows}
    lines += ["", "## Threats", "",
              "| T | title | countered by | assumptions | requirements | tests | proofs | "
              "residual risk |",
              "|---|---|---|---|---|---|---|---|"]
    for t in cat.threats.values():
        reqs = [row_of[i] for i in by_threat.get(t.id, [])]
        tests = sorted({f"`{e.test.name}` ({o})" for r in reqs for e, o in r.tests})
        proofs = sorted({f"{e.model} ({o})" for r in reqs for e, o in r.proofs})
        lines.append("| " + " | ".join([
            t.id, cell([t.title]), cell(t.countered_by), cell(t.assumptions),
            cell(by_threat.get(t.id, [])), cell(tests), cell(proofs),
            cell([t.residual])]) + " |")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------
# Entry point


def run(root: Path, junit: list[str], proof_results: list[str], out: Path,
        write_security_target: bool = False) -> Report:
    """Run every check over the tree at `root`; write the matrix to `out`."""
    report = Report()
    cat = load_catalogue(root, report)
    scanner = Scanner(root, report)
    scanner.scan_implementations()
    scanner.scan_tests()
    scanner.scan_proofs()
    outcomes = read_junit(junit, report) if junit else None
    verdicts = read_proof_results(proof_results, report) if proof_results else None
    if outcomes is not None:
        # A model's ctest test proof.<model> is a verdict too; a fail anywhere wins.
        for model, verdict in proof_verdicts_from_junit(outcomes).items():
            verdicts = {} if verdicts is None else verdicts
            if verdicts.get(model) != "fail":
                verdicts[model] = verdict
    if outcomes is None:
        report.note("no --junit given: test annotations are checked for structure only, "
                    "not for results")
    if verdicts is None:
        report.note("no --proof-results given and no proof.<model> test in the JUnit "
                    "files: proof evidence counts as not run")
    ev = Evaluator(root, cat, scanner.evidence, outcomes, verdicts, report)
    ev.references()
    ev.results()
    rows = ev.rows()
    ev.threats_and_functions()
    SecurityTarget(root, cat, scanner.evidence, scanner, report).check(write_security_target)
    write_matrix(out, root, cat, rows, junit, proof_results, report)
    return report


def main(argv: list[str] | None = None) -> int:
    default_root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(
        description="Check spec -> code -> test -> proof traceability (docs/traceability.md).")
    parser.add_argument("--root", type=Path, default=default_root,
                        help="repository root (default: %(default)s)")
    parser.add_argument("--junit", action="append", default=[], metavar="FILE",
                        help="ctest --output-junit file; repeat to merge configurations")
    parser.add_argument("--proof-results", action="append", default=[], metavar="FILE",
                        help='JSON {"model": "pass"|"fail"}; repeatable')
    parser.add_argument("--out", type=Path, default=None,
                        help="matrix path (default: <root>/build/traceability/matrix.md)")
    parser.add_argument("--write-security-target", action="store_true",
                        help="rewrite the generated parts of " + SECURITY_TARGET)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = args.out or root / "build" / "traceability" / "matrix.md"

    report = run(root, args.junit, args.proof_results, out, args.write_security_target)
    print(f"traceability: checking {root}")
    for line in report.lines():
        print(line)
    print(f"traceability: {len(report.warnings)} warnings; matrix written to {out}")
    print(f"traceability: {report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
