#!/usr/bin/env bash
# Opens an mnist-fcn HTML report in headless Chromium (no network), fails on any console error or
# failed load, takes a screenshot and fails if it is blank.
# Usage: scripts/check-report.sh models/compare/report.html [screenshot.png]
set -euo pipefail
report=$(realpath "${1:-models/compare/report.html}")
png=$(realpath -m "${2:-${report%.html}.png}")
mkdir -p "$(dirname "$png")"
command -v chromium >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }
profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$profile" --enable-logging=stderr --v=0 \
  --window-size=${WINDOW:-1400,2400} --screenshot="$png" "file://$report" 2>"$log" >/dev/null || true
if grep -E 'CONSOLE|Uncaught|Failed to load resource|net::ERR' "$log"; then
  echo "FAIL: console errors or failed loads while rendering $report"; exit 1
fi
[ -s "$png" ] || { echo "FAIL: no screenshot written"; cat "$log"; exit 1; }
java "$(dirname "$0")/PngCheck.java" "$png"
echo "OK: $report renders without console errors; screenshot $png"
