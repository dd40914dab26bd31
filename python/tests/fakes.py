"""In-process stand-ins for an inference node and a chain RPC, speaking the JSON
of docs/network.md, so the SDK's logic is tested without sockets. The fake node
signs real receipts with the native core (VANILLA: node key only)."""
import base64
import hashlib
import json
from urllib.parse import urlparse

import numpy as np

from vinet._native_loader import protocol
from vinet.tensors import as_tensors, from_json


class FakeResponse:
    def __init__(self, status, body):
        self.status_code = status
        self.text = body if isinstance(body, str) else json.dumps(body)

    def json(self):
        return json.loads(self.text)

    def raise_for_status(self):
        if self.status_code >= 400:
            import requests
            raise requests.HTTPError(f"HTTP {self.status_code}")


class FakeNet:
    """One fake node (model 'double': y = 2x) plus one fake chain."""

    def __init__(self, chain_id="fake-chain", fee=5):
        self.chain_id = chain_id
        self.fee = fee
        self.node_key = protocol.Key.generate()
        self.requests = []
        self.claims = {}          # inference id -> claim record
        self.error = None         # (http status, code, message) to answer /v1/infer with
        self.tamper = None        # function(outputs dict) -> outputs dict after signing
        self.answers = {}         # inference id -> stored answer (GET /v1/inferences/<id>)
        self.lose_answer = False  # serve /v1/infer, then time out instead of answering
        self.balances = {}        # address -> chain balance (/account/<address>)

    # requests.Session surface
    def request(self, method, url, timeout=None, json=None, params=None, data=None,
                headers=None):
        if data is not None:
            import json as json_module
            json = json_module.loads(data)
        path = urlparse(url).path
        self.requests.append((method, path, json, params))
        if method == "GET" and path == "/v1/models":
            return FakeResponse(200, {"object": "list", "data": [
                {"id": "double", "object": "model", "created": 0, "owned_by": "vinet",
                 "kind": "onnx", "model_id": "double", "name": "double",
                 "inputs": {"x": [2]}, "outputs": {"y": [2]},
                 "modes": ["VANILLA"], "fee": self.fee}]})
        if method == "GET" and path == "/healthz":
            return FakeResponse(200, {"ok": True, "node_pubkey": self.node_key.public_key.hex(),
                                      "chain_id": self.chain_id})
        if method == "POST" and path == "/v1/infer":
            answer = self._infer(json)
            if self.lose_answer:
                import requests
                raise requests.ReadTimeout("read timed out")
            return answer
        if method == "GET" and path.startswith("/v1/inferences/"):
            iid = path.rsplit("/", 1)[-1]
            if iid in self.answers:
                return FakeResponse(200, self.answers[iid])
        return FakeResponse(404, {"error": {"code": "not_found", "message": path}})

    def get(self, url, params=None, timeout=None):
        path = urlparse(url).path
        self.requests.append(("GET", path, None, params))
        if path == "/status":
            return FakeResponse(200, {"result": {"node_info": {"network": self.chain_id}}})
        if path == "/abci_query" and params["path"].strip('"').startswith("/account/"):
            addr = params["path"].strip('"').split("/")[-1]
            record = {"address": addr, "balance": self.balances.get(addr, 0), "nonce": 0}
            value = base64.b64encode(json.dumps(record).encode()).decode()
            return FakeResponse(200, {"result": {"response": {"code": 0, "value": value}}})
        if path == "/abci_query":
            iid = params["path"].strip('"').split("/")[-1]
            claim = self.claims.get(iid)
            if claim is None:
                return FakeResponse(200, {"result": {"response": {"code": 3, "log": "not found"}}})
            value = base64.b64encode(json.dumps(claim).encode()).decode()
            return FakeResponse(200, {"result": {"response": {"code": 0, "value": value}}})
        if path == "/tx_search":
            return FakeResponse(200, {"result": {"txs": [{"hash": "AB" * 32}], "total_count": "1"}})
        return FakeResponse(404, "no such path")

    def close(self):
        pass

    def _infer(self, payload):
        if self.error:
            status, code, message = self.error
            return FakeResponse(status, {"error": {"code": code, "message": message}})
        req = payload["request"]
        body = bytes.fromhex(req["body"])
        pk, sig = bytes.fromhex(req["client_pubkey"]), bytes.fromhex(req["signature"])
        if not protocol.verify_request(body, pk, sig):
            return FakeResponse(401, {"error": {"code": "unauthenticated", "message": "bad signature"}})
        fields = protocol.decode_request_body(body, pk, sig)
        if fields["node_pubkey"] != self.node_key.public_key:
            return FakeResponse(400, {"error": {"code": "invalid_argument",
                                                "message": "request.node_pubkey: another node"}})
        inputs = from_json(payload["inputs"])
        if protocol.tensors_hash(as_tensors(inputs)) != fields["input_hash"]:
            return FakeResponse(400, {"error": {"code": "invalid_argument", "message": "input hash"}})
        outputs = {"y": (inputs["x"] * 2).astype(np.float32)}
        iid = protocol.inference_id(body, pk)
        receipt = json.loads(protocol.make_receipt(iid, fields["model_id"], fields["mode"],
                                                   fields["input_hash"], as_tensors(outputs),
                                                   self.node_key))
        if self.tamper:
            outputs = self.tamper(outputs)
        answer = {
            "inference_id": iid.hex(),
            "outputs": {k: {"shape": list(v.shape), "dtype": "f32", "data": v.reshape(-1).tolist()}
                        for k, v in outputs.items()},
            "receipt": receipt, "node_received_ms": 1, "node_answered_ms": 2}
        self.answers[iid.hex()] = dict(answer, status="ACCEPTED", mode="VANILLA")
        return FakeResponse(200, answer)


def request_id(body: bytes, client_pubkey: bytes) -> str:
    return hashlib.sha256(b"vinet.request.v2\0" + client_pubkey + body).hexdigest()
