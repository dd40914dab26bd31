#!/usr/bin/env python3
"""Bytes of tx per settled claim on a devnet, read back from the chain
(docs/benchmarks.md): every tx of blocks FROM..latest via CometBFT's /block,
every `vinet.claim` event of status SETTLED via /block_results.

  claim_bytes.py height DIR            # latest height (before the work)
  claim_bytes.py measure DIR FROM      # one JSON line: txs, tx_bytes, settled, bytes_per_settled

What CometBFT receives, gossips, stores and replays per claim is this size.
"""
import base64
import json
import sys
import urllib.request


def rpc(devnet, path):
    url = json.load(open(f"{devnet}/devnet.json"))["validators"][0]["rpc"]
    with urllib.request.urlopen(f"{url}/{path}", timeout=30) as r:
        return json.load(r)["result"]


def latest(devnet):
    return int(rpc(devnet, "status")["sync_info"]["latest_block_height"])


def measure(devnet, start):
    end = latest(devnet)
    txs = tx_bytes = settled = 0
    for h in range(start + 1, end + 1):
        block = rpc(devnet, f"block?height={h}")["block"]
        for tx in block["data"]["txs"] or []:
            txs += 1
            tx_bytes += len(base64.b64decode(tx))
        results = rpc(devnet, f"block_results?height={h}")
        for res in results.get("txs_results") or []:
            for ev in res.get("events") or []:
                if ev["type"] != "vinet.claim":
                    continue
                attrs = {a["key"]: a["value"] for a in ev["attributes"]}
                settled += attrs.get("status") == "SETTLED"
    return {"blocks": end - start, "txs": txs, "tx_bytes": tx_bytes, "settled": settled,
            "bytes_per_settled": round(tx_bytes / settled, 1) if settled else None}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "height":
        print(latest(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "measure":
        print(json.dumps({"claim_bytes": measure(sys.argv[2], int(sys.argv[3]))}))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
