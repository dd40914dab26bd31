import json

import pytest

from vinet.devnet import devnet_roots, devnet_urls

PEM = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"


def test_roots_from_genesis_else_from_dev_ca(tmp_path):
    with pytest.raises(FileNotFoundError):
        devnet_roots(tmp_path)
    (tmp_path / "dev-ca").mkdir()
    (tmp_path / "dev-ca" / "root.pem").write_text(PEM)
    assert devnet_roots(tmp_path) == [PEM]
    cfg = tmp_path / "node0" / "config"
    cfg.mkdir(parents=True)
    other = PEM.replace("AAAA", "BBBB")
    (cfg / "genesis.json").write_text(json.dumps({"app_state": {"params": {"tee_roots": [other]}}}))
    assert devnet_roots(tmp_path) == [other]


def test_urls_from_status():
    status = {"dev_key": "/d/keys/dev.key", "node": {"url": "http://127.0.0.1:9000", "pid": 1},
              "validators": [{"rpc": "tcp://127.0.0.1:26657"}, {"rpc": "tcp://127.0.0.1:26667"}]}
    assert devnet_urls(status) == {"node_url": "http://127.0.0.1:9000",
                                   "chain_url": "http://127.0.0.1:26657",
                                   "dev_key": "/d/keys/dev.key",
                                   "signers": ["http://127.0.0.1:26657", "http://127.0.0.1:26667"]}
    assert devnet_urls({"validators": []})["node_url"] is None
