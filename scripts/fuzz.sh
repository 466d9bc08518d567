#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer + libFuzzer) of the four parsers that read strangers' bytes.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s; targets: picture json zip config, all)
#
#   picture  digits/PictureFuzzTest#decodeAndPrepare    uploaded bytes -> DigitImages.read -> MnistRecipe.prepare
#   json     serve/PixelsJsonFuzzTest#pixels            POST body -> PredictRequest.pixels
#   zip      storage/ModelZipFuzzTest#load              file bytes -> ModelFiles.load
#   config   config/ConfigFuzzTest#load                 YAML file (+ overrides) -> ConfigLoader.load
#
# Each target fuzzes in its own `mvn test` (JAZZER_FUZZ=1; Jazzer fuzzes one test per JVM) for SECONDS, and
# continues after a finding (up to KEEP_GOING distinct ones). Everything it writes stays under target/fuzz/TARGET/:
# the corpus (.cifuzz-corpus/, kept between runs, so runs add up), crash-* inputs and the log. A crash input
# becomes a regression test once copied into src/test/resources/dev/mnistfcn/<package>/<Class>Inputs/<method>/
# (every `mvn test` replays that folder). Prints per target: executions, exec/s, coverage, corpus size and
# crashes; exits 1 if any target crashed. The machine's other load lowers exec/s: say so next to any figure.
# Environment: KEEP_GOING (20).
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]  (SECONDS a whole number from 1 to 999999999, default 60; TARGET picture, json, zip, config or all, default all)"
seconds=${1:-60}
# Checked before anything runs: a target name read as the seconds gave libFuzzer no time limit at all.
[[ $seconds =~ ^[0-9]{1,9}$ ]] && [ "$((10#$seconds))" -ge 1 ] \
  || { echo "fuzz.sh: SECONDS '$seconds' is not a whole number of seconds from 1 to 999999999 (put it before the targets)." >&2; echo "$usage" >&2; exit 2; }
seconds=$((10#$seconds))
shift || true
targets=()
for t in "$@"; do
  case $t in
    picture|json|zip|config) targets+=("$t") ;;
    all) targets+=(picture json zip config) ;;
    *) echo "fuzz.sh: unknown target '$t'." >&2; echo "$usage" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(picture json zip config)
keep_going=${KEEP_GOING:-20}

mvn -B -q -o test-compile 2>/dev/null || mvn -B -q test-compile

status=0
summary=()
for target in "${targets[@]}"; do
  instrument='dev.mnistfcn.**'
  max_len=4096
  case $target in
    picture) test='PictureFuzzTest#decodeAndPrepare' ;;
    json) test='PixelsJsonFuzzTest#pixels'; instrument+=',com.fasterxml.jackson.**' ;;
    zip) test='ModelZipFuzzTest#load'; instrument+=',com.fasterxml.jackson.**'; max_len=16384 ;;
    config) test='ConfigFuzzTest#load'; instrument+=',com.fasterxml.jackson.core.**,com.fasterxml.jackson.dataformat.**,org.yaml.snakeyaml.**' ;;
    *) echo "Unknown target '$target': use picture, json, zip or config." >&2; exit 2 ;;
  esac
  dir=target/fuzz/$target
  mkdir -p "$dir"
  log=$dir/fuzz.log
  before=$(find "$dir" -maxdepth 1 -name 'crash-*' | wc -l)
  echo "== $target: $test for $seconds s (log: $log)"
  # jazzer.internal.* are the configuration parameters Jazzer's own command line passes to its JUnit engine:
  # basedir puts the corpus and crash files under target/, arg.N are libFuzzer's flags (the last value wins).
  JAZZER_FUZZ=1 mvn -B -o test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.hooks=true -Djazzer.internal.basedir="$dir" -Djazzer.instrument="$instrument" \
    -Djazzer.keep_going="$keep_going" \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
    -Djazzer.internal.arg.2=-max_len="$max_len" -Djazzer.internal.arg.3=-print_final_stats=1 \
    >"$log" 2>&1 || true
  runs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
  took=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | grep -oE 'in [0-9]+' | grep -oE '[0-9]+' || true)
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$done_line" | grep -oE '[0-9]+' || true)
  corp=$(find "$dir/.cifuzz-corpus" -type f 2>/dev/null | wc -l)
  crashes=$(( $(find "$dir" -maxdepth 1 -name 'crash-*' | wc -l) - before ))
  if [ -z "$runs" ]; then
    echo "   no libFuzzer statistics in $log (did it start?):"; tail -20 "$log"; status=1
    summary+=("$(printf '%-8s %8s %12s %9s %6s %7s %8s' "$target" "$seconds" '?' '?' '?' "$corp" '?')")
    continue
  fi
  rate=$(( runs / (took > 0 ? took : 1) ))
  [ "$crashes" -eq 0 ] || status=1
  summary+=("$(printf '%-8s %8s %12s %9s %6s %7s %8s' "$target" "$took" "$runs" "$rate" "${cov:-?}" "$corp" "$crashes")")
  grep -E 'FuzzTestFinding|^== Java Exception' "$log" | sort | uniq -c | head -10 || true
done
echo
printf '%-8s %8s %12s %9s %6s %7s %8s\n' target seconds executions 'exec/s' cov corpus crashes
printf '%s\n' "${summary[@]}"
[ $status -eq 0 ] || echo "Crash inputs: target/fuzz/<target>/crash-*; see each target's fuzz.log."
exit $status
