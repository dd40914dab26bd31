"""`vinet model publish` on a running devnet (docs/models.md), with real processes:

- a new ONNX model is published with one command and served in VANILLA, TEE
  and ZKML, each inference settling, with no process restarted (pids
  unchanged); the node, the chain, `vinet models` and the SDK show the name
  given;
- a new enclave (another image, so another PCR0) is refused TEE until the
  owner's UpdateModel adds its PCR0; then its TEE claims settle; a non-owner's
  UpdateModel is refused;
- a retired model refuses new inferences (node) and its record says so.
Bounded: about 40 s wall on the 2-core machine (one 1-validator devnet).
"""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from devnet import reap, vinet, vinet_json
from node_helpers import wait_for
from zkml_net_helpers import ZkmlDevnet, zk_input

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import make_demo_model  # noqa: E402  (the repository's demo model builder)

sdk = pytest.importorskip("vinet")
import onnx  # noqa: E402

NAME = "my-mlp"
FEE = 7


@pytest.fixture(scope="module")
def net(vinet_bin, tmp_path_factory):
    d = ZkmlDevnet(tmp_path_factory.mktemp("publish") / "net", validators=1, block_time="300ms",
                   params=["zkml_deadline_blocks=60"])
    try:
        d.up()
        yield d
    finally:
        d.down()


@pytest.fixture(scope="module")
def published(net, tmp_path_factory):
    model = tmp_path_factory.mktemp("model") / "mine.onnx"
    onnx.save(make_demo_model.build(zkml=True, seed=11), str(model))
    pids = net.all_pids()
    t0 = time.time()
    out = vinet_json("model", "publish", model, "--name", NAME, "--fee", FEE,
                     "--modes", "vanilla,tee,zkml", "--devnet", net.dir, "--json")
    out["seconds"] = time.time() - t0
    print(f"\nvinet model publish (vanilla,tee,zkml) took {out['seconds']:.1f} s")
    out["pids_before"] = pids
    return out


def client(net):
    return sdk.Client(net.node_url, net.rpc_url(0), sdk.Key.from_file(net.dev_key),
                      roots=sdk.devnet_roots(net.dir))


def test_publish_serves_every_mode_without_a_restart(net, published):
    model_id = published["model_id"]
    assert published["name"] == NAME
    assert set(published["modes"]) == {"VANILLA", "TEE", "ZKML"}
    assert published["allowed_pcr0"] == [net.status()["enclave"]["pcr0"]]
    with client(net) as c:
        for mode in ("vanilla", "tee", "zkml"):
            r = c.infer(model_id, zk_input(3), mode=mode)
            s = c.wait_settled(r.inference_id, timeout=30)
            assert s.status == "SETTLED", (mode, s)
            claim = net.claim(r.inference_id)
            assert claim["model_id"] == model_id and claim["fee"] == FEE, claim
        (info,) = [m for m in c.models() if m.model_id == model_id]
        assert info.name == NAME and info.registered
        assert set(info.modes) == {"VANILLA", "TEE", "ZKML"}
    # No process was restarted.
    assert net.all_pids() == published["pids_before"]
    for pid in published["pids_before"]:
        os.kill(pid, 0)
    # One name everywhere: the chain's record and `vinet models`.
    assert net.query(0, "model", model_id)[1]["name"] == NAME
    rows = {m["model_id"]: m for m in vinet_json("models", "--devnet", net.dir, "--json")["models"]}
    row = rows[model_id]
    assert row["name"] == NAME and row["registered"] and row["served"]
    assert row["chain"]["fee_per_inference"] == FEE and not row["chain"]["retired"]
    text = vinet("models", "--devnet", net.dir).stdout
    assert NAME in text and model_id[:12] in text


def start_enclave(net, models_dir):
    socket = os.path.join(net.dir, "enclave.sock")
    log = open(os.path.join(net.dir, "enclave2.log"), "w")
    p = subprocess.Popen([os.environ.get("VINET_BIN", "vinet"), "enclave", "start", "--socket",
                          socket, "--models", models_dir, "--ca-dir",
                          os.path.join(net.dir, "dev-ca")], stdout=subprocess.PIPE,
                         stderr=log, text=True)
    line = p.stdout.readline()  # "enclave listening on S key K pcr0 P"
    assert "pcr0" in line, line
    return p, line.split()[-1]


def test_update_model_admits_a_new_enclave(net, published, tmp_path):
    model_id = published["model_id"]
    # Unauthenticated reloads are refused.
    admin = json.load(open(os.path.join(net.dir, "inference-node", "data", "admin.json")))
    assert requests.post(admin["url"] + "/admin/v1/reload", timeout=10).status_code == 401
    wrong = {"Authorization": "Bearer " + "0" * 64}
    assert requests.post(admin["url"] + "/admin/v1/reload", headers=wrong,
                         timeout=10).status_code == 401
    assert oct(os.stat(os.path.join(net.dir, "inference-node", "data", "admin.json")).st_mode
               & 0o777) == "0o600"
    # A new enclave image (only the published model: another PCR0) replaces the old one.
    models = tmp_path / "enclave2-models"
    models.mkdir()
    src = os.path.join(net.dir, "models", model_id + ".onnx")
    os.link(src, models / (model_id + ".onnx"))
    old = net.status()["enclave"]["pid"]
    os.kill(old, signal.SIGTERM)
    reap([old])
    enclave, pcr0 = start_enclave(net, str(models))
    try:
        assert pcr0 != published["allowed_pcr0"][0]
        loaded = vinet_json("node", "reload", "--devnet", net.dir, "--json")
        assert loaded["enclave"]["pcr0"] == pcr0 and loaded["enclave"]["models"] == [model_id]
        with client(net) as c:
            with pytest.raises(sdk.VinetError) as refused:
                c.infer(model_id, zk_input(4), mode="tee")
            assert "PCR0" in str(refused.value)
            # Someone else cannot change the allowlist.
            other = tmp_path / "other.key"
            addr = vinet_json("keys", "new", "--out", other, "--json")["address"]
            net.transfer(net.dev_key, addr, 1000)
            bad = vinet("tx", "update-model", "--model-id", model_id, "--add-pcr0", pcr0,
                        "--key", other, "--chain", net.rpc_url(0), check=False)
            assert bad.returncode == 1 and "not_model_owner" in bad.stderr, bad.stderr
            out = vinet_json("tx", "update-model", "--model-id", model_id, "--add-pcr0", pcr0,
                             "--key", net.dev_key, "--chain", net.rpc_url(0), "--json")
            assert out["code"] == 0
            record = net.query(0, "model", model_id)[1]
            assert record["allowed_pcr0"] == published["allowed_pcr0"] + [pcr0]
            wait_for("TEE served by the new enclave",
                     lambda: "TEE" in [m for m in c.models() if m.model_id == model_id][0].modes,
                     30)
            r = c.infer(model_id, zk_input(5), mode="tee")
            assert r.receipt["enclave_key"] == loaded["enclave"]["key"]
            s = c.wait_settled(r.inference_id, timeout=30)
            assert s.status == "SETTLED", s
    finally:
        enclave.terminate()
        enclave.wait(10)


def test_retired_model_refuses_new_inferences(net, published):
    model_id = published["model_id"]
    out = vinet_json("tx", "update-model", "--model-id", model_id, "--retire",
                     "--key", net.dev_key, "--chain", net.rpc_url(0), "--json")
    assert out["code"] == 0
    assert net.query(0, "model", model_id)[1]["retired"] is True
    with client(net) as c:
        def refused():
            try:
                c.infer(model_id, zk_input(6), mode="vanilla")
                return False
            except sdk.VinetError as e:
                return "retired" in str(e)
        wait_for("the node refusing the retired model", refused, 10)
    rows = {m["model_id"]: m for m in vinet_json("models", "--devnet", net.dir, "--json")["models"]}
    assert rows[model_id]["chain"]["retired"] is True


def test_register_model_tee_without_pcr0_says_what_to_pass(net):
    r = vinet("tx", "register-model", "--model-id", "no-pcr", "--name", "x", "--mode", "tee",
              "--fee-per-inference", 10, "--devnet", net.dir, check=False)
    assert r.returncode == 1
    assert "--mode tee needs --pcr0 HEX" in r.stderr and "enclave.pcr0" in r.stderr, r.stderr
    assert net.query(0, "model", "no-pcr")[0] != 0  # nothing registered
