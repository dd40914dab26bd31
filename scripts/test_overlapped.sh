#!/usr/bin/env bash
# Runs the fuzz build + smoke (at nice 19, log in build/fuzz-smoke.log) while
# the integration tests run in the foreground; fails if either fails. Expects
# set-up, the release build and the SDK install to be done (make test does).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
fuzz_log=build/fuzz-smoke.log
FUZZ_TIMEOUT=60 setsid nice -n 19 make --no-print-directory fuzz-run >"$fuzz_log" 2>&1 &
fuzz_pid=$!
trap 'kill -- -$fuzz_pid 2>/dev/null' EXIT

make --no-print-directory integration-run
integration_rc=$?

wait "$fuzz_pid"
fuzz_rc=$?
grep -E '^fuzz smoke: ' "$fuzz_log" | tail -n 3
if [ "$fuzz_rc" -ne 0 ]; then
  echo "fuzz build/smoke failed (rc=$fuzz_rc); last lines of $fuzz_log:"
  tail -n 60 "$fuzz_log"
fi
[ "$integration_rc" -eq 0 ] && [ "$fuzz_rc" -eq 0 ]
