#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR for a short time (FUZZ_SECONDS, default
# 6) from its seed corpus (tests/fuzz/corpus/<target>/ if present), two at a
# time on the machine's two cores. Fails if any target crashes.
set -euo pipefail
build_dir=${1:-build/fuzz}
export FUZZ_SECONDS=${FUZZ_SECONDS:-6}
# Seconds one input may take before it counts as a hang (raised when the smoke
# runs at low priority beside other work).
export FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
export FUZZ_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
jobs=${FUZZ_JOBS:-2}
shopt -s nullglob
targets=("$build_dir"/tests/fuzz/fuzz_*)
if [ ${#targets[@]} -eq 0 ]; then echo "fuzz smoke: no targets"; exit 0; fi

run_one() {
  local t=$1 name work seeds
  name=$(basename "$t"); name=${name#fuzz_}
  work=$(mktemp -d)
  seeds="$FUZZ_ROOT/tests/fuzz/corpus/$name"
  local args=("$work")
  [ -d "$seeds" ] && args+=("$seeds")
  if "$t" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout="$FUZZ_TIMEOUT" -print_final_stats=0 \
       -artifact_prefix="$work/" "${args[@]}" >"$work/log" 2>&1; then
    echo "fuzz smoke: $name ok (${FUZZ_SECONDS}s)"
    rm -rf "$work"
  else
    tail -40 "$work/log"
    echo "fuzz smoke: $name FAILED (artifacts in $work)"
    return 1
  fi
}
export -f run_one
if printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {}; then
  echo "fuzz smoke: ${#targets[@]} targets, no crash"
else
  echo "fuzz smoke: a target crashed"; exit 1
fi
