#!/usr/bin/env bash
# Runs the benchmarks in bench/ (not part of CI).
set -euo pipefail
echo "bench: no benchmarks yet"
