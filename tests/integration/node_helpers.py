"""Helpers for the inference-node integration tests: sign inference requests
and hash tensors in Python (independently of the C++ code under test), and
talk to the node's HTTP API. Nothing here asserts; tests do.
"""
import hashlib
import json
import os
import random
import struct
import subprocess
import time

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devnet import pb_bytes, pb_uint

REQUEST_DOMAIN = b"vinet.request.v2\0"


# ---------------------------------------------------------------- canonical CBOR tensors

def cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for extra, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < (1 << (8 * struct.calcsize(fmt))):
            return bytes([major << 5 | extra]) + struct.pack(fmt, n)
    raise ValueError(n)


def _cbor_text(s):
    b = s.encode()
    return cbor_head(3, len(b)) + b


def encode_tensors(tensors):
    """tensors: {name: (dtype, shape, data bytes)} -> the canonical encoding
    (what receipts and SubmitProofs carry)."""
    out = cbor_head(4, len(tensors))
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        out += cbor_head(4, 4) + _cbor_text(name) + _cbor_text(dtype)
        out += cbor_head(4, len(shape)) + b"".join(cbor_head(0, d) for d in shape)
        out += cbor_head(2, len(data)) + data
    return out


def tensors_hash(tensors):
    """tensors: {name: (dtype, shape, data bytes)} -> SHA-256 of the canonical encoding."""
    return hashlib.sha256(encode_tensors(tensors)).digest()


def f32(name, shape, values):
    return {name: ("f32", list(shape), struct.pack(f"<{len(values)}f", *values))}


def as_json_inputs(tensors):
    out = {}
    for name, (dtype, shape, data) in tensors.items():
        assert dtype == "f32"
        out[name] = {"shape": shape, "dtype": "f32",
                     "data": list(struct.unpack(f"<{len(data) // 4}f", data))}
    return out


# ---------------------------------------------------------------- keys and requests

class Key:
    def __init__(self, seed):
        self.sk = Ed25519PrivateKey.from_private_bytes(seed)
        self.pub = self.sk.public_key().public_bytes_raw()

    @classmethod
    def from_file(cls, path):
        with open(path) as f:
            return cls(bytes.fromhex(json.load(f)["seed"]))

    @classmethod
    def generate(cls):
        return cls(os.urandom(32))

    @property
    def address(self):
        return hashlib.sha256(self.pub).digest()[:20].hex()


def request_body(chain_id, model_id, mode, input_hash, max_fee, node_pubkey, nonce=None, ts=None,
                 ttl_ms=600_000, expires=None):
    """RequestBody (proto/vinet/inference/v1/request.proto): the envelope
    (chain, node asked, max fee, nonce, timestamp, expiry) around an
    InferencePayload (field 16)."""
    ts = ts if ts is not None else int(time.time() * 1000)
    payload = pb_bytes(1, model_id.encode())
    if mode:
        payload += pb_uint(2, mode)
    payload += pb_bytes(3, input_hash)
    body = pb_bytes(1, chain_id.encode()) + pb_bytes(2, node_pubkey) + pb_uint(3, max_fee)
    body += pb_uint(4, nonce if nonce is not None else random.getrandbits(63) + 1)
    body += pb_uint(5, ts) + pb_uint(6, expires if expires is not None else ts + ttl_ms)
    body += pb_bytes(16, payload)
    return body


def signed_request(key, body, tamper=False):
    sig = key.sk.sign(REQUEST_DOMAIN + key.pub + body)
    if tamper:
        sig = bytes([sig[0] ^ 1]) + sig[1:]
    return {"body": body.hex(), "client_pubkey": key.pub.hex(), "signature": sig.hex()}


def inference_id(body, client_pubkey):
    """SHA-256(domain || client key || body): the id covers the client key."""
    return hashlib.sha256(REQUEST_DOMAIN + client_pubkey + body).hexdigest()


class NodeApi:
    def __init__(self, url, chain_id):
        self.url = url
        self.chain_id = chain_id
        self.session = requests.Session()
        self._node_pubkey = None

    @property
    def node_pubkey(self):
        """The node's key (from /healthz): requests are addressed to it."""
        if self._node_pubkey is None:
            health = self.session.get(self.url + "/healthz", timeout=10).json()
            self._node_pubkey = bytes.fromhex(health["node_pubkey"])
        return self._node_pubkey

    def infer(self, key, model_id, tensors, mode=0, max_fee=1000, tamper=False, inputs=None,
              input_hash=None, node_pubkey=None, **body_kw):
        body = request_body(self.chain_id, model_id, mode,
                            input_hash or tensors_hash(tensors), max_fee,
                            node_pubkey or self.node_pubkey, **body_kw)
        payload = {"request": signed_request(key, body, tamper),
                   "inputs": inputs if inputs is not None else as_json_inputs(tensors)}
        r = self.session.post(self.url + "/v1/infer", json=payload, timeout=30)
        return r.status_code, r.json(), inference_id(body, key.pub)

    def get(self, path):
        r = self.session.get(self.url + path, timeout=10)
        return r.status_code, (r.json() if "json" in r.headers.get("content-type", "") else r.text)


# ---------------------------------------------------------------- devnet with an inference node

class InferenceDevnet:
    """Mixin for devnet.Devnet: `up` also adds the demo model (and so starts the
    enclave emulator and node serving it); `restart_node` restarts the node."""

    demo_model = None
    extra_up_args = ()  # more `vinet devnet up` options, e.g. ("--enclave-ttl-ms", 20000)

    def up(self):
        from devnet import ROOT
        self.demo_model = os.path.join(self.dir + "-demo_model.onnx")
        subprocess.run(["python3", os.path.join(ROOT, "scripts/make_demo_model.py"),
                        self.demo_model], check=True)
        from devnet import vinet as run
        run("devnet", "up", "--devnet", self.dir, "--validators", self.validators,
            "--block-time", self.block_time, "--timeout", 90, "--model", self.demo_model,
            *self.extra_up_args)
        self.state = self.status()
        return self

    def all_pids(self):
        from devnet import node_and_enclave_pids
        return super().all_pids() + node_and_enclave_pids(self.dir)

    def restart_node(self):
        from devnet import reap, vinet as run
        old = self.all_pids()
        run("devnet", "restart-node", "--devnet", self.dir)
        reap(old)
        self.state = self.status()

    def reconfigure_node(self, settings):
        """Adds keys to sections of the node's TOML config ({"enclave": {"k": v}})
        and restarts the node. Waits first for the first enclave registration:
        a node restarted before it landed registers again."""
        wait_for("the enclave registration", lambda: enclave_record(self), 30)
        config = self.status()["node"]["config"]
        with open(config) as f:
            text = f.read()
        for section, values in settings.items():
            lines = "".join(f"{k} = {v}\n" for k, v in values.items())
            text = text.replace(f"[{section}]\n", f"[{section}]\n{lines}")
        with open(config, "w") as f:
            f.write(text)
        self.restart_node()


# ---------------------------------------------------------------- waiting on a devnet

def wait_for(what, fn, timeout):
    """Polls fn every 0.2 s until it returns something truthy; fails after timeout s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def enclave_record(net):
    """The chain's record of the devnet node's enclave key, or None."""
    code, record, _ = net.query(0, "enclave", net.status()["enclave"]["key"])
    return record if code == 0 else None
