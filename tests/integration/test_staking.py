"""Validators by stake on a loopback devnet (issue 17, item 1).

Five CometBFT nodes, four genesis validators (power 1 each, bond 10^6 under
the default power_reduction) and node 4 a full node outside the set (`devnet
up --full-nodes 1 --start 4`). A duplicate signer with a copy of validator
1's key starts at once (double_sign.py), while the chain is young, so it
catches up in a moment and double-signs on the key's proposer turns.
Meanwhile a fresh account stakes node 4's consensus key (CreateValidator),
node 4 starts and joins the running network, shows up in CometBFT's
/validators with power 1, signs commits and proposes blocks. The double
signer's DuplicateVoteEvidence is committed in a block: validator 1 loses
exactly slash_double_sign_bps of its bond, is jailed (gone from the set) and
`vinet query evidence` shows it. Then node 4's operator unbonds everything:
its power goes to 0 at once, the funds come back exactly unbonding_blocks
later. Every app agrees on the app hash. Budget: < 90 s (~40 s here).
"""
import base64
import json
import os

import pytest

from devnet import Devnet, new_key, vinet, vinet_json
from double_sign import DoubleSigner, devnet_peers
from node_helpers import wait_for

STAKE = 1_000_000  # min_self_bond, power 1
DOUBLE_SIGNER = 1
JOINER = 4


class StakeNet(Devnet):
    def up(self):
        vinet("devnet", "up", "--devnet", self.dir, "--validators", 5, "--full-nodes", 1,
              "--start", 4, "--block-time", self.block_time, "--timeout", 60)
        self.state = self.status()
        return self


def comet_key(home):
    with open(os.path.join(home, "config", "priv_validator_key.json")) as f:
        doc = json.load(f)
    return doc["address"], doc["pub_key"]["value"]


def balance_at(net, address, height):
    """The committed balance of `address` as of block `height` (abci_query at a height)."""
    r = net.rpc(0, "abci_query", path=f"/account/{address}", data="", height=str(height))
    assert r["response"].get("code", 0) == 0, r
    return json.loads(base64.b64decode(r["response"]["value"]))["balance"]


def comet_powers(net, i=0):
    """CometBFT's current validator set: {address: power}."""
    r = net.rpc(i, "validators", per_page="100")
    return {v["address"]: int(v["voting_power"]) for v in r["validators"]}


@pytest.fixture(scope="module")
def net(vinet_bin, tmp_path_factory):
    root = tmp_path_factory.mktemp("staking")
    n = StakeNet(root / "net", validators=5, block_time="200ms")
    signer = None
    try:
        n.up()
        home = n.home(DOUBLE_SIGNER)
        signer = DoubleSigner(root / "double-signer", os.path.join(home, "config", "genesis.json"),
                              os.path.join(home, "config", "priv_validator_key.json"),
                              devnet_peers(n.dir),
                              config_from=os.path.join(home, "config", "config.toml")).start()
        n.double_signer = signer
        yield n
    finally:
        if signer:
            signer.stop()
        n.down()


def test_staking_join_double_sign_and_unbond(net, tmp_path):
    params = vinet_json("query", "params", "--devnet", net.dir, "--json")
    assert params["min_self_bond"] == STAKE and params["power_reduction"] == STAKE
    joiner_addr, joiner_pub = comet_key(net.home(JOINER))
    cheat_addr, _ = comet_key(net.home(DOUBLE_SIGNER))
    assert joiner_addr not in comet_powers(net)  # a full node, not in genesis

    # A fresh operator account, funded, stakes node 4's consensus key.
    key, operator = new_key(tmp_path, "operator")
    net.transfer(net.dev_key, operator, 3 * STAKE)
    before = net.account(0, operator)["balance"]
    out = vinet_json("validator", "create", "--stake", STAKE, "--pubkey", joiner_pub,
                     "--commission", 500, "--key", key, "--devnet", net.dir, "--json")
    assert out["code"] == 0, out
    assert net.account(0, operator)["balance"] == before - STAKE - params["min_fee"]
    shown = vinet_json("validator", "show", operator, "--devnet", net.dir, "--json")
    assert shown["consensus_address"] == joiner_addr.lower()
    assert shown["bond"] == STAKE and shown["commission_bps"] == 500

    # Node 4 joins the running network and gets voting power 1 (H+2).
    vinet("devnet", "restart", JOINER, "--devnet", net.dir)
    wait_for("node 4 in CometBFT's set", lambda: comet_powers(net).get(joiner_addr) == 1, 20)
    assert vinet_json("validator", "show", operator, "--devnet", net.dir, "--json")["power"] == 1

    def signed_and_proposed():
        top = net.height(0)
        signed = proposed = False
        for h in range(max(2, top - 30), top + 1):
            block = net.rpc(0, "block", height=str(h))["block"]
            proposed |= block["header"]["proposer_address"] == joiner_addr
            signed |= any(s["validator_address"] == joiner_addr
                          for s in block["last_commit"]["signatures"])
        return signed and proposed
    wait_for("a block proposed and a commit signed by node 4", signed_and_proposed, 30)

    # The double signer's evidence: committed, slashed exactly, jailed.
    def evidence():
        ev = vinet_json("query", "evidence", "--devnet", net.dir, "--json")["evidence"]
        return [e for e in ev if e["consensus_address"] == cheat_addr.lower()]
    found = wait_for("evidence against validator 1", evidence, 45)[0]
    net.double_signer.stop()
    bond = 1 * STAKE  # genesis power 1 x power_reduction
    slashed = bond * params["slash_double_sign_bps"] // 10000
    assert found["type"] == "duplicate_vote"
    assert found["slashed"] == slashed and found["jailed"] is True
    by_hash = vinet_json("query", "evidence", found["hash"], "--devnet", net.dir, "--json")
    assert by_hash == found
    at_height = vinet_json("query", "evidence", found["height"], "--devnet", net.dir, "--json")
    assert found in at_height["evidence"]
    cheat = vinet_json("validator", "show", found["operator"], "--devnet", net.dir, "--json")
    assert cheat["bond"] == bond - slashed and cheat["jailed"] and cheat["power"] == 0
    block = net.rpc(0, "block", height=str(found["committed_height"]))["block"]
    in_block = [e["value"] for e in block["evidence"]["evidence"]]
    assert any(e["vote_a"]["validator_address"] == cheat_addr for e in in_block), in_block
    wait_for("validator 1 out of CometBFT's set", lambda: cheat_addr not in comet_powers(net), 10)
    text = vinet("query", "evidence", "--devnet", net.dir).stdout
    assert found["hash"] in text and "duplicate_vote" in text

    # Unbond everything: power 0 at once, funds back after unbonding_blocks.
    before = net.account(0, operator)["balance"]
    out = vinet_json("validator", "unbond", STAKE, "--key", key, "--devnet", net.dir, "--json")
    assert out["code"] == 0, out
    wait_for("node 4 out of CometBFT's set", lambda: joiner_addr not in comet_powers(net), 10)
    done = out["height"] + params["unbonding_blocks"]  # returned at the end of this block
    assert net.wait_height(0, done + 1, timeout=20)
    assert balance_at(net, operator, done - 1) == before - params["min_fee"]
    assert balance_at(net, operator, done) == before - params["min_fee"] + STAKE
    assert vinet_json("validator", "show", operator, "--devnet", net.dir,
                      "--json")["unbonding"] == []

    # Every app, the full node 4 included, agrees on the app hash.
    seen = net.app_hashes_by_height(range(5), seconds=2.0)
    common = set.intersection(*(set(s) for s in seen.values()))
    assert common, seen
    for h in common:
        assert len({seen[i][h] for i in range(5)}) == 1, h
