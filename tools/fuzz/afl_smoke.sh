#!/usr/bin/env bash
# afl_smoke.sh BUILD_DIR SECONDS: runs every AFL++ fuzz target built in
# BUILD_DIR (the `afl` preset) for SECONDS each, from its seed corpus, in a
# scratch directory. Fails if a target cannot start or finds a crash. It
# proves the AFL++ build works; long campaigns are tools/fuzz/campaign.sh's job.
set -uo pipefail
build=${1:?usage: afl_smoke.sh BUILD_DIR SECONDS}
seconds=${2:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$build/afl-work"
rm -rf "$work"
mkdir -p "$work"

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_NO_AFFINITY=1 AFL_SKIP_BIN_CHECK=0 AFL_QUIET=1

passed=0
failed=0
while IFS= read -r bin; do
  name=$(basename "$bin")
  name=${name#fuzz_}
  corpus="$root/fuzz/corpus/$name"
  out="$work/$name"
  if timeout $((seconds + 60)) afl-fuzz -V "$seconds" -i "$corpus" -o "$out" -- "$bin" \
    >"$work/$name.log" 2>&1; then
    crashes=$(find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
    execs=$(awk -F: '/^execs_done/ {gsub(/ /,"",$2); print $2}' "$out/default/fuzzer_stats" 2>/dev/null)
    if [[ $crashes -eq 0 ]]; then
      echo "afl: $name ok (${execs:-?} executions in ${seconds}s)"
      passed=$((passed + 1))
    else
      echo "afl: $name FOUND $crashes crash(es): see $out/default/crashes"
      failed=$((failed + 1))
    fi
  else
    echo "afl: $name did not run: $(tail -3 "$work/$name.log" | tr '\n' ' ')"
    failed=$((failed + 1))
  fi
done < <(find "$build/fuzz" -type f -name 'fuzz_*' -perm -u+x | sort)

echo "afl: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
