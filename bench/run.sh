#!/usr/bin/env bash
# run.sh: build and run every benchmark of bench/, judge the goals of
# PERFORMANCE.md, print one table and a final "N passed, N failed" line, and
# keep the JSON results in bench/results/<date>-<machine>.json.
#
#   bench/run.sh            short mode (minutes at most)
#   bench/run.sh --full     adds the large runs (mls_bench n = 2000..10000)
#   bench/run.sh --no-build skips the dev build (use the binaries as they are)
#
# Builds with the dev preset: gcc, RelWithDebInfo (-O2), hardened flags
# (stack protector, _FORTIFY_SOURCE=2, PIE), as the product ships. Exit
# status: 0 when every goal passed, 1 when one failed, 2 on a broken run.
set -euo pipefail

cd "$(dirname "$0")/.."
full=()
build=1
for arg in "$@"; do
  case "$arg" in
    --full) full=(--full) ;;
    --no-build) build=0 ;;
    *) echo "run.sh: unknown option '$arg' (known: --full, --no-build)" >&2; exit 2 ;;
  esac
done

if [[ $build -eq 1 ]]; then
  cmake --preset dev >/dev/null
  cmake --build --preset dev --target crypto_bench mls_bench udp_reflector codec_bench -j "$(nproc)" >/dev/null
fi

# Library versions, for the result file (the programs cannot ask dpkg).
CONCLAVE_BENCH_LIBS=$(dpkg-query -W -f='${Package} ${Version}; ' \
  android-libboringssl-dev nlohmann-json3-dev libopus-dev libvpx-dev 2>/dev/null || echo "dpkg-query unavailable")
export CONCLAVE_BENCH_LIBS

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=build/dev/bench
"$bin/crypto_bench" --json "$tmp/crypto_bench.json" "${full[@]}" || exit 2
"$bin/mls_bench" --json "$tmp/mls_bench.json" "${full[@]}" || exit 2
"$bin/udp_reflector" --json "$tmp/udp_reflector.json" "${full[@]}" || exit 2
"$bin/codec_bench" --json "$tmp/codec_bench.json" "${full[@]}" || exit 2

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //; s/([^)]*)//g' \
  | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '-' | sed 's/^-//; s/-$//' | cut -c1-40)
mode=short
[[ ${#full[@]} -gt 0 ]] && mode=full
out="bench/results/$(date -u +%Y-%m-%dT%H%MZ)-$(hostname -s)-${cpu:-unknown}-$mode.json"

python3 - "$out" "$mode" "$tmp/crypto_bench.json" "$tmp/mls_bench.json" \
  "$tmp/udp_reflector.json" "$tmp/codec_bench.json" <<'PY'
import json, sys
out, mode, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = [json.load(open(p)) for p in paths]
goals = [g | {"benchmark": r["benchmark"]} for r in runs for g in r["goals"]]
print()
print(f"{'goal':5} {'result':6} {'value':>12} {'limit':>12}  measure")
for g in goals:
    print(f"{g['id']:5} {'pass' if g['pass'] else 'FAIL':6} {g['value']:>11.3f}{g['unit']:1} "
          f"{g['limit']:>11.3f}{g['unit']:1}  {g['measure']}")
passed = sum(g["pass"] for g in goals)
failed = len(goals) - passed
json.dump({"mode": mode, "machine": runs[0]["machine"], "summary": {"passed": passed,
           "failed": failed}, "goals": goals, "runs": runs}, open(out, "w"), indent=1)
print(f"\nresults: {out}")
print(f"bench: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
