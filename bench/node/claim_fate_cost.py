#!/usr/bin/env python3
"""What learning claims' fate costs the RPC validator, per claim: CPU of its
cometbft (and app) process over REPS identical calls, for the largest claims
tx of the last 80 blocks of a running devnet:
  /tx of that tx (what the node fetched per claims tx before session 8),
  one /claim_status abci_query for its claim ids (what the node and the load
  generator poll now, docs/chain.md), block_results of its block.

  claim_fate_cost.py DEVNET_DIR      (after some load, e.g. node_loadgen)
"""
import base64, hashlib, json, os, sys, time, urllib.request
d = json.load(open(sys.argv[1] + "/devnet.json"))
v0 = d["validators"][0]
rpc = v0["rpc"]
TICK = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / TICK
def call(method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(rpc, body, {"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(req, timeout=30).read())
h = int(call("status", {})["result"]["sync_info"]["latest_block_height"])
best = None
for height in range(max(1, h - 80), h + 1):
    blk = call("block", {"height": str(height)})["result"]["block"]["data"]["txs"] or []
    for tx in blk:
        raw = base64.b64decode(tx)
        if best is None or len(raw) > len(best[1]):
            best = (height, raw)
height, raw = best
tx_hash = hashlib.sha256(raw).digest()
res = call("tx", {"hash": base64.b64encode(tx_hash).decode(), "prove": False})["result"]
ids = []
for e in res["tx_result"]["events"]:
    if e["type"] == "vinet.claim":
        for a in e["attributes"]:
            if a["key"] == "id": ids.append(a["value"])
node_addr = d["node"]["address"]
blk_claims = sum(1 for t in call("block_results", {"height": str(height)})["result"]["txs_results"] or []
                 for e in t.get("events", []) if e["type"] == "vinet.claim")
print(f"tx at height {height}: {len(raw)} bytes, {len(ids)} claims ({blk_claims} in the block)")
N = int(os.environ.get("REPS", "40"))
def measure(label, fn, pids):
    c0 = [cpu(p) for p in pids]; t0 = time.time()
    for _ in range(N): fn()
    c1 = [cpu(p) for p in pids]; t1 = time.time()
    per = [(b - a) * 1e6 / (N * len(ids)) for a, b in zip(c0, c1)]
    print(json.dumps({"what": label, "us_cpu_per_claim": [round(x, 2) for x in per], "wall_ms_per_call": round((t1 - t0) * 1000 / N, 1), "reps": N}))
measure("/tx (comet0)", lambda: call("tx", {"hash": base64.b64encode(tx_hash).decode(), "prove": False}), [v0["comet_pid"]])
data = "".join(ids)
r = call("abci_query", {"path": "/claim_status/" + node_addr, "data": data})["result"]["response"]
val = base64.b64decode(r.get("value", ""))
assert len(val) == 9 * len(ids) and all(val[i * 9] == 1 for i in range(len(ids))), r
measure("/claim_status (comet0, app0)", lambda: call("abci_query", {"path": "/claim_status/" + node_addr, "data": data}), [v0["comet_pid"], v0["app_pid"]])
measure("block_results (comet0)", lambda: call("block_results", {"height": str(height)}), [v0["comet_pid"]])
print("load", open("/proc/loadavg").read().split()[:3])
