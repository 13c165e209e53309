#!/usr/bin/env bash
# Whole-command benchmarks on a synthetic store of 100k accounts (the budgets
# of the core issue). Needs hyperfine (Debian package `hyperfine`).
# Usage: bench/cli.sh [fresh]   -- "fresh" regenerates the store and times it.
# DB=postgres://user@host:port/db?options=-csearch_path%3Dbench runs them on
# PostgreSQL (password in PGPASSWORD; the schema must exist).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)"; exit 2; }
cargo build --release --quiet
DB=${DB:-/tmp/playbook-bench.db}
NOW=2026-11-24T09:30:00+01:00
BIN=./target/release/playbook
P="$BIN --db $DB --now $NOW"

case "$DB" in
  postgres://*|postgresql://*)
    if [ "${1:-}" = fresh ]; then
      /usr/bin/time -f "generate 100k accounts: %e s wall, %M KB max RSS" $P demo --accounts 100000 --seed 1 --force
    fi ;;
  *)
    if [ "${1:-}" = fresh ] || [ ! -f "$DB" ]; then
      rm -f "$DB" "$DB-wal" "$DB-shm"
      /usr/bin/time -f "generate 100k accounts: %e s wall, %M KB max RSS" $P demo --accounts 100000 --seed 1
    fi ;;
esac

REP="Dana Kim"
TOUCH=$($P queue --owner "$REP" --format csv | sed -n 2p | cut -d, -f1)
echo "triage touch: $TOUCH"

OUT=$(mktemp -d)
hyperfine -N --warmup 3 --runs 30 --export-json "$OUT/read.json" \
  "$P queue --owner '$REP' --format json" \
  "$P accounts --format json" \
  "$P accounts --owner '$REP' --format json"

# The manager's review (issue 4).
hyperfine -N --warmup 1 --runs 10 --export-json "$OUT/report.json" \
  "$P report --period 30d --format json" \
  "$P report --period 7d --format json"

# One triage command (done, which also re-plans the thread); each run is
# undone first so every run does the same work (one done first, so the
# first undo has something to take back).
$P done "$TOUCH" >/dev/null
hyperfine -N --warmup 2 --runs 30 --export-json "$OUT/triage.json" --prepare "$P undo" "$P done $TOUCH" || true

# Medians, the figure docs/perf.md quotes (the machine is noisy).
python3 - "$OUT"/*.json <<'PY'
import json, statistics, sys
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        cmd = r["command"].split(" --now ")[1].split(" ", 1)[1]
        print(f"median {statistics.median(r['times']) * 1000:7.1f} ms  {cmd}")
PY
