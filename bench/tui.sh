#!/usr/bin/env bash
# The TUI on a real terminal (tmux): time until the loaded queue is on screen,
# and resident memory after browsing. Usage: DB=/tmp/playbook-bench.db bench/tui.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:-/tmp/playbook-bench.db}
NOW=2026-11-24T09:30:00+01:00
cargo build --release --quiet
BIN=$PWD/target/release/playbook
CFG=$(mktemp -d)
printf '[me]\nname = "Dana Kim"\n' > "$CFG/config.toml"
# Baseline: what tmux itself takes to start a pane and show text.
for run in 1 2 3; do
  tmux kill-session -t pbbench 2>/dev/null || true
  start=$(date +%s%N)
  tmux new-session -d -s pbbench -x 100 -y 30 "echo READY; sleep 2"
  until tmux capture-pane -p -t pbbench | grep -q READY; do sleep 0.005; done
  echo "baseline $run: tmux shows text after $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
for run in 1 2 3 4 5; do
  tmux kill-session -t pbbench 2>/dev/null || true
  start=$(date +%s%N)
  tmux new-session -d -s pbbench -x 100 -y 30 \
    "XDG_CONFIG_HOME=$CFG /usr/bin/time -f %M -o $CFG/rss $BIN --config $CFG/config.toml --db $DB --now $NOW"
  until tmux capture-pane -p -t pbbench | grep -q "1 Queue"; do sleep 0.005; done
  first=$(date +%s%N)
  until tmux capture-pane -p -t pbbench | grep -q "Overdue\|Nothing due"; do sleep 0.005; done
  shown=$(date +%s%N)
  echo "run $run: first frame after $(( (first - start) / 1000000 )) ms, queue on screen after $(( (shown - start) / 1000000 )) ms"
  # Browse: the account list and one account, then quit.
  tmux send-keys -t pbbench 2; sleep 0.5; tmux send-keys -t pbbench Enter; sleep 0.3; tmux send-keys -t pbbench q
  sleep 0.5
  echo "run $run: max RSS $(cat "$CFG/rss") KB"
done
