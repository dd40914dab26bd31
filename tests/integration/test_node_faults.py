"""Inference node faults: kill -9 the node under load, then restart it: every
answer a client got settles, exactly once; kill the validator whose RPC the
node uses: it fails over to the next and settlement goes on. Runs after
test_node_flow on the session devnet.
"""
import concurrent.futures
import os
import signal
import threading
import time

import pytest
import requests

from devnet import reap
from node_helpers import Key, NodeApi, f32


def wait_final(api, ids, timeout=60):
    pending = set(ids)
    deadline = time.time() + timeout
    while pending and time.time() < deadline:
        for iid in list(pending):
            code, rec = api.get(f"/v1/inferences/{iid}")
            if code == 200 and rec["status"] not in ("ACCEPTED", "SUBMITTED"):
                pending.discard(iid)
        if pending:
            time.sleep(0.3)
    return pending


def settled_on_chain(devnet, ids, via=0):
    out = {}
    for iid in ids:
        code, value, _ = devnet.query(via, "claim", iid)
        key = value.get("status") if code == 0 else None
        out[key] = out.get(key, 0) + 1
    return out


def burst(api, key, model_id, n):
    def one(i):
        code, body, iid = api.infer(key, model_id, f32("x", [1, 16], [0.01 * i] * 16), mode=i % 2)
        assert code == 200, body
        return iid

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


def test_kill9_node_under_load_every_answer_settles(devnet):
    """kill -9 while 8 clients are mid-burst: every answer a client got names a
    claim the node had made durable (group commit answers only after the synced
    write), so after a restart each of them settles, exactly once."""
    st = devnet.status()
    api = NodeApi(st["node"]["url"], devnet.chain_id)
    key = Key.from_file(devnet.dev_key)
    model_id = st["models"][0]
    answered, lock = [], threading.Lock()

    def one(i):
        try:
            code, body, iid = NodeApi(api.url, devnet.chain_id).infer(
                key, model_id, f32("x", [1, 16], [0.01 * i] * 16), mode=i % 2)
        except requests.RequestException:
            return  # cut off by the kill: no answer, no promise
        if code == 200:
            with lock:
                answered.append(iid)

    pid = st["node"]["pid"]
    pool = concurrent.futures.ThreadPoolExecutor(8)
    futures = [pool.submit(one, i) for i in range(400)]
    deadline = time.time() + 60
    while len(answered) < 120 and time.time() < deadline:
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    pool.shutdown(wait=True)
    reap([pid])
    assert 120 <= len(answered) < len(futures), "the kill did not land mid-burst"
    devnet.restart_node()
    api = NodeApi(devnet.status()["node"]["url"], devnet.chain_id)
    for iid in answered:  # the ledger has every answered claim
        code, rec = api.get(f"/v1/inferences/{iid}")
        assert code == 200, (iid, rec)
    assert not wait_final(api, answered)
    assert settled_on_chain(devnet, answered) == {"SETTLED": len(answered)}


def test_settlement_fails_over_when_the_nodes_rpc_validator_dies(devnet):
    """The node's config lists every validator's RPC, validator 0 first: kill
    validator 0 and the node answers and settles through the next one."""
    st = devnet.status()
    api = NodeApi(st["node"]["url"], devnet.chain_id)
    key = Key.from_file(devnet.dev_key)
    devnet.signal(0, "comet", signal.SIGKILL)
    devnet.signal(0, "app", signal.SIGKILL)
    try:
        ids = burst(api, key, st["models"][0], 20)
        assert not wait_final(api, ids)
        assert settled_on_chain(devnet, ids, via=1) == {"SETTLED": len(ids)}
        health = api.get("/healthz")[1]
        assert health["chain_rpc"] != devnet.rpc_url(0), health
        assert health["chain_rpc_switches"] >= 1, health
    finally:
        devnet.restart(0)
