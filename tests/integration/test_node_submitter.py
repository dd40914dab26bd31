"""The node's submitter drains a backlog in one step. A devnet of its own
whose node sends at most 3 claims a tx (`[submitter] max_batch = 3`) and steps
every 5 s: 13 answers accepted in a burst all reach the chain within one step
period of each other, in txs of at most 3 claims. Before, one tx went out per
step, so the same burst took four more steps (> 15 s): a node answering
faster than max_batch per step period fell behind without bound."""
import re
import time

import pytest

from conftest import NetWithNode, running
from node_helpers import Key, NodeApi, f32, wait_for

INTERVAL_MS = 5_000
MAX_BATCH = 3
N = 13


def small_batches(net):
    """The node sends at most MAX_BATCH claims a tx and steps every INTERVAL_MS."""
    config = net.status()["node"]["config"]
    with open(config) as f:
        text = f.read()
    text = re.sub(r"(?m)^interval_ms = \d+$", f"interval_ms = {INTERVAL_MS}", text)
    text = re.sub(r"(?m)^max_batch = \d+$", f"max_batch = {MAX_BATCH}", text)
    assert f"max_batch = {MAX_BATCH}" in text and f"interval_ms = {INTERVAL_MS}" in text
    with open(config, "w") as f:
        f.write(text)
    net.restart_node()


@pytest.fixture(scope="module")
def net(vinet_bin, tmp_path_factory):
    n = NetWithNode(tmp_path_factory.mktemp("submitter") / "net", validators=1,
                    block_time="300ms")
    yield from running(n, small_batches)


def test_a_burst_beyond_max_batch_goes_out_in_one_step(net):
    st = net.status()
    api = NodeApi(st["node"]["url"], net.chain_id)
    model = st["models"][0]
    dev = Key.from_file(net.dev_key)
    ids = []
    for i in range(N):
        code, body, iid = api.infer(dev, model, f32("x", [1, 16], [0.1 * i] * 16), mode=0)
        assert code == 200, body
        ids.append(iid)

    def records():
        out = [api.get(f"/v1/inferences/{iid}")[1] for iid in ids]
        return out if all(r.get("status") == "SETTLED" for r in out) else None

    recs = wait_for("every claim settled", records, 60)
    by_tx = {}
    for r in recs:
        by_tx.setdefault(r["tx_hash"], []).append(r)
    assert all(len(claims) <= MAX_BATCH for claims in by_tx.values()), by_tx.keys()
    assert len(by_tx) >= -(-N // MAX_BATCH)
    # The first answer kicks a step at once; at most one timer step falls in
    # the burst; the next drains the rest. One tx per step would need four
    # more steps (> 15 s) for the 10 or more claims left after the kick.
    span_ms = max(r["settled_ms"] for r in recs) - min(r["accepted_ms"] for r in recs)
    assert span_ms < 2 * INTERVAL_MS + 1_000, span_ms
