"""ZKML with private weights on the network: a devnet whose node commits the
demo MLP with a zero-knowledge key (`devnet up --zkml-private-weights
--zkml-regime conjectured`: hiding Basefold, key kind 7), registers it with its
weight-range proof (the chain opts in to conjectured keys), answers, proves
and settles; the SDK verifies each proof locally against the key the chain
serves. Two proofs of the same statement
differ (fresh masks), and a tampered one fails."""
import json
from pathlib import Path

import numpy as np
import pytest

from devnet import vinet, vinet_json
from zkml_net_helpers import KIND7_FLAGS, KIND7_PARAMS, ZkmlDevnet, zk_client, zk_input

vinet_sdk = pytest.importorskip("vinet")


@pytest.fixture(scope="module")
def privnet(vinet_bin, tmp_path_factory):
    net = ZkmlDevnet(tmp_path_factory.mktemp("zkml-private") / "net", validators=1,
                     block_time="300ms", params=["zkml_deadline_blocks=60", *KIND7_PARAMS],
                     zkml_key=KIND7_FLAGS)
    try:
        net.up()
        yield net
    finally:
        net.down()


def test_the_chain_serves_a_kind_7_key(privnet):
    served = vinet_json("query", "zkml-key", privnet.model_id, "--chain", privnet.rpc_url(0),
                        "--json")
    key = bytes.fromhex(served["verifying_key"])
    assert key[4] == 3  # key version 3: a hiding weight commitment
    assert int.from_bytes(key[-4:], "little") == 7  # hiding Basefold, conjectured regime
    assert served["zkml_verify_cost"] > 0


def test_private_weights_inferences_settle_with_fresh_zero_knowledge_proofs(privnet):
    from vinet.errors import VerificationFailed
    from vinet.zkml import verify_proof
    with zk_client(privnet) as c:
        x = zk_input(11)
        runs = []
        for _ in range(2):  # one after the other: each proof is a single-instance proof
            r = c.infer(privnet.model_id, x, mode="zkml")
            runs.append(r)
            assert r.receipt_verified and r.proof is None
            s = c.wait_settled(r.inference_id, timeout=60)
            assert s.status == "SETTLED" and s.proof_verified and s.certified, s
            r.verify()  # fetches the proof from the node and verifies it locally
            assert r.proof_verified and r.verified
            assert privnet.claim(r.inference_id)["status"] == "SETTLED"
        (y0,), (y1,) = (r.output.values() for r in runs)
        assert np.array_equal(y0, y1)  # one statement...
        assert runs[0].proof != runs[1].proof  # ...two proofs: the masks are fresh
        vk = c.zkml_key(privnet.model_id)
        bad = bytearray(runs[0].proof)
        bad[len(bad) // 3] ^= 1
        with pytest.raises(VerificationFailed):
            verify_proof(vk, x, runs[0].output, bytes(bad))


def test_a_package_of_another_kind_is_not_silently_reused(privnet):
    """The node's store holds one package per model id: adding the same model with the
    default key kind is refused by name, not served with the kind-7 package; with the same
    flags it is the same key."""
    models = Path(privnet.dir) / "models"
    packages = list(models.glob("*.vzk"))
    assert len(packages) == 1
    onnx = packages[0].with_suffix(".onnx")
    other = vinet("model", "add", onnx, "--zkml", "--store", models, check=False)
    assert other.returncode != 0 and "one package per model id" in other.stderr, other.stderr
    same = vinet("model", "add", onnx, "--zkml", "--store", models, "--json", "--private-weights",
                 "--regime", "conjectured")
    registered = vinet_json("query", "model", privnet.model_id, "--chain", privnet.rpc_url(0),
                            "--json")
    assert json.loads(same.stdout)["zkml_model_id"] == registered["zkml_model_id"]
