#!/usr/bin/env bash
# Import budgets (issue 5): a 100k-row players file into a store holding its
# accounts, and the same with --dry-run. Needs hyperfine.
# Usage: bench/import.sh   (works in /tmp/playbook-import-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)"; exit 2; }
cargo build --release --quiet
W=${W:-/tmp/playbook-import-bench}
mkdir -p "$W"
NOW=2026-11-24T09:30:00+01:00
BIN=$PWD/target/release/playbook
if [ ! -f "$W/players.csv" ]; then
  rm -f "$W/source.db"*
  # 20,000 accounts with about 100,000 players, exported as a CRM would.
  "$BIN" --db "$W/source.db" --now $NOW demo --accounts 20000 --seed 7 >/dev/null
  "$BIN" --db "$W/source.db" --now $NOW export accounts > "$W/accounts.csv"
  "$BIN" --db "$W/source.db" --now $NOW export players > "$W/players.csv"
fi
echo "players file: $(($(wc -l < "$W/players.csv") - 1)) rows, $(du -h "$W/players.csv" | cut -f1)"
rm -f "$W/base.db"*
"$BIN" --db "$W/base.db" --now $NOW import accounts "$W/accounts.csv"
OUT=$(mktemp -d)
hyperfine -N --warmup 1 --runs 5 --export-json "$OUT/import.json" \
  --prepare "cp $W/base.db $W/target.db" \
  "$BIN --db $W/target.db --now $NOW import players $W/players.csv" \
  "$BIN --db $W/target.db --now $NOW import players $W/players.csv --dry-run"
# A second import of the same file: every row unchanged.
cp "$W/base.db" "$W/again.db"
"$BIN" --db "$W/again.db" --now $NOW import players "$W/players.csv" >/dev/null
hyperfine -N --warmup 1 --runs 5 --export-json "$OUT/again.json" \
  "$BIN --db $W/again.db --now $NOW import players $W/players.csv"
python3 - "$OUT"/*.json <<'PY'
import json, statistics, sys
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        cmd = r["command"].split(" --now ")[1].split(" ", 1)[1]
        print(f"median {statistics.median(r['times']) * 1000:7.0f} ms  {cmd}")
PY
