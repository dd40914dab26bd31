"""asyncio client: the same API as :class:`vinet.Client`, awaitable.

HTTP calls to the node and the chain RPC run in worker threads (the SDK has no
asyncio HTTP dependency); settlement waits use an asyncio websocket
subscription, so thousands of waits share one event loop cheaply.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Mapping, Optional

from websockets.asyncio.client import connect as ws_connect

from . import _core
from .client import Client, KeyLike
from .errors import ChainUnavailable, Timeout, VinetError
from .types import ModelInfo, Result, Settlement


MAX_SUBSCRIPTIONS = 32


class AsyncClient:
    """Same arguments as :class:`vinet.Client`; use ``async with`` or ``await close()``."""

    def __init__(self, node_url: str, chain_url: str, key: KeyLike, chain_id: Optional[str] = None,
                 roots: Any = None, **kw: Any) -> None:
        self._c = Client(node_url, chain_url, key, chain_id, roots, **kw)
        self._subscriptions: Optional[asyncio.Semaphore] = None

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
        try:
            return await asyncio.wait_for(self._wait(iid), timeout)
        except asyncio.TimeoutError:
            raise Timeout(f"inference {iid} not settled within {timeout}s", code="timeout",
                          inference_id=iid)

    async def _wait(self, iid: str) -> Settlement:
        early = await self._settled_from_claim(iid)
        if early:
            return early
        # CometBFT allows 100 subscribing websocket clients by default: at most
        # MAX_SUBSCRIPTIONS waits hold one at a time, the others queue.
        if self._subscriptions is None:
            self._subscriptions = asyncio.Semaphore(MAX_SUBSCRIPTIONS)
        async with self._subscriptions:
            return await self._subscribe_and_wait(iid)

    async def _subscribe_and_wait(self, iid: str) -> Settlement:
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
                    return settled
        raise ChainUnavailable("chain websocket closed before the claim settled")
