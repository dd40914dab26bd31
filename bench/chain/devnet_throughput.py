#!/usr/bin/env python3
"""Signed transfers per second accepted and committed on a local devnet.

Starts a fresh 4-validator devnet (--keep leaves it running), funds S sender
accounts, pre-signs N transfers per sender with the CLI (`vinet tx transfer
--dry-run`), then sends them all with broadcast_tx_sync
(or _async) from one thread per sender (sender k talks to validator k % V).

  accepted/s  = txs with CheckTx code 0 / wall time to send them all
  committed/s = txs committed in blocks / (time of last block with our txs −
                time of the block before the first one), from block headers

Usage: bench/chain/devnet_throughput.py [--senders 8] [--per-sender 500]
         [--block-time 1s] [--mode sync|async] [--keep]
Reference: CometBFT's QA (v0.38, 200 nodes, 1 KB txs) saturates near 400 tx/s.
"""
import argparse
import base64
import datetime
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VINET = os.environ.get("VINET_BIN", os.path.join(ROOT, "build/release/src/cli/vinet"))


def vinet(*args):
    return subprocess.run([VINET, *map(str, args)], check=True, capture_output=True,
                          text=True).stdout


def rpc(url, method, session=requests, **params):
    r = session.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params},
                     timeout=30).json()
    if "error" in r:
        raise RuntimeError(f"{method}: {r['error']}")
    return r["result"]


def height(url):
    return int(rpc(url, "status")["sync_info"]["latest_block_height"])


def parse_time(ts):
    # RFC 3339 with nanoseconds: keep microseconds.
    base, frac = ts.rstrip("Z").split(".") if "." in ts else (ts.rstrip("Z"), "0")
    return datetime.datetime.fromisoformat(base).timestamp() + float("0." + frac)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--senders", type=int, default=8)
    ap.add_argument("--per-sender", type=int, default=500)
    ap.add_argument("--validators", type=int, default=4)
    ap.add_argument("--block-time", default="1s")
    ap.add_argument("--mode", choices=["sync", "async"], default="sync")
    ap.add_argument("--keep", action="store_true", help="leave the devnet running")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="vinet_bench_")
    net = os.path.join(work, "net")
    vinet("devnet", "up", "--devnet", net, "--validators", args.validators, "--block-time",
          args.block_time)
    try:
        run(args, work, net)
    finally:
        if not args.keep:
            vinet("devnet", "down", "--devnet", net)


def run(args, work, net):
    st = json.loads(vinet("devnet", "status", "--devnet", net, "--json"))
    urls = [v["rpc"] for v in st["validators"]]
    chain_id, dev_key = st["chain_id"], st["dev_key"]

    # Fund the senders (explicit nonces, then wait for the last one).
    senders = []
    dev_nonce = json.loads(vinet("query", "account", st["dev_address"], "--chain", urls[0],
                                 "--json"))["nonce"]
    for k in range(args.senders):
        key = os.path.join(work, f"sender{k}.key")
        addr = json.loads(vinet("keys", "new", "--out", key, "--json"))["address"]
        senders.append((key, addr))
        tx = vinet("tx", "transfer", "--key", dev_key, "--to", addr, "--amount", 10**9, "--nonce",
                   dev_nonce + k, "--chain-id", chain_id, "--dry-run").strip()
        assert rpc(urls[0], "broadcast_tx_sync", tx=tx)["code"] == 0
    deadline = time.time() + 60
    while time.time() < deadline:
        bal = json.loads(vinet("query", "account", senders[-1][1], "--chain", urls[0], "--json"))
        if bal["balance"] > 0:
            break
        time.sleep(0.3)

    # Pre-sign everything before timing.
    recipient = senders[0][1]
    t0 = time.time()
    batches = []
    for key, _ in senders:
        lines = vinet("tx", "transfer", "--key", key, "--to", recipient, "--amount", 1, "--nonce",
                      0, "--chain-id", chain_id, "--dry-run", "--count", args.per_sender).split()
        batches.append(lines)
    sign_s = time.time() - t0
    total = sum(len(b) for b in batches)
    tx_bytes = len(base64.b64decode(batches[0][0]))

    start_height = height(urls[0])
    accepted = [0] * len(batches)  # per sender: each thread writes only its own slot
    rejected = [0] * len(batches)
    method = "broadcast_tx_" + args.mode

    def send(k):
        # One thread per sender keeps its nonces in order; sender k uses validator k % V.
        vi = k % len(urls)
        s = requests.Session()
        for tx in batches[k]:
            try:
                r = rpc(urls[vi], method, session=s, tx=tx)
            except RuntimeError:  # e.g. "mempool is full"
                r = {"code": -1}
            if r.get("code", 0) == 0:
                accepted[k] += 1
            else:
                rejected[k] += 1

    threads = [threading.Thread(target=send, args=(k,)) for k in range(len(batches))]
    t_send = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    send_s = time.time() - t_send

    # Wait until every accepted tx is committed (or nothing moves for 20 s).
    committed, first_h, last_h = 0, None, start_height
    h = start_height + 1
    idle_deadline = time.time() + 20
    while committed < sum(accepted) and time.time() < idle_deadline:
        if height(urls[0]) < h:
            time.sleep(0.1)
            continue
        n = len(rpc(urls[0], "block", height=str(h))["block"]["data"]["txs"] or [])
        if n:
            committed += n
            first_h = first_h or h
            last_h = h
            idle_deadline = time.time() + 20
        h += 1
    t_first = parse_time(rpc(urls[0], "block", height=str(first_h - 1))["block"]["header"]["time"])
    t_last = parse_time(rpc(urls[0], "block", height=str(last_h))["block"]["header"]["time"])
    commit_s = max(t_last - t_first, 1e-9)

    result = {
        "validators": len(urls), "block_time": args.block_time, "mode": method,
        "senders": args.senders, "txs": total, "tx_bytes": tx_bytes,
        "presign_s": round(sign_s, 2), "send_s": round(send_s, 2),
        "accepted": sum(accepted), "rejected": sum(rejected),
        "accepted_per_s": round(sum(accepted) / send_s, 1),
        "committed": committed, "blocks": last_h - first_h + 1,
        "committed_per_s": round(committed / commit_s, 1),
        "cometbft_qa_anchor_per_s": 400,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
