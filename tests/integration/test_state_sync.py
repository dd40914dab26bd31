"""State sync and state retention on a real devnet (issue 15, items 3 and 6).

Genesis holds 5 equal validators; 4 start (4/5 > 2/3 keeps consensus going),
with fast blocks, a snapshot every 250 blocks, claim_retention_blocks=100 and
block pruning (retain 300 blocks). The inference node settles claims (some
with short-lived requests, which retention then prunes) and accounts get
deposits and transfers. Validator 3 serves corrupted snapshot chunks (devnet
test hook). After >= 1,000 blocks the fifth validator joins by CometBFT state
sync: it must refuse the corrupt chunks, fetch them again from honest peers,
restore the latest snapshot, agree on the app hash and keep up. Bounded by
the block rate (waits: 900 s for 1,000 blocks, 240 s for the join); every process is
stopped at the end, pass or fail.

Gossip every 10 ms (`devnet up --gossip-interval`) and 150 ms round timeouts
(the stopped fifth validator's proposer turns) give ~5.7 blocks/s on an idle
2-core machine against ~1.9 with CometBFT's 100 ms gossip; the helper's first
runs (100 ms gossip, machine shared with builds, load ~11) took 717-746 s. The snapshot at 1,000 has about 48 chunks of 1 KB:
the chance that no chunk is asked of the corrupt validator (1 of 4 peers) is
(3/4)^48 < 1e-5.
"""
import concurrent.futures
import json
import os
import re
import time

import pytest

from devnet import Devnet, vinet, vinet_json
from node_helpers import InferenceDevnet, Key, NodeApi, f32, wait_for

BLOCKS = 1000
INTERVAL = 250
CORRUPT = 3  # validator serving corrupt chunks
JOINER = 4


class SyncNet(InferenceDevnet, Devnet):
    extra_up_args = ("--start", 4, "--round-timeout", "150ms", "--gossip-interval", "10ms",
                     "--snapshot-interval", INTERVAL,
                     "--snapshot-chunk-bytes", 1024, "--retain-blocks", 300,
                     "--state-versions-kept", 200,
                     "--param", "claim_retention_blocks=100")


@pytest.fixture(scope="module")
def net(vinet_bin, tmp_path_factory):
    n = SyncNet(tmp_path_factory.mktemp("statesync") / "net", validators=5, block_time="50ms")
    try:
        n.up()
        yield n
    finally:
        n.down()


def log(net, i, name):
    with open(os.path.join(net.home(i), name), errors="replace") as f:
        return f.read()


def sync_info(net, i):
    return net.rpc(i, "status")["sync_info"]


def header_app_hash(net, i, height):
    return net.rpc(i, "block", height=str(height))["block"]["header"]["app_hash"].lower()


def snapshot_heights(net, i):
    d = os.path.join(net.home(i), "vinet-data", "snapshots")
    return sorted(int(n) for n in os.listdir(d) if n.isdigit()) if os.path.isdir(d) else []


def settle(node, key, model, count, ttl_ms):
    def one(i):
        code, body, iid = node.infer(key, model, f32("x", [1, 16], [float(i % 5)] * 16),
                                     mode=i % 2, ttl_ms=ttl_ms)
        assert code == 200, body
        return iid

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(count)))


def claim(net, i, iid):
    code, value, _ = net.query(i, "claim", iid)
    return value if code == 0 else None


def test_fifth_validator_joins_by_state_sync_past_a_corrupt_chunk(net, tmp_path):
    t0 = time.time()
    net.restart(CORRUPT, env={"VINET_TEST_CORRUPT_SNAPSHOT_CHUNKS": "1"})
    st = net.status()
    node = NodeApi(st["node"]["url"], net.chain_id)
    dev = Key.from_file(net.dev_key)
    model = st["models"][0]
    # Real state: deposits, transfers, settled claims (short- and long-lived requests).
    vinet_json("tx", "deposit", "--key", net.dev_key, "--for-node", st["node"]["address"],
               "--amount", 50_000, "--chain", net.rpc_url(0), "--json")
    for k in range(5):
        net.transfer(net.dev_key, Key.generate().address, 1000 + k)
    short = settle(node, dev, model, 60, ttl_ms=60_000)
    long = settle(node, dev, model, 140, ttl_ms=3_000_000)
    wait_for("every claim settled", lambda: all(claim(net, 0, i) for i in short + long[-5:]), 60)
    assert {claim(net, 0, i)["status"] for i in short[:5] + long[:5]} == {"SETTLED"}

    # >= 1,000 blocks and a snapshot at or past 1,000 on every serving validator.
    wait_for(f"height {BLOCKS}", lambda: net.height(0) >= BLOCKS, 900)
    wait_for("a snapshot at 1,000", lambda: all(
        snapshot_heights(net, i) and snapshot_heights(net, i)[-1] >= BLOCKS for i in range(4)), 120)
    # Retention: short-lived claims left the state; long-lived ones wait for expiry.
    wait_for("short-lived claims pruned", lambda: claim(net, 0, short[0]) is None, 120)
    assert all(claim(net, 0, i) is None for i in short)
    assert claim(net, 0, long[0])["status"] == "SETTLED"
    # Pruned blocks too, never above the oldest snapshot kept (nor the oldest
    # state version, 200 back).
    base = int(sync_info(net, 0)["earliest_block_height"])
    assert 1 < base <= snapshot_heights(net, 0)[0]

    vinet("devnet", "join", JOINER, "--devnet", net.dir, "--timeout", 240, timeout=300)
    net.state = net.status()
    app_log = log(net, JOINER, "app.log")
    restored = re.findall(r"restored snapshot at height (\d+)", app_log)
    assert restored and int(restored[0]) >= BLOCKS, app_log[-2000:]
    # The corrupt chunks were refused and fetched again; their sender rejected.
    with open(os.path.join(net.dir, "devnet.json")) as f:
        corrupt_id = json.load(f)["validators"][CORRUPT]["node_id"]
    refused = re.findall(r"snapshot chunk \d+ of height \d+ from peer (\w+): SHA-256 unlike",
                         app_log)
    assert refused, "no corrupt chunk was refused (validator 3 never asked?)"
    assert set(refused) == {corrupt_id}
    assert "test hook: serving chunk" in log(net, CORRUPT, "app.log")
    # No replay from genesis: its block store starts past the snapshot.
    info = sync_info(net, JOINER)
    assert int(info["earliest_block_height"]) > BLOCKS

    # It keeps up and computes the same app hashes, including a block with a tx.
    net.transfer(net.dev_key, Key.generate().address, 777, node=JOINER)
    target = net.height(0) + 3
    assert net.wait_height(JOINER, target, timeout=60)
    h, app_hash = net.app_info(JOINER)
    assert net.wait_height(0, h + 1, timeout=30)
    assert app_hash == header_app_hash(net, 0, h + 1)
    assert header_app_hash(net, JOINER, target) == header_app_hash(net, 0, target)
    # Its state answers queries like the others'.
    assert claim(net, JOINER, long[0]) == claim(net, 0, long[0])
    assert claim(net, JOINER, short[0]) is None
    print(f"state sync test: {time.time() - t0:.0f} s, snapshot {restored[0]}, "
          f"{len(refused)} chunks refetched")
