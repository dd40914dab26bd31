"""Verified settlement: a claim's status proven against a light-client-verified header.

A chain RPC can lie about a claim's status. ``SettlementProver.prove`` asks the
primary RPC for the claim with a Merkle proof (``abci_query`` with
``prove=true``) at the settlement's height H and checks the proof against a
verified app hash of the state after H:

- an app-hash certificate (docs/light_client.md "App-hash certificates"),
  as soon as H commits: the light client verifies header H and its validator
  set, the ``signers`` RPCs (default: every chain URL known) serve their
  validators' signatures of (chain_id, H, app_hash), and more than 2/3 of H's
  voting power must have signed the same app hash (``Settlement.certified``);
- else (too few signatures within ``cert_wait`` seconds, e.g. only one RPC
  known) the app hash in header H+1, verified with the native CometBFT light
  client one block later.

Headers are verified from the trust root and cross-checked with every witness
RPC. Only then is ``Settlement.proof_verified`` true; two app hashes each
signed by more than 1/3 raise VerificationFailed; any failed check raises
:class:`VerificationFailed` (or :class:`ChainUnavailable` when an RPC does not
answer), never a quiet success.

Trust roots (``trust=``): a genesis.json path or a genesis dict; a
``(height, header_hash_hex)`` checkpoint; or None, the genesis the primary
serves at /genesis (trust on first use; every witness must serve the same).
"""
from __future__ import annotations

import dataclasses
import json
import os
import threading
from typing import Any, Optional, Sequence

from ._native_loader import light as _light
from .errors import ChainUnavailable, VerificationFailed
from .types import Settlement


def _error(e: Exception, inference_id: str) -> Exception:
    text = str(e)
    code = text.split(":", 1)[0] if ":" in text else None
    if code == "unavailable":
        return ChainUnavailable(text, code=code, inference_id=inference_id)
    return VerificationFailed(f"settlement not proven: {text}", code=code or "verification",
                              inference_id=inference_id)


class SettlementProver:
    """One light client per chain (built on first use); thread-safe."""

    def __init__(self, chain_urls: Sequence[str], trust: Any = None,
                 trusting_period: float = 14 * 24 * 3600,
                 signers: Optional[Sequence[str]] = None, cert_wait: float = 1.5) -> None:
        if not chain_urls:
            raise ValueError("at least one chain RPC URL")
        self.primary = chain_urls[0]
        self.witnesses = list(chain_urls[1:])
        # RPCs asked for app-hash signatures ([]: always header H+1).
        self.signers = list(dict.fromkeys(chain_urls if signers is None else signers))
        self.cert_wait = cert_wait
        self.trust = trust
        self.trusting_period = trusting_period
        self._client: Any = None
        self._lock = threading.Lock()

    def light_client(self) -> Any:
        with self._lock:
            if self._client is None:
                if _light is None:
                    raise VerificationFailed("vinet._native has no light client: rebuild _native")
                kw: dict = {"witnesses": self.witnesses,
                            "trusting_period_s": int(self.trusting_period)}
                t = self.trust
                if isinstance(t, tuple):
                    kw["checkpoint_height"], kw["checkpoint_hash"] = int(t[0]), str(t[1])
                elif isinstance(t, dict):
                    kw["genesis_json"] = json.dumps(t)
                elif t is not None:
                    kw["genesis_file"] = os.fspath(t)
                try:
                    self._client = _light.LightClient(self.primary, **kw)
                except _light.LightError as e:
                    raise _error(e, "")
            return self._client

    def prove(self, settlement: Settlement, wait: float) -> Settlement:
        """The settlement, proven (see the module docstring)."""
        iid = settlement.inference_id
        try:
            lc = self.light_client()
            wait_ms = max(1000, int(wait * 1000))
            cert = {"signers": self.signers, "cert_wait_ms": int(self.cert_wait * 1000)}
            v = lc.verify_claim(iid, int(settlement.height), wait_ms, **cert)
            if v["present"] and v["status"] != settlement.status and settlement.height:
                # Reported at its inclusion height (ZKML: PENDING then): prove the latest.
                v = lc.verify_claim(iid, 0, wait_ms, **cert)
        except (VerificationFailed, ChainUnavailable) as e:
            e.inference_id = iid
            raise
        except _light.LightError as e:
            raise _error(e, iid)
        if not v["present"]:
            raise VerificationFailed(
                f"the chain RPC reported {settlement.status} at height {settlement.height}, but "
                f"the proven state at height {v['proven_height']} has no claim",
                code="verification", inference_id=iid)
        if v["status"] != settlement.status:
            raise VerificationFailed(
                f"the chain RPC reported {settlement.status}, but the proven claim at height "
                f"{v['proven_height']} is {v['status']}", code="verification", inference_id=iid)
        return dataclasses.replace(
            settlement, proof_verified=True, proven_height=v["proven_height"],
            app_hash=v["app_hash"], certified=bool(v.get("certified")),
            height=v["settled_height"] or settlement.height)
