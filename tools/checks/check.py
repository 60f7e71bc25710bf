#!/usr/bin/env python3
"""Repository checks that the build cannot express, run as ctest tests.

Each subcommand prints one line per problem (what, where, why) and exits
non-zero if there is any. Standard library only.

  format                    every C++ file matches .clang-format (REQ-BUILD-006)
  crypto-boundary           only src/crypto includes BoringSSL (REQ-CRYPTO-001)
  layering                  includes follow core <- crypto <- protocol <- ... (REQ-BUILD-003),
                            and media and sfu include no MLS or SFrame header
                            (REQ-MEDIA-011, REQ-MEDIA-017)
  fuzz-twins                every parse_* in a src/ header has a fuzz target,
                            every target a non-empty seed corpus (REQ-BUILD-004)
  hardening BIN...          PIE, full RELRO, stack protector, fortify (REQ-BUILD-002)
  release-marker BIN...     no binary carries the fuzzing-mode marker (REQ-BUILD-001)
  fuzz-marker BIN...        every binary carries it (proves the check above can fail)
  werror COMPILE_COMMANDS   every compile command of this build has -Werror (REQ-BUILD-005)
  release-opt COMPILE_COMMANDS FILE...
                            recompile FILE... with the release preset's -O3 (and
                            no -g) from a gcc build's compile commands; GCC's
                            -O3-only warnings must not stop the release build
                            (REQ-BUILD-007)
  forbidden-symbols BIN...  no binary defines a conclave::mls or conclave::sframe
                            symbol (binaries built from the media transport only; REQ-MEDIA-011)
"""
# implements: REQ-BUILD-002, REQ-BUILD-003, REQ-BUILD-004, REQ-BUILD-005, REQ-BUILD-006, REQ-CRYPTO-001
# implements: REQ-MEDIA-011, REQ-BUILD-007

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CXX_SUFFIXES = {".h", ".cc"}
CODE_DIRS = ["src", "tests", "fuzz", "bench", "tools"]
MARKER = "conclave_fuzzing_unsafe_for_production_marker"

# Which src/ areas each area may include. Tests, fuzz targets, benchmarks
# and tools may include anything.
ALLOWED = {
    "core": {"core"},
    "crypto": {"core", "crypto"},
    "protocol": {"core", "crypto", "protocol"},
    "media": {"core", "crypto", "media"},
    # codec: Opus/VP8 wrappers and media files (spec/12-codecs-and-media-
    # files.md#build-separation); plaintext media, no keys, so core only.
    "codec": {"core", "codec"},
    # sfu: the forwarding core; the room (server) pushes the floor table to it.
    "sfu": {"core", "crypto", "media", "sfu"},
    # net: TLS 1.3 + WebSocket/HTTPS transport. It reads only the signaling
    # size limit from protocol/wire/signaling_limits.h (its default read limit).
    "net": {"core", "crypto", "protocol", "net"},
    "store": {"core", "crypto", "store"},
    # server: the SFU (issue #5) uses the media transport.
    "server": {"core", "crypto", "protocol", "media", "sfu", "net", "store", "server"},
    "client": {"core", "crypto", "protocol", "media", "codec", "net", "client"},
    "gateway": {"core", "crypto", "protocol", "media", "codec", "client", "gateway"},
    "store": {"core", "crypto", "store"},
}
# Sub-areas with a narrower rule than their parent area: the files under
# the folder may include only the listed areas, and of their parent area
# only the sub-area itself. client/media (the media pipeline) stays free of
# the session, the network and the signaling protocol, so that it remains
# pure and fuzzable (spec/08-client.md#media).
SUBAREAS = {
    "client/media": {"core", "crypto", "media"},
}
# Sub-folders an area may not include although it may include their parent:
# the media transport (and the SFU after it) must not see group-key or
# media-key code (spec/07-media-transport.md#build-separation, SF-12).
FORBIDDEN_PREFIXES = {
    "media": ("crypto/mls/", "crypto/sframe/"),
    "sfu": ("crypto/mls/", "crypto/sframe/"),
}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def cxx_files(dirs):
    for d in dirs:
        base = ROOT / d
        if not base.is_dir():
            continue
        for p in sorted(base.rglob("*")):
            if p.suffix in CXX_SUFFIXES and p.is_file():
                yield p


def rel(p):
    return p.relative_to(ROOT).as_posix()


def check_format(_args):
    tool = shutil.which("clang-format-14") or shutil.which("clang-format")
    if tool is None:
        print("format: clang-format not found; run scripts/install-deps.sh")
        return 1
    files = [str(p) for p in cxx_files(CODE_DIRS)]
    proc = subprocess.run([tool, "--dry-run", "--Werror", "--style=file", *files],
                          cwd=ROOT, capture_output=True, text=True)
    bad = sorted({line.split(":")[0] for line in proc.stderr.splitlines()
                  if "error:" in line and line.startswith("/")})
    for f in bad:
        print(f"format: {os.path.relpath(f, ROOT)} differs from .clang-format "
              f"(fix with: {tool} -i {os.path.relpath(f, ROOT)})")
    if proc.returncode != 0 and not bad:
        print(proc.stderr.strip())
    print(f"format: {len(files)} files checked, {len(bad)} need formatting")
    return 1 if proc.returncode != 0 else 0


def check_crypto_boundary(_args):
    problems = 0
    count = 0
    for p in cxx_files(CODE_DIRS):
        inside = rel(p).startswith("src/crypto/")
        for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE_RE.match(line)
            if m and m.group(1) == "crypto/hpke/known_answer.h" and not (
                    rel(p).startswith("src/crypto/hpke/") or rel(p).startswith("tests/")):
                print(f"crypto-boundary: {rel(p)}:{n} includes the fixed-ephemeral HPKE entry "
                      f"points, which exist for known-answer tests only")
                problems += 1
            if m and (m.group(1).startswith("openssl/") or "boringssl" in m.group(1)):
                count += 1
                if not inside:
                    print(f"crypto-boundary: {rel(p)}:{n} includes <{m.group(1)}>; only "
                          f"src/crypto may include BoringSSL (STYLE.md STY-22)")
                    problems += 1
    print(f"crypto-boundary: {count} BoringSSL includes, {problems} outside src/crypto")
    return 1 if problems else 0


SRC_ROOT = ROOT / "src"


def check_layering(_args):
    problems = 0
    for p in cxx_files(["src"]):
        area = rel(p).split("/")[1]
        sub = next((a for a in SUBAREAS if rel(p).startswith(f"src/{a}/")), None)
        allowed = ALLOWED.get(area)
        if allowed is None:
            print(f"layering: {rel(p)} is in an area tools/checks/check.py does not know; "
                  f"add '{area}' to ALLOWED with its dependencies")
            problems += 1
            continue
        for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE_RE.match(line)
            if not m:
                continue
            # A quoted include is looked up next to the including file before
            # -I src: "media/limits.h" from src/client/ would silently pick
            # src/client/media/limits.h over src/media/limits.h.
            if line.lstrip().startswith("#include \"") and (p.parent / m.group(1)).is_file() and \
                    (SRC_ROOT / m.group(1)).is_file():
                print(f"layering: {rel(p)}:{n} includes \"{m.group(1)}\", which names both "
                      f"{rel(p.parent / m.group(1))} and src/{m.group(1)}; rename one of them")
                problems += 1
            target = m.group(1).split("/")[0]
            if sub is not None and target in ALLOWED and target not in SUBAREAS[sub] and \
                    not m.group(1).startswith(f"{sub}/"):
                print(f"layering: {rel(p)}:{n} includes {m.group(1)}, but src/{sub}/ may "
                      f"depend only on {', '.join(sorted(SUBAREAS[sub]))} and itself")
                problems += 1
                continue
            for prefix in FORBIDDEN_PREFIXES.get(area, ()):
                if m.group(1).startswith(prefix):
                    print(f"layering: {rel(p)}:{n} includes {m.group(1)}, but {area}/ may not "
                          f"include anything under {prefix} (spec/07-media-transport.md)")
                    problems += 1
            if target in ALLOWED and target not in allowed:
                print(f"layering: {rel(p)}:{n} includes {m.group(1)}, but {area}/ may depend "
                      f"only on {', '.join(sorted(allowed))}")
                problems += 1
    print(f"layering: {problems} include(s) against the dependency direction")
    return 1 if problems else 0


def check_fuzz_twins(_args):
    problems = 0
    targets_text = ""
    for p in sorted((ROOT / "fuzz").rglob("*_fuzz.cc")):
        text = p.read_text(errors="replace")
        header = [l for l in text.splitlines()[:5] if l.startswith("// Targets:")]
        if not header or not any(l.startswith("// Requirements:") for l in text.splitlines()[:5]):
            print(f"fuzz-twins: {rel(p)} lacks its '// Targets:' and '// Requirements:' header lines")
            problems += 1
        targets_text += "\n".join(header) + "\n"
        name = p.name[: -len("_fuzz.cc")]
        corpus = ROOT / "fuzz" / "corpus" / name
        if not corpus.is_dir() or not any(corpus.iterdir()):
            print(f"fuzz-twins: {rel(p)} has no seed corpus in fuzz/corpus/{name}/")
            problems += 1
    parse_re = re.compile(r"\b(parse_\w+)\s*\(")
    declared = 0
    for p in cxx_files(["src"]):
        if p.suffix != ".h":
            continue
        for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
            for fn in parse_re.findall(line):
                declared += 1
                if not re.search(rf"\b{fn}\b", targets_text):
                    print(f"fuzz-twins: {rel(p)}:{n} declares {fn} but no fuzz target names it "
                          f"in its '// Targets:' line (STYLE.md STY-01)")
                    problems += 1
    print(f"fuzz-twins: {declared} parse_* declarations, {problems} problem(s)")
    return 1 if problems else 0


def readelf(*args):
    return subprocess.run(["readelf", "-W", *args], capture_output=True, text=True, check=True).stdout


def check_hardening(binaries):
    problems = 0
    for b in binaries:
        header = readelf("-h", b)
        segments = readelf("-l", b)
        dynamic = readelf("-d", b)
        symbols = readelf("--dyn-syms", b)
        missing = []
        if not re.search(r"Type:\s+DYN", header):
            missing.append("PIE (ELF type is not DYN)")
        if "GNU_RELRO" not in segments:
            missing.append("RELRO (no GNU_RELRO segment)")
        if not re.search(r"\(FLAGS\)\s.*BIND_NOW|\(FLAGS_1\)\s.*NOW", dynamic):
            missing.append("full RELRO (no BIND_NOW)")
        if "__stack_chk_fail" not in symbols:
            missing.append("stack protector (__stack_chk_fail not referenced)")
        if not re.search(r"__\w+_chk\b", symbols.replace("__stack_chk_fail", "")):
            missing.append("_FORTIFY_SOURCE (no __*_chk function referenced)")
        if "GNU_STACK" in segments and re.search(r"GNU_STACK.*RWE", segments):
            missing.append("non-executable stack")
        for m in missing:
            print(f"hardening: {b}: missing {m}")
        problems += len(missing)
    print(f"hardening: {len(binaries)} binaries checked, {problems} problem(s)")
    return 1 if problems or not binaries else 0


def has_marker(b):
    out = subprocess.run(["nm", "-C", b], capture_output=True, text=True).stdout
    return MARKER in out


def check_release_marker(binaries):
    bad = [b for b in binaries if has_marker(b)]
    for b in bad:
        print(f"release-marker: {b} was built in fuzzing mode ({MARKER}); it must never ship")
    print(f"release-marker: {len(binaries)} binaries checked, {len(bad)} carry the marker")
    return 1 if bad or not binaries else 0


def check_fuzz_marker(binaries):
    bad = [b for b in binaries if not has_marker(b)]
    for b in bad:
        print(f"fuzz-marker: {b} lacks {MARKER} although built in fuzzing mode")
    print(f"fuzz-marker: {len(binaries)} binaries checked, {len(bad)} lack the marker")
    return 1 if bad or not binaries else 0


def check_werror(args):
    import json
    if len(args) != 1:
        print("werror: expects the path of compile_commands.json")
        return 2
    commands = json.loads(Path(args[0]).read_text())
    missing = [c["file"] for c in commands
               if "-Werror" not in c.get("command", " ".join(c.get("arguments", [])))]
    for f in missing:
        print(f"werror: {os.path.relpath(f, ROOT)} is compiled without -Werror")
    print(f"werror: {len(commands)} compile commands, {len(missing)} without -Werror")
    return 1 if missing or not commands else 0


def check_release_opt(args):
    import json
    import shlex
    if len(args) < 2:
        print("release-opt: expects compile_commands.json and the files to recompile")
        return 2
    commands = {os.path.realpath(c["file"]): c for c in json.loads(Path(args[0]).read_text())}
    failed = 0
    for f in args[1:]:
        c = commands.get(os.path.realpath(ROOT / f))
        if c is None:
            print(f"release-opt: {f} is not in {args[0]}")
            return 2
        argv = c["arguments"] if "arguments" in c else shlex.split(c["command"])
        # Drop the dependency-file and output options, the optimisation level
        # and debug information; keep every warning and hardening flag.
        out, skip = [], False
        for a in argv:
            if skip:
                skip = False
            elif a in ("-o", "-MF", "-MT", "-MQ"):
                skip = True
            elif a in ("-MD", "-MMD") or re.fullmatch(r"-O[0-3sgz]?|-g\d?", a):
                pass
            else:
                out.append(a)
        if "ccache" in os.path.basename(out[0]):
            out = out[1:]
        out[1:1] = ["-O3", "-DNDEBUG"]
        out += ["-o", os.devnull]
        r = subprocess.run(out, cwd=c["directory"], capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stderr[-4000:])
            print(f"release-opt: {f} does not compile at -O3")
            failed += 1
    print(f"release-opt: {len(args) - 1} files at -O3, {failed} failed")
    return 1 if failed else 0


FORBIDDEN_NAMESPACES = ("conclave::mls::", "conclave::sframe::")


def check_forbidden_symbols(binaries):
    problems = 0
    for b in binaries:
        # Defined symbols only: an undefined reference would fail the link
        # anyway, and the question is what the binary contains.
        out = subprocess.run(["nm", "-C", "--defined-only", b], capture_output=True,
                             text=True, check=True).stdout
        found = sorted({line.split(" ", 2)[-1] for line in out.splitlines()
                        if any(ns in line for ns in FORBIDDEN_NAMESPACES)})
        for sym in found[:10]:
            print(f"forbidden-symbols: {b} defines {sym}")
        problems += len(found)
    print(f"forbidden-symbols: {len(binaries)} binaries checked, {problems} MLS/SFrame symbol(s)")
    return 1 if problems or not binaries else 0


COMMANDS = {
    "format": check_format,
    "crypto-boundary": check_crypto_boundary,
    "layering": check_layering,
    "fuzz-twins": check_fuzz_twins,
    "hardening": check_hardening,
    "release-marker": check_release_marker,
    "fuzz-marker": check_fuzz_marker,
    "werror": check_werror,
    "forbidden-symbols": check_forbidden_symbols,
    "release-opt": check_release_opt,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[argv[1]](argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
