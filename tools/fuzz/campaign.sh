#!/usr/bin/env bash
# campaign.sh: a fuzzing campaign over every fuzz target, with both engines,
# corpus merging and a coverage report per target (ASSURANCE.md, issue #6).
#
#   tools/fuzz/campaign.sh [--seconds N] [--afl-seconds N] [--targets a,b,...]
#                          [--out DIR] [--update-corpus] [--no-build]
#
# For each target (fuzz_<name> in the `fuzz`, `afl` and `coverage` presets):
#   1. libFuzzer runs for --seconds (default 60) from fuzz/corpus/<name> and
#      fuzz/regressions/<name>, writing new inputs to a scratch corpus;
#   2. AFL++ runs for --afl-seconds (default 45) from the same seeds;
#   3. libFuzzer's -merge=1 folds the seeds, the libFuzzer corpus and AFL++'s
#      queue into one minimal corpus (inputs that add coverage);
#   4. the coverage build replays the merged corpus and llvm-cov reports the
#      line and region coverage of src/ that the target reached;
#   5. every crash or timeout either engine found is copied to
#      fuzz/regressions/<name>/ (so the replay test of every build runs it
#      from then on, and fails until the bug is fixed) and the target is
#      reported as failed.
# --update-corpus copies the merged corpus back to fuzz/corpus/<name>/
# (replacing it), so CI's replay tests and smoke runs start from it.
#
# Results: DIR (default build/campaign/<UTC timestamp>) holds per-target logs,
# the merged corpora, results.json and results.md (a table ready for
# certification/fuzzing-campaign.md). The last line is "campaign: N passed,
# N failed". Runs at the lowest CPU priority; one target at a time.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=60
afl_seconds=45
targets=""
out=""
update_corpus=0
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --afl-seconds) afl_seconds=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --update-corpus) update_corpus=1; shift ;;
    --no-build) build=0; shift ;;
    *) echo "campaign.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
out=${out:-build/campaign/$(date -u +%Y%m%dT%H%M%SZ)}
# The commit the binaries are built from (the tree may move during a long run).
commit=$(git rev-parse --short HEAD)
[[ -n $(git status --porcelain --untracked-files=no) ]] && commit="$commit (with local changes)"
mkdir -p "$out"
out=$(cd "$out" && pwd)

log() { echo "campaign: $*"; }

# The fuzz targets CMake knows in a configured build directory.
list_targets() {
  cmake --build "$1" --target help 2>/dev/null | sed -n 's/^\(fuzz_[a-z0-9_]*\):.*/\1/p' | sort -u
}

if [[ $build -eq 1 ]]; then
  for preset in fuzz afl coverage; do
    log "configuring and building the $preset preset (fuzz targets only)"
    if ! nice cmake --preset "$preset" >"$out/$preset.configure.log" 2>&1; then
      tail -20 "$out/$preset.configure.log"; exit 1
    fi
    mapfile -t all < <(list_targets "build/$preset")
    if ! nice cmake --build "build/$preset" -j "$(nproc)" --target "${all[@]}" \
      >"$out/$preset.build.log" 2>&1; then
      grep -E "error|FAILED" "$out/$preset.build.log" | head -20; exit 1
    fi
  done
fi

mapfile -t names < <(list_targets build/fuzz | sed 's/^fuzz_//')
if [[ -n $targets ]]; then
  IFS=, read -r -a names <<<"$targets"
fi

# find_binary PRESET NAME: path of fuzz_NAME in build/PRESET.
find_binary() { find "build/$1/fuzz" -type f -name "fuzz_$2" -perm -u+x | head -1; }

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_NO_AFFINITY=1 AFL_QUIET=1
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14)
llvmcov=$(command -v llvm-cov || command -v llvm-cov-14)

passed=0
failed=0
rows=()
echo "[" >"$out/results.json"
first=1
for name in "${names[@]}"; do
  lf=$(find_binary fuzz "$name")
  afl=$(find_binary afl "$name")
  cov=$(find_binary coverage "$name")
  seeds="fuzz/corpus/$name"
  regressions="fuzz/regressions/$name"
  if [[ -z $lf || -z $afl || -z $cov || ! -d $seeds ]]; then
    log "$name: missing a binary or its seed corpus; FAILED"
    failed=$((failed + 1))
    continue
  fi
  dir="$out/$name"
  rm -rf "$dir"
  mkdir -p "$dir/lf-corpus" "$dir/merged" "$dir/artifacts" "$dir/afl-in"
  inputs=("$seeds")
  [[ -d $regressions ]] && inputs+=("$regressions")

  log "$name: libFuzzer ${seconds}s"
  nice -n 19 "$lf" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$dir/lf-corpus" "${inputs[@]}" >"$dir/libfuzzer.log" 2>&1
  lf_execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/libfuzzer.log" | tail -1)

  log "$name: AFL++ ${afl_seconds}s"
  cp -r "$seeds"/. "$dir/afl-in/"
  nice -n 19 timeout $((afl_seconds + 120)) afl-fuzz -V "$afl_seconds" -i "$dir/afl-in" \
    -o "$dir/afl-out" -- "$afl" >"$dir/afl.log" 2>&1
  afl_execs=$(awk -F: '/^execs_done/ {gsub(/ /,"",$2); print $2}' "$dir/afl-out/default/fuzzer_stats" 2>/dev/null)
  for kind in crashes hangs; do
    find "$dir/afl-out/default/$kind" -type f -name 'id:*' 2>/dev/null | while read -r f; do
      cp "$f" "$dir/artifacts/afl-$kind-$(sha1sum "$f" | cut -c1-16)"
    done
  done

  log "$name: merging corpora"
  queue="$dir/afl-out/default/queue"
  merge_inputs=("${inputs[@]}" "$dir/lf-corpus")
  [[ -d $queue ]] && merge_inputs+=("$queue")
  nice -n 19 "$lf" -merge=1 -rss_limit_mb=2048 -timeout=10 "$dir/merged" "${merge_inputs[@]}" \
    >"$dir/merge.log" 2>&1
  seed_count=$(find "$seeds" -type f | wc -l)
  merged_count=$(find "$dir/merged" -type f | wc -l)

  log "$name: coverage"
  rm -f "$dir"/*.profraw
  LLVM_PROFILE_FILE="$dir/cov-%p.profraw" nice -n 19 "$cov" "$dir/merged" >"$dir/coverage-replay.log" 2>&1
  lines="n/a"
  regions="n/a"
  if "$profdata" merge -sparse "$dir"/cov-*.profraw -o "$dir/cov.profdata" 2>>"$dir/coverage-replay.log"; then
    # Coverage of Conclave's own code (src/), the part the target can reach.
    total=$("$llvmcov" report "$cov" -instr-profile="$dir/cov.profdata" \
      -ignore-filename-regex='(^/usr/|(^|/)fuzz/|\.capnp\.)' 2>/dev/null | awk '/^TOTAL/')
    regions=$(awk '{print $4}' <<<"$total")
    lines=$(awk '{print $10}' <<<"$total")
    "$llvmcov" report "$cov" -instr-profile="$dir/cov.profdata" \
      -ignore-filename-regex='(^/usr/|(^|/)fuzz/|\.capnp\.)' >"$dir/coverage.txt" 2>&1
  fi

  crashes=$(find "$dir/artifacts" -type f | wc -l)
  if [[ $crashes -gt 0 ]]; then
    mkdir -p "$regressions"
    cp "$dir/artifacts"/* "$regressions/"
    log "$name: FOUND $crashes crash/timeout input(s), copied to $regressions/"
    status=failed
    failed=$((failed + 1))
  else
    status=ok
    passed=$((passed + 1))
  fi
  if [[ $update_corpus -eq 1 && $merged_count -gt 0 ]]; then
    rm -rf "$seeds"
    mkdir -p "$seeds"
    for f in "$dir/merged"/*; do cp "$f" "$seeds/$(basename "$f")"; done
  fi
  log "$name: $status; libFuzzer ${lf_execs:-?} execs, AFL++ ${afl_execs:-?} execs; corpus $seed_count -> $merged_count; src lines $lines, regions $regions"
  rows+=("| \`$name\` | ${lf_execs:-?} | ${afl_execs:-?} | $seed_count | $merged_count | $lines | $regions | $crashes |")
  [[ $first -eq 1 ]] || echo "," >>"$out/results.json"
  first=0
  printf '  {"target": "%s", "libfuzzer_seconds": %s, "afl_seconds": %s, "libfuzzer_execs": "%s", "afl_execs": "%s", "seed_inputs": %s, "merged_inputs": %s, "line_coverage": "%s", "region_coverage": "%s", "crashes": %s, "status": "%s"}' \
    "$name" "$seconds" "$afl_seconds" "${lf_execs:-}" "${afl_execs:-}" "$seed_count" "$merged_count" \
    "$lines" "$regions" "$crashes" "$status" >>"$out/results.json"
done
echo "]" >>"$out/results.json"

{
  echo "Campaign of $(date -u +%Y-%m-%d), commit $commit, on $(nproc) cores"
  echo "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); libFuzzer ${seconds} s and"
  echo "AFL++ ${afl_seconds} s per target, one target at a time."
  echo
  echo "| Target | libFuzzer execs | AFL++ execs | Seed inputs | Merged corpus | src/ lines covered | src/ regions covered | Crashes |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$out/results.md"
log "results in $out (results.md, results.json)"
echo "campaign: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
