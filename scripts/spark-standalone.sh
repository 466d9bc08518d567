#!/usr/bin/env bash
# A sweep on a real Spark standalone cluster on this machine: a Master and a Worker on 127.0.0.1, the sweep's runs
# in executor JVMs that the Worker starts (not in the driver), every socket on loopback. Master and Worker are
# stopped on exit, failure or Ctrl+C included.
#
#   scripts/spark-standalone.sh SWEEP.yaml [--name NAME]
#   e.g. scripts/spark-standalone.sh config/sweeps/spark-four.yaml
#
# Environment: MNIST_FCN_SPARK_SECRET (the cluster's shared secret: Spark's authentication is on for every JVM; unset,
# one is made for this cluster's lifetime), SPARK_CORES (Worker cores, default 2), SPARK_MEMORY (Worker memory, default 4g), MASTER_PORT (7077),
# MASTER_UI_PORT (8080), WORKER_UI_PORT (8081), KEEP_WORK=1 keeps the work folder (logs of Master, Worker and
# executors). Spark comes from the Maven profile (no Spark download or install): the daemons run from the profile's
# classpath, with an empty SPARK_HOME whose jars/ the Worker's executor command expects.
set -euo pipefail
given=${1:?usage: scripts/spark-standalone.sh SWEEP.yaml [--name NAME]}
shift
# Resolved before the cd below: a relative path is the caller's, not the project root's.
sweep=$(realpath -m -- "$given")
cd "$(dirname "$0")/.."
[ -f "$sweep" ] || { echo "spark-standalone: sweep file '$given' ($sweep) not found; give a path such as config/sweeps/spark-four.yaml." >&2; exit 2; }
# exec.args is one string that the exec plugin splits on spaces, honouring '…' and "…" (no backslash escapes): each
# argument goes in single quotes, a ' inside as '"'"', so spaces and quotes arrive as given (an empty one is dropped).
exec_quote() { local a out=""; for a in "$@"; do out+=" '${a//\'/\'\"\'\"\'}'"; done; printf '%s' "${out# }"; }
cores=${SPARK_CORES:-2} memory=${SPARK_MEMORY:-4g}
port=${MASTER_PORT:-7077} master_ui=${MASTER_UI_PORT:-8080} worker_ui=${WORKER_UI_PORT:-8081}
master_url=spark://127.0.0.1:$port

for p in "$port" "$master_ui" "$worker_ui"; do
    if ss -ltnH "sport = :$p" | grep -q .; then
        echo "spark-standalone: port $p on this machine is taken; choose others with MASTER_PORT, MASTER_UI_PORT, WORKER_UI_PORT." >&2
        exit 2
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mnist-fcn-spark.XXXXXX")
pids=()
sampler=
stop() {
    rc=$?
    [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
    # The sweep first (if still running), then the Worker (it stops its executors), then the Master: by the
    # process ids started here, nothing else.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.2; done
        kill -9 "${pids[i]}" 2>/dev/null || true
    done
    if [ "${KEEP_WORK:-0}" = 1 ] || [ "$rc" != 0 ]; then echo "spark-standalone: logs kept in $work"; else rm -rf "$work"; fi
    exit "$rc"
}
trap stop EXIT
trap 'exit 130' INT TERM

# Loopback only: SPARK_LOCAL_IP is what every Spark process (Master, Worker, executors, the driver) binds and
# advertises, web UIs included; the engine also sets the driver's address for a loopback master.
export SPARK_LOCAL_IP=127.0.0.1 SPARK_HOME=$work/home SPARK_SCALA_VERSION=2.12
mkdir -p "$SPARK_HOME/jars" "$work/worker"

echo "spark-standalone: building (mvn -Pspark) and resolving the profile's classpath"
mvn -q -o -Pspark compile dependency:build-classpath -Dmdep.outputFile="$work/classpath"
classpath=$PWD/target/classes:$(cat "$work/classpath")
# The same --add-opens as the tests (one list, in pom.xml).
read -r -a opens <<< "$(sed -n 's:.*<spark.opens>\(.*\)</spark.opens>.*:\1:p' pom.xml)"
cat > "$work/logback.xml" <<'EOF'
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <logger name="org.apache.spark.deploy" level="INFO"/>
  <root level="WARN"><appender-ref ref="OUT"/></root>
</configuration>
EOF
# Spark's authentication on every JVM of the cluster, with one secret: the Master and Worker read it from Spark's
# own _SPARK_AUTH_SECRET (the Worker hands it to its executors so), the sweep's driver from MNIST_FCN_SPARK_SECRET;
# never on a command line, where ps shows it.
secret=${MNIST_FCN_SPARK_SECRET:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}
export MNIST_FCN_SPARK_SECRET=$secret
daemon() {
    _SPARK_AUTH_SECRET=$secret exec java -Xmx512m "${opens[@]}" -Dspark.authenticate=true \
        -Dlogback.configurationFile="$work/logback.xml" -cp "$classpath" "$@"
}

daemon org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$master_ui" \
    > "$work/master.log" 2>&1 &
pids+=($!)
daemon org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" --memory "$memory" \
    --webui-port "$worker_ui" --work-dir "$work/worker" "$master_url" > "$work/worker.log" 2>&1 &
pids+=($!)

# Ready when the Master's status page lists the Worker alive.
for i in $(seq 120); do
    if curl -sf "http://127.0.0.1:$master_ui/json/" 2>/dev/null | grep -q '"aliveworkers" *: *1'; then break; fi
    for p in "${pids[@]}"; do
        kill -0 "$p" 2>/dev/null || { echo "spark-standalone: a daemon stopped; its log:" >&2; tail -20 "$work"/*.log >&2; exit 1; }
    done
    [ "$i" = 120 ] && { echo "spark-standalone: no Worker registered within 60 s" >&2; exit 1; }
    sleep 0.5
done
echo "spark-standalone: Master $master_url (UI http://127.0.0.1:$master_ui), Worker $cores cores $memory, work in $work"

# Each second: every listening socket of this script's processes (Master, Worker, executors, the driver), and the
# CPU time of its JVMs (which shows where the training ran).
descendants() {
    ps -e -o pid=,ppid= | awk -v root=$$ '{ parent[$1] = $2 } END {
        for (p in parent) { q = p; while ((q in parent) && q != root && q > 1) q = parent[q]; if (q == root) print p } }'
}
( while :; do
    ours=$(descendants | paste -sd '|')
    ss -ltnpH | grep -E "pid=($ours)," >> "$work/listeners"
    ps -o pid=,times=,comm=,args= -p "${ours//|/,}" | awk '$3 == "java"' >> "$work/cpu"
    sleep 1
  done ) 2>/dev/null &
sampler=$!

start=$(date +%s.%N)
# In the background and waited for, so that a TERM to this script stops it at once (bash runs traps between commands).
mvn -q -o -Pspark exec:java -Dexec.args="$(exec_quote sweep "$sweep" --engine spark --master "$master_url" "$@")" &
pids+=($!)
rc=0
wait "${pids[-1]}" || rc=$?
unset 'pids[-1]'
echo "spark-standalone: sweep exit code $rc, wall $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f') s"

kill "$sampler" 2>/dev/null || true
sampler=
echo "spark-standalone: listening sockets seen during the sweep (address:port process):"
awk '{ match($0, /users:\(\("[^"]*",pid=[0-9]+/); print "   ", $4, substr($0, RSTART + 9, RLENGTH - 9) }' "$work/listeners" \
    | sed 's/",pid=/ pid /' | sort -u
echo "spark-standalone: CPU seconds of each JVM (the training shows where it ran):"
awk '{ if (/CoarseGrainedExecutorBackend/) role = "executor"; else if (/deploy[.]worker[.]Worker/) role = "Worker"
       else if (/deploy[.]master[.]Master/) role = "Master"; else if (/cli[.]Main/) role = /add-opens/ ? "driver (sweep)" : "CLI (starts it)"
       else role = "maven (exec:java)"
       if (!($1 in name)) name[$1] = role   # its first sample: later ones may find it exiting, args gone
       if ($2 > cpu[$1]) cpu[$1] = $2 }
     END { for (p in cpu) printf "    %-18s pid %-7s %6d s\n", name[p], p, cpu[p] }' \
    "$work/cpu" | sort
executors=$(find "$work/worker" -mindepth 2 -maxdepth 2 -path '*/app-*/*' | wc -l)
echo "spark-standalone: $executors executor(s) ran (their logs: $work/worker/app-*/*/stderr)"
if awk '$4 !~ /^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]):[0-9]+$/ { bad = 1 } END { exit !bad }' "$work/listeners"; then
    echo "spark-standalone: FAILED: a socket listened beyond 127.0.0.1 (above)" >&2
    exit 1
fi
exit "$rc"
