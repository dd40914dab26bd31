"""The inference node end to end: the two-step flow in each mode through the
CLI (`vinet infer`) and HTTP, errors that cost nothing, and 1,000 inferences
that all settle exactly once. Uses the session devnet (conftest), which runs
an enclave emulator and a node serving the demo model.
"""
import concurrent.futures
import json
import os
import subprocess

import numpy as np
import onnxruntime as ort
import pytest

from devnet import vinet, vinet_json
from node_helpers import Key, NodeApi, f32

X = [0.1 * i - 0.8 for i in range(16)]


@pytest.fixture(scope="module")
def node(devnet):
    st = devnet.status()
    return NodeApi(st["node"]["url"], devnet.chain_id)


@pytest.fixture(scope="module")
def model_id(devnet):
    return devnet.status()["models"][0]


def expected_output(devnet):
    sess = ort.InferenceSession(devnet.demo_model)
    return sess.run(None, {"x": np.array([X], dtype=np.float32)})[0].ravel()


def chain_claim(devnet, inference_id):
    code, value, _ = devnet.query(0, "claim", inference_id)
    return value if code == 0 else None


@pytest.mark.parametrize("mode", ["vanilla", "tee"])
def test_two_step_flow_via_cli(devnet, model_id, mode, tmp_path):
    inp = tmp_path / "in.json"
    inp.write_text(json.dumps({"x": [X]}))
    receipt = tmp_path / "receipt.json"
    out = vinet_json("infer", model_id, "--input", inp, "--mode", mode, "--wait", "settled",
                     "--json", "--devnet", devnet.dir, "--receipt-out", receipt, "--timeout", 30)
    assert out["verified"] is True
    np.testing.assert_allclose(out["outputs"]["y"]["data"], expected_output(devnet), rtol=1e-5,
                               atol=1e-6)
    assert out["settlement"]["status"] == "SETTLED"
    assert out["settlement"]["trust_gap_ms"] >= 0
    # Proven: light client from the devnet's genesis, validators 1.. as witnesses.
    assert out["settlement"]["proof_verified"] is True
    assert out["settlement"]["proven_height"] > 0 and len(out["settlement"]["app_hash"]) == 64
    # Through the app-hash certificate: the devnet's validators signed H, no header H+1 waited for.
    assert out["settlement"]["certified"] is True
    claim = chain_claim(devnet, out["inference_id"])
    assert claim["status"] == "SETTLED"
    # The C++ client learnt it from the websocket event (or the catch-up query):
    # same height as the chain's record.
    assert out["settlement"]["height"] == claim["height"]
    assert claim["mode"] in (mode.upper(), 0 if mode == "vanilla" else 1)
    if mode == "tee":
        # The tx that settled it carried the enclave's batch attestation, and it
        # verified (one signature instead of the per-claim ones: docs/chain.md).
        found = devnet.rpc(0, "tx_search", query=f"vinet.claim.id='{out['inference_id']}'")
        events = [e for tx in found["txs"] for e in tx["tx_result"]["events"]]
        batches = [{a["key"]: a["value"] for a in e["attributes"]} for e in events
                   if e["type"] == "vinet.claim_batch"]
        assert batches and all(b["verified"] == "true" for b in batches), batches
    # The receipt file verifies offline; a tampered copy does not.
    ok = vinet_json("verify", receipt, "--json")
    assert ok["ok"] and ok["mode"] == mode.upper()
    doc = json.loads(receipt.read_text())
    doc["outputs"][0]["data"] = "00" * (len(doc["outputs"][0]["data"]) // 2)
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(doc))
    proc = vinet("verify", bad, check=False)
    assert proc.returncode == 1 and "output_hash" in proc.stderr
    st = vinet_json("status", out["inference_id"], "--devnet", devnet.dir, "--json")
    assert st["chain"]["status"] == "SETTLED"


def test_models_health_metrics(node, model_id):
    code, models = node.get("/v1/models")
    assert code == 200 and models["object"] == "list"
    m = {x["id"]: x for x in models["data"]}[model_id]
    assert m["object"] == "model" and m["kind"] == "onnx" and m["owned_by"] == "vinet"
    assert m["model_id"] == model_id
    assert m["inputs"] == {"x": [1, 16]} and set(m["modes"]) == {"VANILLA", "TEE"}
    code, health = node.get("/healthz")
    assert code == 200 and health["ok"] is True and health["tee"] is True
    code, text = node.get("/metrics")
    assert code == 200
    assert 'vinet_node_answer_seconds_count{mode="vanilla"}' in text
    assert 'vinet_node_answer_seconds_count{mode="tee"}' in text
    code, att = node.get("/v1/attestation?nonce=" + "ab" * 16)
    assert code == 200 and len(att["enclave_key"]) == 64 and att["document"]


def test_errors_are_clear_and_cost_nothing(devnet, node, model_id, tmp_path):
    dev = Key.from_file(devnet.dev_key)
    before = devnet.account(0, dev.address)["balance"]
    good = f32("x", [1, 16], X)
    cases = []
    code, body, iid = node.infer(dev, model_id, good, tamper=True)
    cases.append((code, body, iid, 401, "unauthenticated"))
    code, body, iid = node.infer(dev, "ff" * 32, good)
    cases.append((code, body, iid, 404, "not_found"))
    code, body, iid = node.infer(dev, model_id, good, inputs={"x": [[1, 2], [3]]})
    cases.append((code, body, iid, 400, "parse"))
    wrong = f32("x", [1, 5], X[:5])
    code, body, iid = node.infer(dev, model_id, wrong)
    cases.append((code, body, iid, 400, "invalid_argument"))
    code, body, iid = node.infer(dev, model_id, good, max_fee=1)
    cases.append((code, body, iid, 400, "invalid_argument"))
    poor = Key.generate()
    code, body, iid = node.infer(poor, model_id, good)
    cases.append((code, body, iid, 402, "insufficient_funds"))
    # TEE: the enclave verifies the signature, not the node on the way; the
    # answer is the same 401, also when another check fails first on the way.
    code, body, iid = node.infer(dev, model_id, good, mode=1, tamper=True)
    cases.append((code, body, iid, 401, "unauthenticated"))
    code, body, iid = node.infer(poor, model_id, good, mode=1, tamper=True)
    cases.append((code, body, iid, 401, "unauthenticated"))
    for code, body, iid, want_code, want_name in cases:
        assert code == want_code, body
        assert body["error"]["code"] == want_name and body["error"]["message"], body
        assert node.get(f"/v1/inferences/{iid}")[0] == 404
    devnet.wait_height(0, devnet.height(0) + 2)
    assert devnet.account(0, dev.address)["balance"] == before
    for _, _, iid, _, _ in cases:
        assert chain_claim(devnet, iid) is None


def test_deeply_nested_body_is_refused_and_the_node_lives(node):
    # 8 MB of nesting in "request" once reached nlohmann's recursive dump (and
    # in "inputs" the recursive tensor walk): a stack overflow killed the node.
    head = '{"request": {"a": '  # depth 2: the 63rd "[" is the 65th level
    deep = head + "[" * (4 << 20) + "]" * (4 << 20) + '}, "inputs": {}}'
    r = node.session.post(node.url + "/v1/infer", data=deep,
                          headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == "parse"
    assert f"nested deeper than 64 levels at byte {len(head) + 62}" in err["message"], err
    assert node.get("/healthz")[0] == 200


def test_thousand_inferences_all_settle_once(devnet, node, model_id):
    dev = Key.from_file(devnet.dev_key)
    n = 1000

    def one(i):
        mode = i % 2
        code, body, iid = node.infer(dev, model_id, f32("x", [1, 16], [float(i % 7)] * 16),
                                     mode=mode)
        return code, body, iid

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(n)))
    assert all(code == 200 for code, _, _ in results), [b for c, b, _ in results if c != 200][:3]
    ids = [iid for _, _, iid in results]
    assert len(set(ids)) == n
    pending = set(ids)
    deadline = __import__("time").time() + 60
    while pending and __import__("time").time() < deadline:
        for iid in list(pending):
            code, rec = node.get(f"/v1/inferences/{iid}")
            if code == 200 and rec["status"] not in ("ACCEPTED", "SUBMITTED"):
                pending.discard(iid)
        if pending:
            __import__("time").sleep(0.5)
    assert not pending, f"{len(pending)} never settled"
    statuses = {}
    for iid in ids:
        claim = chain_claim(devnet, iid)
        statuses[claim["status"] if claim else None] = statuses.get(
            claim["status"] if claim else None, 0) + 1
    assert statuses == {"SETTLED": n}
