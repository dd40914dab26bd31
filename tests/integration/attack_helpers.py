"""Helpers for the adversarial devnet tests (test_attacks_*.py): a hostile
node's keys and stake, its own receipts and SubmitClaims txs built byte by byte
in Python (independently of the C++ code under test), and the health checks
every attack ends with. Nothing here asserts except `assert_chain_healthy`."""
import base64
import hashlib
import struct
import time

import requests

from devnet import new_key, pb_bytes, tx_body
from node_helpers import (Key, cbor_head, _cbor_text, encode_tensors, f32, inference_id,
                          request_body, signed_request, tensors_hash)

MSG_SUBMIT_CLAIMS = 16
MSG_SUBMIT_PROOFS = 17


def address_of(pubkey):
    return hashlib.sha256(pubkey).digest()[:20].hex()


# ---------------------------------------------------------------- receipts (docs/receipts.md)

def _bstr(b):
    return cbor_head(2, len(b)) + b


def vanilla_receipt(node, inference_id_hex, model_id, input_hash, output_hash=b"\x22" * 32):
    """Canonical CBOR of a VANILLA receipt by `node` (node_helpers.Key), outputs
    emptied as on chain, node-signed."""
    iid = bytes.fromhex(inference_id_hex)
    signed = (cbor_head(4, 8) + _bstr(iid) + _cbor_text(model_id) + cbor_head(0, 0)
              + _bstr(input_hash) + _bstr(output_hash) + _bstr(node.pub) + b"\xf6" + b"\xf6")
    sig = node.sk.sign(b"vinet-receipt-node-v1" + signed)
    return (cbor_head(4, 11) + cbor_head(0, 1) + _bstr(iid) + _cbor_text(model_id)
            + cbor_head(0, 0) + _bstr(input_hash) + _bstr(output_hash) + cbor_head(4, 0)
            + _bstr(node.pub) + b"\xf6" + b"\xf6" + _bstr(sig))


# ---------------------------------------------------------------- txs

def signed_request_pb(req):
    """SignedRequest protobuf from the JSON form {"body", "client_pubkey", "signature"} (hex)."""
    return (pb_bytes(1, bytes.fromhex(req["body"])) + pb_bytes(2, bytes.fromhex(req["client_pubkey"]))
            + pb_bytes(3, bytes.fromhex(req["signature"])))


def submit_claims_msg(claims):
    """claims: [(request JSON form, receipt CBOR bytes)]."""
    msg = b""
    for req, receipt in claims:
        msg += pb_bytes(1, pb_bytes(1, signed_request_pb(req)) + pb_bytes(2, receipt))
    return msg


class Actor:
    """A funded account with a key file (for `vinet tx sign`) and the same key
    in Python (node_helpers.Key)."""

    def __init__(self, devnet, tmp_path, name, funds):
        self.devnet = devnet
        self.path, self.address = new_key(tmp_path, name)
        self.key = Key.from_file(self.path)
        if funds:
            res, proc = devnet.transfer(devnet.dev_key, self.address, funds)
            assert res and res["code"] == 0, proc.stderr

    @property
    def pub(self):
        return self.key.pub

    def nonce(self):
        return int(self.devnet.account(0, self.address)["nonce"])

    def balance(self):
        return int(self.devnet.account(0, self.address)["balance"])

    def register_node(self, stake=10_000):
        from devnet import vinet_json
        return vinet_json("tx", "register-node", "--key", self.path, "--stake", stake,
                          "--endpoint", "http://127.0.0.1:9", "--chain", self.devnet.rpc_url(0),
                          "--json")

    def send(self, msg_field, msg, fee=None, nonce=None, commit=True, claims=0):
        """Signs and broadcasts one tx. fee=None pays the chain's schedule
        (docs/chain.md "Fees") for its bytes and `claims`; `self.last_fee` is
        what was paid."""
        nonce = self.nonce() if nonce is None else nonce
        paid = fee if fee is not None else 1
        while True:
            body = tx_body(self.devnet.chain_id, nonce, paid, msg_field, msg)
            tx = sign_tx(self.key, body)
            if fee is not None:
                break
            need = required_fee(self.devnet, len(tx), claims)
            if need <= paid:
                break
            paid = need
        self.last_fee = paid
        return broadcast(self.devnet, tx, commit=commit)


def sign_tx(key, body):
    """Tx{body, signer_pubkey, signature = Ed25519("vinet.tx.v1\\0" || body)} (docs/chain.md);
    in Python because a large body does not fit one command-line argument."""
    sig = key.sk.sign(b"vinet.tx.v1\0" + body)
    return pb_bytes(1, body) + pb_bytes(2, key.pub) + pb_bytes(3, sig)


def required_fee(devnet, tx_bytes, claims=0):
    p = devnet.query(0, "params")[1]
    return (p["min_fee"] + p.get("fee_per_kib", 0) * (tx_bytes // 1024)
            + p.get("fee_per_claim", 0) * claims)


def broadcast(devnet, tx, commit=True, node=0):
    method = "broadcast_tx_commit" if commit else "broadcast_tx_sync"
    return devnet.rpc(node, method, timeout=30, tx=base64.b64encode(tx).decode())


def events(result, kind="vinet.claim"):
    """The attribute dicts of `kind` events of a broadcast_tx_commit result."""
    out = []
    for ev in result.get("tx_result", {}).get("events", []):
        if ev["type"] == kind:
            out.append({a["key"]: a["value"] for a in ev["attributes"]})
    return out


def claim(devnet, iid):
    code, value, _ = devnet.query(0, "claim", iid)
    return value if code == 0 else None


def wait_claim(devnet, iid, statuses=("SETTLED",), timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        c = claim(devnet, iid)
        if c and c["status"] in statuses:
            return c
        time.sleep(0.2)
    return claim(devnet, iid)


def node_info(url):
    h = requests.get(url + "/healthz", timeout=10).json()
    return bytes.fromhex(h["node_pubkey"]), h


def first_model(url, mode="VANILLA"):
    for m in requests.get(url + "/v1/models", timeout=10).json()["data"]:
        if mode in m["modes"]:
            return m
    raise AssertionError(f"the node serves no {mode} model")


def f32_inputs(model, value=0.5):
    out = {}
    for name, shape in model["inputs"].items():
        dims = [d if d > 0 else 1 for d in shape]
        n = 1
        for d in dims:
            n *= d
        out[name] = ("f32", dims, struct.pack(f"<{n}f", *([value] * n)))
    return out


# ---------------------------------------------------------------- ZKML claims and proofs

def zkml_mlp(tmp_path):
    """The MLP 784-128-10 (onnx_models.mlp) committed, its verifying key
    exported and one input proved with the CLI: (key path, inputs, outputs,
    proof bytes); tensors as {name: (dtype, shape, bytes)}. A proof checks
    (key, inputs, outputs) only, so it settles every claim of these inputs."""
    import json
    import onnx_models
    from devnet import vinet
    model = onnx_models.save(onnx_models.mlp(1), tmp_path / "mlp.onnx")
    vinet("zk", "commit", model, "--out", tmp_path / "mlp.vzk")
    vinet("zk", "export-vk", tmp_path / "mlp.vzk", "--out", tmp_path / "mlp.vk")
    values = [((i % 13) - 6) / 8 for i in range(784)]  # exact in f32
    (tmp_path / "in.json").write_text(json.dumps({"x": [values]}))
    vinet("zk", "prove", tmp_path / "mlp.vzk", "--input", tmp_path / "in.json", "--out",
          tmp_path / "mlp.proof", "--output", tmp_path / "out.json")
    out = json.loads((tmp_path / "out.json").read_text())
    y = {"y": ("i8", out["shape"], struct.pack(f"<{len(out['int8'])}b", *out["int8"]))}
    return tmp_path / "mlp.vk", f32("x", [1, 784], values), y, (tmp_path / "mlp.proof").read_bytes()


def zkml_receipt(iid, model_id, input_hash, node_pub, outputs):
    """A ZKML receipt (mode 2) claiming `outputs` (the chain records them and
    settles by proof; the node signature is not what binds a ZKML claim)."""
    return (cbor_head(4, 11) + cbor_head(0, 1) + _bstr(iid) + _cbor_text(model_id)
            + cbor_head(0, 2) + _bstr(input_hash) + _bstr(tensors_hash(outputs))
            + encode_tensors(outputs) + _bstr(node_pub) + b"\xf6\xf6" + _bstr(b"\x01" * 64))


def zkml_claims(chain_id, node, client, model_id, inputs, outputs, count, max_fee=10):
    """`count` ZKML claims for `node` (Key) of distinct requests `client` (Key)
    signed for the same inputs: [(inference id hex, (request, receipt))]."""
    ih = tensors_hash(inputs)
    out = []
    for _ in range(count):
        body = request_body(chain_id, model_id, 2, ih, max_fee, node.pub)
        iid = inference_id(body, client.pub)
        out.append((iid, (signed_request(client, body),
                          zkml_receipt(bytes.fromhex(iid), model_id, ih, node.pub, outputs))))
    return out


def submit_proofs_msg(ids, inputs, proof):
    """SubmitProofs with one ZkmlProof{inference_id, inputs, proof} per id."""
    enc = encode_tensors(inputs)
    return b"".join(
        pb_bytes(1, pb_bytes(1, bytes.fromhex(i)) + pb_bytes(2, enc) + pb_bytes(3, proof))
        for i in ids)


# ---------------------------------------------------------------- health

def assert_chain_healthy(devnet, indices=(0, 1, 2, 3), seconds=3.0, max_interval=2.0):
    """Blocks keep coming on every validator, at most `max_interval` s apart
    (the median over the sampled window, so one pause of the whole machine,
    which stops every process alike, is not taken for a slow chain, while a
    halted or steadily slowed chain is), and every validator reports the same
    app hash for each height both sampled."""
    seen = {i: {} for i in indices}
    first_seen = {i: {} for i in indices}  # height -> when this test first saw it
    start = time.time()
    enough = lambda: all(len(first_seen[i]) >= 4 for i in indices)  # noqa: E731
    # At least `seconds`, and on until every validator showed 3 intervals
    # (bounded), so a pause inside the window still leaves a median.
    while time.time() < start + seconds or (not enough() and time.time() < start + 3 * seconds + 10):
        for i in indices:
            try:
                h, hsh = devnet.app_info(i)
            except (requests.RequestException, RuntimeError):
                continue
            seen[i][h] = hsh
            first_seen[i].setdefault(h, time.time())
        time.sleep(0.05)
    for i in indices:
        heights = sorted(first_seen[i])
        assert len(heights) >= 2, f"validator {i} made no block in {seconds:.1f}s"
        per_block = sorted((first_seen[i][b] - first_seen[i][a]) / (b - a)
                           for a, b in zip(heights, heights[1:]))
        median = per_block[len(per_block) // 2]
        assert median <= max_interval, \
            f"validator {i}: median {median:.2f}s a block over heights {heights}"
    common = set.intersection(*(set(seen[i]) for i in indices))
    assert common, f"no height sampled on every validator: {seen}"
    for h in common:
        hashes = {seen[i][h] for i in indices}
        assert len(hashes) == 1, f"app hashes differ at height {h}: {hashes}"
