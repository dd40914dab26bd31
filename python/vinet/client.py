"""The synchronous client: the two steps of an inference (an answer at once,
settlement later) against one inference node and one chain RPC endpoint.

    client = vinet.Client("http://127.0.0.1:8080", "http://127.0.0.1:26657",
                          vinet.Key.from_file("dev.key"), roots="dev-ca/root.pem")
    client = vinet.Client.from_env()             # VINET_NODE, VINET_CHAIN, VINET_KEY, VINET_ROOTS
    client = vinet.Client.from_devnet(".vinet/devnet")
    result = client.infer(model_id, {"x": x}, mode="tee")   # verified locally
    settlement = client.wait_settled(result.inference_id, timeout=10)

Before a request is signed (so before anything can be charged) ``infer``
checks what it can locally: the model is served in that mode (``/v1/models``,
cached), the inputs' names, shapes, dtypes (cast to the model's), finiteness
and size (vinet.inputs), ``max_fee`` against the model's fee, and in TEE mode
that the node's enclave attests under the client's trust roots.
"""
from __future__ import annotations

import base64
import os
import threading
import time
from collections import OrderedDict
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import requests
from websockets.sync.client import connect as ws_connect

from . import _core
from . import config as _config
from ._native_loader import protocol
from .errors import (ChainUnavailable, FeeTooLow, InvalidRequest, MissingRoots, ModeNotServed,
                     NodeError, NodeUnavailable, NotFound, Timeout, UnknownModel,
                     VerificationFailed, VinetError)
from .inputs import MAX_BODY_BYTES, check_body, prepare
from .keys import Key
from .types import ModelInfo, Result, Settlement, Timings, mode_name, now_ms
from .verify import Verifier
from .settlement_proof import SettlementProver
from .zkml import ZkmlKeys, verify_batch_proof, verify_proof
from .chat_client import ChatApi, ChatStream

KeyLike = Union[Key, str, "os.PathLike[str]"]


def _as_key(key: KeyLike) -> Key:
    return key if isinstance(key, Key) else Key.from_file(key)


class _ClientBase:
    """State shared by Client and AsyncClient (no I/O)."""

    def __init__(self, node_url: str, chain_url: Union[str, Sequence[str]], key: KeyLike,
                 chain_id: Optional[str] = None,
                 roots: Any = None, *, allow_debug: bool = False, timeout: float = 30.0,
                 verifier: Optional[Verifier] = None, node_pubkey: Optional[bytes] = None,
                 request_ttl: float = _core.DEFAULT_REQUEST_TTL_MS / 1000,
                 witnesses: Sequence[str] = (), trust: Any = None,
                 verify_settlement: bool = True, signers: Sequence[str] = ()) -> None:
        self.node_url = node_url.rstrip("/")
        urls = [chain_url] if isinstance(chain_url, str) else list(chain_url)
        if not urls:
            raise InvalidRequest("chain_url: give at least one CometBFT RPC URL")
        self.chain_url = urls[0].rstrip("/")
        self.chain_witnesses = [u.rstrip("/") for u in [*urls[1:], *witnesses]]
        self.verify_settlement = verify_settlement
        # App-hash signatures are asked of every chain RPC known plus `signers`
        # (more validators' RPCs, not used as light-client witnesses).
        chain_all = [self.chain_url, *self.chain_witnesses]
        self.prover = SettlementProver(chain_all, trust,
                                       signers=[*chain_all, *(u.rstrip("/") for u in signers)])
        self.key = _as_key(key)
        self.timeout = timeout
        self._chain_id = chain_id
        self._node_pubkey = bytes(node_pubkey) if node_pubkey is not None else None
        self.request_ttl_ms = int(request_ttl * 1000)
        self.verifier = verifier or Verifier(_core.load_roots(roots), allow_debug=allow_debug)
        self._models: Dict[str, ModelInfo] = {}  # /v1/models, by id (refreshed on a miss)
        self._health: Optional[Dict[str, Any]] = None  # the node's /healthz, once
        self._roots_given = roots is not None or verifier is not None
        self.zkml_keys = ZkmlKeys()
        self._received: "OrderedDict[str, float]" = OrderedDict()
        # Requests signed recently: id -> (model_id, mode, input arrays, input hash).
        self._signed: "OrderedDict[str, Any]" = OrderedDict()
        self._lock = threading.Lock()

    def _remember_signed(self, inference_id: str, entry: Any) -> None:
        with self._lock:
            self._signed[inference_id] = entry
            while len(self._signed) > 1_000:
                self._signed.popitem(last=False)

    def _remember(self, inference_id: str, received_ms: float) -> None:
        with self._lock:
            self._received[inference_id] = received_ms
            while len(self._received) > 100_000:
                self._received.popitem(last=False)

    def _received_ms(self, inference_id: str) -> Optional[float]:
        with self._lock:
            return self._received.get(inference_id)

    def _result(self, inference_id: str, model_id: str, mode: str, body: Any, arrays: Any,
                input_hash: bytes, sent: float, received: float) -> Result:
        outputs, receipt, node_rx, node_tx = _core.parse_infer(body, inference_id)
        self._remember(inference_id, received)
        result = Result(inference_id=inference_id, model_id=model_id, mode=mode, output=outputs,
                        receipt=receipt, input_hash=input_hash,
                        timings=Timings(sent_ms=sent, received_ms=received,
                                        node_received_ms=node_rx, node_answered_ms=node_tx),
                        _verify=self._verify_result, inputs=arrays)
        zk = body.get("zkml") if isinstance(body, dict) else None
        if isinstance(zk, dict):
            result.output_scale = zk.get("output_scale")
            if zk.get("proof"):
                result.proof = bytes.fromhex(zk["proof"])
        return result

    def _needs_attestation(self, result: Result) -> Optional[bytes]:
        if result.mode != "TEE":
            return None
        key_hex = result.receipt.get("enclave_key")
        if not isinstance(key_hex, str):
            raise VerificationFailed("receipt: TEE receipt without enclave key", code="verification")
        key = bytes.fromhex(key_hex)
        return None if self.verifier.has_key(key) else key

    def _check(self, result: Result) -> None:
        # The request named one node: the receipt must be that node's (only its
        # claim can settle on chain).
        node_id = result.receipt.get("node_id") if isinstance(result.receipt, dict) else None
        if self._node_pubkey is not None and node_id != self._node_pubkey.hex():
            raise VerificationFailed(
                f"receipt.node_id {node_id!r} is not the node asked "
                f"({self._node_pubkey.hex()})", code="verification")
        self.verifier.check(result.receipt, result.output, inference_id=result.inference_id,
                            model_id=result.model_id, mode=result.mode,
                            input_hash=result.input_hash)

    def _add_attestation(self, body: Any, nonce: bytes, key: bytes) -> None:
        try:
            document = base64.b64decode(body["document"])
            answered_key = bytes.fromhex(body["enclave_key"])
        except (KeyError, TypeError, ValueError) as e:
            raise NodeError(f"attestation: malformed answer ({e})")
        if answered_key != key:
            raise VerificationFailed(
                f"attestation: node's enclave key {answered_key.hex()} is not the receipt's "
                f"{key.hex()} (enclave restarted?)", code="verification")
        try:
            self.verifier.add_attestation(document, nonce, expected_key=key)
        except VerificationFailed as e:
            raise self._roots_error(e)

    def _roots_error(self, e: VerificationFailed) -> VerificationFailed:
        """MissingRoots, with the fix, when no roots were given (the AWS Nitro
        root cannot verify a devnet's dev enclave)."""
        if self._roots_given or isinstance(e, MissingRoots):
            return e
        return MissingRoots(
            f"{e.message}: this client trusts only the AWS Nitro root (roots=None)",
            code=e.code, inference_id=e.inference_id,
            hint="on a devnet pass roots=vinet.devnet_roots(DIR) or use "
                 "vinet.Client.from_devnet(DIR) (or set VINET_ROOTS for Client.from_env())")

    def _check_model(self, model: Optional[ModelInfo], model_id: str, mode: str,
                     max_fee: Optional[int]) -> int:
        """The fee to sign, after the checks that need no input: the model is
        served in ``mode`` and ``max_fee`` covers its fee."""
        if model is None:
            raise UnknownModel(f"model {model_id} is not served by {self.node_url}",
                               code="not_found",
                               hint="client.models() lists the models this node serves")
        if model.kind != "onnx":
            raise InvalidRequest(f"model {model_id} is a chat model: use client.chat()",
                                 code="invalid_argument")
        if mode not in model.modes and mode in model.refused:
            why = model.refused[mode]
            cls = {"unavailable": NodeUnavailable, "already_exists": NodeError}.get(
                str(why.get("code")), ModeNotServed)  # as the node would answer it
            raise cls(f"model {model_id} is refused in {mode} mode by this node now: "
                      f"{why.get('reason', '')}", code=why.get("code"))
        if mode not in model.modes:
            raise ModeNotServed(f"model {model_id} is not served in {mode} mode here (served in: "
                                f"{', '.join(model.modes) or 'no mode'})", code="unsupported",
                                hint=f"pass mode= one of {[m.lower() for m in model.modes]}")
        if max_fee is not None:
            if model.fee is not None and max_fee < int(model.fee):
                err = FeeTooLow(f"max_fee {max_fee} is below the model's fee {model.fee}",
                                code="invalid_argument",
                                hint=f"pass max_fee >= {model.fee}, or leave it unset")
                err.fee = int(model.fee)
                raise err
            return max_fee
        if model.fee is None:
            raise UnknownModel(f"model {model_id} has no fee: it is not registered on chain "
                               "(or pass max_fee)", code="not_found")
        return int(model.fee)

    def _verify_result(self, result: Result) -> None:  # overridden
        raise NotImplementedError


class Client(ChatApi, _ClientBase):
    """Blocking client. Arguments:

    - ``node_url``: the inference node's HTTP API (``http://host:port``).
    - ``chain_url``: a CometBFT RPC endpoint (``http://host:26657``).
    - ``key``: a :class:`Key` or the path of a key file; it signs requests and
      pays fees.
    - ``chain_id``: defaults to the chain's (asked once from ``/status``).
    - ``roots``: trust roots for TEE attestation: PEM text(s) or file path(s);
      None means the AWS Nitro root. A devnet's dev root: :func:`vinet.devnet_roots`.
    - ``allow_debug``: accept debug enclaves (all-zero PCR0); never in production.
    - ``timeout``: seconds for each HTTP call.
    - ``node_pubkey``: the node's Ed25519 key (32 bytes) every request is
      addressed to; default: asked once from the node's ``/healthz``.
    - ``request_ttl``: seconds a request stays claimable (its signed expiry).
    - ``transport``: an httpx transport for chat calls (default: httpx's).
    """

    def __init__(self, node_url: str, chain_url: str, key: KeyLike, chain_id: Optional[str] = None,
                 roots: Any = None, transport: Any = None, **kw: Any) -> None:
        super().__init__(node_url, chain_url, key, chain_id, roots, **kw)
        self._http = requests.Session()
        self._chat_init(transport)

    def close(self) -> None:
        self._http.close()
        self._chat_close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------ HTTP helpers

    def _node(self, method: str, path: str, *, infer: bool = False, **kw: Any) -> Any:
        try:
            r = self._http.request(method, self.node_url + path, timeout=self.timeout, **kw)
        except requests.Timeout as e:
            raise Timeout(f"node {self.node_url}{path}: no answer in {self.timeout}s ({e})")
        except requests.RequestException as e:
            raise NodeUnavailable(f"node {self.node_url}: {e}")
        if r.status_code >= 300:
            raise _core.parse_error(r.status_code, r.text, infer=infer)
        try:
            return r.json()
        except ValueError:
            raise NodeError(f"node {path}: answer is not JSON")

    def _chain(self, path: str, params: Optional[Dict[str, str]] = None) -> Any:
        try:
            r = self._http.get(_core.rpc_url(self.chain_url, path), params=params,
                               timeout=self.timeout)
            r.raise_for_status()
            return r.json()
        except requests.RequestException as e:
            raise ChainUnavailable(f"chain {self.chain_url}{path}: {e}")
        except ValueError:
            raise ChainUnavailable(f"chain {path}: answer is not JSON")

    # ------------------------------------------------------------ API

    @property
    def chain_id(self) -> str:
        """The chain id requests are signed for (from the chain's status if not given)."""
        if self._chain_id is None:
            self._chain_id = _core.chain_id_from_status(self._chain("/status"))
        return self._chain_id

    @property
    def node_pubkey(self) -> bytes:
        """The key of the node requests are addressed to (from ``/healthz`` if not given)."""
        if self._node_pubkey is None:
            self._node_pubkey = _core.node_pubkey_from_health(self.health())
        return self._node_pubkey

    @classmethod
    def from_env(cls, **kw: Any) -> "Client":
        """A client configured by the environment: ``VINET_NODE`` (node URL),
        ``VINET_CHAIN`` (CometBFT RPC URL), ``VINET_KEY`` (key file),
        ``VINET_ROOTS`` (PEM file(s), ``os.pathsep``-separated; unset: the AWS
        Nitro root), or ``VINET_DEVNET`` (a devnet directory: defaults for all
        four). Keyword arguments override. Raises ConfigError naming what is
        missing."""
        return cls(**_config.from_env(kw))

    @classmethod
    def from_devnet(cls, directory: Any = ".vinet/devnet", **kw: Any) -> "Client":
        """A client for a devnet started by ``vinet devnet up --devnet DIR``: its
        node, validator 0's RPC, the funded dev key and the dev CA root."""
        return cls(**_config.from_devnet(directory, kw))

    def health(self) -> Dict[str, Any]:
        """The node's ``/healthz`` (asked once, then cached)."""
        if self._health is None:
            self._health = self._node("GET", "/healthz")
        return self._health

    def balance(self, address: Optional[str] = None) -> int:
        """The chain balance of this client's key (or of ``address``), from the
        chain's ``/account/<address>`` query."""
        addr = address or self.key.address
        record = _core.query_json(self._chain("/abci_query", {"path": f"\"/account/{addr}\""}))
        return _core.balance_of(record, addr)

    def models(self) -> List["_core.ModelInfo"]:
        """The models this node serves (refreshes the cache ``infer`` checks against)."""
        models = _core.parse_models(self._node("GET", "/v1/models"))
        with self._lock:
            self._models = {m.model_id: m for m in models}
        return models

    def model(self, model_id: str, refresh: bool = False) -> Optional[ModelInfo]:
        """The node's description of ``model_id`` (cached; asked again on a miss
        or with ``refresh``), or None when it does not serve it."""
        with self._lock:
            found = None if refresh else self._models.get(model_id)
        if found is None:
            found = next((m for m in self.models() if m.model_id == model_id), None)
        return found

    def _ensure_enclave_attested(self) -> None:
        """TEE, before signing: the node's current enclave attests under our roots."""
        key_hex = self.health().get("enclave_key")
        if isinstance(key_hex, str) and key_hex and self.verifier.has_key(bytes.fromhex(key_hex)):
            return
        self._health = None  # the enclave may have restarted: ask for its current key
        key_hex = self.health().get("enclave_key")
        if not isinstance(key_hex, str) or not key_hex:
            return  # no enclave: the mode check already refused, or the node will
        self.attest(bytes.fromhex(key_hex))

    def _body_limit(self) -> int:
        limit = self.health().get("max_body_bytes")
        return int(limit) if isinstance(limit, int) and limit > 0 else MAX_BODY_BYTES

    def infer(self, model_id: str, inputs: Mapping[str, Any], mode: str = "tee",
              max_fee: Optional[int] = None, verify: bool = True,
              wait: Optional[str] = None, timeout: float = 30.0) -> Result:
        """Run ``model_id`` on ``inputs`` (tensor name → nested lists or numpy
        array). Returns as soon as the node answers; with ``verify`` (default) the
        receipt is checked locally first, raising VerificationFailed. ``max_fee``
        defaults to the model's fee. ``wait="settled"`` also waits (up to
        ``timeout`` s) for the chain to settle the claim: ``result.settlement``.
        ZKML (``mode="zkml"``): the answer comes at once with the int8 output and
        the proof follows asynchronously (``verify`` checks the receipt; call
        ``result.verify()`` later to fetch and check the proof);
        ``wait="proof"`` makes the node prove before answering, and the proof is
        verified locally here."""
        try:
            mode = mode_name(mode)
        except ValueError as e:
            raise InvalidRequest(str(e), code="invalid_argument")
        if wait not in (None, "settled", "proof"):
            raise InvalidRequest(f"wait must be None, 'settled' or 'proof', got {wait!r}")
        if wait == "proof" and mode != "ZKML":
            raise InvalidRequest("wait='proof' needs mode='zkml'", code="invalid_argument")
        if max_fee is not None and (not isinstance(max_fee, int) or max_fee < 0):
            raise InvalidRequest(f"max_fee: must be a non-negative int, got {max_fee!r}",
                                 code="invalid_argument")
        # Everything below up to signing is checked locally: nothing is charged.
        model = self.model(model_id) if isinstance(model_id, str) and model_id else None
        if model is not None and (mode not in model.modes or (
                max_fee is not None and model.fee is not None and max_fee < int(model.fee))):
            model = self.model(model_id, refresh=True)  # the cache may be stale
        fee = self._check_model(model, str(model_id), mode, max_fee)
        arrays = prepare(inputs, model, self._body_limit())
        if mode == "TEE":
            self._ensure_enclave_attested()
        payload, inference_id, arrays, input_hash = _core.build_infer(
            self.key, self.chain_id, self.node_pubkey, model_id, arrays, mode, fee,
            ttl_ms=self.request_ttl_ms)
        if wait == "proof":
            payload["wait"] = "proof"
        encoded = _core.encode_payload(payload)
        check_body(len(encoded), self._body_limit())  # not sent: nothing to claim, no id
        self._remember_signed(inference_id, (model_id, mode, arrays, input_hash))
        try:
            sent = now_ms()
            body = self._node("POST", "/v1/infer", infer=True, data=encoded,
                              headers={"Content-Type": "application/json"})
            result = self._result(inference_id, model_id, mode, body, arrays, input_hash, sent,
                                  now_ms())
            self._finish(result, verify)
            if wait == "settled":
                result.settlement = self.wait_settled(inference_id, timeout=timeout)
                result.timings.settled_ms = result.settlement.observed_ms
            return result
        except VinetError as e:
            # Signed: the node may have served it and will claim it; the id
            # lets the caller fetch the answer (answer()) or follow the claim.
            if e.inference_id is None:
                e.inference_id = inference_id
            if isinstance(e, (FeeTooLow, ModeNotServed, UnknownModel)):
                with self._lock:  # the node knows better than our cache: ask again next time
                    self._models.pop(model_id, None)
            raise

    def _finish(self, result: Result, verify: bool) -> None:
        if verify and result.mode == "ZKML" and result.proof is None:
            # The proof does not exist yet: result.verify() fetches and checks
            # it; until then result.verified stays False.
            self._check(result)
            result.receipt_verified = True
            result.timings.verified_ms = now_ms()
        elif verify:
            result.verify()

    def answer(self, inference_id: str, verify: bool = True) -> Result:
        """The answer of an inference the node accepted, by its id (``GET
        /v1/inferences/<id>``, from the node's durable claim ledger): e.g. after
        ``infer`` raised (timeout, lost connection) with ``e.inference_id``. The
        receipt is verified like ``infer``'s (against the request when this
        client signed it). Raises NotFound when the node never accepted it (it
        then cannot be charged)."""
        iid = _core.check_inference_id(inference_id)
        try:
            body = self._node("GET", f"/v1/inferences/{iid}")
            if body.get("outputs") is None:
                raise NotFound(f"node keeps no answer for inference {iid}", code="not_found")
            with self._lock:
                signed = self._signed.get(iid)
            receipt = body.get("receipt") or {}
            if signed is None:
                model_id, mode = str(receipt.get("model_id")), str(body.get("mode"))
                arrays, input_hash = None, bytes.fromhex(str(receipt.get("input_hash", "")))
            else:
                model_id, mode, arrays, input_hash = signed
            t = now_ms()
            result = self._result(iid, model_id, mode, body, arrays, input_hash, t, t)
            self._finish(result, verify)
            return result
        except VinetError as e:
            if e.inference_id is None:
                e.inference_id = iid
            raise

    def _verify_result(self, result: Result) -> None:
        result.proof_verified = False
        key = self._needs_attestation(result)
        if key is not None:
            self.attest(key)
        self._check(result)
        result.receipt_verified = True
        if result.mode == "TEE":
            result.proof_verified = True  # the enclave's attestation chain verified
        if result.mode == "ZKML":
            if result.proof is None:
                job = self._proof_job(result.inference_id, wait=self.timeout)
                result.proof = bytes.fromhex(job["proof"])
                batch = [str(b) for b in job.get("batch") or []]
                result.proof_batch = batch if len(batch) > 1 else None
            vk = self.zkml_key(result.model_id)
            if result.proof_batch:
                verify_batch_proof(vk, self._batch_instances(result), result.proof)
            else:
                verify_proof(vk, result.inputs or {}, result.output, result.proof)
            result.proof_verified = True

    def _batch_instances(self, result: Result) -> List[Tuple[Dict[str, np.ndarray],
                                                              Dict[str, np.ndarray]]]:
        """(inputs, outputs) of every inference of a batch proof, in its order:
        ours from the result, the others' from the node (their proof jobs'
        inputs, their stored answers). A node that lies about the others makes
        the proof fail, never pass."""
        batch = result.proof_batch or []
        if batch.count(result.inference_id) != 1:
            raise VerificationFailed(
                f"zkml: the node's batch {batch} does not hold inference {result.inference_id} once",
                code="verification")
        instances = []
        for iid in batch:
            if iid == result.inference_id:
                instances.append((result.inputs or {}, result.output))
                continue
            iid = _core.check_inference_id(iid)
            job = self._node("GET", f"/v1/inferences/{iid}/proof")
            answer = self._node("GET", f"/v1/inferences/{iid}")
            try:
                decoded = protocol.decode_tensors(bytes.fromhex(str(job.get("inputs", ""))))
            except ValueError as e:
                raise VerificationFailed(f"zkml: batch member {iid}: inputs: {e}",
                                         code="verification")
            inputs = {name: np.frombuffer(data, dtype="<f4").reshape(shape)
                      for name, dtype, shape, data in decoded if dtype == "f32"}
            instances.append((inputs, _core.from_json(answer.get("outputs") or {})))
        return instances

    def zkml_key(self, model_id: str) -> bytes:
        """The model's ZKML verifying key: from the chain (``/zkml_key/<id>``),
        cached. When the chain has no such query, the node's copy is used only
        if it hashes to the zkml model id in the chain's model record."""
        vk = self.zkml_keys.get(model_id)
        if vk is not None:
            return vk
        record = _core.query_json(self._chain("/abci_query", {"path": f"\"/zkml_key/{model_id}\""}))
        if record and record.get("verifying_key"):
            self.zkml_keys.put(model_id, bytes.fromhex(record["verifying_key"]),
                               record.get("zkml_model_id"))
        else:
            model = _core.query_json(self._chain("/abci_query", {"path": f"\"/model/{model_id}\""}))
            expect = (model or {}).get("zkml_model_id")
            if not expect:
                raise VerificationFailed(f"zkml: the chain has no verifying key for {model_id}",
                                         code="verification")
            body = self._node("GET", f"/v1/models/{model_id}/zkml_key")
            self.zkml_keys.put(model_id, bytes.fromhex(body["verifying_key"]), expect)
        return self.zkml_keys.get(model_id)  # type: ignore[return-value]

    def proof(self, inference_id: str, wait: float = 0.0) -> bytes:
        """ZKML: the node's proof of an inference (``GET /v1/inferences/<id>/proof``),
        polling up to ``wait`` seconds until it exists (a batch proof when the
        node proved it with others: ``Result.verify`` handles both). Raises
        Timeout, or VerificationFailed when the node will never have one."""
        return bytes.fromhex(self._proof_job(inference_id, wait)["proof"])

    def _proof_job(self, inference_id: str, wait: float) -> Dict[str, Any]:
        """The node's proof job once it has a proof (``proof``, ``batch``, ...)."""
        iid = _core.check_inference_id(inference_id)
        deadline = time.monotonic() + wait
        while True:
            body = self._node("GET", f"/v1/inferences/{iid}/proof")
            if body.get("proof"):
                return body
            if body.get("status") in ("FAILED", "SKIPPED"):
                raise VerificationFailed(f"zkml: node has no proof for {iid} ({body.get('status')}"
                                         f" {body.get('error', '')})", code="verification")
            if time.monotonic() >= deadline:
                raise Timeout(f"zkml: no proof for {iid} within {wait}s", code="timeout",
                              inference_id=iid)
            time.sleep(0.1)

    def attest(self, enclave_key: Optional[bytes] = None) -> None:
        """Fetch the node's attestation with a fresh nonce, verify it under the
        roots and cache its enclave key (done automatically by verify)."""
        nonce = os.urandom(32)
        body = self._node("GET", "/v1/attestation", params={"nonce": nonce.hex()})
        if enclave_key is None:
            enclave_key = bytes.fromhex(body.get("enclave_key", ""))
        self._add_attestation(body, nonce, enclave_key)

    def inference(self, inference_id: str) -> Dict[str, Any]:
        """The node's record of an inference (``GET /v1/inferences/<id>``)."""
        return self._node("GET", f"/v1/inferences/{_core.check_inference_id(inference_id)}")

    def claim(self, inference_id: str) -> Optional[Dict[str, Any]]:
        """The chain's claim record, or None when it has none yet."""
        iid = _core.check_inference_id(inference_id)
        return _core.claim_from_query(self._chain("/abci_query", {"path": f"\"/claim/{iid}\""}))

    def _from_claim(self, iid: str, claim: Dict[str, Any]) -> Settlement:
        tx_hash = _core.tx_hash_from_search(self._chain("/tx_search", _core.tx_search_params(iid)))
        return _core.make_settlement(iid, str(claim.get("status")), int(claim.get("height", 0)),
                                     tx_hash, self._received_ms(iid), claim.get("reason"))

    def wait_settled(self, inference_id: str, timeout: float = 30.0) -> Settlement:
        """Wait until the chain settles (or rejects) the claim, by a websocket
        subscription to its ``vinet.claim`` event; the claim record is checked
        first so a claim settled earlier is not missed. Raises Timeout. For a
        chat answered to this client, a settled claim must charge exactly the
        fee its receipt's token counts price (else VerificationFailed).

        By default (``verify_settlement``) the status is then proven with the
        light client and the claim's Merkle proof (vinet.settlement_proof):
        ``settlement.proof_verified`` is True, or VerificationFailed is raised."""
        start = time.monotonic()
        settlement = self._wait_settled(inference_id, timeout)
        if settlement.inference_id in self._chat_fees and settlement.settled:
            settlement = self._check_chat_fee(settlement, self.claim(settlement.inference_id))
        return self._prove_settlement(settlement, timeout - (time.monotonic() - start))

    def _prove_settlement(self, settlement: Settlement, left: float) -> Settlement:
        if not self.verify_settlement:
            return settlement
        # Header H+1 is one block away: allow a few blocks even when little is left.
        proven = self.prover.prove(settlement, max(left, 5.0))
        return _core.reobserve(proven, self._received_ms(settlement.inference_id))

    def _await_header(self, ws: Any, height: int, deadline: float) -> None:
        """Returns once block `height` is committed (its NewBlockHeader event on
        `ws`, or the latest height already there), so the settlement's proof
        (which needs header H+1) is checked at once instead of by polling.
        Only a hint: on a timeout or a websocket error it just returns and the
        prover waits for the header itself (nothing is skipped)."""
        try:
            ws.send(_core.header_subscribe_request())
            if _core.latest_height(self._chain("/status")) >= height:
                return
            while (left := deadline - time.monotonic()) > 0:
                seen = _core.header_height_from_ws_text(ws.recv(timeout=left))
                if seen is not None and seen >= height:
                    return
        except Exception:  # the prover's own wait covers anything that went wrong here
            return

    def _wait_settled(self, inference_id: str, timeout: float) -> Settlement:
        iid = _core.check_inference_id(inference_id)
        deadline = time.monotonic() + timeout
        claim = self.claim(iid)
        if _core.is_final(claim):
            return self._from_claim(iid, claim)
        try:
            ws = ws_connect(_core.ws_url(self.chain_url), open_timeout=max(0.1, timeout),
                            max_size=None)
        except (OSError, Exception) as e:
            raise ChainUnavailable(f"chain websocket {_core.ws_url(self.chain_url)}: {e}")
        with ws:
            ws.send(_core.subscribe_request(iid))
            claim = self.claim(iid)  # closes the gap between the first check and subscribing
            if _core.is_final(claim):
                return self._from_claim(iid, claim)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    raw = ws.recv(timeout=min(left, 1.0))
                except TimeoutError:
                    # Block-level transitions (ZKML EXPIRED) come with no tx event.
                    claim = self.claim(iid)
                    if _core.is_final(claim):
                        return self._from_claim(iid, claim)
                    continue
                except Exception as e:
                    raise ChainUnavailable(f"chain websocket closed: {e}")
                settled = _core.settlement_from_ws_text(raw, iid, self._received_ms(iid))
                if settled:
                    if self.verify_settlement and settled.height and not self.prover.signers:
                        self._await_header(ws, settled.height + 1, deadline)
                    return settled
        raise Timeout(f"inference {iid} not settled within {timeout}s", code="timeout",
                      inference_id=iid)
