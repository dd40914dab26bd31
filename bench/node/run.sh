#!/usr/bin/env bash
# The inference network's benchmarks (issue 7), on a fresh 4-validator devnet
# with 1 s blocks, an inference node and the enclave emulator, all on this
# machine. Prints one JSON line per measurement and the load average; the
# numbers and how to read them are in docs/benchmarks.md.
#
#   bench/node/run.sh            (build first: vinet node_loadgen chain_claims_bench
#                                 node_ledger_bench and the Python native module)
#   bench/node/run.sh --throughput   only (a): settled TEE/s and CPU per role
# Env: BUILD (default build/release), N_TPUT (default 40000: at ~2,000/s a run spans ~20
# blocks; with 20,000 the last block's settlement latency, ~1.5 s, is ~15 % of the
# window and the steady rate reads 5-10 % low), THREADS (16 client connections), DEVNET_FLAGS
# (extra `vinet devnet up` flags, e.g. "--gossip-interval 100ms" for an A/B), PERF=1
# to record a perf profile of the whole machine during the throughput run.
#
#   bench/node/run.sh --netns    (root; ip, nft, toxiproxy: scripts/setup.sh)
# The same inference benchmarks on a network spread over Linux network
# namespaces (tests/integration/netns.py): every validator-to-validator link
# has 50 ms (± 10 ms) latency each way, the load generator runs in its own
# namespace; reports the trust gap p50/p99 (paced, 50/s) and settled TEE/s.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
VINET=$BUILD/src/cli/vinet
LOADGEN=$BUILD/bench/node_loadgen
N_TPUT=${N_TPUT:-40000}
THREADS=${THREADS:-16}
export PATH=/root/go/bin:$PATH
WORK=$(mktemp -d /tmp/vinet-bench.XXXXXX)
DIR=$WORK/net
cleanup() { "$VINET" devnet down --devnet "$DIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

say() { echo "== $*  [load $(cut -d' ' -f1-3 /proc/loadavg)]"; }

if [[ "${1:-}" == "--netns" ]]; then
  NS=$WORK/ns
  export VINET_BIN=$VINET
  trap 'python3 "$ROOT/tests/integration/netns.py" down --dir "$NS" >/dev/null 2>&1 || true' EXIT
  say "namespaced network up (4 validators, 50 ms links, node, enclave, client)"
  python3 "$ROOT/tests/integration/netns.py" up --dir "$NS" --latency-ms 50 >/dev/null
  # The load generator reads a devnet.json: write one naming the namespaced
  # node, validator 0's RPC and the funded dev key.
  mkdir -p "$WORK/nsdev"
  CLIENT_NS=$(python3 - "$NS" "$WORK/nsdev/devnet.json" <<'PY'
import json, sys
st = json.load(open(sys.argv[1] + "/netns.json"))
manifest = json.load(open(st["manifest"]))
json.dump({"node": {"url": st["node"]}, "validators": [{"rpc": r} for r in st["rpc"]],
           "dev_key": manifest["dev_key"], "dir": st["dir"]}, open(sys.argv[2], "w"))
print(st["roles"]["client"]["ns"])
PY
)
  say "trust gap across namespaces, TEE, 50 inferences/s for 12 s"
  ip netns exec "$CLIENT_NS" "$LOADGEN" --devnet "$WORK/nsdev" --mode tee --n 600 --threads 4 \
    --rate 50 --json
  say "settled TEE inferences per second across namespaces ($N_TPUT inferences, $THREADS connections)"
  ip netns exec "$CLIENT_NS" "$LOADGEN" --devnet "$WORK/nsdev" --mode tee --n "$N_TPUT" \
    --threads "$THREADS" --json
  say done
  exit 0
fi

python3 "$ROOT/scripts/make_demo_model.py" "$WORK/demo.onnx" >/dev/null
say "devnet up (4 validators, 1 s blocks)"
"$VINET" devnet up --devnet "$DIR" --validators 4 --block-time 1s --model "$WORK/demo.onnx" ${DEVNET_FLAGS:-} \
  >/dev/null
sleep 3  # let the node register its enclave

# (a): settled TEE inferences/s, and the CPU each role spent per settled
# inference (validators, cometbft, node, enclave: bench/node/proc_cpu.py,
# /proc/<pid>/stat deltas; the load generator: /usr/bin/time). On a shared
# machine the CPU per inference is the number to compare.
throughput() {
  say "(a) settled TEE inferences per second ($N_TPUT inferences, $THREADS connections)"
  python3 "$ROOT/bench/node/proc_cpu.py" snapshot "$DIR" > "$WORK/cpu_before.json"
  local from
  from=$(python3 "$ROOT/bench/node/claim_bytes.py" height "$DIR")
  if [[ "${PERF:-0}" == 1 ]]; then
    perf record -a -g -o "$WORK/perf.data" -- \
      "$LOADGEN" --devnet "$DIR" --mode tee --n "$N_TPUT" --threads "$THREADS" --json
    perf report -i "$WORK/perf.data" --no-children --sort comm,dso --stdio 2>/dev/null | head -40
  else
    /usr/bin/time -f "loadgen cpu: user %U s sys %S s wall %e s" \
      "$LOADGEN" --devnet "$DIR" --mode tee --n "$N_TPUT" --threads "$THREADS" --json
  fi
  sleep 2  # the last block's FinalizeBlock on every validator
  python3 "$ROOT/bench/node/proc_cpu.py" snapshot "$DIR" > "$WORK/cpu_after.json"
  python3 "$ROOT/bench/node/proc_cpu.py" diff "$WORK/cpu_before.json" "$WORK/cpu_after.json" \
    --per "$N_TPUT"
  # Tx bytes per settled claim, read back from the blocks (compact claims: docs/chain.md).
  python3 "$ROOT/bench/node/claim_bytes.py" measure "$DIR" "$from"
}

if [[ "${1:-}" == "--throughput" ]]; then
  throughput
  say done
  exit 0
fi

say "(c) node answer latency over raw model time (sequential, VANILLA, runtime baseline)"
"$LOADGEN" --devnet "$DIR" --mode vanilla --n 300 --threads 1 --runtime-baseline 300 --json
say "(c) the same in TEE mode (model runs in the enclave emulator)"
"$LOADGEN" --devnet "$DIR" --mode tee --n 300 --threads 1 --runtime-baseline 300 --json

say "(b) trust gap per mode: 50 inferences/s for 12 s (spread over ~10 blocks)"
"$LOADGEN" --devnet "$DIR" --mode vanilla --n 600 --threads 4 --rate 50 --json
"$LOADGEN" --devnet "$DIR" --mode tee --n 600 --threads 4 --rate 50 --json

throughput
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
