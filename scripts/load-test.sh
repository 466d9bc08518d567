#!/usr/bin/env bash
# Load test of `serve` with wrk: real PNGs of MNIST test digits POSTed to /api/predict at 32 connections.
#
#   scripts/load-test.sh [MODEL_ZIP]        (default models/two-layer/model.zip)
#
# Two cases: 28x28 MNIST digits as they are, and 280x280 canvas PNGs (black ink on white, as the page sends), each
# rotating through FILES different pictures. Starts `serve` on 127.0.0.1 (a free port), warms it up (5 s wrk runs
# until the rate stops rising: the JIT), then runs `wrk -t2 -c32 --latency` long enough for at least REQUESTS
# requests per case (at most MAX_SECONDS); fails on any socket error, non-2xx answer or too few requests. Prints
# requests/s and p50/p99 latency per case, then stops the server (SIGTERM).
# Environment: REQUESTS (20000), CONNECTIONS (32), THREADS (2, wrk's), FILES (500), MAX_SECONDS (120).
# ENGINE (auto): serve's --engine (auto, dl4j, fused, onnxruntime).
set -euo pipefail
# A model given is resolved before the cd below (a relative path is the caller's); the default is the project's.
model=${1:+$(realpath -m -- "$1")}
cd "$(dirname "$0")/.."
model=${model:-models/two-layer/model.zip}
requests=${REQUESTS:-20000}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
files=${FILES:-500}
max_seconds=${MAX_SECONDS:-120}
engine=${ENGINE:-auto}
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

python3 scripts/digit-pngs.py data/mnist "$work" "$files"
for kind in mnist canvas; do ls "$work/$kind"/*.png > "$work/$kind.txt"; done
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"

mvn -q compile
mvn -q exec:java -Dserve=true -Dmodel="$model" -Dport="$port" -Dtraining.engine="$engine" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "$url/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "serve did not start:"; cat "$work/server.log"; exit 1; }
  sleep 1
done
curl -sf "$url/health" >/dev/null || { echo "serve did not answer /health in 120 s:"; cat "$work/server.log"; exit 1; }
head -1 "$work/server.log"

# One wrk run; sets rps, p50, p99, total, bad from its RESULT line.
run() { # kind seconds
  local out
  out=$(wrk -t"$threads" -c"$connections" -d"$2"s --timeout 10s --latency -s scripts/load-test.lua "$url" -- "$work/$1.txt") || true
  local line
  line=$(grep '^RESULT' <<<"$out") || { echo "$out"; echo "FAIL: no RESULT line from wrk"; exit 1; }
  eval "$(sed -E 's/^RESULT //; s/([a-z0-9_]+)=/local_\1=/g' <<<"$line")"
  total=$local_requests
  bad=$((local_errors + local_non2xx))
  rps=$(awk -v n="$local_requests" -v s="$local_seconds" 'BEGIN { printf "%.0f", n / s }')
  p50=$local_p50_ms
  p99=$local_p99_ms
}

status=0
rows=()
for kind in mnist canvas; do
  previous=0
  for _ in 1 2 3 4 5 6 7 8; do # JIT warm-up: until the rate rises by less than 10%; the last rate sizes the run
    run "$kind" 5
    echo "warm-up $kind: $rps requests/s"
    [ "$rps" -le $((previous * 11 / 10)) ] && break
    previous=$rps
  done
  seconds=$(awk -v r="$requests" -v rate="$rps" -v max="$max_seconds" \
    'BEGIN { s = int(1.25 * r / (rate > 0 ? rate : 1)) + 1; s = s < 10 ? 10 : s; print (s > max ? max : s) }')
  run "$kind" "$seconds"
  echo "$kind: $total requests in $seconds s, $rps requests/s, p50 $p50 ms, p99 $p99 ms, $bad errors"
  label=$([ "$kind" = mnist ] && echo "28x28 MNIST PNG" || echo "280x280 canvas PNG")
  rows+=("$(printf '| %-18s | %9s | %8s | %7s ms | %7s ms | %6s |' "$label" "$total" "$rps" "$p50" "$p99" "$bad")")
  if [ "$bad" -ne 0 ]; then echo "FAIL: $bad errors or non-2xx answers for $label"; status=1; fi
  if [ "$total" -lt "$requests" ]; then echo "FAIL: only $total requests for $label (wanted $requests)"; status=1; fi
done

echo
echo "wrk -t$threads -c$connections, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), model $model, engine $engine"
echo "| case               |  requests | req/s    |     p50    |     p99    | errors |"
echo "|--------------------|-----------|----------|------------|------------|--------|"
printf '%s\n' "${rows[@]}"
exit $status
