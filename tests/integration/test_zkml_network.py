"""ZKML on the network, end to end with real processes: a devnet whose node
serves the ZKML demo MLP; the SDK; byzantine nodes (devnet fault injection).

- async ZKML: answer at once, proof later, PENDING → SETTLED, proof verified
  locally by the SDK;
- inline (wait="proof"): the answer carries the proof, verified locally;
  a tampered proof or output fails local verification;
- the node killed (-9) with proof jobs open resumes and every claim settles
  before its deadline, none settled twice;
- 200 ZKML inferences all settle, concurrent ones proved in batch proofs;
- each byzantine mode ends REJECTED or EXPIRED, stake slashed, client refunded
  (a wrong output and a corrupted proof also under a zero-knowledge kind-7 key);
- a proof for another input is ignored (wrong input hash) or REJECTED
  (right inputs, another inference's proof).
"""
import concurrent.futures
import json
import os
import sys
import time

import numpy as np
import onnx
import pytest
import requests

from devnet import vinet

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import make_demo_model  # noqa: E402  (the repository's demo model builder)
from zkml_net_helpers import (KIND7_FLAGS, KIND7_PARAMS, ZkmlDevnet, encode_inputs, zk_client,
                              zk_input)

vinet_sdk = pytest.importorskip("vinet")


@pytest.fixture(scope="module")
def zknet(vinet_bin, tmp_path_factory):
    net = ZkmlDevnet(tmp_path_factory.mktemp("zkml") / "net", validators=1, block_time="300ms",
                     params=["zkml_deadline_blocks=60"])
    try:
        net.up()
        yield net
    finally:
        net.down()


KIND7 = (KIND7_FLAGS, KIND7_PARAMS)


def byzantine_net(tmp_path, mode, deadline_blocks, key=((), ())):
    flags, params = key
    return ZkmlDevnet(tmp_path / ("byz-" + mode), validators=1, block_time="300ms",
                      params=[f"zkml_deadline_blocks={deadline_blocks}", *params], byzantine=mode,
                      zkml_key=flags)


def node_record(net, inference_id, status, timeout=10, proof_status=None):
    """The node's record of an inference once it reached `status` (and its
    proof job `proof_status`, when given), or the last one seen."""
    deadline = time.time() + timeout
    while True:
        rec = requests.get(f"{net.node_url}/v1/inferences/{inference_id}", timeout=5).json()
        proof_ok = proof_status is None or (rec.get("proof") or {}).get("status") == proof_status
        if (rec.get("status") == status and proof_ok) or time.time() > deadline:
            return rec
        time.sleep(0.2)


def test_async_zkml_settles_with_a_verified_proof(zknet):
    with zk_client(zknet) as c:
        x = zk_input(1)
        r = c.infer(zknet.model_id, x, mode="zkml")
        # the receipt is checked at once; the result is not "verified" before its proof
        assert r.receipt_verified and r.proof is None and not r.proof_verified
        assert not r.verified and "zkml_proof" not in r.checked
        (y,) = r.output.values()
        assert y.dtype == np.int8 and y.shape == (1, 4)
        s = c.wait_settled(r.inference_id, timeout=30)
        assert s.status == "SETTLED", s
        assert s.trust_gap is not None and s.trust_gap > 0
        # Proven through the app-hash certificate (the one validator signed H): no header H+1.
        assert s.proof_verified and s.certified, s
        r.verify()  # fetches the proof from the node and verifies it locally
        assert r.proof_verified and r.verified and len(r.proof) > 1000
        claim = zknet.claim(r.inference_id)
        assert claim["status"] == "SETTLED" and claim["mode"] == "ZKML"
        node = node_record(zknet, r.inference_id, "SETTLED", proof_status="DONE")
        assert node["status"] == "SETTLED" and node["proof"]["status"] == "DONE"
        metrics = requests.get(zknet.node_url + "/metrics", timeout=5).text
        for name in ("vinet_node_prove_seconds_count", "vinet_node_proof_queue_depth",
                     "vinet_node_zkml_settlement_seconds_count"):
            assert name in metrics


def test_inline_proof_is_verified_locally(zknet):
    from vinet.errors import VerificationFailed
    from vinet.zkml import verify_proof
    with zk_client(zknet) as c:
        x = zk_input(2)
        r = c.infer(zknet.model_id, x, mode="zkml", wait="proof")
        assert r.proof is not None and r.proof_verified
        vk = c.zkml_key(zknet.model_id)
        bad = bytearray(r.proof)
        bad[len(bad) // 2] ^= 1
        with pytest.raises(VerificationFailed):
            verify_proof(vk, x, r.output, bytes(bad))
        (name, y), = r.output.items()
        y2 = y.copy()
        y2[0, 0] = y2[0, 0] + 1 if y2[0, 0] < 127 else 126
        with pytest.raises(VerificationFailed):
            verify_proof(vk, x, {name: y2}, r.proof)
        with pytest.raises(VerificationFailed):
            verify_proof(vk, zk_input(3), r.output, r.proof)
        assert c.wait_settled(r.inference_id, timeout=30).status == "SETTLED"


@pytest.mark.parametrize("wait", ["settled", "proof"])
def test_cpp_client_verifies_zkml_proofs(zknet, tmp_path, wait):
    """`vinet infer --mode zkml`: async (proof fetched) and inline (--wait proof)."""
    x = tmp_path / "x.json"
    x.write_text(json.dumps({"x": zk_input(5)["x"].tolist()}))
    out = json.loads(vinet("infer", zknet.model_id, "--input", x, "--mode", "zkml", "--wait", wait,
                           "--devnet", zknet.dir, "--json").stdout)
    assert out["zkml"]["proof_verified"] is True and out["zkml"]["proof_bytes"] > 1000
    assert out["outputs"]["y"]["dtype"] == "i8"
    if wait == "settled":
        assert out["settlement"]["status"] == "SETTLED"
    bad = vinet("infer", zknet.model_id, "--input", x, "--mode", "vanilla", "--wait", "proof",
                "--devnet", zknet.dir, check=False)
    assert bad.returncode == 1 and "needs --mode zkml" in bad.stderr


def test_node_killed_mid_proof_resumes_and_settles(zknet):
    pid = zknet.node_pid()  # read before: the kill must follow the last answer at once
    with zk_client(zknet) as c:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda i: c.infer(zknet.model_id, zk_input(100 + i),
                                                      mode="zkml"), range(40)))
    zknet.kill_node(pid)  # answered claims and their proof jobs are on disk
    kill_height = zknet.height(0)
    zknet.restart_node()
    settled_after_kill = 0
    for r in results:
        claim = zknet.wait_claim(r.inference_id, {"SETTLED", "REJECTED", "EXPIRED"}, timeout=60)
        assert claim and claim["status"] == "SETTLED", claim
        settled_after_kill += claim["settled_height"] > kill_height
    # The last answers came milliseconds before the kill: their claims cannot
    # have settled by then (that takes a claim tx and a proof tx in blocks), so
    # the kill always lands with open jobs, which the restarted node finished.
    assert settled_after_kill > 0
    # Nothing proved-and-submitted twice: each job's proof went out in one tx.
    # The node learns of a settlement on its own schedule (its submitter tracks
    # its txs every step), so a job may still read SUBMITTED for a moment.
    for r in results:
        url = f"{zknet.node_url}/v1/inferences/{r.inference_id}/proof"
        deadline = time.time() + 30
        proof = requests.get(url, timeout=5).json()
        while proof["status"] == "SUBMITTED" and time.time() < deadline:
            time.sleep(0.2)
            proof = requests.get(url, timeout=5).json()
        assert proof["status"] == "DONE" and proof["attempts"] == 1, proof


def test_200_zkml_inferences_all_settle(zknet):
    t0 = time.time()
    with zk_client(zknet) as c:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda i: c.infer(zknet.model_id, zk_input(1000 + i),
                                                      mode="zkml"), range(200)))
    assert len({r.inference_id for r in results}) == 200
    statuses = {}
    for r in results:
        claim = zknet.wait_claim(r.inference_id, {"SETTLED", "REJECTED", "EXPIRED"},
                                 timeout=max(5, 120 - (time.time() - t0)))
        statuses[r.inference_id] = claim and claim["status"]
    assert list(statuses.values()).count("SETTLED") == 200, \
        {s: list(statuses.values()).count(s) for s in set(statuses.values())}
    # Concurrent requests of one model are proved in batches (zkml.batch_max 16,
    # batch_wait_ms 50): one SubmitProofs batch proof settled each batch.
    batches = set()
    batched = []
    for r in results:
        job = requests.get(f"{zknet.node_url}/v1/inferences/{r.inference_id}/proof",
                           timeout=5).json()
        assert job["claim_status"] == "SETTLED", job
        if len(job.get("batch") or []) > 1:
            assert r.inference_id in job["batch"] and len(job["batch"]) <= 16
            batches.add(tuple(job["batch"]))
            batched.append(r)
    assert batches, "no inference was proved in a batch"
    assert sum(len(b) for b in batches) >= 4
    # The SDK verifies a batch proof locally: its own instance from the result,
    # the others' inputs and answers from the node; a tampered batch proof fails.
    from vinet.errors import VerificationFailed
    with zk_client(zknet) as c:
        r = batched[0]
        r.verify()
        assert r.proof_verified and r.verified and r.proof_batch and len(r.proof_batch) > 1
        assert r.proof_batch.index(r.inference_id) >= 0
        r.proof = r.proof[:-1] + bytes([r.proof[-1] ^ 1])
        with pytest.raises(VerificationFailed):
            r.verify()
        # A node that names a batch without this inference in it is refused by name.
        r.proof, r.proof_batch = None, None
        r.verify()
        others = [i for i in r.proof_batch if i != r.inference_id]
        r.proof_batch = others
        with pytest.raises(VerificationFailed, match="does not hold inference"):
            r.verify()
    # The C++ client: `vinet status --verify-proof` checks the same batch proof
    # against the chain's key and the node's stored inputs and answer.
    out = json.loads(vinet("status", batched[-1].inference_id, "--verify-proof", "--devnet",
                           zknet.dir, "--json").stdout)
    assert out["zkml"]["proof_verified"] is True and out["zkml"]["proof_instances"] > 1
    single = [r for r in results if r not in batched]
    if single:
        out = json.loads(vinet("status", single[0].inference_id, "--verify-proof", "--devnet",
                               zknet.dir, "--json").stdout)
        assert out["zkml"]["proof_instances"] == 1


def _byzantine_case(tmp_path, mode, want, deadline_blocks=60, local_check=None, key=((), ())):
    net = byzantine_net(tmp_path, mode, deadline_blocks, key)
    try:
        net.up()
        with zk_client(net) as c:
            client = c.key.address
            before_balance, before_stake = net.balance(client), net.stake()
            r = c.infer(net.model_id, zk_input(7), mode="zkml")
            s = c.wait_settled(r.inference_id, timeout=60)
            assert s.status == want, s
            assert net.stake() < before_stake
            assert net.balance(client) > before_balance  # fee refunded, compensation paid
            if local_check:
                local_check(c, net)
    finally:
        net.down()


@pytest.mark.parametrize("key", [((), ()), KIND7], ids=["kind4", "kind7"])
def test_byzantine_wrong_output_is_rejected(vinet_bin, tmp_path, key):
    from vinet.errors import VerificationFailed

    def inline_fails_locally(c, net):
        with pytest.raises(VerificationFailed):
            c.infer(net.model_id, zk_input(8), mode="zkml", wait="proof")
    _byzantine_case(tmp_path, "wrong-output", "REJECTED", local_check=inline_fails_locally, key=key)


@pytest.mark.parametrize("key", [((), ()), KIND7], ids=["kind4", "kind7"])
def test_byzantine_bad_proof_is_rejected(vinet_bin, tmp_path, key):
    _byzantine_case(tmp_path, "bad-proof", "REJECTED", key=key)


def test_byzantine_no_proof_expires_and_foreign_proofs_are_refused(vinet_bin, tmp_path):
    """A no-proof node's claims expire; proofs made for another input are
    ignored (input hash) or REJECTED (right inputs, another inference's proof);
    a valid proof of the right input under another model is REJECTED."""
    net = byzantine_net(tmp_path, "no-proof", 25)
    try:
        net.up()
        with zk_client(net) as c:
            client = c.key.address
            before_balance, before_stake = net.balance(client), net.stake()
            xa, xb = zk_input(21), zk_input(22)
            xc = zk_input(23)
            a = c.infer(net.model_id, xa, mode="zkml")
            b = c.infer(net.model_id, xb, mode="zkml")
            cc = c.infer(net.model_id, xc, mode="zkml")
            for r in (a, b, cc):
                assert net.wait_claim(r.inference_id, {"PENDING"}, timeout=20)["status"] == "PENDING"
            # A valid proof of B's input, made outside the node.
            pkg = os.path.join(net.dir, "models", net.model_id + ".vzk")
            xb_json = tmp_path / "xb.json"
            xb_json.write_text(json.dumps({"x": xb["x"].tolist()}))
            proof_b = tmp_path / "b.proof"
            vinet("zk", "prove", pkg, "--input", xb_json, "--out", proof_b,
                  "--output", tmp_path / "b.out.json")
            ins_a, ins_b = tmp_path / "a.in", tmp_path / "b.in"
            ins_a.write_bytes(encode_inputs(xa))
            ins_b.write_bytes(encode_inputs(xb))
            common = ["--key", net.node_key, "--chain", net.rpc_url(0)]
            # B's inputs for claim A: the input hash differs, nothing changes.
            vinet("tx", "submit-proof", *common, "--inference-id", a.inference_id,
                  "--inputs", ins_b, "--proof", proof_b, check=False)
            assert net.claim(a.inference_id)["status"] == "PENDING"
            # A's inputs with B's proof: verified and found false → REJECTED.
            vinet("tx", "submit-proof", *common, "--inference-id", a.inference_id,
                  "--inputs", ins_a, "--proof", proof_b)
            assert net.wait_claim(a.inference_id, {"REJECTED"}, timeout=20)["status"] == "REJECTED"
            # C's inputs with a valid proof from another model (same architecture,
            # other weights): bound to that model's key, it would be REJECTED
            # (zkml_settlement_test), but the node is jailed since A's rejection
            # and a jailed node cannot submit proofs (issue 12, finding 3).
            other = tmp_path / "other.onnx"
            onnx.save(make_demo_model.build(zkml=True, seed=8), str(other))
            other_pkg = tmp_path / "other.vzk"
            vinet("zk", "commit", other, "--out", other_pkg)
            xc_json = tmp_path / "xc.json"
            xc_json.write_text(json.dumps({"x": xc["x"].tolist()}))
            proof_other = tmp_path / "c.other.proof"
            vinet("zk", "prove", other_pkg, "--input", xc_json, "--out", proof_other)
            ins_c = tmp_path / "c.in"
            ins_c.write_bytes(encode_inputs(xc))
            refused = vinet("tx", "submit-proof", *common, "--inference-id", cc.inference_id,
                            "--inputs", ins_c, "--proof", proof_other, check=False)
            assert refused.returncode != 0 and "node_jailed" in refused.stderr, refused.stderr
            assert net.claim(cc.inference_id)["status"] == "PENDING"
            # B never gets a proof: EXPIRED at its deadline, slash_missing, refund.
            s = c.wait_settled(b.inference_id, timeout=60)
            assert s.status == "EXPIRED", s
            assert net.stake() < before_stake
            assert net.balance(client) > before_balance
            assert node_record(net, b.inference_id, "EXPIRED")["status"] == "EXPIRED"
    finally:
        net.down()


def test_proof_larger_than_a_tx_is_an_error_not_hidden(vinet_bin, tmp_path):
    """max_tx_bytes below one proof (46–47.3 KB) but above the model's registration
    (key + weight-range proof, ≈ 43 KB): the job FAILS with the reason, the claim
    EXPIRES (the node is slashed for it), nothing is retried forever."""
    net = ZkmlDevnet(tmp_path / "small-tx", validators=1, block_time="300ms",
                     params=["zkml_deadline_blocks=10", "max_tx_bytes=44800"])
    try:
        net.up()
        with zk_client(net) as c:
            r = c.infer(net.model_id, zk_input(9), mode="zkml")
            deadline = time.time() + 20
            proof = {}
            while time.time() < deadline:
                proof = requests.get(f"{net.node_url}/v1/inferences/{r.inference_id}/proof",
                                     timeout=5).json()
                if proof["status"] == "FAILED":
                    break
                time.sleep(0.2)
            assert proof["status"] == "FAILED", proof
            assert "does not fit a tx" in proof["error"] and "max_tx_bytes 44800" in proof["error"]
            assert c.wait_settled(r.inference_id, timeout=30).status == "EXPIRED"
        log = open(os.path.join(net.dir, "inference-node", "node.log")).read()
        assert "does not fit a tx" in log
    finally:
        net.down()
