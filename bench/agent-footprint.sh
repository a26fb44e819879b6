#!/usr/bin/env bash
# Resident memory and CPU time of scalemanager-agent beside Debian's prometheus-node-exporter, side by side on
# this machine: both collect every INTERVAL (the agent ships to a local all-in-one collector; node-exporter is
# scraped by curl, as Prometheus would), for DURATION seconds, sampled from /proc/PID/status and /proc/PID/stat.
#
#   mvn -q -B -DskipTests package && bench/agent-footprint.sh            # 300 s at 10 s
#   DURATION=60 INTERVAL=10 bench/agent-footprint.sh
#
# Installs Debian's prometheus-node-exporter with apt-get when it is missing (as root, or with sudo).
# SCALEMANAGER_AGENT_JAVA_OPTS changes the agent's JVM flags (default: those of bin/scalemanager-agent).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-300}"
INTERVAL="${INTERVAL:-10}"
COLLECTOR_PORT="${COLLECTOR_PORT:-18480}"
EXPORTER_PORT="${EXPORTER_PORT:-19100}"
exporter="$(command -v prometheus-node-exporter || true)"
if [ -z "$exporter" ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "agent-footprint: installing prometheus-node-exporter" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus-node-exporter >/dev/null
  # The package starts its own service where systemd runs; this script runs its own copy on EXPORTER_PORT.
  exporter="$(command -v prometheus-node-exporter)"
fi
[ -d agent/target/lib ] && [ -d server/target/lib ] || {
  echo "agent-footprint: build first: mvn -q -B -DskipTests package" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
printf 'rules: []\n' > "$work/rules.yaml"

SCALEMANAGER_JAVA_OPTS="-Xmx512m" bin/scalemanager run --listen "127.0.0.1:$COLLECTOR_PORT" --data "$work/data" \
  --rules "$work/rules.yaml" > "$work/collector.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$COLLECTOR_PORT/ready" > /dev/null && break
  sleep 0.5
done

bin/scalemanager-agent --instance bench-agent --collectors "http://127.0.0.1:$COLLECTOR_PORT" \
  --interval "${INTERVAL}s" --state-dir "$work/agent" > "$work/agent.log" 2>&1 &
agent=$!
pids+=($agent)
"$exporter" --web.listen-address="127.0.0.1:$EXPORTER_PORT" > "$work/exporter.log" 2>&1 &
exporter_pid=$!
pids+=($exporter_pid)
( while true; do curl -s "http://127.0.0.1:$EXPORTER_PORT/metrics" > /dev/null || true; sleep "$INTERVAL"; done ) &
pids+=($!)

tck="$(getconf CLK_TCK)"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, after the "(comm)" field

sleep "$INTERVAL"   # both have started and collected once: measure the steady state from here
a0="$(cpu_ticks "$agent")"; e0="$(cpu_ticks "$exporter_pid")"; t0="$(date +%s.%N)"
a_max=0; e_max=0; a_sum=0; e_sum=0; n=0
echo "time_s agent_rss_kib exporter_rss_kib agent_cpu_s exporter_cpu_s"
end=$(( $(date +%s) + DURATION ))
while [ "$(date +%s)" -lt "$end" ]; do
  sleep "$INTERVAL"
  ar="$(rss_kb "$agent")"; er="$(rss_kb "$exporter_pid")"
  ac="$(cpu_ticks "$agent")"; ec="$(cpu_ticks "$exporter_pid")"
  n=$((n + 1)); a_sum=$((a_sum + ar)); e_sum=$((e_sum + er))
  [ "$ar" -gt "$a_max" ] && a_max="$ar"; [ "$er" -gt "$e_max" ] && e_max="$er"
  awk -v t="$(date +%s.%N)" -v t0="$t0" -v ar="$ar" -v er="$er" -v ac="$((ac - a0))" -v ec="$((ec - e0))" -v k="$tck" \
    'BEGIN { printf "%6.0f %13d %16d %11.2f %14.2f\n", t - t0, ar, er, ac / k, ec / k }'
done
t1="$(date +%s.%N)"; a1="$(cpu_ticks "$agent")"; e1="$(cpu_ticks "$exporter_pid")"
reports="$(curl -s "http://127.0.0.1:$COLLECTOR_PORT/v1/history?instance=bench-agent&type=cpu&from=0&limit=100000" \
  | grep -o '"timestamp"' | wc -l)"
awk -v t="$t1" -v t0="$t0" -v k="$tck" -v a="$((a1 - a0))" -v e="$((e1 - e0))" \
    -v am="$a_max" -v em="$e_max" -v aa="$((a_sum / n))" -v ea="$((e_sum / n))" -v r="$reports" -v i="$INTERVAL" 'BEGIN {
  s = t - t0
  printf "\n%.0f s at a %d s interval (%d agent reports stored)\n", s, i, r
  printf "%-26s %12s %12s %14s %16s\n", "process", "RSS avg MiB", "RSS max MiB", "CPU time s", "CPU % of a core"
  printf "%-26s %12.1f %12.1f %14.2f %16.3f\n", "scalemanager-agent", aa / 1024, am / 1024, a / k, 100 * a / k / s
  printf "%-26s %12.1f %12.1f %14.2f %16.3f\n", "prometheus-node-exporter", ea / 1024, em / 1024, e / k, 100 * e / k / s
}'
