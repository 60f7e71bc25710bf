#!/usr/bin/env bash
# run.sh: run the proof models of proofs/ and their mutants (proofs/README.md).
#
#   proofs/run.sh                         every model, then every mutant
#   proofs/run.sh MODEL                   one model's runs
#   proofs/run.sh MODEL --mutant NAME     one mutant of MODEL
#   options: --work DIR (scratch space, default build/proofs)
#            --json FILE (write {"<model>": "pass"|"fail"} for the models run,
#                         the --proof-results input of tools/traceability/check.py)
#            --list (print the ctest names: proof.<model>, proof.<model>.mutant.<name>)
#
# A model passes when every run of its model.conf ends without error, its
# generated tables match spec/state-machines/ and its `constant:` lines match
# the C++ constants. A mutant passes when the run it
# names finds the violation its `expect:` line describes: a mutant that
# verifies clean means the models would not notice that bug, so it fails.
# Exit status: 0 if everything run passed, 1 otherwise.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work="$root/build/proofs"
json=""
list=0
args=()
while (($#)); do
  case "$1" in
    --work) work=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --list) list=1; shift ;;
    --mutant) args+=("--mutant" "$2"); shift 2 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

models() {
  local d
  for d in "$here"/*/model.conf; do
    [[ -f $d ]] && basename "$(dirname "$d")"
  done
}

mutants() {
  local f
  for f in "$here/$1"/mutants/*.mutant; do
    [[ -f $f ]] && basename "$f" .mutant
  done
}

if ((list)); then
  for m in $(models); do
    echo "proof.$m"
    for n in $(mutants "$m"); do echo "proof.$m.mutant.$n"; done
  done
  exit 0
fi

# field FILE KEY: the value of the first "KEY: value" line of FILE.
field() { sed -n "s/^$2:[[:space:]]*//p" "$1" | head -1; }

# stage MODEL DIR [PATCH]: copy the model and the normative tables into DIR,
# apply PATCH (a mutant's, -p1 relative to the repository root) and
# regenerate the model's tables from the (possibly patched) CSVs.
stage() {
  local model=$1 dir=$2 patch=${3:-}
  rm -rf "$dir" && mkdir -p "$dir/proofs" "$dir/spec"
  cp -r "$here/$model" "$dir/proofs/$model"
  cp -r "$root/spec/state-machines" "$dir/spec/state-machines"
  if [[ -n $patch ]]; then
    patch -s -p1 -d "$dir" <"$patch" || { echo "run.sh: $patch does not apply" >&2; return 1; }
  fi
  local t
  for t in $tables; do
    python3 "$here/tools/gen_table.py" --label "spec/state-machines/$t.csv" \
      "$dir/spec/state-machines/$t.csv" "$dir/proofs/$model/gen/${t}_table.pml" || return 1
  done
}

# spin_run DIR NAME SPIN_DEFINES GCC_FLAGS PAN_FLAGS: one verification run.
# Prints a one-line verdict; returns 0 clean, 1 violation found, 2 tool error.
spin_run() {
  local dir=$1 name=$2 defs=$3 cflags=$4 pflags=$5
  local log="$dir/$name.log"
  (
    cd "$dir" || exit 2
    rm -f pan pan.* ./*.trail
    # shellcheck disable=SC2086
    spin $defs -a model.pml >"$log" 2>&1 || exit 2
    # shellcheck disable=SC2086
    # -O0: the verifiers of the larger models are several hundred kilobytes of
    # generated C; optimising them costs far more than it saves in search
    # time (lobby: 110 s to compile at -O1 against 9 s at -O0, 21 s to
    # search against 30 s).
    gcc -O0 -w -DMEMLIM=1024 $cflags -o pan pan.c >>"$log" 2>&1 || exit 2
    local start=$SECONDS
    # shellcheck disable=SC2086
    ./pan $pflags >>"$log" 2>&1
    echo "elapsed: $((SECONDS - start)) s" >>"$log"
  ) || { echo "  $name: tool error (see $log)"; return 2; }
  local errors states
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$log" | tail -1)
  states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$log" | tail -1)
  if [[ -z $errors ]] || grep -q "out of memory\|max search depth too small" "$log"; then
    echo "  $name: incomplete search (see $log)"
    return 2
  fi
  echo "  $name: errors $errors, $states states, $(sed -n 's/^elapsed: //p' "$log")"
  [[ $errors == 0 ]] && return 0 || return 1
}

# z3_run DIR FILE: every (check-sat) of FILE must answer unsat (each query is
# the negation of a property). 0 all unsat, 1 some sat, 2 tool error.
z3_run() {
  local dir=$1 file=$2
  local log="$dir/${file%.smt2}.log"
  local start=$SECONDS
  (cd "$dir" && z3 -T:300 "$file") >"$log" 2>&1
  local answers
  answers=$(grep -cE '^(sat|unsat|unknown)$' "$log")
  if grep -qE '^\(error|^unknown$|^timeout$' "$log" || [[ $answers == 0 ]]; then
    echo "  $file: tool error or unknown (see $log)"
    return 2
  fi
  local sat
  sat=$(grep -c '^sat$' "$log")
  echo "  $file: $answers queries, $sat sat, $((SECONDS - start)) s"
  [[ $sat == 0 ]] && return 0 || return 1
}

# run_model MODEL [MUTANT]: 0 if the model verifies (or the mutant is caught).
run_model() {
  local model=$1 mutant=${2:-}
  local conf="$here/$model/model.conf"
  [[ -f $conf ]] || { echo "run.sh: no model $model" >&2; return 1; }
  local kind tables runs
  kind=$(field "$conf" kind)
  tables=$(field "$conf" tables)
  mapfile -t runs < <(sed -n 's/^run:[[:space:]]*//p' "$conf")
  local dir="$work/$model${mutant:+.mutant.$mutant}"

  if [[ -z $mutant ]]; then
    echo "proof.$model"
    local t
    for t in $tables; do
      python3 "$here/tools/gen_table.py" --check --label "spec/state-machines/$t.csv" \
        "$root/spec/state-machines/$t.csv" "$here/$model/gen/${t}_table.pml" || return 1
    done
    if grep -q '^constant:' "$conf"; then
      python3 "$here/tools/check_constants.py" "$here/$model" "$root" || return 1
    fi
    stage "$model" "$dir" || return 1
    local r rc=0 name defs cflags pflags
    for r in "${runs[@]}"; do
      IFS='|' read -r name defs cflags pflags <<<"$r"
      if [[ $kind == z3 ]]; then
        z3_run "$dir/proofs/$model" "$(echo "$defs" | xargs)" || rc=1
      else
        spin_run "$dir/proofs/$model" "$(echo "$name" | xargs)" "$defs" "$cflags" "$pflags" || rc=1
      fi
    done
    return $rc
  fi

  local mfile="$here/$model/mutants/$mutant.mutant"
  [[ -f $mfile ]] || { echo "run.sh: no mutant $model/$mutant" >&2; return 1; }
  echo "proof.$model.mutant.$mutant: $(field "$mfile" breaks)"
  local want defines patch expect
  want=$(field "$mfile" run)
  defines=$(field "$mfile" defines)
  patch=$(field "$mfile" patch)
  expect=$(field "$mfile" expect)
  stage "$model" "$dir" "${patch:+$here/$model/mutants/$patch}" || return 1
  local r name defs cflags pflags found=""
  for r in "${runs[@]}"; do
    IFS='|' read -r name defs cflags pflags <<<"$r"
    name=$(echo "$name" | xargs)
    [[ $name == "$want" ]] || continue
    found=1
    local rc log file
    if [[ $kind == z3 ]]; then
      file=$(echo "$defs" | xargs)
      z3_run "$dir/proofs/$model" "$file"; rc=$?
      log="$dir/proofs/$model/${file%.smt2}.log"
    else
      spin_run "$dir/proofs/$model" "$name" "$defs $defines" "$cflags" "$pflags"; rc=$?
      log="$dir/proofs/$model/$name.log"
    fi
    if [[ $rc != 1 ]]; then
      echo "  FAIL: the mutant was not caught"
      return 1
    fi
    if [[ -n $expect ]] && ! grep -qE "$expect" "$log"; then
      echo "  FAIL: a violation was found, but not the expected one ($expect; see $log)"
      return 1
    fi
    echo "  caught: $(grep -m1 -E "${expect:-errors}" "$log")"
    return 0
  done
  [[ -n $found ]] || echo "run.sh: $mutant names no run '$want' of $model" >&2
  return 1
}

declare -A verdicts=()
status=0
if ((${#args[@]} == 0)); then
  for m in $(models); do
    if run_model "$m"; then verdicts[$m]=pass; else verdicts[$m]=fail; status=1; fi
  done
  for m in $(models); do
    for n in $(mutants "$m"); do
      run_model "$m" "$n" || { status=1; verdicts[$m]=fail; }
    done
  done
elif ((${#args[@]} == 1)); then
  if run_model "${args[0]}"; then verdicts[${args[0]}]=pass; else verdicts[${args[0]}]=fail; status=1; fi
elif ((${#args[@]} == 3)) && [[ ${args[1]} == --mutant ]]; then
  run_model "${args[0]}" "${args[2]}" || status=1
else
  echo "usage: run.sh [MODEL [--mutant NAME]] [--work DIR] [--json FILE] [--list]" >&2
  exit 2
fi

if [[ -n $json ]]; then
  {
    printf '{'
    sep=""
    for m in "${!verdicts[@]}"; do printf '%s"%s": "%s"' "$sep" "$m" "${verdicts[$m]}"; sep=", "; done
    printf '}\n'
  } >"$json"
fi
echo "proofs: $([[ $status == 0 ]] && echo ok || echo FAILED)"
exit $status
