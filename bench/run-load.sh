#!/usr/bin/env bash
# End-to-end load run against a fresh all-in-one server. Builds nothing: build first with
#   mvn -q -B -DskipTests package            (server/target/lib and bench/target/{lib,classes})
# Usage: bench/run-load.sh [LoadGenerator options...]   e.g. bench/run-load.sh --duration 60s --batch 500
# Environment: PORT (default 8080), RULES (default bench/load-rules.yaml), SCALEMANAGER_JAVA_OPTS (server JVM),
# LOAD_JAVA_OPTS (generator JVM), SERVER_HOME (the built tree whose bin/scalemanager is started, default this one:
# another worktree of an older commit measures it side by side with the same generator), ACTIONS_OUT (a file that
# gets the server's ActionLog, GET /v1/actions, once the load is over: runs of two builds compared action for
# action). The server log is kept in bench/target/load-server.log.
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

set +e
# shellcheck disable=SC2086
java ${LOAD_JAVA_OPTS:--Xms256m -Xmx1g} -cp "$home/bench/target/lib/*:$home/bench/target/classes" \
  io.scalemanager.bench.LoadGenerator --url "$url" "$@"
status=$?
if [ -n "${ACTIONS_OUT:-}" ]; then
  curl -s -H "Authorization: Bearer ${SCALEMANAGER_API_TOKEN:-}" "$url/v1/actions?limit=10000" >"$ACTIONS_OUT"
fi
set -e
exit "$status"
