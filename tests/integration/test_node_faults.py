"""Inference node faults: kill -9 the node with claims not yet on chain, then
restart it: every claim settles exactly once; kill a validator: settlement
goes on. Runs after test_node_flow on the session devnet.
"""
import concurrent.futures
import os
import signal
import time

import pytest

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


def settled_on_chain(devnet, ids):
    out = {}
    for iid in ids:
        code, value, _ = devnet.query(0, "claim", iid)
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


def test_kill9_node_then_restart_settles_everything(devnet):
    st = devnet.status()
    api = NodeApi(st["node"]["url"], devnet.chain_id)
    key = Key.from_file(devnet.dev_key)
    model_id = st["models"][0]
    ids = burst(api, key, model_id, 200)
    open_before = [iid for iid in ids[-5:] if api.get(f"/v1/inferences/{iid}")[1]["status"]
                   in ("ACCEPTED", "SUBMITTED")]
    pid = st["node"]["pid"]
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    reap([pid])
    assert open_before, "every claim settled before the kill; the test proves nothing"
    devnet.restart_node()
    api = NodeApi(devnet.status()["node"]["url"], devnet.chain_id)
    assert not wait_final(api, ids)
    assert settled_on_chain(devnet, ids) == {"SETTLED": len(ids)}


def test_settlement_continues_with_a_validator_down(devnet):
    st = devnet.status()
    api = NodeApi(st["node"]["url"], devnet.chain_id)
    key = Key.from_file(devnet.dev_key)
    devnet.signal(3, "comet", signal.SIGKILL)
    devnet.signal(3, "app", signal.SIGKILL)
    try:
        ids = burst(api, key, st["models"][0], 20)
        assert not wait_final(api, ids)
        assert settled_on_chain(devnet, ids) == {"SETTLED": len(ids)}
    finally:
        devnet.restart(3)
