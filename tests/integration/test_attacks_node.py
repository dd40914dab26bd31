"""The node walks into slashing (issue 12, finding 10), played on a real
4-validator devnet of its own whose inference node also serves a model that
`vinet devnet up --unregistered-model` leaves off the chain.

- An unregistered model is refused before anything is charged (on today's
  main the node served it with its default fee, the client saw a verified
  receipt and the claim later settled INVALID).
- Mallory registers that model id first with her own PCR0 allowlist: the
  honest node refuses TEE for it (409) instead of serving into a REJECTED,
  slashed and jailed claim (main: it served, and was slashed and jailed),
  shows the refusal in /v1/models and /healthz, and keeps serving what is safe.
- A client whose call times out keeps its answer: the SDK's error carries the
  inference id, the answer is fetched by it, and the claim settles once
  (main: the error carried no id and the node kept no outputs).
Each test ends with the honest party's fee or stake intact, every validator
on the same app hash and blocks still coming.
"""
import os
import sys
import time

import numpy as np
import pytest
import requests

from attack_helpers import Actor, address_of, assert_chain_healthy, claim, f32_inputs, wait_claim
from conftest import NetWithNode
from devnet import ROOT, vinet_json
from node_helpers import NodeApi

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import make_demo_model  # noqa: E402

FEE = 10  # kDevnetModelFee


@pytest.fixture(scope="module")
def net(vinet_bin, tmp_path_factory):
    import onnx
    d = tmp_path_factory.mktemp("attacks-node")
    other = d / "unregistered.onnx"
    onnx.save(make_demo_model.build(zkml=False, seed=11), str(other))

    class Net(NetWithNode):
        extra_up_args = ("--unregistered-model", str(other))

    n = Net(d / "net", validators=4, block_time="400ms")
    try:
        n.up()
        wait_until("the enclave registration", lambda: enclave_record(n), 30)
        yield n
    finally:
        n.down()


def wait_until(what, fn, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def enclave_record(net):
    code, value, _ = net.query(0, "enclave", net.status()["enclave"]["key"])
    return value if code == 0 else None


@pytest.fixture(scope="module")
def node_url(net):
    return net.status()["node"]["url"]


@pytest.fixture(scope="module")
def unregistered(net):
    (mid,) = net.status()["unregistered_models"]
    return mid


@pytest.fixture(scope="module")
def registered(net, unregistered):
    (mid,) = [m for m in net.status()["models"] if m != unregistered]
    return mid


def model_info(node_url, model_id):
    (m,) = [m for m in requests.get(node_url + "/v1/models", timeout=10).json()["data"]
            if m["model_id"] == model_id]
    return m


def honest_node(net):
    return vinet_json("query", "node", net.status()["node"]["address"], "--chain", net.rpc_url(0),
                      "--json")


def test_unregistered_model_is_refused_before_anything_is_charged(net, node_url, unregistered,
                                                                  tmp_path):
    alice = Actor(net, tmp_path, "alice", 100_000)
    before = alice.balance()
    api = NodeApi(node_url, net.chain_id)
    tensors = f32_inputs(model_info(node_url, unregistered))
    status, body, iid = api.infer(alice.key, unregistered, tensors, mode=0)
    assert status == 404, body
    assert "not registered on chain" in body["error"]["message"]
    refused = model_info(node_url, unregistered)
    assert refused["modes"] == [] and "VANILLA" in refused["refused"]
    health = requests.get(node_url + "/healthz", timeout=10).json()
    assert any(r["model_id"] == unregistered for r in health["refused"])
    assert api.get(f"/v1/inferences/{iid}")[0] == 404  # nothing accepted, nothing to claim
    time.sleep(1.5)  # a submit interval and a few blocks: no claim appears
    assert claim(net, iid) is None
    assert alice.balance() == before
    assert_chain_healthy(net)


def test_model_registered_first_with_another_allowlist(net, node_url, unregistered, registered,
                                                       tmp_path):
    """Mallory registers the id of a model the honest node serves, first, with a
    PCR0 allowlist that leaves out the honest enclave. TEE for that model is
    refused (a TEE claim would be REJECTED, the node slashed and jailed); the
    honest node keeps its stake, stays unjailed and keeps serving VANILLA for it
    and TEE for its own model."""
    mallory = Actor(net, tmp_path, "mallory", 1_000_000)
    out = vinet_json("tx", "register-model", "--key", mallory.path, "--model-id", unregistered,
                     "--name", "hijack", "--fee-per-inference", FEE, "--mode", "vanilla",
                     "--mode", "tee", "--pcr0", "ab" * 48, "--chain", net.rpc_url(0), "--json")
    assert out["code"] == 0, out
    stake_before = int(honest_node(net)["stake"])
    alice = Actor(net, tmp_path, "alice2", 100_000)
    before = alice.balance()
    api = NodeApi(node_url, net.chain_id)
    tensors = f32_inputs(model_info(node_url, unregistered))
    time.sleep(0.5)  # the node's chain cache (300 ms)
    status, body, iid = api.infer(alice.key, unregistered, tensors, mode=1)  # TEE
    assert status == 409, body
    assert "allowlist" in body["error"]["message"]
    info = model_info(node_url, unregistered)
    assert "TEE" in info["refused"] and "TEE" not in info["modes"] and "VANILLA" in info["modes"]
    health = requests.get(node_url + "/healthz", timeout=10).json()
    assert any(r["model_id"] == unregistered and r["mode"] == "TEE" for r in health["refused"])
    # What is safe is still served and paid: VANILLA of the hijacked id (the
    # chain does not judge VANILLA outputs), TEE of the node's own model.
    s1, b1, iid_v = api.infer(alice.key, unregistered, tensors, mode=0)
    assert s1 == 200, b1
    s2, b2, iid_t = api.infer(alice.key, registered, f32_inputs(model_info(node_url, registered)),
                              mode=1)
    assert s2 == 200, b2
    for i in (iid_v, iid_t):
        assert wait_claim(net, i)["status"] == "SETTLED"
    assert claim(net, iid) is None
    node = honest_node(net)
    assert int(node["stake"]) == stake_before and not node["jailed"]
    assert alice.balance() == before - 2 * FEE
    assert_chain_healthy(net)


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def deposit(net, who, node_address, amount):
    return vinet_json("tx", "deposit", "--key", who.path, "--for-node", node_address,
                      "--amount", amount, "--chain", net.rpc_url(0), "--json")


def test_client_served_by_two_nodes_beyond_its_deposit(net, node_url, registered, tmp_path):
    """Carol funds one fee and tries to be served by two nodes. Both nodes
    serve only against her deposit for them (node.require_deposit): node A,
    which holds her deposit, serves one request and refuses a second; node B,
    with no deposit, refuses. Her attempt to withdraw A's deposit while A's
    claim is open is refused (locked), and A is paid. Once she deposits for B,
    B serves and is paid too: no claim ends UNFUNDED, no node loses its fee.
    (On today's main both nodes served against the same balance and the
    second claim settled UNFUNDED.)"""
    import subprocess
    st = net.status()
    config_a = st["node"]["config"]
    with open(config_a) as f:
        original = f.read()
    with open(config_a, "w") as f:
        f.write(original.replace("require_deposit = false", "require_deposit = true"))
    node_b = Actor(net, tmp_path, "node-b", 1_000_000)
    out = node_b.register_node(stake=100_000)
    assert out["code"] == 0, out
    port = free_port()
    config_b = tmp_path / "b.toml"
    config_b.write_text(
        f'[node]\nlisten = "127.0.0.1:{port}"\ndata_dir = "{tmp_path / "b-data"}"\n'
        f'key_file = "{node_b.path}"\nmodels_dir = "{os.path.join(net.dir, "models")}"\n'
        f'devnet = true\nrequire_deposit = true\n[chain]\nrpc = "{net.rpc_url(0)}"\n'
        f'chain_id = "{net.chain_id}"\n[submitter]\ninterval_ms = 200\n')
    log = open(tmp_path / "b.log", "w")
    from devnet import VINET
    proc = subprocess.Popen([VINET, "node", "start", "--config", str(config_b)], stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url_b = f"http://127.0.0.1:{port}"
    try:
        net.restart_node()

        def up():
            try:
                return requests.get(url_b + "/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False
        wait_until("node B", up, 30)
        addr_a = st["node"]["address"]
        carol = Actor(net, tmp_path, "carol", FEE + 2)
        assert deposit(net, carol, addr_a, FEE)["code"] == 0
        assert carol.balance() == 1
        # She starts pulling the deposit back at once: it stays locked for
        # escrow_unlock_delay_ms (> any request's lifetime), so A still relies on it.
        net.transfer(net.dev_key, carol.address, 10)
        rel = vinet_json("tx", "release-deposit", "--key", carol.path, "--for-node", addr_a,
                         "--chain", net.rpc_url(0), "--json")
        assert rel["code"] == 0, rel
        from devnet import vinet as run
        wd = run("tx", "withdraw-deposit", "--key", carol.path, "--for-node", addr_a,
                 "--chain", net.rpc_url(0), "--json", check=False)
        assert wd.returncode != 0 and "code 14" in wd.stderr, wd.stderr
        time.sleep(0.5)  # A's chain cache
        a, b = NodeApi(node_url, net.chain_id), NodeApi(url_b, net.chain_id)
        tensors = f32_inputs(model_info(node_url, registered))
        s1, body1, iid1 = a.infer(carol.key, registered, tensors, mode=0)
        assert s1 == 200, body1
        s2, body2, _ = a.infer(carol.key, registered, tensors, mode=0)
        assert s2 == 402 and "deposit" in body2["error"]["message"], body2
        s3, body3, iid3 = b.infer(carol.key, registered, tensors, mode=0)
        assert s3 == 402, body3
        assert b.get(f"/v1/inferences/{iid3}")[0] == 404
        c1 = wait_claim(net, iid1)
        assert c1["status"] == "SETTLED" and int(c1["fee"]) == FEE
        _, dep_a, _ = net.query(0, "deposit", f"{carol.address}/{addr_a}")
        assert int(dep_a["amount"]) == 0 and int(dep_a["unlock_time_ms"]) > 0
        # With a deposit for B, B serves her and is paid.
        net.transfer(net.dev_key, carol.address, FEE + 1)
        assert deposit(net, carol, node_b.address, FEE)["code"] == 0
        time.sleep(0.5)  # B's chain cache
        s4, body4, iid4 = b.infer(carol.key, registered, tensors, mode=0)
        assert s4 == 200, body4
        c4 = wait_claim(net, iid4)
        assert c4["status"] == "SETTLED" and c4["node"] == node_b.address
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        with open(config_a, "w") as f:
            f.write(original)
        net.restart_node()
    assert_chain_healthy(net)


def test_client_timeout_keeps_the_answer_retrievable_by_id(net, node_url, registered, tmp_path):
    """The node holds its answer 3 s after writing the claim (a devnet knob); a
    client with a 1 s timeout gets vinet.Timeout carrying the inference id,
    fetches the answer by it (verified), and the claim settles once."""
    import vinet
    config = net.status()["node"]["config"]
    with open(config) as f:
        original = f.read()
    with open(config, "w") as f:
        f.write(original.replace("devnet = true\n", "devnet = true\nanswer_delay_ms = 3000\n"))
    try:
        net.restart_node()
        bob = Actor(net, tmp_path, "bob", 100_000)
        before = bob.balance()
        c = vinet.Client(node_url, net.rpc_url(0), vinet.Key.from_file(bob.path),
                         roots=vinet.devnet_roots(net.dir), timeout=1.0)
        m = [m for m in c.models() if m.model_id == registered][0]
        x = {name: np.full([d if d > 0 else 1 for d in shape], 0.25, dtype=np.float32)
             for name, shape in m.inputs.items()}
        with pytest.raises(vinet.Timeout) as err:
            c.infer(registered, x, mode="tee")
        iid = err.value.inference_id
        assert iid and iid in str(err.value)
        time.sleep(3)
        c.timeout = 10.0
        r = c.answer(iid)
        assert r.verified and r.inference_id == iid and r.mode == "TEE"
        assert wait_claim(net, iid)["status"] == "SETTLED"
        time.sleep(1.5)
        assert bob.balance() == before - FEE  # charged once, and the answer was delivered
        assert c.inference(iid)["status"] == "SETTLED"
    finally:
        with open(config, "w") as f:
            f.write(original)
        net.restart_node()
    assert_chain_healthy(net)
