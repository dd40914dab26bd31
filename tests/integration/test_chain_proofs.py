"""State proofs on the session devnet: abci_query with prove=true for every
state prefix a client asks about (/account, /node, /model, /enclave, /claim),
present and absent keys, at several heights, each verified in Python through
the native binding (vinet._native.merkle) against the app hash in the header
of the next block, as a light client does. Bounded: one settled inference,
then ~40 queries over 4 heights (about 20 s on a loaded 2-core machine).
"""
import base64
import json
import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "build" / "release" / "python"))
from vinet import _native  # noqa: E402

from devnet import vinet, vinet_json  # noqa: E402

merkle = _native.merkle
QUERY_NOT_FOUND = 3
QUERY_FUTURE_HEIGHT = 5


def query(devnet, path, height, prove=True, i=0):
    r = devnet.rpc(i, "abci_query", path=path, data="", height=str(height), prove=prove)
    return r["response"]


def app_hash_of(devnet, height):
    """The app hash of the state after block `height`: header of height+1."""
    assert devnet.wait_height(0, height + 1, timeout=30)
    header = devnet.rpc(0, "block", height=str(height + 1))["block"]["header"]
    return bytes.fromhex(header["app_hash"])


def verify(devnet, path, state_key, height):
    """Queries `path` at `height` with a proof and verifies it; returns
    (present, value bytes)."""
    r = query(devnet, path, height)
    assert int(r["height"]) == height, r
    code = int(r.get("code", 0))
    assert code in (0, QUERY_NOT_FOUND), r
    assert base64.b64decode(r["key"]) == state_key
    ops = r["proofOps"]["ops"]
    assert len(ops) == 1 and ops[0]["type"] == merkle.PROOF_OP_TYPE
    op_key, op_data = base64.b64decode(ops[0]["key"]), base64.b64decode(ops[0]["data"])
    value = base64.b64decode(r.get("value") or b"") if code == 0 else None
    app_hash = app_hash_of(devnet, height)
    merkle.verify_proof_op(app_hash, state_key, value, ops[0]["type"], op_key, op_data)
    # The same proof refuses a changed value, the opposite claim and another root.
    with pytest.raises(merkle.MerkleError):
        merkle.verify_proof_op(app_hash, state_key, (value or b"") + b"x", ops[0]["type"],
                               op_key, op_data)
    if value is not None:
        with pytest.raises(merkle.MerkleError):
            merkle.verify_proof_op(app_hash, state_key, None, ops[0]["type"], op_key, op_data)
    with pytest.raises(merkle.MerkleError):
        merkle.verify_proof_op(bytes(32), state_key, value, ops[0]["type"], op_key, op_data)
    return value is not None, value


def test_proofs_for_every_prefix_at_several_heights(devnet, tmp_path):
    st = devnet.status()
    model_id = st["models"][0]
    inp = tmp_path / "in.json"
    inp.write_text(json.dumps({"x": [[0.1 * i - 0.8 for i in range(16)]]}))
    out = vinet_json("infer", model_id, "--input", inp, "--mode", "tee", "--wait", "settled",
                     "--json", "--devnet", devnet.dir, "--timeout", 30)
    claim_id = out["inference_id"]
    settled_at = out["settlement"]["height"]
    node_address = st["node"]["address"]
    enclave_key = st["enclave"]["key"]
    absent_hex = "ab" * 32
    absent_addr = "cd" * 20
    cases = [
        # (path, state key, present now)
        (f"/account/{devnet.dev_address}", f"a/{devnet.dev_address}", True),
        (f"/account/{absent_addr}", f"a/{absent_addr}", False),
        (f"/node/{node_address}", f"n/{node_address}", True),
        (f"/node/{absent_addr}", f"n/{absent_addr}", False),
        (f"/model/{model_id}", f"m/{model_id}", True),
        ("/model/no-such-model", "m/no-such-model", False),
        (f"/enclave/{enclave_key}", f"e/{enclave_key}", True),
        (f"/enclave/{absent_hex}", f"e/{absent_hex}", False),
        (f"/claim/{claim_id}", f"c/{claim_id}", True),
        (f"/claim/{absent_hex}", f"c/{absent_hex}", False),
    ]
    latest = int(query(devnet, "/params", 0, prove=False)["height"])
    heights = sorted({settled_at - 1, settled_at, latest - 1, latest})
    for h in heights:
        for path, key, present_now in cases:
            present, value = verify(devnet, path, key.encode(), h)
            if path.startswith("/claim/") and present_now:
                assert present == (h >= settled_at), (h, settled_at)
            elif not present_now:
                assert not present, (path, h)
            elif not path.startswith("/enclave/"):  # the enclave may re-register later
                assert present, (path, h)
    # The latest height (0) answers the same as its explicit number.
    r0 = query(devnet, f"/claim/{claim_id}", 0)
    assert int(r0["height"]) >= latest
    # A height past the chain is refused with its own code and a precise log.
    future = query(devnet, f"/claim/{claim_id}", latest + 10_000)
    assert int(future["code"]) == QUERY_FUTURE_HEIGHT
    assert "is not committed yet" in future["log"]
    # Every validator proves against the same header.
    h = latest
    for i in range(1, 4):
        r = query(devnet, f"/claim/{claim_id}", h, i=i)
        op = r["proofOps"]["ops"][0]
        merkle.verify_proof_op(app_hash_of(devnet, h), f"c/{claim_id}".encode(),
                               base64.b64decode(r["value"]), op["type"],
                               base64.b64decode(op["key"]), base64.b64decode(op["data"]))
