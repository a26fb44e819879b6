#!/usr/bin/env bash
# The distributed pipeline on Kafka against raw Kafka producer throughput and MariaDB's raw insert capacity, in
# one run (io.scalemanager.bench.KafkaPipelineBench). Builds nothing: build first with
#   mvn -q -B -DskipTests package            (server/target/lib for bin/scalemanager, bench/target/{lib,classes})
# Usage: bench/run-kafka-pipeline.sh [load seconds, default 60] [producer seconds, default 20]
# Environment: BENCH_JAVA_OPTS (bench JVM: generator, probes), CHILD_JAVA_OPTS (each scalemanager process),
# CONCURRENCY (concurrent requests of the generator, default 24: 8 leaves two collectors short of work),
# PROBES (probes per second, default 6), WARMUP (seconds of unmeasured full load first, default 120: the six
# JVMs' JIT compilers were still busy after 90 s here), PACED_CONCURRENCY (requests in flight at 80% load,
# default twice CONCURRENCY).
# Logs of the five processes: bench/target/kafka-pipeline/*.log
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
if [ ! -d "$home/bench/target/classes/io/scalemanager/bench" ] || [ ! -d "$home/bench/target/lib" ] \
    || [ ! -d "$home/server/target/lib" ]; then
  echo "run-kafka-pipeline: not built; run 'mvn -q -B -DskipTests package' in $home first" >&2
  exit 1
fi
# shellcheck disable=SC2086
exec java ${BENCH_JAVA_OPTS:--Xms256m -Xmx1g} -Dscalemanager.home="$home" \
  -DchildJavaOpts="${CHILD_JAVA_OPTS:--Xms256m -Xmx1g -XX:+UseG1GC}" \
  -Dconcurrency="${CONCURRENCY:-24}" -DpacedConcurrency="${PACED_CONCURRENCY:-$((2 * ${CONCURRENCY:-24}))}" \
  -DprobesPerSecond="${PROBES:-6}" -DwarmupSeconds="${WARMUP:-120}" \
  -cp "$home/bench/target/lib/*:$home/bench/target/classes" io.scalemanager.bench.KafkaPipelineBench "$@"
