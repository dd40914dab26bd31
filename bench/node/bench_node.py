#!/usr/bin/env python3
"""Inference node benchmark on a running devnet (`vinet devnet up --model ...`).

Measures, per mode (VANILLA, TEE):
  * the node's answer time over raw model time: p50 of the node's
    vinet_node_overhead_seconds histogram (answer − model run, from /metrics)
    and the client-observed HTTP round trip p50;
  * settled inferences per second: N requests from C client threads, time
    from the first request until the node reports every claim final;
  * trust gap p50/p99: client receipt time → the node's final status seen by
    polling GET /v1/inferences/<id> every 50 ms.
Usage: bench_node.py --devnet DIR [--n 2000] [--threads 8]
"""
import argparse
import concurrent.futures
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../tests/integration"))
from node_helpers import Key, NodeApi, f32  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else float("nan")


def overhead_p50(metrics, mode):
    """p50 upper bound (s) of vinet_node_overhead_seconds{mode}."""
    buckets = []
    for line in metrics.splitlines():
        if line.startswith(f'vinet_node_overhead_seconds_bucket{{mode="{mode}",le="'):
            le = line.split('le="')[1].split('"')[0]
            buckets.append((float("inf") if le == "+Inf" else float(le), int(line.split()[-1])))
    total = buckets[-1][1] if buckets else 0
    for le, n in buckets:
        if total and n >= total / 2:
            return le
    return float("nan")


def run_mode(api, key, model_id, mode, n, threads):
    received = {}
    rtts = []

    def one(i):
        t0 = time.time()
        code, body, iid = api.infer(key, model_id, f32("x", [1, 16], [float(i % 13)] * 16),
                                    mode=mode)
        t1 = time.time()
        if code != 200:
            raise RuntimeError(body)
        return iid, t1, t1 - t0

    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for iid, t1, rtt in pool.map(one, range(n)):
            received[iid] = t1
            rtts.append(rtt)
    gaps = {}
    while len(gaps) < n and time.time() - start < 300:
        for iid in [i for i in received if i not in gaps]:
            code, rec = api.get(f"/v1/inferences/{iid}")
            if code == 200 and rec["status"] not in ("ACCEPTED", "SUBMITTED"):
                gaps[iid] = time.time() - received[iid]
        time.sleep(0.05)
    elapsed = time.time() - start
    return {"n": n, "settled": len(gaps), "settled_per_s": len(gaps) / elapsed,
            "rtt_p50_ms": pct(rtts, 50) * 1e3,
            "trust_gap_p50_s": pct(list(gaps.values()), 50),
            "trust_gap_p99_s": pct(list(gaps.values()), 99)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--devnet", default=".vinet/devnet")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=8)
    a = ap.parse_args()
    st = json.load(open(os.path.join(a.devnet, "devnet.json")))
    api = NodeApi(st["node"]["url"], st["chain_id"])
    key = Key.from_file(st["dev_key"])
    model_id = st["models"][0]
    out = {}
    for mode, name in ((0, "vanilla"), (1, "tee")):
        out[name] = run_mode(api, key, model_id, mode, a.n, a.threads)
    metrics = api.get("/metrics")[1]
    for name in out:
        out[name]["node_overhead_p50_le_ms"] = overhead_p50(metrics, name) * 1e3
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
