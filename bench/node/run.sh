#!/usr/bin/env bash
# The inference network's benchmarks (issue 7), on a fresh 4-validator devnet
# with 1 s blocks, an inference node and the enclave emulator, all on this
# machine. Prints one JSON line per measurement and the load average; the
# numbers and how to read them are in docs/benchmarks.md.
#
#   bench/node/run.sh            (build first: vinet node_loadgen chain_claims_bench
#                                 node_ledger_bench and the Python native module)
# Env: BUILD (default build/release), N_TPUT (default 6000), THREADS (8), PERF=1
# to record a perf profile of the whole machine during the throughput run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
VINET=$BUILD/src/cli/vinet
LOADGEN=$BUILD/bench/node_loadgen
N_TPUT=${N_TPUT:-6000}
THREADS=${THREADS:-8}
export PATH=/root/go/bin:$PATH
WORK=$(mktemp -d /tmp/vinet-bench.XXXXXX)
DIR=$WORK/net
cleanup() { "$VINET" devnet down --devnet "$DIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

say() { echo "== $*  [load $(cut -d' ' -f1-3 /proc/loadavg)]"; }

python3 "$ROOT/scripts/make_demo_model.py" "$WORK/demo.onnx" >/dev/null
say "devnet up (4 validators, 1 s blocks)"
"$VINET" devnet up --devnet "$DIR" --validators 4 --block-time 1s --model "$WORK/demo.onnx" \
  >/dev/null
sleep 3  # let the node register its enclave

say "(c) node answer latency over raw model time (sequential, VANILLA, runtime baseline)"
"$LOADGEN" --devnet "$DIR" --mode vanilla --n 300 --threads 1 --runtime-baseline 300 --json
say "(c) the same in TEE mode (model runs in the enclave emulator)"
"$LOADGEN" --devnet "$DIR" --mode tee --n 300 --threads 1 --runtime-baseline 300 --json

say "(b) trust gap per mode: 50 inferences/s for 12 s (spread over ~10 blocks)"
"$LOADGEN" --devnet "$DIR" --mode vanilla --n 600 --threads 4 --rate 50 --json
"$LOADGEN" --devnet "$DIR" --mode tee --n 600 --threads 4 --rate 50 --json

say "(a) settled TEE inferences per second ($N_TPUT inferences, $THREADS connections)"
if [[ "${PERF:-0}" == 1 ]]; then
  perf record -a -g -o "$WORK/perf.data" -- \
    "$LOADGEN" --devnet "$DIR" --mode tee --n "$N_TPUT" --threads "$THREADS" --json
  perf report -i "$WORK/perf.data" --no-children --sort comm,dso --stdio 2>/dev/null | head -40
else
  /usr/bin/time -f "loadgen cpu: user %U s sys %S s wall %e s" \
    "$LOADGEN" --devnet "$DIR" --mode tee --n "$N_TPUT" --threads "$THREADS" --json
fi
say "after the throughput run"
"$VINET" devnet down --devnet "$DIR" >/dev/null

say "one validator's claim capacity (FinalizeBlock work, one tx of 1000 TEE claims)"
"$BUILD/bench/chain_claims_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

say "claim ledger: group commit vs one synced put per claim (8 and 32 answering threads)"
"$BUILD/bench/node_ledger_bench" --threads 8 --claims 2000 --dir "$WORK/ledger" --json
"$BUILD/bench/node_ledger_bench" --threads 32 --claims 2000 --dir "$WORK/ledger" --json

say "(d) SDK local verification, attestation cached"
VINET_BIN=$VINET PYTHONPATH=$ROOT/python python3 "$ROOT/bench/sdk/verify_bench.py" --n 2000
say done
