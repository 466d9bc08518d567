#!/usr/bin/env bash
# Abuse test of `serve` (issue 24): hostile clients while wrk measures good traffic. Loopback only, bounded in time
# (about 3 minutes plus the build).
#
#   scripts/abuse-test.sh [MODEL_ZIP]        (default models/two-layer/model.zip)
#
# Starts `serve` on 127.0.0.1 (a free port), warms it up, then runs each case for SECONDS (the slow-body case for
# 35 s: the body deadline is 30 s) while `wrk -t2 -c16` posts 28x28 MNIST PNGs (scripts/load-test.lua) and a prober
# GETs /health every 50 ms on a new connection. Abusive clients: scripts/abuse-clients.py (Python stdlib, plain
# sockets): 64 slow-header and 64 slow-body connections (a byte a second, from 8 loopback addresses, replaced when cut),
# 200 connections from one address, 16 concurrent 30-megapixel 16-bit PNGs (233 KB, 240 MB decoded), 11 MiB bodies
# sent whole by urllib and announced with Expect: 100-continue, malformed requests, foreign Host headers.
# Prints a table: case, abusive requests, their answers by code, /health p99, good traffic req/s, peak RSS of the
# server (VmHWM, reset before each case through /proc/PID/clear_refs).
# Environment: SECONDS_PER_CASE (15), CONNECTIONS (16, wrk's).
set -euo pipefail
# A model given is resolved before the cd below (a relative path is the caller's); the default is the project's.
model=${1:+$(realpath -m -- "$1")}
cd "$(dirname "$0")/.."
model=${model:-models/two-layer/model.zip}
seconds=${SECONDS_PER_CASE:-15}
connections=${CONNECTIONS:-16}
[ -f "$model" ] || { echo "No model at $model: train it first (mvn -q compile exec:java -Dconfig=two-layer.yaml), or pass a zip."; exit 2; }
[ -f data/mnist/t10k-images-idx3-ubyte ] || { echo "No MNIST test set in data/mnist: any training run downloads it."; exit 2; }
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"; wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 scripts/digit-pngs.py data/mnist "$work" 200
ls "$work"/mnist/*.png > "$work/mnist.txt"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"

mvn -q compile
mvn -q exec:java -Dserve=true -Dmodel="$model" -Dport="$port" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "$url/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "serve did not start:"; cat "$work/server.log"; exit 1; }
  sleep 1
done
curl -sf "$url/health" >/dev/null || { echo "serve did not answer /health in 120 s:"; cat "$work/server.log"; exit 1; }
head -1 "$work/server.log"
# serve relaunches itself in a tuned child JVM: the process that listens is the one to measure
pid=$(ss -Hltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[ -n "$pid" ] || { echo "no process listens on $port"; exit 1; }

good() { # seconds -> req/s of wrk's good traffic (non-2xx answers counted as errors)
  local out line
  out=$(wrk -t2 -c"$connections" -d"$1"s --timeout 10s -s scripts/load-test.lua "$url" -- "$work/mnist.txt") || true
  line=$(grep '^RESULT' <<<"$out") || { echo "0 ?"; return; }
  awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } printf "%.0f %d\n", v["requests"] / v["seconds"], v["errors"] + v["non2xx"] }' <<<"$line"
}

good 20 >/dev/null # warm-up (JIT)
rows=()
for case in quiet slow-headers slow-bodies one-address bombs oversized malformed foreign-host quiet; do
  s=$seconds
  [ "$case" = slow-bodies ] && s=35
  echo 5 > "/proc/$pid/clear_refs" 2>/dev/null || true # resets VmHWM to the current RSS
  python3 scripts/abuse-clients.py "$case" "$port" "$s" > "$work/$case.json" &
  clients=$!
  read -r rps bad < <(good "$s")
  wait "$clients"
  kill -0 "$pid" 2>/dev/null || { echo "FAIL: the server died during $case"; cat "$work/server.log"; exit 1; }
  hwm=$(awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$pid/status")
  row=$(python3 scripts/abuse-clients.py row "$work/$case.json" "$rps" "$bad" "$hwm")
  echo "$row"
  rows+=("$row")
done

echo
echo "scripts/abuse-test.sh: wrk -t2 -c$connections, ${seconds} s per case (slow bodies 35 s), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), model $model"
echo "| case | abusive requests | their answers | /health p99 | good traffic req/s | peak RSS |"
echo "|---|---:|---|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo "server log: $(grep -c ERROR "$work/server.log" || true) ERROR lines"
