"""Transport-free logic shared by Client and AsyncClient: building signed
requests, parsing the node's answers and the chain's claim records and events,
and mapping errors. Nothing here does I/O, so it is unit-tested directly."""
from __future__ import annotations

import base64
import dataclasses
import json
import os
import secrets
import time
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlparse, urlunparse

import numpy as np

from ._native_loader import protocol
from .errors import (ChainError, ChainUnavailable, InputTooLarge, NodeError, VerificationFailed,
                     VinetError, error_from_node)
from .tensors import canonical, from_json, tensors_hash, to_json
from .types import MODES, ModelInfo, Settlement, mode_name

PENDING_STATUSES = {"PENDING", "ACCEPTED", "SUBMITTED", "REFUSED"}  # REFUSED: resubmitted


def load_roots(roots: Any) -> Optional[List[str]]:
    """Trust roots as PEM texts: None (the AWS Nitro root), a PEM text, a path to
    a PEM file, or a list of those."""
    if roots is None:
        return None
    items = [roots] if isinstance(roots, (str, bytes, os.PathLike)) else list(roots)
    pems = []
    for item in items:
        if isinstance(item, bytes):
            item = item.decode()
        if isinstance(item, str) and "-----BEGIN" in item:
            pems.append(item)
        else:
            with open(item, "r", encoding="ascii") as f:
                pems.append(f.read())
    return pems


# How long a request stays claimable by default (the chain refuses claims
# after its expiry and any lifetime above its max_request_ttl_ms, 1 h by default).
DEFAULT_REQUEST_TTL_MS = 10 * 60 * 1000


def build_infer(key: Any, chain_id: str, node_pubkey: bytes, model_id: str,
                inputs: Mapping[str, Any], mode: str, max_fee: int, nonce: Optional[int] = None,
                timestamp_ms: Optional[int] = None,
                ttl_ms: int = DEFAULT_REQUEST_TTL_MS) -> Tuple[Dict[str, Any], str, Dict[str, np.ndarray], bytes]:
    """The ``POST /v1/infer`` payload, the inference id (hex), the canonical
    input arrays and their hash. The request names the node asked
    (``node_pubkey``, 32 bytes: only it can claim the fee) and expires
    ``ttl_ms`` after its timestamp."""
    if not isinstance(model_id, str) or not model_id:
        raise error_from_node("invalid_argument", "model_id: must be a non-empty string")
    if not isinstance(max_fee, int) or max_fee < 0:
        raise error_from_node("invalid_argument", "max_fee: must be a non-negative int")
    if not isinstance(node_pubkey, (bytes, bytearray)) or len(node_pubkey) != 32:
        raise error_from_node("invalid_argument", "node_pubkey: must be 32 bytes")
    if not isinstance(ttl_ms, int) or ttl_ms <= 0:
        raise error_from_node("invalid_argument", "ttl_ms: must be a positive int")
    arrays = canonical(inputs)
    input_hash = tensors_hash(arrays)
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    signed = protocol.sign_request(
        key._native, chain_id, bytes(node_pubkey), model_id, MODES[mode], input_hash, max_fee,
        secrets.randbits(64) if nonce is None else nonce, ts, ts + ttl_ms)
    payload = {
        "request": {"body": signed["body"].hex(), "client_pubkey": signed["client_pubkey"].hex(),
                    "signature": signed["signature"].hex()},
        "inputs": to_json(arrays),
    }
    return payload, signed["inference_id"].hex(), arrays, input_hash


def encode_payload(payload: Mapping[str, Any]) -> bytes:
    """The ``POST /v1/infer`` body as sent: compact JSON (what the size limit counts)."""
    return json.dumps(payload, separators=(",", ":"), allow_nan=False).encode()


def parse_error(status: int, text: str, *, infer: bool = False) -> VinetError:
    """The typed error of a non-2xx node answer."""
    try:
        err = json.loads(text)["error"]
        return error_from_node(err.get("code"), err.get("message", ""), status, infer=infer)
    except (ValueError, KeyError, TypeError, AttributeError):
        if status == 413:
            return InputTooLarge(f"HTTP 413: the body is over the node's request limit "
                                 f"{text[:200]}".rstrip(), http_status=status)
        code = "unavailable" if status in (502, 503, 504) else None
        return error_from_node(code, f"HTTP {status}: {text[:200]}", status, infer=infer)


def parse_infer(body: Any, inference_id: str) -> Tuple[Dict[str, np.ndarray], Dict[str, Any],
                                                       Optional[int], Optional[int]]:
    """Outputs, receipt JSON and node timestamps of a ``/v1/infer`` answer. The
    answer's inference id must be ours."""
    if not isinstance(body, dict) or "receipt" not in body or "outputs" not in body:
        raise NodeError("infer: answer lacks outputs or receipt")
    if body.get("inference_id") != inference_id:
        raise VerificationFailed(
            f"infer: node answered for inference {body.get('inference_id')!r}, "
            f"not ours ({inference_id})", code="verification")
    receipt = body["receipt"]
    if isinstance(receipt, str):
        receipt = json.loads(receipt)
    if not isinstance(receipt, dict):
        raise NodeError("infer: receipt is not a JSON object")
    return from_json(body["outputs"]), receipt, body.get("node_received_ms"), body.get("node_answered_ms")


def node_pubkey_from_health(body: Any) -> bytes:
    """The node's Ed25519 key from its ``/healthz`` answer."""
    try:
        key = bytes.fromhex(body["node_pubkey"])
    except (KeyError, TypeError, ValueError):
        raise NodeError("healthz: answer lacks a hex node_pubkey")
    if len(key) != 32:
        raise NodeError("healthz: node_pubkey is not 32 bytes")
    return key


def parse_models(body: Any) -> List[ModelInfo]:
    """``GET /v1/models``: OpenAI's ``{"object": "list", "data": [...]}``."""
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        body = body["data"]
    if not isinstance(body, list):
        raise NodeError("models: answer is not a list")
    out = []
    for i, m in enumerate(body):
        try:
            out.append(ModelInfo(
                model_id=str(m.get("model_id") or m["id"]), name=str(m.get("name", "")),
                inputs={str(k): [int(d) for d in v] for k, v in (m.get("inputs") or {}).items()},
                modes=[mode_name(x) for x in m.get("modes", []) if str(x).upper() in MODES],
                outputs={str(k): [int(d) for d in v]
                         for k, v in (m.get("outputs") or {}).items()},
                fee=m.get("fee"), kind=m.get("kind", "onnx"),
                input_dtypes={str(k): str(v) for k, v in (m.get("input_dtypes") or {}).items()},
                refused={mode_name(k): dict(v) for k, v in (m.get("refused") or {}).items()
                         if isinstance(v, dict) and str(k).upper() in MODES},
                registered=bool(m.get("registered", False))))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise NodeError(f"models[{i}]: malformed entry ({e!r})"[:300])
    return out


# ---------------------------------------------------------------- chain

def rpc_url(chain_url: str, path: str) -> str:
    return chain_url.rstrip("/") + path


def ws_url(chain_url: str) -> str:
    """CometBFT's websocket endpoint for an RPC URL (http→ws, https→wss)."""
    u = urlparse(chain_url)
    scheme = {"http": "ws", "https": "wss"}.get(u.scheme, u.scheme)
    return urlunparse((scheme, u.netloc, u.path.rstrip("/") + "/websocket", "", "", ""))


def chain_id_from_status(body: Any) -> str:
    try:
        return body["result"]["node_info"]["network"]
    except (KeyError, TypeError):
        raise ChainError("status: answer lacks result.node_info.network")


def claim_from_query(body: Any) -> Optional[Dict[str, Any]]:
    """The claim record of an ``abci_query /claim/<id>`` answer, or None when the
    chain has none (code 3)."""
    try:
        resp = body["result"]["response"]
    except (KeyError, TypeError):
        raise ChainError(f"abci_query: unexpected answer {str(body)[:200]}")
    code = int(resp.get("code", 0) or 0)
    if code == 3:
        return None
    if code != 0:
        raise ChainError(f"abci_query /claim: code {code}: {resp.get('log', '')}")
    value = resp.get("value")
    if not value:
        return None
    return json.loads(base64.b64decode(value))


def query_json(body: Any) -> Optional[Dict[str, Any]]:
    """The JSON value of an ``abci_query`` answer; None for any failure code."""
    try:
        resp = body["result"]["response"]
    except (KeyError, TypeError):
        raise ChainError(f"abci_query: unexpected answer {str(body)[:200]}")
    if int(resp.get("code", 0) or 0) != 0 or not resp.get("value"):
        return None
    return json.loads(base64.b64decode(resp["value"]))


def balance_of(record: Optional[Mapping[str, Any]], address: str) -> int:
    """The balance in an ``/account/<address>`` query answer (0 for an account
    the chain has never seen)."""
    if record is None:
        return 0
    try:
        return int(record.get("balance", 0))
    except (TypeError, ValueError):
        raise ChainError(f"account {address}: balance is not an integer: {record!r}"[:200])


def subscribe_request(inference_id: str, request_id: int = 1) -> str:
    query = f"tm.event='Tx' AND vinet.claim.id='{inference_id}'"
    return json.dumps({"jsonrpc": "2.0", "method": "subscribe", "id": request_id,
                       "params": {"query": query}})


def header_subscribe_request(request_id: int = 2) -> str:
    """Subscribe to every new block header (the verified settlement's header H+1)."""
    return json.dumps({"jsonrpc": "2.0", "method": "subscribe", "id": request_id,
                       "params": {"query": "tm.event='NewBlockHeader'"}})


def header_height_from_ws_text(raw: str) -> Optional[int]:
    """The height of a NewBlockHeader event message, or None for any other
    message (acks, tx events). Raises ChainUnavailable on an error reply."""
    msg = json.loads(raw)
    if msg.get("error"):
        raise ChainUnavailable(f"chain subscription failed: {msg['error']}")
    data = ((msg.get("result") or {}).get("data") or {})
    if data.get("type") != "tendermint/event/NewBlockHeader":
        return None
    header = (data.get("value") or {}).get("header") or {}
    try:
        return int(header.get("height"))
    except (TypeError, ValueError):
        return None


def latest_height(status_body: Any) -> int:
    """latest_block_height of a /status answer (0 when absent or malformed)."""
    info = (((status_body or {}).get("result") or {}).get("sync_info") or {})
    try:
        return int(info.get("latest_block_height", 0))
    except (TypeError, ValueError):
        return 0


def tx_search_params(inference_id: str) -> Dict[str, str]:
    return {"query": f"\"vinet.claim.id='{inference_id}'\"", "per_page": "1"}


def _attrs(event: Mapping[str, Any]) -> Dict[str, str]:
    out = {}
    for a in event.get("attributes", []):
        k, v = a.get("key", ""), a.get("value", "")
        out[k] = v
    return out


def claim_from_events(events: Any, inference_id: str) -> Optional[Dict[str, str]]:
    """The ``vinet.claim`` event attributes for our id in a tx's event list."""
    for ev in events or []:
        if ev.get("type") == "vinet.claim":
            attrs = _attrs(ev)
            if attrs.get("id") == inference_id:
                return attrs
    return None


def settlement_from_ws(message: Any, inference_id: str) -> Optional[Tuple[str, int, Optional[str], Optional[str]]]:
    """(status, height, tx hash, reason) from a websocket event message, or None when the
    message is not our claim's event (acks, other claims)."""
    result = (message or {}).get("result") or {}
    data = (result.get("data") or {}).get("value") or {}
    txr = data.get("TxResult")
    if not txr:
        return None
    attrs = claim_from_events((txr.get("result") or {}).get("events"), inference_id)
    if attrs is None:
        return None
    hashes = (result.get("events") or {}).get("tx.hash") or [None]
    height = int(attrs.get("height") or txr.get("height") or 0)
    return attrs.get("status", ""), height, hashes[0], attrs.get("reason") or None


def tx_hash_from_search(body: Any) -> Optional[str]:
    txs = ((body or {}).get("result") or {}).get("txs") or []
    return txs[0].get("hash") if txs else None


def make_settlement(inference_id: str, status: str, height: int, tx_hash: Optional[str],
                    received_ms: Optional[float], reason: Optional[str] = None) -> Settlement:
    seen = time.time() * 1000.0
    gap = None if received_ms is None else (seen - received_ms) / 1000.0
    return Settlement(inference_id=inference_id, status=status, height=int(height),
                      tx_hash=tx_hash, trust_gap=gap, observed_ms=seen, reason=reason or None)


def reobserve(settlement: Settlement, received_ms: Optional[float]) -> Settlement:
    """The settlement as seen now (after its proof checked out): observed_ms and trust_gap."""
    seen = time.time() * 1000.0
    gap = None if received_ms is None else (seen - received_ms) / 1000.0
    return dataclasses.replace(settlement, observed_ms=seen, trust_gap=gap)


def settlement_from_ws_text(raw: str, inference_id: str,
                            received_ms: Optional[float]) -> Optional[Settlement]:
    """One websocket message of a claim subscription: the final Settlement it
    reports for `inference_id`, or None. Raises ChainUnavailable on an error reply."""
    msg = json.loads(raw)
    if msg.get("error"):
        raise ChainUnavailable(f"chain subscription failed: {msg['error']}")
    found = settlement_from_ws(msg, inference_id)
    if found and found[0] not in PENDING_STATUSES:
        return make_settlement(inference_id, found[0], found[1], found[2], received_ms, found[3])
    return None


def is_final(claim: Optional[Mapping[str, Any]]) -> bool:
    return claim is not None and str(claim.get("status", "")).upper() not in PENDING_STATUSES


def check_inference_id(inference_id: str) -> str:
    s = str(inference_id).lower()
    if len(s) != 64 or any(c not in "0123456789abcdef" for c in s):
        raise error_from_node("invalid_argument", f"inference_id: need 64 hex chars, got {inference_id!r}")
    return s
