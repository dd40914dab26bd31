"""Client.from_env / from_devnet: where each setting comes from, and errors
that name what is missing."""
import json
import os

import pytest

import vinet
from vinet import config

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def write_devnet(d, with_node=True):
    key = vinet.Key.generate()
    os.makedirs(d / "keys", exist_ok=True)
    key.save(str(d / "keys" / "dev.key"))
    state = {"dev_key": str(d / "keys" / "dev.key"),
             "validators": [{"rpc": "http://127.0.0.1:26657"}]}
    if with_node:
        state["node"] = {"url": "http://127.0.0.1:8080"}
    (d / "devnet.json").write_text(json.dumps(state))
    (d / "node0" / "config").mkdir(parents=True)
    (d / "node0" / "config" / "genesis.json").write_text(
        json.dumps({"app_state": {"params": {"tee_roots": [PEM]}}}))
    return key


def test_from_devnet_reads_its_state_file(tmp_path):
    key = write_devnet(tmp_path)
    c = vinet.Client.from_devnet(tmp_path)
    assert c.node_url == "http://127.0.0.1:8080" and c.chain_url == "http://127.0.0.1:26657"
    assert c.key.address == key.address and c.verifier.roots_pem == [PEM]
    c.close()
    c = vinet.Client.from_devnet(tmp_path, timeout=3.0, node_url="http://other:1")
    assert c.timeout == 3.0 and c.node_url == "http://other:1"


def test_from_devnet_errors_name_the_fix(tmp_path):
    with pytest.raises(vinet.ConfigError, match="devnet.json") as err:
        vinet.Client.from_devnet(tmp_path / "nowhere")
    assert "vinet devnet up" in str(err.value)
    write_devnet(tmp_path, with_node=False)
    with pytest.raises(vinet.ConfigError, match="inference node"):
        vinet.Client.from_devnet(tmp_path)


def test_from_env(tmp_path, monkeypatch):
    key = vinet.Key.generate()
    key.save(str(tmp_path / "k.key"))
    (tmp_path / "a.pem").write_text(PEM)
    for var in config.ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(vinet.ConfigError) as err:
        vinet.Client.from_env()
    assert "VINET_NODE, VINET_CHAIN, VINET_KEY not set" in str(err.value)
    assert "VINET_DEVNET" in str(err.value)
    monkeypatch.setenv("VINET_NODE", "http://n:1")
    monkeypatch.setenv("VINET_CHAIN", "http://c:2")
    monkeypatch.setenv("VINET_KEY", str(tmp_path / "k.key"))
    c = vinet.Client.from_env()
    assert (c.node_url, c.chain_url, c.key.address) == ("http://n:1", "http://c:2", key.address)
    assert c.verifier.roots_pem is None  # the AWS Nitro root
    monkeypatch.setenv("VINET_ROOTS", str(tmp_path / "a.pem"))
    assert vinet.Client.from_env().verifier.roots_pem == [PEM]


def test_from_env_with_a_devnet_and_overrides(tmp_path, monkeypatch):
    write_devnet(tmp_path)
    for var in config.ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("VINET_DEVNET", str(tmp_path))
    monkeypatch.setenv("VINET_NODE", "http://elsewhere:9")
    c = vinet.Client.from_env()
    assert c.node_url == "http://elsewhere:9" and c.chain_url == "http://127.0.0.1:26657"
    assert c.verifier.roots_pem == [PEM]
    ac = vinet.AsyncClient.from_env()
    assert ac._c.node_url == "http://elsewhere:9"
    ac._c.close()
