"""Local verification of receipts, with the native core doing every check
(one implementation shared with the node and the chain).

VANILLA: fields, ``output_hash == TensorsHash(outputs held)``, node signature.
TEE: the same plus the enclave signature by a key whose Nitro attestation
document verified under the configured roots with our fresh nonce; verified
keys are cached per enclave key until their certificate (or TTL) expires.
Both: the receipt's inference id, model, mode and input hash must be the
request's.
"""
from __future__ import annotations

import json
import threading
import time
from typing import Any, Dict, List, Mapping, Optional

import numpy as np

from ._native_loader import protocol, tee
from .errors import VerificationFailed
from .tensors import receipt_json


class Verifier:
    """Holds the attestation cache. Thread-safe; share one per client."""

    def __init__(self, roots_pem: Optional[List[str]] = None, *, allow_debug: bool = False,
                 max_age_ms: int = 300_000, ttl_ms: Optional[int] = None) -> None:
        self.roots_pem = roots_pem
        self.allow_debug = allow_debug
        self.max_age_ms = max_age_ms
        self.ttl_ms = ttl_ms
        self._native = tee.ReceiptVerifier()
        self._valid_until: Dict[bytes, int] = {}
        self._lock = threading.Lock()

    def has_key(self, enclave_key: bytes, at_ms: Optional[int] = None) -> bool:
        """True when ``enclave_key`` was attested and is still valid."""
        at = int(time.time() * 1000) if at_ms is None else at_ms
        with self._lock:
            return self._valid_until.get(enclave_key, -1) > at

    def add_attestation(self, document: bytes, nonce: Optional[bytes],
                        expected_key: Optional[bytes] = None) -> Dict[str, Any]:
        """Verify an attestation document (roots, chain, signature, freshness, the
        nonce when given, debug policy, 32-byte Ed25519 key) and cache its enclave
        key. Raises VerificationFailed."""
        policy: Dict[str, Any] = {"max_age_ms": self.max_age_ms, "allow_debug": self.allow_debug}
        if nonce is not None:
            policy["nonce"] = nonce
        if expected_key is not None:
            policy["expected_public_key"] = expected_key
        try:
            added = self._native.add_attestation(document, roots_pem=self.roots_pem,
                                                 ttl_ms=self.ttl_ms, **policy)
        except ValueError as e:
            raise VerificationFailed(f"attestation: {e}", code="verification")
        with self._lock:
            self._valid_until[added["enclave_key"]] = added["valid_until_ms"]
        return added

    def check(self, receipt: Mapping[str, Any], outputs: Mapping[str, np.ndarray], *,
              inference_id: str, model_id: str, mode: str, input_hash: bytes) -> None:
        """Raise VerificationFailed unless ``receipt`` signs exactly ``outputs`` for
        this request."""
        expect = {"inference_id": inference_id, "model_id": model_id, "mode": mode,
                  "input_hash": input_hash.hex()}
        for key, want in expect.items():
            if receipt.get(key) != want:
                raise VerificationFailed(
                    f"receipt.{key} is {receipt.get(key)!r}, expected {want!r}",
                    code="verification")
        held = dict(receipt)
        held["outputs"] = receipt_json(outputs)
        text = json.dumps(held)
        try:
            if mode == "TEE":
                if not receipt.get("enclave_key"):
                    raise VerificationFailed("receipt: TEE receipt without enclave key",
                                             code="verification")
                self._native.verify_receipt(text, input_hash=input_hash,
                                            require_node_signature=True)
            else:
                protocol.verify_node_receipt(text, input_hash)
        except ValueError as e:
            raise VerificationFailed(f"receipt: {e}", code="verification")
