#!/usr/bin/env bash
# test.sh: the whole Conclave test suite, as CI runs it (.ci/run calls this).
#
#   1. installs the Debian packages it needs (scripts/install-deps.sh)
#   2. dev build (gcc, hardened, -Werror): unit, vector (KAT) and repository
#      checks, fuzz corpus replay
#   3. asan build (clang, ASan + UBSan): the same tests
#   4. fuzz build (clang, libFuzzer): every fuzz target for
#      CONCLAVE_FUZZ_SECONDS seconds (default 20)
#   5. afl build (AFL++): every fuzz target for CONCLAVE_AFL_SECONDS (default 5)
#   6. the traceability check over the ctest results of this run
# and ends with one summary line: "conclave: N passed, N failed".
#
# Options: --quick skips the asan, fuzz and afl builds (for a fast local loop).
set -uo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) echo "test.sh: unknown option '$arg' (known: --quick)" >&2; exit 2 ;;
  esac
done

export CONCLAVE_FUZZ_SECONDS="${CONCLAVE_FUZZ_SECONDS:-20}"
export CONCLAVE_AFL_SECONDS="${CONCLAVE_AFL_SECONDS:-5}"
jobs=$(nproc)
results=()   # "stage|status|detail"
junits=()

stage() { echo; echo "=== $* ==="; }

scripts/install-deps.sh || { echo "test.sh: dependency installation failed" >&2; exit 1; }

# run_preset NAME [ctest args...]: configure, build and test one preset.
run_preset() {
  local preset=$1; shift
  local dir="build/$preset"
  local junit="$root/$dir/ctest-junit.xml"
  stage "$preset: configure and build"
  local extra=()
  [[ $preset == fuzz ]] && extra=(-DCONCLAVE_FUZZ_SECONDS="$CONCLAVE_FUZZ_SECONDS")
  if ! cmake --preset "$preset" "${extra[@]}" >"$dir.configure.log" 2>&1; then
    mkdir -p "$dir"; tail -40 "$dir.configure.log"
    results+=("$preset|FAILED|configure failed (see $dir.configure.log)")
    return 1
  fi
  if ! cmake --build --preset "$preset" -j "$jobs" >"$dir.build.log" 2>&1; then
    grep -E "error|Error|FAILED" "$dir.build.log" | head -40
    results+=("$preset|FAILED|build failed (see $dir.build.log)")
    return 1
  fi
  stage "$preset: ctest $*"
  rm -f "$junit"
  ctest --preset "$preset" -j "$jobs" --no-tests=error --output-junit "$junit" "$@" 2>&1 | tee "$dir.ctest.log" \
    | grep -vE '^ +Start |Test +#[0-9]+: .* Passed'
  local rc=${PIPESTATUS[0]}
  junits+=("$junit")
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$dir.ctest.log" | tail -1)
  if [[ $rc -eq 0 ]]; then
    results+=("$preset|ok|${line:-no summary}")
  else
    results+=("$preset|FAILED|${line:-ctest did not finish}")
  fi
  return $rc
}

mkdir -p build
run_preset dev
if [[ $quick -eq 0 ]]; then
  run_preset asan
  run_preset fuzz -L fuzz

  stage "afl: configure, build and run each target for ${CONCLAVE_AFL_SECONDS}s"
  if cmake --preset afl >build/afl.configure.log 2>&1 \
    && cmake --build --preset afl -j "$jobs" >build/afl.build.log 2>&1; then
    tools/fuzz/afl_smoke.sh build/afl "$CONCLAVE_AFL_SECONDS" | tee build/afl.log
    afl_rc=${PIPESTATUS[0]}
    afl_line=$(tail -1 build/afl.log)
    if [[ $afl_rc -eq 0 ]]; then
      results+=("afl|ok|$afl_line")
    else
      results+=("afl|FAILED|$afl_line")
    fi
  else
    grep -E "error|Error|FAILED" build/afl.configure.log build/afl.build.log | head -20
    afl_line="afl: 0 passed, 1 failed"
    results+=("afl|FAILED|build failed (see build/afl.build.log)")
  fi
fi

stage "traceability"
trace_args=()
for j in "${junits[@]}"; do
  [[ -f $j ]] && trace_args+=(--junit "$j")
done
python3 tools/traceability/check.py "${trace_args[@]}" --out build/traceability/matrix.md \
  | tee build/traceability.log
trace_rc=${PIPESTATUS[0]}
trace_line=$(tail -1 build/traceability.log)
if [[ $trace_rc -eq 0 ]]; then
  results+=("traceability|ok|$trace_line")
else
  results+=("traceability|FAILED|$trace_line")
fi

# The summary counts every ctest test of every build in this run, every AFL++
# target run, and every traceability check, straight from the junit files and
# the tools' own summary lines.
python3 - "$trace_line" "${afl_line:-}" "${junits[@]}" <<'PY'
import sys, xml.etree.ElementTree as ET, re
trace, afl = sys.argv[1], sys.argv[2]
passed = failed = 0
m = re.search(r"(\d+) passed, (\d+) failed", afl)
if m:
    passed += int(m.group(1)); failed += int(m.group(2))
for path in sys.argv[3:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        failed += 1
        continue
    for tc in root.iter("testcase"):
        bad = tc.find("failure") is not None or tc.find("error") is not None \
            or tc.get("status") not in (None, "run")
        failed += bad
        passed += not bad
m = re.search(r"(\d+) passed, (\d+) failed", trace)
if m:
    passed += int(m.group(1)); failed += int(m.group(2))
else:
    failed += 1
open("build/summary.counts", "w").write(f"{passed} {failed}\n")
PY
read -r total_passed total_failed < build/summary.counts

echo
echo "=== summary ==="
status=0
for r in "${results[@]}"; do
  IFS='|' read -r name st detail <<<"$r"
  printf '%-14s %-7s %s\n' "$name" "$st" "$detail"
  [[ $st == ok ]] || status=1
done
[[ $total_failed -eq 0 ]] || status=1
echo "conclave: $total_passed passed, $total_failed failed"
exit $status
