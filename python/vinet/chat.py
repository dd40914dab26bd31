"""Verifiable chat (docs/chat.md), transport-free: signing a chat request, and
verifying a node's answer as it arrives, chunk by chunk.

``sign_chat`` parses an OpenAI chat body with the node's own rules (the native
core), signs the request envelope that commits to its canonical hash and
returns the ``X-Vinet-Request`` header. ``ChatSession`` takes the node's
answer (server-sent event lines, or the JSON of a non-streamed answer), runs
every signed chunk through the native ``ChatStreamVerifier`` (an altered,
dropped, reordered or foreign chunk fails at once), checks that the text
shown to the caller is the signed text, and at the end checks the receipt:
its signatures, that it names this request (inference id, model, mode,
request hash, node) and that it covers exactly the chunks accepted (a
truncated stream fails). Nothing here does I/O: Client, AsyncClient and
``signing_http_client`` share it.
"""
from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from ._native_loader import chat as native_chat
from .errors import InvalidRequest, NodeError, VerificationFailed, error_from_node
from .types import MODES, Settlement, mode_name, now_ms

HEADER = "X-Vinet-Request"
CHAT_PATH = "/v1/chat/completions"
# Prompt tokens are bounded by the bytes of the contents plus the template's
# tokens per message: the default max fee prices this bound (docs/sdk.md).
TEMPLATE_TOKENS_PER_MESSAGE = 8
TEMPLATE_TOKENS = 32


def _native() -> Any:
    if native_chat is None:
        raise RuntimeError("vinet._native has no chat module: rebuild the native core")
    return native_chat


@dataclass(frozen=True)
class ChatPrices:
    """A chat model's prices on chain: fee = fee_per_inference + prompt ×
    price_in + completion × price_out."""

    fee_per_inference: int
    price_in: int
    price_out: int

    def fee(self, prompt_tokens: int, completion_tokens: int) -> int:
        return int(_native().chat_fee(self.fee_per_inference, self.price_in, self.price_out,
                                      prompt_tokens, completion_tokens))

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> "ChatPrices":
        """From the chain's ``/model/<id>`` record (or a node's model entry)."""
        def pick(*names: str) -> int:
            for n in names:
                if record.get(n) is not None:
                    return int(record[n])
            return 0
        return cls(pick("fee_per_inference", "fee"),
                   pick("price_per_input_token", "price_in", "input_token_price"),
                   pick("price_per_output_token", "price_out", "output_token_price"))


def parse_body(body: Union[bytes, str, Mapping[str, Any]]) -> Dict[str, Any]:
    """The node's reading of a chat body: canonical bytes, request hash (hex),
    model id, stream, include_usage, request. Raises InvalidRequest naming
    the parameter."""
    if isinstance(body, Mapping):
        body = json.dumps(body)
    try:
        return _native().parse_chat_completion(body)
    except ValueError as e:
        code, _, msg = str(e).partition(": ")
        raise error_from_node(code, msg or str(e))


def default_max_fee(parsed: Mapping[str, Any], prices: ChatPrices) -> int:
    """The most this request can cost: all of max_tokens, and a prompt bound."""
    messages = parsed["request"]["messages"]
    prompt = TEMPLATE_TOKENS + sum(len(m["content"].encode()) + TEMPLATE_TOKENS_PER_MESSAGE
                                   for m in messages)
    return prices.fee(prompt, int(parsed["request"]["max_tokens"]))


@dataclass
class SignedChat:
    """A signed chat request: send ``body`` with ``headers``."""

    body: bytes
    headers: Dict[str, str]
    inference_id: str
    parsed: Dict[str, Any]
    mode: str
    max_fee: int
    signed_request: bytes

    @property
    def model_id(self) -> str:
        return self.parsed["model_id"]

    @property
    def stream(self) -> bool:
        return bool(self.parsed["stream"])


def sign_chat(key: Any, chain_id: str, node_pubkey: bytes, body: Union[bytes, str, Mapping[str, Any]],
              mode: str, max_fee: int, ttl_ms: int, nonce: Optional[int] = None,
              timestamp_ms: Optional[int] = None, parsed: Optional[Dict[str, Any]] = None) -> SignedChat:
    """Sign ``body`` (an OpenAI chat completion body) for ``node_pubkey``."""
    raw = json.dumps(body).encode() if isinstance(body, Mapping) else (
        body.encode() if isinstance(body, str) else bytes(body))
    parsed = parse_body(raw) if parsed is None else parsed
    try:
        mode = mode_name(mode)
    except ValueError as e:
        raise InvalidRequest(str(e), code="invalid_argument")
    if mode not in ("VANILLA", "TEE"):
        raise InvalidRequest(f"mode: chat is served in VANILLA or TEE mode, not {mode}",
                             code="invalid_argument")
    if not isinstance(max_fee, int) or max_fee < 0:
        raise InvalidRequest("max_fee: must be a non-negative int", code="invalid_argument")
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    native_key = getattr(key, "_native", key)
    try:
        s = _native().sign_chat_request(native_key, chain_id, bytes(node_pubkey), parsed["model_id"],
                                        MODES[mode], bytes.fromhex(parsed["request_hash"]), max_fee,
                                        secrets.randbits(64) if nonce is None else nonce, ts,
                                        ts + ttl_ms)
    except ValueError as e:
        raise InvalidRequest(str(e), code="invalid_argument")
    header = base64.b64encode(s["signed_request"]).decode()
    return SignedChat(body=raw, headers={HEADER: header, "Content-Type": "application/json"},
                      inference_id=s["inference_id"].hex(), parsed=parsed, mode=mode,
                      max_fee=max_fee, signed_request=s["signed_request"])


@dataclass
class ChatChunk:
    """One verified piece of a streamed answer."""

    index: int
    text: str
    tokens: List[int]
    received_ms: float


@dataclass
class ChatTimings:
    """Client wall clock, ms since the epoch."""

    sent_ms: float
    first_token_ms: Optional[float] = None
    received_ms: Optional[float] = None
    settled_ms: Optional[float] = None

    @property
    def time_to_first_token(self) -> Optional[float]:
        """Seconds from sending to the first verified text."""
        return None if self.first_token_ms is None else (self.first_token_ms - self.sent_ms) / 1000


@dataclass
class ReplayResult:
    tokens_hash: str
    text_hash: str
    text: str
    completion_tokens: int
    matches: bool


@dataclass
class ChatResult:
    """A verified chat answer: ``text`` is the signed text, ``usage`` the
    receipt's token counts, ``fee`` what the chain will charge at the
    model's prices (None when they were not known)."""

    inference_id: str
    model_id: str
    mode: str
    text: str
    finish_reason: str
    usage: Dict[str, int]
    receipt: Dict[str, Any]
    request: Dict[str, Any]
    canonical: bytes
    timings: ChatTimings
    chunks: int
    verified: bool = False
    fee: Optional[int] = None
    max_fee: Optional[int] = None
    settlement: Optional[Settlement] = None
    tokens: List[int] = field(default_factory=list, repr=False)

    @property
    def seed(self) -> int:
        return int(self.receipt["seed"])

    # The names Result uses (docs/sdk.md, "What verified means"): a chat's
    # `verified` is its receipt and every chunk; TEE adds the attestation.
    @property
    def receipt_verified(self) -> bool:
        return self.verified

    @property
    def proof_verified(self) -> bool:
        return self.verified and self.mode == "TEE"

    @property
    def settlement_verified(self) -> bool:
        return self.settlement is not None and self.settlement.settlement_verified

    @property
    def tokens_per_second(self) -> Optional[float]:
        """Completion tokens per second after the first token arrived."""
        t = self.timings
        if t.first_token_ms is None or t.received_ms is None or t.received_ms <= t.first_token_ms:
            return None
        return max(0, self.usage["completion_tokens"] - 1) / ((t.received_ms - t.first_token_ms) / 1000)

    def replay(self, model_path: str, threads: int = 1) -> ReplayResult:
        """Re-run the request locally on ``model_path`` (the GGUF file the model
        id names) with the receipt's seed, as the node does; raises
        VerificationFailed unless tokens_hash and text_hash match."""
        r = replay(model_path, self.canonical, self.receipt, threads=threads)
        if not r.matches:
            raise VerificationFailed(
                f"replay: tokens_hash {r.tokens_hash} / text_hash {r.text_hash} differ from the "
                f"receipt's {self.receipt['tokens_hash']} / {self.receipt['text_hash']}",
                code="verification", inference_id=self.inference_id)
        return r


def replay(model_path: str, canonical: bytes, receipt: Mapping[str, Any],
           threads: int = 1) -> ReplayResult:
    """Regenerate the answer a receipt covers: same model file, canonical
    request and seed, same prompt and sampling mapping as the node. An answer
    cut short ("length" by the fee cap, "cancelled") is replayed up to the
    receipt's completion tokens."""
    cap = 0
    if receipt.get("finish_reason") in ("length", "cancelled"):
        cap = int(receipt["completion_tokens"])
    try:
        out = _native().replay(model_path, canonical, int(receipt["seed"]), cap, threads)
    except (ValueError, RuntimeError) as e:
        raise VerificationFailed(f"replay: {e}", code="verification")
    text = out["text_bytes"]
    matches = out["tokens_hash"] == receipt["tokens_hash"]
    if receipt.get("finish_reason") != "cancelled":
        matches = matches and out["text_hash"] == receipt["text_hash"]
    return ReplayResult(tokens_hash=out["tokens_hash"], text_hash=out["text_hash"],
                        text=text.decode("utf-8", "replace"),
                        completion_tokens=len(out["tokens"]), matches=matches)


def _fail(message: str, iid: Optional[str] = None) -> VerificationFailed:
    return VerificationFailed(message, code="verification", inference_id=iid)


class ChatSession:
    """Verifies one answer to a signed chat request.

    The chunks must be signed by the node's key (VANILLA) or by an enclave
    key that ``attest(key)`` verifies (TEE; it raises VerificationFailed
    otherwise). Feed server-sent event
    lines with :meth:`feed_line` (each returns the verified chunks it
    completed) or a non-streamed answer with :meth:`feed_json`; then
    :meth:`result`."""

    def __init__(self, signed: SignedChat, node_pubkey: bytes,
                 attest: Optional[Callable[[bytes], None]] = None,
                 sent_ms: Optional[float] = None) -> None:
        self.signed = signed
        self.node_pubkey = bytes(node_pubkey)
        self.attest = attest
        self.iid = signed.inference_id
        self.signer: Optional[bytes] = None
        self._v: Any = None
        self.timings = ChatTimings(sent_ms=now_ms() if sent_ms is None else sent_ms)
        self.receipt: Optional[Dict[str, Any]] = None
        self.usage: Optional[Dict[str, Any]] = None
        self.fee: Optional[int] = None
        self.content: List[str] = []
        self.done = False
        self._data: List[str] = []
        self._result: Optional[ChatResult] = None

    def set_signer(self, key_hex: Any) -> None:
        """The key the answer says signs its chunks (the ``X-Vinet-Signer``
        header or the ``vinet.signer`` field): the node's own key in VANILLA;
        in TEE an enclave key that ``attest`` verifies (fresh attestation)."""
        try:
            key = bytes.fromhex(str(key_hex))
        except ValueError:
            key = b""
        if len(key) != 32:
            raise _fail(f"answer: signer {key_hex!r} is not a 32-byte hex key", self.iid)
        if self.signer is not None:
            if key != self.signer:
                raise _fail(f"answer: signer changed from {self.signer.hex()} to {key.hex()}",
                            self.iid)
            return
        if self.signed.mode == "VANILLA":
            if key != self.node_pubkey:
                raise _fail(f"answer: VANILLA chunks signed by {key.hex()}, not the node's key "
                            f"{self.node_pubkey.hex()}", self.iid)
        else:
            if self.attest is None:
                raise _fail("answer: TEE signer cannot be attested here", self.iid)
            self.attest(key)
        self.signer = key
        self._v = _native().ChatStreamVerifier(bytes.fromhex(self.iid), key)

    # ------------------------------------------------------------ streamed

    def feed_line(self, line: Union[str, bytes]) -> List[ChatChunk]:
        """One SSE line (without its newline). Raises VerificationFailed
        (NodeError for an answer of the wrong shape)."""
        try:
            return self._feed_line(line)
        except (TypeError, KeyError, AttributeError, ValueError, UnicodeDecodeError) as e:
            raise NodeError(f"chat: malformed answer ({type(e).__name__}: {e})",
                            inference_id=self.iid)

    def _feed_line(self, line: Union[str, bytes]) -> List[ChatChunk]:
        if isinstance(line, bytes):
            line = line.decode("utf-8")
        line = line.rstrip("\r")
        if line == "":
            if not self._data:
                return []
            data, self._data = "\n".join(self._data), []
            return self._event(data)
        if line.startswith(":"):
            return []
        name, _, value = line.partition(":")
        if name == "data":
            self._data.append(value[1:] if value.startswith(" ") else value)
        return []

    def _event(self, data: str) -> List[ChatChunk]:
        if data.strip() == "[DONE]":
            self.done = True
            return []
        if self.receipt is not None and self.done:
            raise _fail("stream: data after [DONE]", self.iid)
        try:
            obj = json.loads(data)
        except ValueError:
            raise _fail(f"stream: event is not JSON: {data[:80]!r}", self.iid)
        if not isinstance(obj, dict):
            raise _fail("stream: event is not a JSON object", self.iid)
        if "error" in obj and isinstance(obj["error"], dict):
            err = obj["error"]
            raise error_from_node(err.get("code"), err.get("message", ""), None)
        return self._chunk_object(obj)

    def _chunk_object(self, obj: Mapping[str, Any]) -> List[ChatChunk]:
        if obj.get("usage"):
            self.usage = dict(obj["usage"])
        choices = obj.get("choices") or []
        content = ""
        for c in choices if isinstance(choices, list) else []:
            delta = c.get("delta") if isinstance(c, dict) else None
            if isinstance(delta, dict) and isinstance(delta.get("content"), str):
                content += delta["content"]
        vn = obj.get("vinet")
        if vn is not None and not isinstance(vn, Mapping):
            raise _fail("answer: vinet is not an object", self.iid)
        out: List[ChatChunk] = []
        if isinstance(vn, Mapping):
            self._envelope(vn)
        if isinstance(vn, Mapping) and "index" in vn:
            if self.receipt is not None:
                raise _fail("stream: chunk after the receipt", self.iid)
            chunk = self._accept(vn)
            if content != chunk.text:
                raise _fail(f"stream: chunk {chunk.index} shows text {content!r}, signed "
                            f"{chunk.text!r}", self.iid)
            self.content.append(content)
            out.append(chunk)
        elif content:
            raise _fail("stream: text without a signed chunk", self.iid)
        if isinstance(vn, Mapping) and vn.get("receipt") is not None:
            if self.receipt is not None:
                raise _fail("stream: a second receipt", self.iid)
            self.receipt = self._receipt_dict(vn["receipt"])
        return out

    def _envelope(self, vn: Mapping[str, Any]) -> None:
        if vn.get("inference_id") is not None and vn["inference_id"] != self.iid:
            raise _fail(f"answer: for inference {vn['inference_id']!r}, not ours", self.iid)
        if vn.get("signer") is not None:
            self.set_signer(vn["signer"])
        if vn.get("fee") is not None:
            self.fee = int(vn["fee"])

    def _accept(self, vn: Mapping[str, Any]) -> ChatChunk:
        if not isinstance(vn, Mapping):
            raise _fail("answer: a chunk is not an object", self.iid)
        if self._v is None:
            raise _fail("stream: signed chunk before the answer named its signer", self.iid)
        chunk = {k: vn[k] for k in ("index", "tokens", "text", "running_hash", "signature")
                 if k in vn}
        try:
            self._v.accept(json.dumps(chunk))
        except ValueError as e:
            raise _fail(f"stream: chunk {vn.get('index')!r} rejected: {e}", self.iid)
        now = now_ms()
        if self.timings.first_token_ms is None:
            self.timings.first_token_ms = now
        return ChatChunk(index=int(vn["index"]), text=str(vn.get("text", "")),
                         tokens=list(vn.get("tokens") or []), received_ms=now)

    @staticmethod
    def _receipt_dict(receipt: Any) -> Dict[str, Any]:
        if isinstance(receipt, str):
            receipt = json.loads(receipt)
        if not isinstance(receipt, dict):
            raise NodeError("chat: receipt is not a JSON object")
        return receipt

    # ------------------------------------------------------------ non-streamed

    def feed_json(self, body: Any) -> None:
        """A non-streamed answer: the chat.completion object, whose ``vinet``
        object carries the signed chunks and the receipt."""
        try:
            self._feed_json(body)
        except (TypeError, KeyError, AttributeError, ValueError) as e:
            raise NodeError(f"chat: malformed answer ({type(e).__name__}: {e})",
                            inference_id=self.iid)

    def _feed_json(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise NodeError("chat: answer is not a JSON object")
        vn = body.get("vinet") or {}
        self._envelope(vn)
        chunks = vn.get("chunks")
        if not isinstance(chunks, list):
            raise _fail("chat: answer carries no signed chunks (vinet.chunks)", self.iid)
        for c in chunks:
            self._accept(c)
        choices = body.get("choices") or []
        content = ""
        if choices:
            content = ((choices[0].get("message") or {}).get("content")) or ""
        self.content = [content]
        self.usage = body.get("usage")
        if vn.get("receipt") is None:
            raise _fail("chat: answer carries no receipt", self.iid)
        self.receipt = self._receipt_dict(vn["receipt"])
        self.done = True

    # ------------------------------------------------------------ end

    def result(self) -> ChatResult:
        """Check the receipt against the accepted chunks and the request."""
        if self._result is not None:
            return self._result
        if self.receipt is None:
            raise _fail(f"stream: ended after {self._v.chunks} chunks without a receipt "
                        "(truncated)", self.iid)
        self.timings.received_ms = now_ms()
        if self.signer is None:
            enclave = self.receipt.get("enclave_key") if self.signed.mode == "TEE" else None
            self.set_signer(enclave or self.node_pubkey.hex())
        r = check_receipt(self.receipt, self.signed, self.node_pubkey, self.signer)
        try:
            self._v.finish(json.dumps(self.receipt))
        except ValueError as e:
            raise _fail(f"stream: receipt does not cover the chunks received: {e}", self.iid)
        text = self._v.text_bytes.decode("utf-8", "replace")
        if "".join(self.content) != text:
            raise _fail("chat: the answer's text is not the signed text", self.iid)
        usage = {"prompt_tokens": int(r["prompt_tokens"]),
                 "completion_tokens": int(r["completion_tokens"]),
                 "total_tokens": int(r["prompt_tokens"]) + int(r["completion_tokens"])}
        if self.usage:
            for k in ("prompt_tokens", "completion_tokens"):
                if k in self.usage and int(self.usage[k]) != usage[k]:
                    raise _fail(f"chat: usage.{k} {self.usage[k]} is not the receipt's {usage[k]}",
                                self.iid)
        if self.timings.first_token_ms is None:
            self.timings.first_token_ms = self.timings.received_ms
        self._result = ChatResult(
            inference_id=self.iid, model_id=self.signed.model_id, mode=self.signed.mode, text=text,
            finish_reason=str(r["finish_reason"]), usage=usage, receipt=self.receipt,
            request=self.signed.parsed["request"], canonical=self.signed.parsed["canonical"],
            timings=self.timings, chunks=int(self._v.chunks), verified=True,
            max_fee=self.signed.max_fee, fee=self.fee, tokens=list(self._v.tokens))
        return self._result


def check_receipt(receipt: Mapping[str, Any], signed: SignedChat, node_pubkey: bytes,
                  signer: bytes) -> Dict[str, Any]:
    """Signatures (node; enclave for TEE) and that the receipt answers this
    request, from this node, signed by ``signer`` (TEE: the attested enclave
    key). Returns the decoded receipt."""
    iid = signed.inference_id
    try:
        r = _native().verify_chat_receipt(json.dumps(receipt))
    except ValueError as e:
        raise _fail(f"receipt: {e}", iid)
    expect = {"inference_id": iid, "model_id": signed.model_id, "mode": signed.mode,
              "request_hash": signed.parsed["request_hash"], "node_id": bytes(node_pubkey).hex()}
    for k, want in expect.items():
        if r.get(k) != want:
            raise _fail(f"receipt.{k} is {r.get(k)!r}, expected {want!r}", iid)
    if signed.mode == "TEE" and r.get("enclave_key") != bytes(signer).hex():
        raise _fail(f"receipt.enclave_key {r.get('enclave_key')!r} is not the attested enclave "
                    f"key {bytes(signer).hex()}", iid)
    seed = signed.parsed["request"].get("seed")
    if seed is not None and int(r["seed"]) != int(seed):
        raise _fail(f"receipt.seed {r['seed']} is not the requested {seed}", iid)
    return r


def chat_body(model: str, messages: Sequence[Mapping[str, Any]], stream: bool = False,
              max_tokens: Optional[int] = None, temperature: Optional[float] = None,
              top_p: Optional[float] = None, seed: Optional[int] = None,
              stop: Union[None, str, Sequence[str]] = None, top_k: Optional[int] = None,
              include_usage: bool = True) -> Dict[str, Any]:
    """An OpenAI chat completion body (only the parameters given)."""
    body: Dict[str, Any] = {"model": model, "messages": [dict(m) for m in messages]}
    for k, v in (("max_tokens", max_tokens), ("temperature", temperature), ("top_p", top_p),
                 ("seed", seed), ("top_k", top_k)):
        if v is not None:
            body[k] = v
    if stop is not None:
        body["stop"] = [stop] if isinstance(stop, str) else list(stop)
    if stream:
        body["stream"] = True
        if include_usage:
            body["stream_options"] = {"include_usage": True}
    return body


def sse_lines(chunks: Callable[[], Any]) -> Any:
    """Split an iterator of byte chunks into lines (no newline)."""
    buf = b""
    for data in chunks():
        buf += data
        while True:
            i = buf.find(b"\n")
            if i < 0:
                break
            line, buf = buf[:i], buf[i + 1:]
            yield line
    if buf:
        yield buf
