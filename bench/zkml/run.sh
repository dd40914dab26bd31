#!/usr/bin/env bash
# Benchmarks the zkml prover on the four models (not in CI):
#   bench/zkml/run.sh [REPS] [basefold|basefold_ud|ligero|hiding|both] [LOG_INV_RATE (0: per kind)]   (build first: cmake --build --preset release --target zkml_bench)
# With `hiding` every model is committed with private weights (hiding Ligero) (docs/zk.md, "Zero knowledge").
# Prints one JSON line per model (medians over REPS proofs, 2 threads) and the
# peak RSS of the whole run from /usr/bin/time -v.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
reps=${1:-5}
mode=${2:-both}
rate=${3:-0}
dir=$(python3 "$root/bench/zkml/make_models.py")
for model in mlp mlp_large lenet5 cnn_s2; do
  /usr/bin/time -v "$root/build/release/bench/zkml_bench" "$dir/$model.onnx" "$reps" 2 "$mode" "$rate" \
    2> "$dir/$model.time" || { grep -h "error" "$dir/$model.time"; continue; }
  grep -h "Maximum resident" "$dir/$model.time" | sed "s/^/  $model: /"
done
