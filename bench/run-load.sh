#!/usr/bin/env bash
# End-to-end load run against a fresh all-in-one server. Builds nothing: build first with
#   mvn -q -B -DskipTests package            (server/target/lib and bench/target/{lib,classes})
# Usage: bench/run-load.sh [LoadGenerator options...]   e.g. bench/run-load.sh --duration 60s --batch 500
# Environment: PORT (default 8080), RULES (default bench/load-rules.yaml), SCALEMANAGER_JAVA_OPTS (server JVM),
# LOAD_JAVA_OPTS (generator JVM), SERVER_HOME (the built tree whose bin/scalemanager is started, default this one:
# another worktree of an older commit measures it side by side with the same generator), ACTIONS_OUT (a file that
# gets the server's ActionLog, GET /v1/actions, once the load is over: runs of two builds compared action for
# action). The server log is kept in bench/target/load-server.log. CPU_WAIT / CPU_WINDOW (seconds, default 10 / 20):
# after the first accepted state and CPU_WAIT more, the server's CPU time and its accepted-states counter are read
# CPU_WINDOW apart, and the report ends with 'server CPU:' per accepted state, in all and without the JIT compiler's
# threads, then by thread. The throughput of one build moves by +-15% between runs of 35 s: the JIT compiler still
# takes a third of the server's CPU 10-30 s into a run, and the EventLog's group commits follow it; CPU per state
# without the compiler does not.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
port="${PORT:-8080}"
rules="${RULES:-$home/bench/load-rules.yaml}"
url="http://127.0.0.1:$port"
server_home="${SERVER_HOME:-$home}"
log="$home/bench/target/load-server.log"

if [ ! -d "$home/bench/target/classes/io/scalemanager/bench" ] || [ ! -d "$home/bench/target/lib" ]; then
  echo "run-load: bench is not built; run 'mvn -q -B -DskipTests package' in $home first" >&2
  exit 1
fi
if curl -s -o /dev/null "$url/health"; then
  echo "run-load: something already answers on $url; stop it or set PORT" >&2
  exit 1
fi

data="$(mktemp -d -t scalemanager-load.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 1 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "run-load: server did not stop within 30 s of SIGTERM; killing it" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$server_home/bin/scalemanager" run --data "$data" --rules "$rules" --listen "127.0.0.1:$port" >"$log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 600); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run-load: server exited during startup; see $log" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/ready")" = "200" ]; then
    ready=yes
    break
  fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "run-load: server not ready within 60 s; see $log" >&2
  exit 1
fi
echo "run-load: server ready on $url (pid $server_pid, data $data)" >&2

# Every change needs a token: the server's api.token when the caller set one, else the admin token it generated
# into its data directory on this first start (handed over in the environment, not on the command line). A server
# older than tokens writes none and needs none.
if [ -z "${SCALEMANAGER_API_TOKEN:-}" ] && [ -f "$data/admin.token" ]; then
  SCALEMANAGER_API_TOKEN="$(cat "$data/admin.token")"
  export SCALEMANAGER_API_TOKEN
fi

# The server's CPU per accepted state over a steady window of the load (see CPU_WAIT / CPU_WINDOW above), in all
# and by thread: the JIT compiler's threads are still busy 10-30 s into a run, so the figure without them is the
# one that compares builds.
cpu_report="$data/server-cpu.txt"
(
  accepted() {
    curl -s ${SCALEMANAGER_API_TOKEN:+-H "Authorization: Bearer $SCALEMANAGER_API_TOKEN"} "$url/metrics" |
      awk '/^scalemanager_collector_states_accepted_total/ {printf "%d", $2}'
  }
  # One line per thread: name (digits folded, so a pool's threads add up) and CPU ticks.
  threads() {
    for task in /proc/"$server_pid"/task/*; do
      printf '%s\t%s\n' "$(sed 's/[0-9][0-9]*/N/g' "$task/comm" 2>/dev/null)" "$(awk '{print $14 + $15}' "$task/stat" 2>/dev/null)"
    done
  }
  for _ in $(seq 1 600); do
    a="$(accepted)"
    if [ -n "$a" ] && [ "$a" -gt 0 ]; then break; fi
    sleep 0.2
  done
  sleep "${CPU_WAIT:-10}"
  a0=$(accepted) t0=$(date +%s.%N)
  threads > "$data/threads.0"
  sleep "${CPU_WINDOW:-20}"
  threads > "$data/threads.1"
  a1=$(accepted) t1=$(date +%s.%N)
  awk -F'\t' -v n=$((a1 - a0)) -v dt="$t1 $t0" -v hz="$(getconf CLK_TCK)" '
    FNR == NR { before[$1] += $2; next }
    { after[$1] += $2 }
    END {
      if (n <= 0) exit
      split(dt, span, " "); dt = span[1] - span[2]
      for (t in after) { used[t] = (after[t] - before[t]) / hz; all += used[t]; if (t ~ /^C[N12] CompilerThre/) jit += used[t] }
      printf "server CPU: %.1f us per accepted state, %.1f without the JIT compiler (%.2f s of CPU for %d states in %.1f s, %.2f cores)\n", all / n * 1e6, (all - jit) / n * 1e6, all, n, dt, all / dt
      line = "server CPU by thread, us per accepted state:"
      while (1) { best = ""; for (t in used) if (best == "" || used[t] > used[best]) best = t; if (best == "" || used[best] / n * 1e6 < 0.1) break
        line = line sprintf(" %s %.1f;", best, used[best] / n * 1e6); delete used[best] }
      print line
    }' "$data/threads.0" "$data/threads.1" > "$cpu_report"
) 2>/dev/null &
cpu_probe=$!

set +e
# shellcheck disable=SC2086
java ${LOAD_JAVA_OPTS:--Xms256m -Xmx1g} -cp "$home/bench/target/lib/*:$home/bench/target/classes" \
  io.scalemanager.bench.LoadGenerator --url "$url" "$@"
status=$?
if [ -n "${ACTIONS_OUT:-}" ]; then
  curl -s -H "Authorization: Bearer ${SCALEMANAGER_API_TOKEN:-}" "$url/v1/actions?limit=10000" >"$ACTIONS_OUT"
fi
set -e
wait "$cpu_probe" 2>/dev/null || true
cat "$cpu_report" 2>/dev/null || true
exit "$status"
