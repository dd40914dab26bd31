"""asyncio client: the same API as :class:`vinet.Client`, awaitable.

HTTP calls to the node and the chain RPC run in worker threads (the SDK has no
asyncio HTTP dependency); settlement waits use an asyncio websocket
subscription, so thousands of waits share one event loop cheaply.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, AsyncIterator, Dict, List, Mapping, Optional, Sequence, Union

import httpx
from websockets.asyncio.client import connect as ws_connect

from . import _core
from .chat import CHAT_PATH, ChatChunk, ChatResult, SignedChat, chat_body
from .chat_client import node_errors
from .client import Client, KeyLike
from .errors import ChainUnavailable, Timeout, VinetError
from .types import ModelInfo, Result, Settlement


MAX_SUBSCRIPTIONS = 32


class AsyncChatStream:
    """``async for chunk in stream`` yields verified chunks; the receipt is
    verified before the iteration stops; then ``result``. See ChatStream."""

    def __init__(self, owner: "AsyncClient", signed: SignedChat) -> None:
        self._owner = owner
        self.signed = signed
        self.inference_id = signed.inference_id
        self.result: Optional[ChatResult] = None

    async def __aiter__(self) -> AsyncIterator[ChatChunk]:
        c = self._owner._c
        session = c._chat_session(self.signed)
        with node_errors(c.node_url, self.inference_id, "chat stream"):
            async with self._owner._chat_http().stream(
                    "POST", c.node_url + CHAT_PATH, content=self.signed.body,
                    headers=self.signed.headers) as response:
                if response.status_code >= 300:
                    await response.aread()
                    raise _core.parse_error(response.status_code, response.text, infer=True)
                signer = response.headers.get("x-vinet-signer")
                if signer:  # TEE: attests the enclave key (blocking I/O) off the loop
                    await asyncio.to_thread(session.set_signer, signer)
                async for line in response.aiter_lines():
                    for chunk in session.feed_line(line):
                        yield chunk
                session.feed_line("")
                self.result = c._chat_done(session)


class AsyncClient:
    """Same arguments as :class:`vinet.Client` (``async_transport``: an httpx
    async transport for streamed chat); use ``async with`` or ``await close()``."""

    def __init__(self, node_url: str, chain_url: Union[str, Sequence[str]], key: KeyLike,
                 chain_id: Optional[str] = None, roots: Any = None, async_transport: Any = None,
                 **kw: Any) -> None:
        self._c = Client(node_url, chain_url, key, chain_id, roots, **kw)
        self._subscriptions: Optional[asyncio.Semaphore] = None
        self._async_transport = async_transport
        self._http: Optional[httpx.AsyncClient] = None

    def _chat_http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(transport=self._async_transport,
                                           timeout=httpx.Timeout(self._c.timeout))
        return self._http

    async def chat(self, model: str, messages: Sequence[Mapping[str, Any]], stream: bool = False,
                   max_tokens: Optional[int] = None, temperature: Optional[float] = None,
                   top_p: Optional[float] = None, seed: Optional[int] = None,
                   stop: Union[None, str, Sequence[str]] = None, max_fee: Optional[int] = None,
                   mode: str = "tee", top_k: Optional[int] = None, wait: Optional[str] = None,
                   timeout: float = 30.0) -> Union[ChatResult, AsyncChatStream]:
        """See :meth:`vinet.Client.chat`; ``stream=True`` returns an
        :class:`AsyncChatStream` (``async for``)."""
        if not stream:
            result = await asyncio.to_thread(self._c.chat, model, messages, False, max_tokens,
                                             temperature, top_p, seed, stop, max_fee, mode, top_k)
            if wait == "settled":
                result.settlement = await self.wait_settled(result.inference_id, timeout=timeout)
                result.timings.settled_ms = result.settlement.observed_ms
            return result
        body = chat_body(model, messages, True, max_tokens, temperature, top_p, seed, stop, top_k)
        signed = await asyncio.to_thread(self._c.sign_chat, body, mode, max_fee)
        return AsyncChatStream(self, signed)

    @classmethod
    def from_env(cls, **kw: Any) -> "AsyncClient":
        """See :meth:`vinet.Client.from_env`."""
        from . import config
        return cls(**config.from_env(kw))

    @classmethod
    def from_devnet(cls, directory: Any = ".vinet/devnet", **kw: Any) -> "AsyncClient":
        """See :meth:`vinet.Client.from_devnet`."""
        from . import config
        return cls(**config.from_devnet(directory, kw))

    async def balance(self, address: Optional[str] = None) -> int:
        """See :meth:`vinet.Client.balance`."""
        return await asyncio.to_thread(self._c.balance, address)

    async def model(self, model_id: str) -> Optional[ModelInfo]:
        """See :meth:`vinet.Client.model`."""
        return await asyncio.to_thread(self._c.model, model_id)

    @property
    def key(self):  # type: ignore[no-untyped-def]
        return self._c.key

    @property
    def verifier(self):  # type: ignore[no-untyped-def]
        return self._c.verifier

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def close(self) -> None:
        self._c.close()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def chain_id(self) -> str:
        return await asyncio.to_thread(lambda: self._c.chain_id)

    async def models(self) -> List[ModelInfo]:
        """The models the node serves."""
        return await asyncio.to_thread(self._c.models)

    async def infer(self, model_id: str, inputs: Mapping[str, Any], mode: str = "tee",
                    max_fee: Optional[int] = None, verify: bool = True,
                    wait: Optional[str] = None, timeout: float = 30.0) -> Result:
        """See :meth:`vinet.Client.infer`."""
        if wait not in (None, "settled"):
            return await asyncio.to_thread(self._c.infer, model_id, inputs, mode, max_fee,
                                           verify, wait)  # raises InvalidRequest
        result = await asyncio.to_thread(self._c.infer, model_id, inputs, mode, max_fee, verify)
        if wait == "settled":
            try:
                result.settlement = await self.wait_settled(result.inference_id, timeout=timeout)
            except VinetError as e:
                if e.inference_id is None:
                    e.inference_id = result.inference_id
                raise
            result.timings.settled_ms = result.settlement.observed_ms
        return result

    async def answer(self, inference_id: str, verify: bool = True) -> Result:
        """See :meth:`vinet.Client.answer`."""
        return await asyncio.to_thread(self._c.answer, inference_id, verify)

    async def verify(self, result: Result) -> Result:
        """Verify a result (fetching an attestation if its enclave key is not cached)."""
        return await asyncio.to_thread(result.verify)

    async def claim(self, inference_id: str) -> Optional[Dict[str, Any]]:
        return await asyncio.to_thread(self._c.claim, inference_id)

    async def inference(self, inference_id: str) -> Dict[str, Any]:
        return await asyncio.to_thread(self._c.inference, inference_id)

    async def _settled_from_claim(self, iid: str) -> Optional[Settlement]:
        claim = await self.claim(iid)
        if _core.is_final(claim):
            return await asyncio.to_thread(self._c._from_claim, iid, claim)
        return None

    async def wait_settled(self, inference_id: str, timeout: float = 30.0) -> Settlement:
        """See :meth:`vinet.Client.wait_settled`."""
        iid = _core.check_inference_id(inference_id)
        start = time.monotonic()
        try:
            settlement = await asyncio.wait_for(self._wait(iid, start + timeout), timeout)
        except asyncio.TimeoutError:
            raise Timeout(f"inference {iid} not settled within {timeout}s", code="timeout",
                          inference_id=iid)
        if iid in self._c._chat_fees and settlement.settled:
            claim = await self.claim(iid)
            settlement = self._c._check_chat_fee(settlement, claim)
        return await asyncio.to_thread(self._c._prove_settlement, settlement,
                                       timeout - (time.monotonic() - start))

    async def _wait(self, iid: str, deadline: float) -> Settlement:
        early = await self._settled_from_claim(iid)
        if early:
            return early
        # CometBFT allows 100 subscribing websocket clients by default: at most
        # MAX_SUBSCRIPTIONS waits hold one at a time, the others queue.
        if self._subscriptions is None:
            self._subscriptions = asyncio.Semaphore(MAX_SUBSCRIPTIONS)
        async with self._subscriptions:
            return await self._subscribe_and_wait(iid, deadline)

    async def _await_header(self, ws: Any, height: int) -> None:
        """See :meth:`vinet.Client._await_header` (the caller bounds the wait)."""
        try:
            await ws.send(_core.header_subscribe_request())
            status = await asyncio.to_thread(self._c._chain, "/status")
            if _core.latest_height(status) >= height:
                return
            async for raw in ws:
                seen = _core.header_height_from_ws_text(raw)
                if seen is not None and seen >= height:
                    return
        except asyncio.CancelledError:
            raise
        except Exception:  # the prover's own wait covers anything that went wrong here
            return

    async def _subscribe_and_wait(self, iid: str, deadline: float) -> Settlement:
        url = _core.ws_url(self._c.chain_url)
        try:
            ws = await ws_connect(url, max_size=None)
        except OSError as e:
            raise ChainUnavailable(f"chain websocket {url}: {e}")
        async with ws:
            await ws.send(_core.subscribe_request(iid))
            early = await self._settled_from_claim(iid)
            if early:
                return early
            async for raw in ws:
                settled = _core.settlement_from_ws_text(raw, iid, self._c._received_ms(iid))
                if settled:
                    # Ends just before wait_settled's own timeout would (a settled
                    # claim is returned, never a Timeout, whatever header H+1 does).
                    # Not while every subscription slot is taken: others may queue
                    # for ours (the prover then polls for the header itself).
                    left = deadline - time.monotonic() - 0.05
                    busy = self._subscriptions is not None and self._subscriptions.locked()
                    # With app-hash signers the prover needs no header H+1.
                    certs = bool(self._c.prover.signers)
                    if (self._c.verify_settlement and settled.height and left > 0 and not busy
                            and not certs):
                        try:
                            await asyncio.wait_for(self._await_header(ws, settled.height + 1), left)
                        except asyncio.TimeoutError:
                            pass
                    return settled
        raise ChainUnavailable("chain websocket closed before the claim settled")
