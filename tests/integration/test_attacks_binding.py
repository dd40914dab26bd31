"""Attacks on claim binding and pricing, played on the real 4-validator devnet
(issue 12, findings 1, 8, 3 and 10). Each test acts as a hostile node or
client, then asserts the honest party kept its fee or stake, every validator
agrees on the app hash and blocks keep coming.

The hostile node is a second registered node whose txs are built here, byte by
byte (attack_helpers.py), not by the vinet node software.
"""
import time

import pytest
import requests

from attack_helpers import (MSG_SUBMIT_CLAIMS, Actor, address_of, assert_chain_healthy, claim,
                            events, f32_inputs, first_model, node_info, submit_claims_msg,
                            vanilla_receipt, wait_claim)
from node_helpers import (Key, as_json_inputs, inference_id, request_body, signed_request,
                          tensors_hash)


@pytest.fixture(scope="module")
def net(devnet):
    return devnet


@pytest.fixture(scope="module")
def node_url(net):
    return net.status()["node"]["url"]


@pytest.fixture(scope="module")
def honest(node_url):
    pub, health = node_info(node_url)
    return {"pub": pub, "address": address_of(pub)}


@pytest.fixture(scope="module")
def model(node_url):
    return first_model(node_url, "VANILLA")


@pytest.fixture(scope="module")
def mallory(net, tmp_path_factory):
    """A hostile node with the minimum-ish stake."""
    m = Actor(net, tmp_path_factory.mktemp("mallory"), "mallory", 1_000_000)
    out = m.register_node(stake=10_000)
    assert out["code"] == 0, out
    return m


def client(net, tmp_path, name, funds=100_000):
    return Actor(net, tmp_path, name, funds)


def post_infer(node_url, req, tensors):
    r = requests.post(node_url + "/v1/infer",
                      json={"request": req, "inputs": as_json_inputs(tensors)}, timeout=30)
    return r.status_code, r.json()


def request_for(net, who, node_pub, model, tensors, **kw):
    body = request_body(net.chain_id, model["model_id"], 0, tensors_hash(tensors), 1000, node_pub,
                        **kw)
    return body, signed_request(who.key, body), inference_id(body, who.pub)


# ---------------------------------------------------------------- finding 1

def test_front_running_with_own_vanilla_receipt_is_refused(net, node_url, honest, model, mallory,
                                                           tmp_path):
    """Mallory sees Alice's signed request to the honest node and claims it first
    with her own VANILLA receipt. The claim names the honest node, so the chain
    refuses Mallory's (INVALID, nothing stored); the honest node serves it and
    is paid."""
    alice = client(net, tmp_path, "alice")
    tensors = f32_inputs(model)
    body, req, iid = request_for(net, alice, honest["pub"], model, tensors)
    input_hash = tensors_hash(tensors)
    before = mallory.balance()
    res = mallory.send(MSG_SUBMIT_CLAIMS, submit_claims_msg(
        [(req, vanilla_receipt(mallory.key, iid, model["model_id"], input_hash))]), claims=1)
    assert res["check_tx"]["code"] == 0 and res["tx_result"]["code"] == 0, res
    (ev,) = events(res)
    assert ev["status"] == "INVALID", ev
    assert "request.node_pubkey: addressed to node " + honest["address"] in ev["reason"]
    assert claim(net, iid) is None
    assert mallory.balance() == before - mallory.last_fee  # her tx fee, no claim fee
    # The honest node likewise refuses to serve a request addressed to Mallory.
    _, for_mallory, _ = request_for(net, alice, mallory.pub, model, tensors)
    code, answer = post_infer(node_url, for_mallory, tensors)
    assert code == 400 and "request.node_pubkey" in answer["error"]["message"], answer
    alice_before = alice.balance()
    node_before = int(net.account(0, honest["address"])["balance"])
    code, answer = post_infer(node_url, req, tensors)
    assert code == 200, answer
    assert answer["inference_id"] == iid
    settled = wait_claim(net, iid)
    assert settled and settled["status"] == "SETTLED", settled
    assert settled["node"] == honest["address"]
    fee = int(settled["fee"])
    assert fee > 0 and alice.balance() == alice_before - fee
    assert int(net.account(0, honest["address"])["balance"]) >= node_before + fee - 10
    assert_chain_healthy(net)


def test_resigned_body_cannot_void_the_claim(net, node_url, honest, model, mallory, tmp_path):
    """Mallory re-signs Alice's request body under her own client key (same
    body, so the same id on today's main) and gets her node to claim it first.
    The id now covers the client key and the request names the honest node:
    Alice's claim still settles and pays the honest node."""
    alice = client(net, tmp_path, "alice2")
    mallory_client = client(net, tmp_path, "mallory-client")
    tensors = f32_inputs(model, 0.25)
    body, req, iid = request_for(net, alice, honest["pub"], model, tensors)
    resigned = signed_request(mallory_client.key, body)
    resigned_id = inference_id(body, mallory_client.pub)
    assert resigned_id != iid
    res = mallory.send(MSG_SUBMIT_CLAIMS, submit_claims_msg(
        [(resigned, vanilla_receipt(mallory.key, resigned_id, model["model_id"],
                                    tensors_hash(tensors)))]), claims=1)
    (ev,) = events(res)
    assert ev["status"] == "INVALID", ev
    assert claim(net, iid) is None and claim(net, resigned_id) is None
    code, answer = post_infer(node_url, req, tensors)
    assert code == 200, answer
    settled = wait_claim(net, iid)
    assert settled and settled["status"] == "SETTLED" and settled["node"] == honest["address"]
    assert settled["client"] == alice.address
    assert_chain_healthy(net)


def test_expired_request_is_refused_by_node_and_chain(net, node_url, honest, model, mallory,
                                                      tmp_path):
    """A request past (or near) its expiry: the honest node refuses to serve it
    (it could not be claimed in time), and a claim of an expired request is
    INVALID on chain: the client is not charged and nothing is stored."""
    alice = client(net, tmp_path, "alice3")
    tensors = f32_inputs(model, 0.75)
    now = int(time.time() * 1000)
    _, req, _ = request_for(net, alice, honest["pub"], model, tensors, ts=now - 60_000,
                            expires=now - 1)
    code, answer = post_infer(node_url, req, tensors)
    assert code == 400 and "expires_ms" in answer["error"]["message"], answer
    _, req, _ = request_for(net, alice, honest["pub"], model, tensors, ts=now,
                            expires=now + 5_000)  # inside the node's 30 s claim lead time
    code, answer = post_infer(node_url, req, tensors)
    assert code == 400 and "expires_ms" in answer["error"]["message"], answer

    # Alice asked Mallory's node with a 1.5 s lifetime; Mallory claims it late.
    _, req, iid = request_for(net, alice, mallory.pub, model, tensors, ts=now,
                              expires=now + 1_500)
    time.sleep(2.5)
    alice_before = alice.balance()
    res = mallory.send(MSG_SUBMIT_CLAIMS, submit_claims_msg(
        [(req, vanilla_receipt(mallory.key, iid, model["model_id"], tensors_hash(tensors)))]),
        claims=1)
    (ev,) = events(res)
    assert ev["status"] == "INVALID" and "request.expires_ms: expired at" in ev["reason"], ev
    assert claim(net, iid) is None
    assert alice.balance() == alice_before
    assert_chain_healthy(net)


# ---------------------------------------------------------------- finding 8

def test_thousand_claim_tx_at_minimum_fee_is_refused(net, node_url, honest, model, mallory,
                                                     tmp_path):
    """Mallory floods a block with one SubmitClaims of 1,000 claims paying the
    flat minimum fee: refused by CheckTx (fee_too_low, priced by bytes and
    claims); the same tx paying the schedule gets in. The honest node's claims
    keep settling meanwhile."""
    from attack_helpers import broadcast
    alice = client(net, tmp_path, "alice-flood")
    tensors = f32_inputs(model, 0.125)
    claims = []
    for _ in range(1000):
        _, req, iid = request_for(net, alice, mallory.pub, model, tensors)
        claims.append((req, vanilla_receipt(mallory.key, iid, model["model_id"],
                                            tensors_hash(tensors))))
    msg = submit_claims_msg(claims)
    params = net.query(0, "params")[1]
    res = mallory.send(MSG_SUBMIT_CLAIMS, msg, fee=params["min_fee"], commit=False)
    assert res["code"] == 6, res  # fee_too_low
    assert "1000 claims" in res["log"]
    before = mallory.balance()
    res = mallory.send(MSG_SUBMIT_CLAIMS, msg, claims=1000)
    fee = mallory.last_fee
    assert fee >= params["min_fee"] + 1000 * params["fee_per_claim"] + len(msg) // 1024
    assert res["check_tx"]["code"] == 0 and res["tx_result"]["code"] == 0, res
    assert len(events(res)) == 1000
    assert mallory.balance() <= before - fee + 1000 * int(model.get("fee") or 0)
    # The honest node still serves and settles.
    honest_client = client(net, tmp_path, "alice-after-flood")
    _, req, iid = request_for(net, honest_client, honest["pub"], model, tensors)
    code, answer = post_infer(node_url, req, tensors)
    assert code == 200, answer
    settled = wait_claim(net, iid)
    assert settled and settled["status"] == "SETTLED", settled
    assert_chain_healthy(net)


def test_garbage_proposer_blocks_are_rejected(net):
    """Validator 3 restarted in the devnet-only test mode that appends an
    undecodable and a badly signed tx to every block it proposes. The others
    reject those proposals in ProcessProposal: no committed block holds a tx
    that fails decoding or its signature, and blocks keep coming."""
    import os
    env = dict(os.environ, VINET_TEST_GARBAGE_PROPOSALS="1")
    net.restart(3, env=env)
    try:
        start = net.height(0)
        t0 = time.time()
        time.sleep(12)
        end = net.height(0)
        elapsed = time.time() - t0
        assert end - start >= 4, f"only {end - start} blocks in {elapsed:.1f}s"
        assert elapsed / (end - start) <= 2.5, f"{end - start} blocks in {elapsed:.1f}s"
        for h in range(start + 1, end + 1):
            results = net.rpc(0, "block_results", height=str(h))
            for r in results.get("txs_results") or []:
                assert int(r.get("code", 0)) not in (1, 3), (h, r)
        with open(os.path.join(net.home(3), "app.log")) as f:
            assert "garbage txs" in f.read(), "the hostile validator never proposed"
        rejected = 0
        for i in range(3):
            with open(os.path.join(net.home(i), "app.log")) as f:
                rejected += f.read().count("rejecting proposal")
        assert rejected > 0
        assert_chain_healthy(net)
    finally:
        net.restart(3)
    assert_chain_healthy(net)


# ---------------------------------------------------------------- finding 3

def test_jailed_node_cannot_submit_proofs(net, node_url, honest, model, tmp_path,
                                          tmp_path_factory):
    """A node jailed for a forged claim (REJECTED) may no longer submit ZKML
    proofs: its SubmitProofs is refused by CheckTx with node_jailed. The honest
    node keeps serving and settling."""
    from attack_helpers import MSG_SUBMIT_PROOFS
    from devnet import pb_bytes
    eve = Actor(net, tmp_path_factory.mktemp("eve"), "eve", 1_000_000)
    assert eve.register_node(stake=10_000)["code"] == 0
    alice = client(net, tmp_path, "alice-jail")
    tensors = f32_inputs(model, 0.3)
    _, req, iid = request_for(net, alice, eve.pub, model, tensors)
    forged = vanilla_receipt(eve.key, iid, model["model_id"], b"\x00" * 32)  # wrong input hash
    res = eve.send(MSG_SUBMIT_CLAIMS, submit_claims_msg([(req, forged)]), claims=1)
    (ev,) = events(res)
    assert ev["status"] == "REJECTED", ev
    node = net.query(0, "node", eve.address)[1]
    assert node["jailed"] is True
    proof = pb_bytes(1, pb_bytes(1, bytes.fromhex(iid)) + pb_bytes(2, b"\x80")
                     + pb_bytes(3, b"\x01" * 64))
    res = eve.send(MSG_SUBMIT_PROOFS, proof, fee=1000, commit=False)
    assert res["code"] == 20 and "jailed" in res["log"], res  # node_jailed
    honest_client = client(net, tmp_path, "alice-after-jail")
    _, req, iid = request_for(net, honest_client, honest["pub"], model, tensors)
    code, answer = post_infer(node_url, req, tensors)
    assert code == 200, answer
    settled = wait_claim(net, iid)
    assert settled and settled["status"] == "SETTLED", settled
    assert_chain_healthy(net)


# ---------------------------------------------------------------- finding 10 (part)

def test_unregistered_model_is_refused_and_errors_carry_the_id(net, honest, tmp_path):
    """The node serves a model nobody registered on chain: a claim for it would
    be INVALID, so the client would get a `verified` answer that is never
    settled. The node refuses it (404, "not registered on chain"), the client
    is not charged, and the error names the inference id. Runs last: it
    restarts the node with one more model in its store."""
    import os
    from sdk_helpers import write_relu_model
    model_id = write_relu_model(os.path.join(net.dir, "models"), 3)
    net.restart_node()
    url = net.status()["node"]["url"]
    served = [m["model_id"] for m in requests.get(url + "/v1/models", timeout=10).json()["data"]]
    assert model_id in served
    alice = client(net, tmp_path, "alice-unregistered")
    tensors = {"x": ("f32", [1, 3], b"\x00\x00\x80\x3f" * 3)}
    model = {"model_id": model_id}
    _, req, iid = request_for(net, alice, honest["pub"], model, tensors)
    before = alice.balance()
    code, answer = post_infer(url, req, tensors)
    assert code == 404 and "not registered on chain" in answer["error"]["message"], answer
    assert answer["error"]["inference_id"] == iid
    time.sleep(2)
    assert claim(net, iid) is None and alice.balance() == before
    assert_chain_healthy(net)
