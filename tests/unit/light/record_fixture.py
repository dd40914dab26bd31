#!/usr/bin/env python3
"""Records tests/unit/light/fixtures/cometbft_4val.json from a real CometBFT network.

Starts four `cometbft` validators (its built-in kvstore app, unequal voting
powers 10/20/30/40) on free loopback ports, waits for height 6, and saves the
genesis, the RPC answers of /commit and /validators for heights 1..6, and the
block hashes /block reports. The light-client unit tests check our header,
validator-set and vote-signature code against these answers. Run it again
only to refresh the fixture (needs cometbft v0.38 on PATH or in GOPATH/bin).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HEIGHTS = 6
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "cometbft_4val.json")


def cometbft():
    path = shutil.which("cometbft")
    if path:
        return path
    gopath = subprocess.run(["go", "env", "GOPATH"], capture_output=True, text=True).stdout.strip()
    return os.path.join(gopath, "bin", "cometbft")


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


def main():
    bin_ = cometbft()
    tmp = tempfile.mkdtemp(prefix="light-fixture-")
    procs = []
    try:
        subprocess.run([bin_, "testnet", "--v", "4", "--o", tmp, "--starting-ip-address", "127.0.0.1",
                        "--populate-persistent-peers"], check=True, capture_output=True)
        ports = free_ports(8)
        homes = [os.path.join(tmp, f"node{i}") for i in range(4)]
        ids = [subprocess.run([bin_, "show-node-id", "--home", h], capture_output=True, text=True,
                              check=True).stdout.strip() for h in homes]
        peers = ",".join(f"{ids[i]}@127.0.0.1:{ports[2 * i]}" for i in range(4))
        genesis = json.load(open(os.path.join(homes[0], "config", "genesis.json")))
        for i, v in enumerate(genesis["validators"]):
            v["power"] = str(10 * (i + 1))
        genesis["chain_id"] = "light-fixture"
        for i, h in enumerate(homes):
            json.dump(genesis, open(os.path.join(h, "config", "genesis.json"), "w"))
            cfg = open(os.path.join(h, "config", "config.toml")).read()
            cfg = re.sub(r'proxy_app = ".*"', 'proxy_app = "kvstore"', cfg)
            cfg = re.sub(r'laddr = "tcp://0.0.0.0:26656"', f'laddr = "tcp://127.0.0.1:{ports[2 * i]}"', cfg)
            cfg = re.sub(r'laddr = "tcp://127.0.0.1:26657"', f'laddr = "tcp://127.0.0.1:{ports[2 * i + 1]}"', cfg)
            cfg = re.sub(r'persistent_peers = ".*"', f'persistent_peers = "{peers}"', cfg)
            cfg = re.sub(r'timeout_commit = ".*"', 'timeout_commit = "300ms"', cfg)
            cfg = re.sub(r'addr_book_strict = true', 'addr_book_strict = false', cfg)
            cfg = re.sub(r'allow_duplicate_ip = false', 'allow_duplicate_ip = true', cfg)
            open(os.path.join(h, "config", "config.toml"), "w").write(cfg)
            procs.append(subprocess.Popen([bin_, "start", "--home", h], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        rpc = f"http://127.0.0.1:{ports[1]}"
        deadline = time.time() + 60
        while True:
            try:
                if int(get(rpc + "/status")["result"]["sync_info"]["latest_block_height"]) > HEIGHTS:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                sys.exit("network did not reach height %d" % (HEIGHTS + 1))
            time.sleep(0.3)
        out = {"genesis": genesis, "heights": []}
        for h in range(1, HEIGHTS + 1):
            out["heights"].append({
                "height": h,
                "commit": get(f"{rpc}/commit?height={h}")["result"],
                "validators": get(f"{rpc}/validators?height={h}&per_page=100")["result"],
                "block_hash": get(f"{rpc}/block?height={h}")["result"]["block_id"]["hash"],
            })
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        json.dump(out, open(OUT, "w"), indent=1)
        print("wrote", OUT)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
