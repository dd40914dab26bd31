"""The blocking client's chat API (mixed into :class:`vinet.Client`).

``client.chat(model, messages)`` signs the request, posts it to the node's
``/v1/chat/completions`` and verifies the answer (vinet.chat.ChatSession);
``stream=True`` returns a :class:`ChatStream` that yields verified chunks and
checks the receipt before it stops. HTTP goes through httpx (streaming); pass
``transport=`` to the client to put something between the SDK and the node.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

import httpx

from . import _core
from .chat import (CHAT_PATH, ChatChunk, ChatPrices, ChatResult, ChatSession, SignedChat,
                   chat_body, default_max_fee, parse_body, sign_chat)
from .errors import (InvalidRequest, ModelNotFound, NodeError, NodeUnavailable, Timeout, VerificationFailed,
                     VinetError)
from .types import Settlement



@contextlib.contextmanager
def node_errors(node_url: str, inference_id: str, what: str) -> Iterator[None]:
    """Inside: httpx failures become Timeout / NodeUnavailable, and every
    vinet error names the inference (one rule for sync, async, streamed)."""
    try:
        yield
    except httpx.TimeoutException as e:
        raise Timeout(f"node {node_url}: {what} timed out ({e})", code="timeout",
                      inference_id=inference_id)
    except httpx.HTTPError as e:
        raise NodeUnavailable(f"node {node_url}: {e}", inference_id=inference_id)
    except VinetError as e:
        if e.inference_id is None:
            e.inference_id = inference_id
        raise

class ChatStream:
    """Iterating yields :class:`vinet.chat.ChatChunk` values as they arrive,
    each verified (raises VerificationFailed on a bad chunk); before the
    iteration stops the receipt is verified against all of them (a truncated
    stream raises). Then ``result`` holds the :class:`ChatResult`. ``close()``
    (or leaving a ``with`` block) drops the connection: the node then stops
    and charges only what it delivered."""

    def __init__(self, owner: "ChatApi", signed: SignedChat) -> None:
        self._owner = owner
        self.signed = signed
        self.inference_id = signed.inference_id
        self.result: Optional[ChatResult] = None
        self._cm: Any = None
        self._response: Optional[httpx.Response] = None

    def __enter__(self) -> "ChatStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._cm is not None:
            try:
                self._cm.__exit__(None, None, None)
            finally:
                self._cm = None

    def __iter__(self) -> Iterator[ChatChunk]:
        owner, signed = self._owner, self.signed
        session = owner._chat_session(signed)
        try:
            with node_errors(owner.node_url, self.inference_id, "chat stream"):
                self._cm = owner._chat_http().stream("POST", owner.node_url + CHAT_PATH,
                                                     content=signed.body, headers=signed.headers)
                response = self._cm.__enter__()
                if response.status_code >= 300:
                    response.read()
                    raise _core.parse_error(response.status_code, response.text, infer=True)
                if response.headers.get("x-vinet-signer"):
                    session.set_signer(response.headers["x-vinet-signer"])
                for line in response.iter_lines():
                    for chunk in session.feed_line(line):
                        yield chunk
                session.feed_line("")
                self.result = owner._chat_done(session)
        finally:
            self.close()


class ChatApi:
    """Chat methods of Client (needs node_url, key, chain_id, node_pubkey,
    verifier, attest, _chain, _remember, wait_settled)."""

    _http_chat: Optional[httpx.Client] = None

    def _chat_init(self, transport: Optional[httpx.BaseTransport]) -> None:
        self._transport = transport
        self._prices: Dict[str, ChatPrices] = {}
        self._chat_fees: Dict[str, int] = {}
        self._chat_lock = threading.Lock()

    def _chat_http(self) -> httpx.Client:
        if self._http_chat is None:
            self._http_chat = httpx.Client(transport=self._transport,
                                           timeout=httpx.Timeout(self.timeout))  # type: ignore
        return self._http_chat

    def _chat_close(self) -> None:
        if self._http_chat is not None:
            self._http_chat.close()
            self._http_chat = None

    def chat_prices(self, model_id: str) -> ChatPrices:
        """The model's prices from the chain's record (``/model/<id>``), cached."""
        if model_id not in self._prices:
            rec = _core.query_json(self._chain("/abci_query",  # type: ignore[attr-defined]
                                               {"path": f"\"/model/{model_id}\""}))
            if not rec:
                raise ModelNotFound(f"model {model_id} is not registered on chain", code="not_found")
            self._prices[model_id] = ChatPrices.from_record(rec)
        return self._prices[model_id]

    def sign_chat(self, body: Union[bytes, str, Mapping[str, Any]], mode: str = "tee",
                  max_fee: Optional[int] = None) -> SignedChat:
        """Sign an OpenAI chat body for this client's node: the body and the
        ``X-Vinet-Request`` header to send. ``max_fee`` defaults to the
        request's worst case at the chain's prices (docs/sdk.md)."""
        parsed = parse_body(body)
        prices = self._prices.get(parsed["model_id"])
        if prices is None and self.chain_url:  # type: ignore[attr-defined]
            prices = self.chat_prices(parsed["model_id"])  # also checks the fee later
        if max_fee is None:
            if prices is None:
                raise InvalidRequest("max_fee: give one, or a chain_url to price the request",
                                     code="invalid_argument")
            max_fee = default_max_fee(parsed, prices)
        return sign_chat(self.key, self.chain_id, self.node_pubkey, body, mode, max_fee,  # type: ignore
                         self.request_ttl_ms, parsed=parsed)  # type: ignore[attr-defined]

    def _attest_enclave(self, key: bytes) -> None:
        if not self.verifier.has_key(key):  # type: ignore[attr-defined]
            self.attest(key)  # type: ignore[attr-defined]

    def _chat_session(self, signed: SignedChat) -> ChatSession:
        return ChatSession(signed, self.node_pubkey, attest=self._attest_enclave)  # type: ignore

    def _chat_done(self, session: ChatSession) -> ChatResult:
        result = session.result()
        prices = self._prices.get(result.model_id)
        if prices is not None:
            want = prices.fee(result.usage["prompt_tokens"], result.usage["completion_tokens"])
            if session.fee is not None and session.fee != want:
                raise VerificationFailed(f"chat: node will charge {session.fee}, the chain's "
                                         f"prices give {want}", code="verification",
                                         inference_id=result.inference_id)
            result.fee = want
        self._remember(result.inference_id, result.timings.received_ms)  # type: ignore
        if result.fee is not None:
            with self._chat_lock:
                self._chat_fees[result.inference_id] = result.fee
                while len(self._chat_fees) > 100_000:
                    self._chat_fees.pop(next(iter(self._chat_fees)))
        result._client = self  # type: ignore[attr-defined]
        return result

    def chat(self, model: str, messages: Sequence[Mapping[str, Any]], stream: bool = False,
             max_tokens: Optional[int] = None, temperature: Optional[float] = None,
             top_p: Optional[float] = None, seed: Optional[int] = None,
             stop: Union[None, str, Sequence[str]] = None, max_fee: Optional[int] = None,
             mode: str = "tee", top_k: Optional[int] = None,
             wait: Optional[str] = None, timeout: float = 30.0) -> Union[ChatResult, ChatStream]:
        """Ask ``model`` (its chain id: hex SHA-256 of the GGUF) to answer
        ``messages`` (OpenAI's ``[{"role", "content"}]``). Returns a verified
        :class:`ChatResult`, or with ``stream=True`` a :class:`ChatStream`.
        ``wait="settled"`` (not streamed) also waits for the chain."""
        body = chat_body(model, messages, stream, max_tokens, temperature, top_p, seed, stop, top_k)
        signed = self.sign_chat(body, mode, max_fee)
        if stream:
            return ChatStream(self, signed)
        session = self._chat_session(signed)
        with node_errors(self.node_url, signed.inference_id, "chat"):  # type: ignore
            r = self._chat_http().post(self.node_url + CHAT_PATH,  # type: ignore
                                       content=signed.body, headers=signed.headers)
            if r.status_code >= 300:
                raise _core.parse_error(r.status_code, r.text, infer=True)
            try:
                answer = r.json()
            except ValueError:
                raise NodeError("chat: answer is not JSON")
            session.feed_json(answer)
            result = self._chat_done(session)
            if wait == "settled":
                result.settlement = self.wait_settled(result.inference_id, timeout=timeout)  # type: ignore
                result.timings.settled_ms = result.settlement.observed_ms
            return result

    def _check_chat_fee(self, settlement: Settlement, claim: Optional[Mapping[str, Any]]) -> Settlement:
        """A settled chat claim must charge exactly the priced fee."""
        with self._chat_lock:
            want = self._chat_fees.get(settlement.inference_id)
        if want is None or not settlement.settled:
            return settlement
        fee = None if claim is None else claim.get("fee")
        if fee is None or int(fee) != want:
            raise VerificationFailed(f"settlement: chain charged {fee}, the receipt prices "
                                     f"{want}", code="verification",
                                     inference_id=settlement.inference_id)
        return Settlement(**{**settlement.__dict__, "fee": int(fee)})
