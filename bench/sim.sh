#!/usr/bin/env bash
# Long cadence simulation (release build): a random SDR doing ACTIONS random
# actions for each seed, every cadence rule checked after each.
# Usage: bench/sim.sh ACTIONS [SEED...]   (seeds 1 2 3 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONS=${1:?usage: bench/sim.sh ACTIONS [SEED...]}
shift
for seed in ${*:-1 2 3}; do
  PLAYBOOK_SIM_ACTIONS=$ACTIONS PLAYBOOK_SIM_SEED=$seed \
    cargo test --release --quiet --test cadence_sim -- --nocapture 2>&1 | grep -E "^seed|^  \{|panicked|assert" -A3
done
