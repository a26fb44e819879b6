#!/usr/bin/env bash
# Side-by-side load runs: bench/run-load.sh once per setting and round, the order reversed every other round, so
# the machine's drift falls on every setting alike; one summary line per run. Builds nothing (build first, as for
# run-load.sh; a setting may start another built tree's server, e.g. a worktree of an older commit).
# Usage: bench/run-alternating.sh OUT_DIR ROUNDS 'LABEL|SERVER_HOME|RULES|GENERATOR OPTIONS' ...
#   e.g. bench/run-alternating.sh /tmp/guard 3 \
#          "guard|$PWD|$PWD/bench/load-rules-shrink.yaml|--duration 40s --rate 6000" \
#          "noguard|$PWD|/tmp/unguarded.yaml|--duration 40s --rate 6000"
# Each run's full report is kept in OUT_DIR/rROUND-LABEL.txt (its per-second log in .err, the server's ActionLog
# at its end in .actions.json), the lines in summary.txt.
set -uo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
out="$1"
rounds="$2"
shift 2
settings=("$@")
mkdir -p "$out"
echo "start $(date -u +%T) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/summary.txt"
for round in $(seq 1 "$rounds"); do
  order=("${settings[@]}")
  if [ $((round % 2)) -eq 0 ]; then
    order=()
    for ((i = ${#settings[@]} - 1; i >= 0; i--)); do order+=("${settings[$i]}"); done
  fi
  for setting in "${order[@]}"; do
    IFS='|' read -r label server_home rules options <<<"$setting"
    report="$out/r$round-$label.txt"
    started=$(date +%s)
    # shellcheck disable=SC2086
    SERVER_HOME="$server_home" RULES="$rules" ACTIONS_OUT="${report%.txt}.actions.json" "$home/bench/run-load.sh" \
      $options >"$report" 2>"$report.err"
    status=$?
    printf '%s round %d %-12s exit %d, %3d s | %s | %s | %s | %s | %s\n' "$(date -u +%T)" "$round" "$label" "$status" \
      $(($(date +%s) - started)) "$(grep '^states/s:' "$report")" \
      "$(grep '^latency ms:' "$report" | sed 's/ *(mean.*//')" "$(grep '^delivery delay p99:' "$report")" \
      "$(grep '^queue lag max:' "$report")" "$(grep '^server CPU:' "$report" | sed 's/ (.*//')" | tee -a "$out/summary.txt"
  done
done
echo "end $(date -u +%T) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/summary.txt"
