#!/usr/bin/env bash
# Settled TEE inferences/s on a fresh 4-validator devnet (as bench/node/run.sh
# (a)), with the CPU each role spent per settled inference: validators,
# cometbft, node, enclave (bench/node/proc_cpu.py, /proc/<pid>/stat deltas)
# and the load generator (/usr/bin/time). On a shared machine the CPU per
# inference is the number to compare, next to the load average it prints.
#   bench/node/tee_cpu.sh        (build first: vinet node_loadgen)
# Env: BUILD (default build/release), N (6000), THREADS (8).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
VINET=$BUILD/src/cli/vinet
LOADGEN=$BUILD/bench/node_loadgen
N=${N:-6000}
THREADS=${THREADS:-8}
export PATH=/root/go/bin:$PATH
WORK=$(mktemp -d /tmp/vinet-teecpu.XXXXXX)
DIR=$WORK/net
cleanup() { "$VINET" devnet down --devnet "$DIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT
say() { echo "== $*  [load $(cut -d' ' -f1-3 /proc/loadavg)]"; }

python3 "$ROOT/scripts/make_demo_model.py" "$WORK/demo.onnx" >/dev/null
say "devnet up (4 validators, 1 s blocks)"
"$VINET" devnet up --devnet "$DIR" --validators 4 --block-time 1s --model "$WORK/demo.onnx" \
  >/dev/null
sleep 3  # let the node register its enclave
say "settled TEE inferences per second ($N inferences, $THREADS connections)"
python3 "$ROOT/bench/node/proc_cpu.py" snapshot "$DIR" > "$WORK/before.json"
/usr/bin/time -f 'user %U s sys %S s wall %e s' -o "$WORK/loadgen_time" \
  "$LOADGEN" --devnet "$DIR" --mode tee --n "$N" --threads "$THREADS" --json
sleep 2  # the last block's FinalizeBlock on every validator
python3 "$ROOT/bench/node/proc_cpu.py" snapshot "$DIR" > "$WORK/after.json"
python3 "$ROOT/bench/node/proc_cpu.py" diff "$WORK/before.json" "$WORK/after.json" --per "$N"
echo "loadgen cpu: $(cat "$WORK/loadgen_time") for $N"
say done
