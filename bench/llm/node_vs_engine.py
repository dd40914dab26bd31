#!/usr/bin/env python3
"""LLM chat through the node vs the engine alone, same run, same machine.

Starts a 4-validator devnet with 1 s blocks serving the GGUF (`vinet devnet
up --model FILE.gguf`), or uses a running one (--devnet DIR --no-start), and
measures:
  - time to first token (TTFT) and decode tokens/s of one streamed chat
    through the node (Python SDK, chunks verified as they arrive; VANILLA and
    TEE), against the engine alone in this process (vinet._native.llm, same
    prompt, sampling and seed, 1 thread like the node's runner);
  - aggregate completion tokens/s of 8 concurrent streams vs 1;
  - the LLM trust gap (receipt received → SETTLED seen) p50/p99 over all
    chats of the run.
Prints one JSON object. Ratios are node / engine (TTFT) and node / engine
(tokens/s).

    VINET_BIN=build/release/src/cli/vinet PYTHONPATH=python \\
        python3 bench/llm/node_vs_engine.py --model SmolLM2.gguf --n 6
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

import vinet  # noqa: E402
from vinet._native_loader import llm  # noqa: E402
from vinet.devnet import devnet_status, devnet_urls  # noqa: E402

PROMPT = [{"role": "user", "content": "Write a short poem about the sea."}]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else None


def trust_gap(client, result):
    """Seconds from receiving the receipt to seeing SETTLED."""
    s = client.wait_settled(result.inference_id, timeout=90)
    assert s.settled, s
    return (s.observed_ms - result.timings.received_ms) / 1000


def engine_run(model, max_tokens, seed):
    t0 = time.perf_counter()
    first = []

    def on_token(index, token, text):
        if not first:
            first.append(time.perf_counter())
        return True
    g = model.generate(messages=PROMPT, max_tokens=max_tokens, temperature=0.7, seed=seed,
                       threads=1, on_token=on_token)
    end = time.perf_counter()
    n = g["completion_tokens"]
    return {"ttft_s": first[0] - t0, "tokens": n,
            "tokens_per_s": (n - 1) / (end - first[0]) if n > 1 else None}


def node_run(client, model_id, mode, max_tokens, seed):
    stream = client.chat(model_id, PROMPT, stream=True, mode=mode, max_tokens=max_tokens,
                         temperature=0.7, seed=seed)
    for _ in stream:
        pass
    r = stream.result
    return r, {"ttft_s": r.timings.time_to_first_token, "tokens": r.usage["completion_tokens"],
               "tokens_per_s": r.tokens_per_second}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--devnet", default=None)
    p.add_argument("--no-start", action="store_true")
    p.add_argument("--n", type=int, default=5, help="sequential chats per mode")
    p.add_argument("--max-tokens", type=int, default=48)
    p.add_argument("--streams", type=int, default=8)
    args = p.parse_args()
    vinet_bin = os.environ.get("VINET_BIN", os.path.join(ROOT, "build/release/src/cli/vinet"))
    d = args.devnet or tempfile.mkdtemp(prefix="vinet-bench-chat-")
    started = False
    if not args.no_start:
        subprocess.run([vinet_bin, "devnet", "up", "--devnet", d, "--validators", "4",
                        "--block-time", "1s", "--timeout", "120", "--model", args.model],
                       check=True, stdout=subprocess.DEVNULL)
        started = True
    try:
        urls = devnet_urls(devnet_status(d, vinet_bin))
        model = llm.Model(args.model)
        engine = [engine_run(model, args.max_tokens, 100 + i) for i in range(args.n)]
        out = {"model": os.path.basename(args.model), "max_tokens": args.max_tokens,
               "engine": {"ttft_ms_p50": 1000 * statistics.median(e["ttft_s"] for e in engine),
                          "tokens_per_s_p50": statistics.median(e["tokens_per_s"] for e in engine
                                                                if e["tokens_per_s"])}}
        gaps = []
        with vinet.Client(urls["node_url"], urls["chain_url"], urls["dev_key"],
                          roots=vinet.devnet_roots(d)) as c:
            model_id = next(m.model_id for m in c.models() if m.kind == "llm")
            for mode in ("vanilla", "tee"):
                runs = []
                for i in range(args.n):
                    r, m = node_run(c, model_id, mode, args.max_tokens, 100 + i)
                    runs.append(m)
                    gaps.append(trust_gap(c, r))
                ttft = 1000 * statistics.median(x["ttft_s"] for x in runs)
                tps = statistics.median(x["tokens_per_s"] for x in runs if x["tokens_per_s"])
                out[mode] = {"ttft_ms_p50": ttft, "tokens_per_s_p50": tps,
                             "ttft_ratio_vs_engine": ttft / out["engine"]["ttft_ms_p50"],
                             "tokens_per_s_ratio_vs_engine": tps / out["engine"]["tokens_per_s_p50"]}
            # concurrency: aggregate completion tokens/s, 1 stream vs N
            for k in (1, args.streams):
                results = []

                def one(i):
                    with vinet.Client(urls["node_url"], urls["chain_url"], urls["dev_key"],
                                      roots=vinet.devnet_roots(d)) as ci:
                        r = node_run(ci, model_id, "vanilla", args.max_tokens, 500 + i)[0]
                        done_at.append(time.perf_counter())
                        results.append(r)
                        gaps.append(trust_gap(ci, r))
                t0 = time.perf_counter()
                done_at = []
                threads = [threading.Thread(target=one, args=(i,)) for i in range(k)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                wall = max(done_at) - t0  # last answer complete (settlement waits excluded)
                total = sum(r.usage["completion_tokens"] for r in results)
                out[f"streams_{k}"] = {"wall_s": wall, "tokens": total,
                                       "aggregate_tokens_per_s": total / wall,
                                       "ttft_ms_p50": 1000 * statistics.median(
                                           r.timings.time_to_first_token for r in results)}
        out[f"streams_{args.streams}_vs_1"] = (out[f"streams_{args.streams}"]["aggregate_tokens_per_s"]
                                               / out["streams_1"]["aggregate_tokens_per_s"])
        out["trust_gap_s"] = {"n": len(gaps), "p50": pct(gaps, 50), "p99": pct(gaps, 99),
                              "block_time": "1s"}
        print(json.dumps(out, indent=2))
    finally:
        if started:
            subprocess.run([vinet_bin, "devnet", "down", "--devnet", d], check=False,
                           stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
