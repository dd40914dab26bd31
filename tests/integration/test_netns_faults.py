"""A 4-validator network across network namespaces with 50 ms ± 10 ms on every
peer link (toxiproxy), faults made with nftables inside the namespaces
(netns.py). One network serves the module; each scenario heals it before the
next: one validator isolated, a 2-2 split, the node's chain RPC validator
isolated (the node fails over), a double-signing validator (a second
instance of its key in another namespace: slashed and jailed through the
committed evidence),
5 % packet loss. Every scenario sends inferences from the client's namespace and asserts
that every one the node accepted ends SETTLED on chain and that all
validators agree on every block hash and app hash.

Slow file (about 75 s): one network start plus the fault windows.
"""
import json
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netns  # noqa: E402
from devnet import ROOT, become_subreaper  # noqa: E402

REASON = netns.unsupported_reason()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    become_subreaper()
    work = tmp_path_factory.mktemp("netns")
    model = str(work / "demo_model.onnx")
    netns._run(sys.executable, os.path.join(ROOT, "scripts/make_demo_model.py"), model)
    n = netns.NetnsNet(work / "net", validators=4, latency_ms=50, jitter_ms=10, model=model)
    try:
        n.up()
        n.accepted = []  # every inference id the node accepted, over all scenarios
        yield n
    finally:
        n.down()


def send(net, count):
    """`count` inferences from the client namespace; returns the accepted ids."""
    proc = net.exec("client", sys.executable, os.path.join(os.path.dirname(__file__),
                                                           "netns_client.py"),
                    "--node", net.node_url, "--chain-id", net.chain_id,
                    "--key", net.manifest["dev_key"], "--model", net.model_id,
                    "--count", count, timeout=120)
    out = json.loads(proc.stdout)
    net.accepted += out["accepted"]
    return out


def all_settled(net, ids, timeout=60, via=0):
    """Every id SETTLED, asking validator `via`'s RPC."""
    def unsettled():
        left = []
        for iid in ids:
            claim = net.claim(iid, via)
            if not claim or claim.get("status") != "SETTLED":
                left.append((iid, claim and claim.get("status")))
        return left

    deadline = time.time() + timeout
    left = unsettled()
    while left and time.time() < deadline:
        time.sleep(0.5)
        left = unsettled()
    assert not left, f"{len(left)} accepted inference(s) not settled: {left[:3]}"


def assert_one_chain(net):
    """Every validator has the same block hash and app hash at every height."""
    top = min(net.heights())
    assert top > 0
    first = net.headers(0, 1, top)
    assert len(first) == top
    for i in range(1, net.n):
        other = net.headers(i, 1, top)
        diff = [h for h in range(1, top + 1) if other.get(h) != first.get(h)]
        assert not diff, f"validator {i} differs from validator 0 at heights {diff[:5]}"


def wait_height(net, i, target, timeout):
    net.wait(f"validator {i} at height {target}", lambda: (net.height(i) or 0) >= target, timeout)


def test_peer_links_go_through_the_latency_proxies(net):
    # Every validator's peers are the proxy's address (no direct link).
    for i in range(net.n):
        peers = net.rpc(i, "net_info")["peers"]
        assert len(peers) == net.n - 1
        assert {p["remote_ip"] for p in peers} == {net.ip("px")}
    # A connection through validator 1's proxy gets its first byte after the
    # 50 ms ± 10 ms latency (median of 5 samples).
    samples = sorted(net.first_byte_ms("client", 1) for _ in range(5))
    assert samples[2] >= 35, samples


def test_one_validator_isolated_chain_continues_and_it_catches_up(net):
    before = send(net, 3)["accepted"]
    net.isolate("v3")
    try:
        h = net.height(0)
        wait_height(net, 0, h + 5, 30)  # 3 of 4 validators (75 % > 2/3) go on
        during = send(net, 3)
        assert len(during["accepted"]) == 3, during["refused"]
        all_settled(net, before + during["accepted"])
        stalled = net.height(0)
        # Seen from inside its namespace (loopback still works), v3 fell behind.
        assert net.local_height(3) <= h + 1 < stalled
    finally:
        net.heal()
    wait_height(net, 3, stalled + 2, 60)
    assert_one_chain(net)


def test_two_two_split_halts_without_fork_and_resumes(net):
    net.split([0, 1], [2, 3])
    try:
        time.sleep(2)  # blocks already voted on land
        halted = net.heights()
        during = send(net, 3)  # the node accepts; its claims wait for blocks
        time.sleep(3)  # at ~2 blocks/s healthy, 6 blocks would have been made
        assert net.heights() == halted, "a block was committed without 2/3 of the power"
    finally:
        net.heal()
    top = max(halted)
    for i in range(net.n):
        wait_height(net, i, top + 3, 60)
    all_settled(net, during["accepted"])
    assert_one_chain(net)


def test_node_rpc_validator_isolated_node_fails_over(net):
    # The node's [chain] rpc lists validator 0 first (testnet init): cut it
    # off entirely; the node can only settle through another validator.
    rpcs = net.manifest["nodes"][0]["chain_rpcs"]
    assert rpcs[0] == net.rpc_url(0) and len(rpcs) == net.n
    before = send(net, 2)["accepted"]
    net.isolate("v0")
    try:
        h = net.height(1)
        during = send(net, 4)
        assert len(during["accepted"]) == 4, during["refused"]
        all_settled(net, before + during["accepted"], via=1)
        assert net.local_height(0) <= h + 1 < net.height(1)
    finally:
        net.heal()
    wait_height(net, 0, net.height(1), 60)
    assert_one_chain(net)


def evidence_against(net, address, lo, hi):
    """(height, evidence) of committed DuplicateVoteEvidence naming `address`."""
    found = []
    for h in range(lo, hi + 1):
        block = net.rpc(0, "block", timeout=10, height=h)["block"]
        for ev in block["evidence"]["evidence"] or []:
            if ev.get("type") == "tendermint/DuplicateVoteEvidence" and \
                    ev["value"]["vote_a"]["validator_address"] == address:
                found.append((h, ev))
    return found


def test_double_signing_validator_is_slashed_and_jailed(net):
    operator = net.manifest["validators"][2]["validator_address"]
    address = operator.upper()
    bonded = net.query(f"/validator/{operator}")
    assert bonded and not bonded["jailed"] and bonded["slashed_total"] == 0
    start = net.height(0)
    before = send(net, 2)["accepted"]
    net.start_twin(2)
    try:
        def committed():
            top = net.height(0)
            return top and evidence_against(net, address, start, top)
        found = net.wait("duplicate-vote evidence against validator 2", committed, 90, 1)
        during = send(net, 2)["accepted"]
        all_settled(net, before + during)
    finally:
        net.stop_twin(2)
    h, ev = found[0]
    vote_a, vote_b = ev["value"]["vote_a"], ev["value"]["vote_b"]
    assert vote_a["height"] == vote_b["height"] and vote_a["round"] == vote_b["round"]
    assert vote_a["block_id"]["hash"] != vote_b["block_id"]["hash"]
    # The app slashed and jailed it through that evidence; CometBFT dropped it
    # from the validator set; the 3 others go on.
    jailed = net.wait("validator 2 jailed", lambda: (lambda v: v if v and v["jailed"] else None)(
        net.query(f"/validator/{operator}")), 30)
    assert 0 < jailed["slashed_total"] and jailed["bond"] == bonded["bond"] - jailed["slashed_total"]
    records = [e for e in net.query("/evidence")["evidence"] if e["operator"] == operator]
    assert records and all(e["jailed"] for e in records)
    assert sum(int(e["slashed"]) for e in records) == jailed["slashed_total"]
    assert operator not in [a["operator"] for a in net.query("/validators")["active"]]
    net.wait("validator 2 out of CometBFT's set", lambda: address not in
             [v["address"] for v in net.rpc(0, "validators")["validators"]], 30)
    wait_height(net, 0, net.height(0) + 3, 30)
    assert_one_chain(net)


def test_five_percent_packet_loss(net):
    net.loss(5)
    try:
        h = net.height(0)
        out = send(net, 6)
        assert out["accepted"], out["refused"]
        all_settled(net, out["accepted"])
        wait_height(net, 0, h + 5, 60)
        # The loss was real: every validator dropped packets.
        assert all(net.dropped_packets(f"v{i}") > 0 for i in range(net.n))
    finally:
        net.heal()
    assert_one_chain(net)


def test_no_accepted_inference_lost(net):
    assert len(net.accepted) >= 10
    all_settled(net, net.accepted)
    assert_one_chain(net)
