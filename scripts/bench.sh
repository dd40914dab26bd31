#!/usr/bin/env bash
# Runs vinet's benchmarks (not part of CI): each component's Google Benchmark
# program, then the peer comparisons. Results go to bench/out/ and stdout.
# Usage: scripts/bench.sh [component...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/release/bench
out=bench/out; mkdir -p "$out"
want() { [ $# -eq 0 ] || [ -z "${COMPONENTS:-}" ] || [[ " $COMPONENTS " == *" $1 "* ]]; }
COMPONENTS="$*"

run() { local name=$1; shift; echo "== $name"; "$@" | tee "$out/$name.txt"; }

want abci    && run abci_bench "$B/abci_bench" --benchmark_min_time=0.5
want chain   && run chain_bench "$B/chain_bench"
want runtime && run runtime_bench "$B/bench_runtime"
want runtime && run runtime_vs_onnxruntime python3 bench/runtime/compare_onnxruntime.py --cpp --profile
want tee     && run tee_bench "$B/bench_tee" --benchmark_repetitions=3
want zk      && run zk_bench build/release/src/cli/vinet zk bench --min-log 16 --max-log 20
want light   && run light_bench "$B/light_bench"
want chain   && run chain_devnet_throughput python3 bench/chain/devnet_throughput.py
echo "bench: results in $out/"
