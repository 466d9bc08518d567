#!/usr/bin/env bash
# Opens an mnist-fcn HTML report in headless Chromium (no network), fails on any console error or
# failed load, takes a screenshot and fails if it is blank.
# Usage: scripts/check-report.sh models/compare/report.html [screenshot.png]
set -euo pipefail
report=$(realpath "${1:-models/compare/report.html}")
png=$(realpath -m "${2:-${report%.html}.png}")
mkdir -p "$(dirname "$png")"
command -v chromium >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }
[ -f "$report" ] || { echo "FAIL: no report at $report; give the path of a report.html" >&2; exit 2; }
profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT
# A screenshot left from an earlier render must not pass for this one.
rm -f "$png"
rc=0
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$profile" --enable-logging=stderr --v=0 \
  --window-size=${WINDOW:-1400,2400} --screenshot="$png" "file://$report" 2>"$log" >/dev/null || rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: chromium exited with status $rc rendering $report:"; cat "$log"; exit 1; }
if grep -E 'CONSOLE|Uncaught|Failed to load resource|net::ERR' "$log"; then
  echo "FAIL: console errors or failed loads while rendering $report"; exit 1
fi
[ -s "$png" ] || { echo "FAIL: no screenshot written"; cat "$log"; exit 1; }
java "$(dirname "$0")/PngCheck.java" "$png"
echo "OK: $report renders without console errors; screenshot $png"
