#!/usr/bin/env bash
# ABCI round trips per second over loopback.
#  1. bench/abci/abci_bench.cpp (Google Benchmark): our blocking client against
#     the server + KvTestApp, unpipelined Echo and pipelined CheckTx batches.
#  2. abci-cli-style load: the real `abci-cli batch` (Go socket client; one
#     request + Flush per line, waiting for each answer) sending N check_tx
#     lines to abci_kv_server; prints requests per second. For reference, the
#     same load against CometBFT's own Go server + kvstore (`abci-cli kvstore`).
# Usage: bench/abci/run.sh [N_CLI_TXS]   (from the repository root; needs a
# release build: cmake --build --preset release --target abci_bench abci_kv_server)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=build/release
N=${1:-5000}
export PATH="$(go env GOPATH 2>/dev/null || echo /root/go)/bin:$PATH"

"$BUILD/bench/abci_bench" --benchmark_min_time=0.5

command -v abci-cli >/dev/null || { echo "abci-cli not found" >&2; exit 1; }
tmp=$(mktemp -d)
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT
for i in $(seq "$N"); do echo "check_tx \"k$i=v$i\""; done >"$tmp/script"

# drive LABEL ADDRESS: time `abci-cli batch` against the server at ADDRESS.
drive() {
  local start end ok
  start=$(date +%s.%N)
  abci-cli --log_level error --address "$2" batch <"$tmp/script" >"$tmp/out"
  end=$(date +%s.%N)
  ok=$(grep -c -- "-> code: OK" "$tmp/out" || true)
  [[ "$ok" -eq "$N" ]] || { echo "$1: expected $N OK answers, got $ok" >&2; exit 1; }
  awk -v l="$1" -v n="$N" -v s="$start" -v e="$end" \
    'BEGIN { printf "abci-cli batch -> %s: %d check_tx (sync, Flush each) in %.3f s = %.0f req/s\n", l, n, e - s, n / (e - s) }'
}

"$BUILD/tests/unit/abci/abci_kv_server" tcp://127.0.0.1:0 >"$tmp/addr" &
server_pid=$!
for _ in $(seq 50); do [[ -s "$tmp/addr" ]] && break; sleep 0.1; done
drive "vinet server + KvTestApp" "$(head -1 "$tmp/addr")"
stop_server

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
abci-cli --log_level error --address "tcp://127.0.0.1:$port" kvstore >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
drive "CometBFT Go server + kvstore" "tcp://127.0.0.1:$port"
