"""``vinet.signing_http_client``: an httpx.Client that makes any OpenAI
client speak vinet, unmodified:

    http = vinet.signing_http_client(key, chain_url=CHAIN, roots=ROOTS, mode="tee")
    ai = openai.OpenAI(base_url=NODE + "/v1", api_key="vinet", http_client=http,
                       max_retries=0)
    for chunk in ai.chat.completions.create(model=MODEL_ID, messages=..., stream=True):
        ...

Its transport signs each ``POST .../chat/completions`` body (the
``X-Vinet-Request`` header, docs/chat.md) for the node at the request's
host, and verifies the answer before the OpenAI client sees it: a streamed
answer is passed on line by line only once each line's signed chunk
verified, so a bad chunk raises VerificationFailed out of the caller's loop,
and a stream without a valid receipt raises at its end; a non-streamed answer
that fails verification becomes a 422 error (the OpenAI client raises
UnprocessableEntityError naming it). Verified answers are kept in
``http.vinet.results`` (inference id → ChatResult) and ``http.vinet.last``;
``http.vinet.client(node_url)`` is the vinet.Client used for the node (for
``wait_settled``). Use ``max_retries=0``: a retry is a new signed request
(another inference, charged again).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Dict, Iterator, Optional

import httpx
import requests

from .chat import ChatResult, ChatSession, parse_body
from .errors import VinetError


class _VerifyingStream(httpx.SyncByteStream):
    """Passes SSE bytes on one complete line at a time, after verifying it."""

    def __init__(self, inner: Any, session: ChatSession, owner: "SigningTransport") -> None:
        self._inner = inner
        self._session = session
        self._owner = owner

    def __iter__(self) -> Iterator[bytes]:
        # OpenAI clients stop reading at "data: [DONE]": the receipt is
        # checked before that line is passed on (or at the end of the bytes).
        buf = b""
        finished = False
        for data in self._inner:
            buf += data
            cut = buf.rfind(b"\n")
            if cut < 0:
                continue
            lines, buf = buf[:cut + 1], buf[cut + 1:]
            for line in lines.split(b"\n")[:-1]:
                self._session.feed_line(line)
            if self._session.done and not finished:
                self._owner._keep(self._owner._done(self._session))
                finished = True
            yield lines
        if buf:
            self._session.feed_line(buf)
        self._session.feed_line("")
        if not finished:
            self._owner._keep(self._owner._done(self._session))
        if buf:
            yield buf

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close:
            close()


class _Response:
    """A requests-like view of an httpx response (what vinet.Client reads)."""

    def __init__(self, r: httpx.Response) -> None:
        self._r = r
        self.status_code = r.status_code
        self.text = r.text

    def json(self) -> Any:
        return self._r.json()

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise requests.HTTPError(f"HTTP {self.status_code}")


class _Session:
    """vinet.Client's node and chain calls through the same transport as chat."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self._c = httpx.Client(transport=transport)

    def request(self, method: str, url: str, timeout: Optional[float] = None,
                **kw: Any) -> _Response:
        try:
            return _Response(self._c.request(method, url, timeout=timeout, **kw))
        except httpx.TimeoutException as e:
            raise requests.Timeout(str(e))
        except httpx.HTTPError as e:
            raise requests.ConnectionError(str(e))

    def get(self, url: str, params: Any = None, timeout: Optional[float] = None) -> _Response:
        return self.request("GET", url, timeout=timeout, params=params)

    def close(self) -> None:
        pass  # the transport belongs to the SigningTransport


class SigningTransport(httpx.BaseTransport):
    def __init__(self, key: Any, inner: Optional[httpx.BaseTransport] = None, *,
                 chain_url: Optional[str] = None, mode: str = "tee",
                 max_fee: Optional[int] = None, verify: bool = True, **client_kw: Any) -> None:
        self.key = key
        self.inner = inner or httpx.HTTPTransport()
        self.chain_url = chain_url
        self.mode = mode
        self.max_fee = max_fee
        self.verify = verify
        self.client_kw = client_kw
        self.results: "OrderedDict[str, ChatResult]" = OrderedDict()
        self.last: Optional[ChatResult] = None
        self._clients: Dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, node_url: str) -> Any:
        """The vinet.Client this transport uses for ``node_url`` (scheme://host:port)."""
        from .client import Client
        node_url = node_url.rstrip("/")
        with self._lock:
            c = self._clients.get(node_url)
            if c is None:
                c = Client(node_url, self.chain_url or "", self.key, transport=self.inner,
                           **self.client_kw)
                c._http = _Session(self.inner)
                if not self.chain_url:
                    health = c._node("GET", "/healthz")
                    c._chain_id = health.get("chain_id")
                self._clients[node_url] = c
            return c

    def _keep(self, result: ChatResult) -> None:
        with self._lock:
            self.results[result.inference_id] = result
            self.last = result
            while len(self.results) > 10_000:
                self.results.popitem(last=False)

    def _done(self, session: ChatSession) -> ChatResult:
        c = self.client(self._node_of(session))
        return c._chat_done(session)

    @staticmethod
    def _node_of(session: ChatSession) -> str:
        return getattr(session, "_node_url")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or not request.url.path.endswith("/chat/completions"):
            return self.inner.handle_request(request)
        node_url = f"{request.url.scheme}://{request.url.netloc.decode()}"
        c = self.client(node_url)
        body = request.read()
        parsed = parse_body(body)
        if not self.chain_url and parsed["model_id"] not in c._prices:
            _prices_from_node(c, parsed["model_id"])
        signed = c.sign_chat(body, self.mode, self.max_fee)
        headers = dict(request.headers)
        headers.update(signed.headers)
        headers.pop("content-length", None)
        headers.pop("Content-Length", None)
        signed_req = httpx.Request(request.method, request.url, headers=headers, content=signed.body,
                                   extensions=request.extensions)
        response = self.inner.handle_request(signed_req)
        if not self.verify or response.status_code >= 300:
            return response
        session = c._chat_session(signed)
        session._node_url = node_url  # type: ignore[attr-defined]
        if response.headers.get("x-vinet-signer"):
            session.set_signer(response.headers["x-vinet-signer"])
        keep = {k: v for k, v in response.headers.items()
                if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")}
        if signed.stream:
            return httpx.Response(response.status_code, headers=keep, request=request,
                                  stream=_VerifyingStream(response.stream, session, self),
                                  extensions=response.extensions)
        response.read()
        try:
            session.feed_json(response.json())
            self._keep(self._done(session))
        except (VinetError, ValueError) as e:
            return _refusal(request, e, signed.inference_id)
        return httpx.Response(response.status_code, headers=keep, content=response.content,
                              request=request, extensions=response.extensions)

    def close(self) -> None:
        for c in self._clients.values():
            c.close()
        self.inner.close()


def _prices_from_node(c: Any, model_id: str) -> None:
    from .chat import ChatPrices
    for m in (c._node("GET", "/v1/models") or {}).get("data", []):
        if m.get("id") == model_id or m.get("model_id") == model_id:
            c._prices[model_id] = ChatPrices.from_record(m)


def _refusal(request: httpx.Request, e: Exception, iid: str) -> httpx.Response:
    code = getattr(e, "code", None) or "verification"
    body = {"error": {"message": f"vinet: answer failed verification: {e}",
                      "type": "verification_error", "param": None, "code": code,
                      "inference_id": iid}}
    return httpx.Response(422, json=body, request=request)


def signing_http_client(key: Any, *, chain_url: Optional[str] = None, mode: str = "tee",
                        max_fee: Optional[int] = None, roots: Any = None,
                        allow_debug: bool = False, verify: bool = True,
                        transport: Optional[httpx.BaseTransport] = None,
                        timeout: float = 120.0, **client_kw: Any) -> httpx.Client:
    """An httpx.Client for ``openai.OpenAI(http_client=...)`` (see the module
    docstring). ``key``: a vinet.Key or key file path. ``chain_url``: the
    chain RPC whose model prices set the default ``max_fee`` (else the
    node's /v1/models prices) and whose claims ``wait_settled`` follows.
    ``roots``/``allow_debug``: TEE attestation trust (as vinet.Client).
    ``transport``: the transport underneath (default httpx's)."""
    signing = SigningTransport(key, transport, chain_url=chain_url, mode=mode, max_fee=max_fee,
                               verify=verify, roots=roots, allow_debug=allow_debug,
                               timeout=timeout, **client_kw)
    http = httpx.Client(transport=signing, timeout=httpx.Timeout(timeout))
    http.vinet = signing  # type: ignore[attr-defined]
    return http


__all__ = ["SigningTransport", "signing_http_client"]
