#!/usr/bin/env python3
"""Concurrent chat streams through the inference node (real processes).

Against a running devnet whose node serves a GGUF model (`vinet devnet up
--model M.gguf`), runs rounds of N concurrent streamed chats (N = 1, then
each --concurrency) of --tokens completion tokens each (temperature 0,
distinct prompts) and prints, per N: aggregate completion tokens/s over the
round's wall time, per-stream tokens/s (p50), time to first chunk (p50) and
the load average. The ratio aggregate(N) / aggregate(1) says whether the
engine uses more than one stream's worth of the machine: ~1 means streams
only share the CPU (batching sequences could pay), ~N means they scale.

    python3 bench/node/chat_streams.py --devnet DIR [--concurrency 8] [--tokens 48]
"""
import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from chat_helpers import ChatApi, chat_body, sse_events  # noqa: E402
from node_helpers import Key  # noqa: E402

VINET = os.environ.get("VINET_BIN", os.path.join(ROOT, "build", "release", "src", "cli", "vinet"))


def one(api, key, model, tokens, i):
    body = chat_body(model, [{"role": "user", "content": f"Tell me fact number {i} about the sea."}],
                     max_tokens=tokens, temperature=0, stream=True)
    header, _ = api.sign(key, body)
    t0 = time.perf_counter()
    first, n = None, 0
    with api.post(body, header, stream=True, timeout=600) as resp:
        assert resp.status_code == 200, resp.text
        for data in sse_events(resp):
            if data == "[DONE]":
                break
            e = json.loads(data)
            if "running_hash" in e.get("vinet", {}):
                first = first or time.perf_counter() - t0
            if "receipt" in e.get("vinet", {}):
                n = e["vinet"]["receipt"]["completion_tokens"]
    return n, time.perf_counter() - t0, first


def round_of(api, key, model, tokens, n):
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        res = list(pool.map(lambda i: one(api, key, model, tokens, i), range(n)))
    wall = time.perf_counter() - t0
    total = sum(r[0] for r in res)
    return {"streams": n, "tokens": total, "wall_s": round(wall, 2),
            "aggregate_tok_s": round(total / wall, 1),
            "per_stream_tok_s_p50": round(statistics.median(r[0] / r[1] for r in res), 1),
            "first_chunk_s_p50": round(statistics.median(r[2] for r in res), 2),
            "loadavg": os.getloadavg()[0]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--devnet", required=True)
    ap.add_argument("--concurrency", type=int, nargs="+", default=[8])
    ap.add_argument("--tokens", type=int, default=48)
    a = ap.parse_args()
    st = json.loads(subprocess.run([VINET, "devnet", "status", "--devnet", a.devnet, "--json"],
                                   check=True, capture_output=True, text=True).stdout)
    api = ChatApi(st["node"]["url"], st["chain_id"])
    key = Key.from_file(st["dev_key"])
    import requests
    models = requests.get(api.url + "/v1/models", timeout=10).json()["data"]
    model = next(m["id"] for m in models if m["kind"] == "llm")
    one(api, key, model, 4, -1)  # warm-up
    rows = [round_of(api, key, model, a.tokens, n) for n in [1] + a.concurrency]
    for r in rows:
        r["vs_1_stream"] = round(r["aggregate_tok_s"] / rows[0]["aggregate_tok_s"], 2)
        print(json.dumps(r))


if __name__ == "__main__":
    main()
