#!/usr/bin/env bash
# Long fuzzing run (release build): each target in turn for SLICE seconds
# with a new seed, until SECONDS are spent. Panics are kept by the harness,
# aborts and hangs by this script, in tests/fuzz_regressions/TARGET/.
# Usage: bench/fuzz.sh SECONDS [TARGET...]    (SLICE=60 by default)
set -uo pipefail
cd "$(dirname "$0")/.."
TOTAL=${1:?usage: bench/fuzz.sh SECONDS [TARGET...]}
shift
TARGETS=${*:-csv_import play_files config_files key_files typed_values cli_arguments tui_keys}
SLICE=${SLICE:-60}
cargo test --release --test fuzz --no-run --quiet 2>/dev/null || cargo test --release --test fuzz --no-run
BIN=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/deps/fuzz-* | grep -v '\.d$' | head -1)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
declare -A cases panics aborts hangs
for t in $TARGETS; do cases[$t]=0; panics[$t]=0; aborts[$t]=0; hangs[$t]=0; done
end=$((SECONDS + TOTAL))
keep() { # target kind file
  local dir="tests/fuzz_regressions/$1" name
  mkdir -p "$dir"
  name="$2-$(sha1sum "$3" | cut -c1-16)"
  cp "$3" "$dir/$name"
  echo "  kept $dir/$name"
}
while [ $SECONDS -lt $end ]; do
  for t in $TARGETS; do
    left=$((end - SECONDS))
    [ $left -le 0 ] && break
    slice=$((left < SLICE ? left : SLICE))
    rm -f "$WORK/$t.current" "$WORK/$t.hang"
    PLAYBOOK_FUZZ_SECONDS=$slice PLAYBOOK_FUZZ_SEED=$RANDOM$RANDOM PLAYBOOK_FUZZ_DIR=$WORK PLAYBOOK_FUZZ_SAVE=1 \
      "$BIN" --exact "$t" --test-threads 1 --nocapture >"$WORK/out" 2>&1
    status=$?
    n=$(grep -o '+ [0-9]* random cases' "$WORK/out" | grep -o '[0-9]*' | head -1)
    cases[$t]=$((cases[$t] + ${n:-0}))
    if [ -f "$WORK/$t.hang" ]; then
      hangs[$t]=$((hangs[$t] + 1)); echo "$t: hang"; keep "$t" hang "$WORK/$t.hang"
    elif [ $status -eq 101 ]; then
      p=$(grep -o '[0-9]* panic site(s)' "$WORK/out" | head -1 | grep -o '^[0-9]*')
      panics[$t]=$((panics[$t] + ${p:-1})); echo "$t: panics"; grep -A1 '^  ' "$WORK/out" | head -20
    elif [ $status -ne 0 ]; then
      aborts[$t]=$((aborts[$t] + 1)); echo "$t: abort (exit $status)"; tail -3 "$WORK/out"
      [ -f "$WORK/$t.current" ] && keep "$t" abort "$WORK/$t.current"
    fi
  done
done
total=0; bad=0
printf '%-14s %10s %7s %7s %6s\n' target cases panics aborts hangs
for t in $TARGETS; do
  printf '%-14s %10s %7s %7s %6s\n' "$t" "${cases[$t]}" "${panics[$t]}" "${aborts[$t]}" "${hangs[$t]}"
  total=$((total + cases[$t])); bad=$((bad + panics[$t] + aborts[$t] + hangs[$t]))
done
echo "$total cases in $TOTAL s; $bad failing runs"
[ $bad -eq 0 ]
