#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR for a short time from its seed corpus
# (tests/fuzz/corpus/<target>/ if present). Fails on any crash.
set -euo pipefail
build_dir=${1:-build/fuzz}
seconds=${FUZZ_SECONDS:-15}
root="$(cd "$(dirname "$0")/.." && pwd)"
shopt -s nullglob
targets=("$build_dir"/tests/fuzz/fuzz_*)
if [ ${#targets[@]} -eq 0 ]; then echo "fuzz smoke: no targets"; exit 0; fi
passed=0
for t in "${targets[@]}"; do
  name=$(basename "$t"); name=${name#fuzz_}
  work=$(mktemp -d)
  seeds="$root/tests/fuzz/corpus/$name"
  args=("$work")
  [ -d "$seeds" ] && args+=("$seeds")
  echo "fuzz smoke: $name for ${seconds}s"
  if ! "$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=0 \
       -artifact_prefix="$work/" "${args[@]}" >"$work/log" 2>&1; then
    tail -40 "$work/log"; echo "fuzz smoke: $name FAILED (artifacts in $work)"; exit 1
  fi
  rm -rf "$work"
  passed=$((passed+1))
done
echo "fuzz smoke: $passed targets, no crash"
