"""`vinet testnet init`: the homes of a multi-host network. Checks the files
against CometBFT itself (show-node-id, show-validator), the reproducibility
of --seed, and the refusals of bad input. The network running from these
homes is tested in test_netns_faults.py.
"""
import json
import os
import re
import subprocess

import pytest

from devnet import vinet

HOSTS = ["10.1.2.3", "10.1.2.4", "10.1.2.5", "10.1.2.9"]


def init(tmp_path, name, *extra, hosts=HOSTS, validators=3):
    out = tmp_path / name
    proc = vinet("testnet", "init", "--validators", validators, "--hosts", ",".join(hosts),
                 "--out", out, "--json", *extra)
    return json.loads(proc.stdout), out


def comet(*args):
    return subprocess.run(["cometbft", *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_homes_per_host_match_cometbft_and_genesis(vinet_bin, tmp_path):
    m, out = init(tmp_path, "a", "--seed", "s1", "--chain-id", "multi-1", "--p2p-port", 31000,
                  "--rpc-port", 31001, "--abci-port", 31002, "--node-port", 31080)
    assert [v["host"] for v in m["validators"]] == HOSTS[:3]
    assert [n["host"] for n in m["nodes"]] == HOSTS[3:]
    genesis = json.loads((out / "genesis.json").read_text())
    assert genesis["chain_id"] == "multi-1"
    # Evidence expires while the stake it would slash is still bonded: two
    # blocks inside the unbonding delay (the H+2 validator update, and age
    # counted from the last block; docs/chain.md "Validators").
    unbonding = int(genesis["app_state"]["params"]["unbonding_blocks"])
    assert genesis["consensus_params"]["evidence"]["max_age_num_blocks"] == str(unbonding - 2)
    assert len(genesis["validators"]) == 3
    balances = {a["address"]: a for a in genesis["app_state"]["accounts"]}
    assert m["dev_address"] in balances and m["nodes"][0]["address"] in balances
    # The enclave emulator's dev CA root is trusted (next to the default roots).
    root = (out / f"host-{HOSTS[3]}/node/dev-ca/root.pem").read_text()
    assert root in genesis["app_state"]["params"]["tee_roots"]
    for i, v in enumerate(m["validators"]):
        home = v["home"]
        assert home == str(out / f"host-{HOSTS[i]}" / "validator")
        # CometBFT reads our key files and derives the same ids.
        assert comet("show-node-id", "--home", home) == v["node_id"]
        pub = json.loads(comet("show-validator", "--home", home))["value"]
        assert genesis["validators"][i]["pub_key"]["value"] == pub
        assert genesis["validators"][i]["address"] == v["validator_address"].upper()
        assert json.loads((out / f"host-{HOSTS[i]}/validator/config/genesis.json")
                          .read_text()) == genesis
        config = (out / f"host-{HOSTS[i]}/validator/config/config.toml").read_text()
        peers = re.search(r'^persistent_peers = "(.*)"$', config, re.M).group(1).split(",")
        assert sorted(peers) == sorted(f"{o['node_id']}@{o['host']}:31000"
                                       for o in m["validators"] if o["index"] != i)
        assert 'laddr = "tcp://0.0.0.0:31001"' in config
        assert 'laddr = "tcp://0.0.0.0:31000"' in config
        assert 'proxy_app = "tcp://127.0.0.1:31002"' in config
    node_toml = (out / f"host-{HOSTS[3]}/node/node.toml").read_text()
    assert f'listen = "{HOSTS[3]}:31080"' in node_toml
    # Failover order: validator 3 mod 3 = 0 first, then the others.
    rpcs = ", ".join(f'"http://{h}:31001"' for h in HOSTS[:3])
    assert f"rpc = [{rpcs}]" in node_toml
    assert 'chain_id = "multi-1"' in node_toml
    assert os.path.exists(out / f"host-{HOSTS[3]}/node/keys/node.key")


def test_seed_makes_homes_reproducible(vinet_bin, tmp_path):
    a, _ = init(tmp_path, "a", "--seed", "same")
    b, _ = init(tmp_path, "b", "--seed", "same")
    c, _ = init(tmp_path, "c", "--seed", "other")

    def ids(m):
        return ([v["node_id"] for v in m["validators"]],
                [v["validator_address"] for v in m["validators"]],
                m["dev_address"], [n["address"] for n in m["nodes"]])
    assert ids(a) == ids(b)
    assert all(x != y for x, y in zip(ids(a)[0] + ids(a)[1], ids(c)[0] + ids(c)[1]))


def test_node_hosts_and_peer_addresses(vinet_bin, tmp_path):
    m, out = init(tmp_path, "a", "--node-hosts", "10.1.2.3,10.1.2.9", "--peer-addresses",
                  "10.9.9.9:1,10.9.9.9:2,10.9.9.9:3", "--pex", "false", hosts=HOSTS[:3])
    assert [n["host"] for n in m["nodes"]] == ["10.1.2.3", "10.1.2.9"]
    # A node next to a validator uses that validator's RPC first.
    rpcs = [v["rpc"] for v in m["validators"]]
    assert m["nodes"][0]["chain_rpcs"] == rpcs
    assert m["nodes"][1]["chain_rpcs"] == [rpcs[1], rpcs[0], rpcs[2]]
    config = (out / "host-10.1.2.4/validator/config/config.toml").read_text()
    assert "@10.9.9.9:1" in config and "@10.9.9.9:3" in config and "@10.9.9.9:2" not in config
    assert re.search(r"^pex = false$", config, re.M)
    assert (out / "host-10.1.2.3/validator").is_dir() and (out / "host-10.1.2.3/node").is_dir()


@pytest.mark.parametrize("args, message", [
    (["--validators", 3, "--hosts", "10.0.0.1,10.0.0.2"],
     "--hosts has 2 address(es); 3 validators need at least that many"),
    (["--validators", 1, "--hosts", "10.0.0.1,10.0.0.300"],
     '--hosts entry 1 "10.0.0.300" is not an IPv4 address'),
    (["--validators", 2, "--hosts", "10.0.0.1,10.0.0.1"], "--hosts entry 1 repeats 10.0.0.1"),
    (["--validators", 0, "--hosts", "10.0.0.1"], "--validators must be in 1..64"),
    (["--validators", 2, "--hosts", "10.0.0.1,10.0.0.2", "--peer-addresses", "a:1"],
     "--peer-addresses has 1 entries; expected one per validator (2)"),
    (["--validators", 1, "--hosts", "10.0.0.1", "--peer-addresses", "nohost"],
     '--peer-addresses entry 0 "nohost" is not HOST:PORT'),
    (["--validators", 1, "--hosts", "10.0.0.1", "--rpc-port", 26656],
     "--rpc-port repeats another port"),
    (["--validators", 1, "--hosts", "10.0.0.1", "--block-time", "fast"],
     "--block-time like 500ms or 1s"),
    (["--validators", 1, "--hosts", "10.0.0.1", "--param", "nokey"],
     "--param nokey: expected KEY=VALUE"),
])
def test_bad_input_is_refused_precisely(vinet_bin, tmp_path, args, message):
    proc = vinet("testnet", "init", "--out", tmp_path / "out", *args, check=False)
    assert proc.returncode != 0
    assert message in proc.stderr, proc.stderr


def test_refuses_a_non_empty_out(vinet_bin, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x").write_text("keep")
    proc = vinet("testnet", "init", "--validators", 1, "--hosts", "10.0.0.1", "--out",
                 tmp_path / "out", check=False)
    assert proc.returncode != 0 and "exists and is not an empty directory" in proc.stderr
    assert (tmp_path / "out" / "x").read_text() == "keep"
