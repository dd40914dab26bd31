"""Local ZKML proof checks (the validators' verifier, through the native core).

A ZKML answer carries the model's int8 output; its proof shows that the
committed model maps the request's input (quantized with the key's input
scale) to exactly that output. Verifying needs only the model's verifying
key, which the chain stores at registration (``/zkml_key/<model id>``) and
which is cached here per model.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np

from ._native_loader import zkml as _zkml
from .errors import VerificationFailed


def _native():  # type: ignore[no-untyped-def]
    if _zkml is None:
        raise VerificationFailed("zkml: the native core has no zkml verifier (rebuild _native)",
                                 code="verification")
    return _zkml


class ZkmlKeys:
    """Verifying keys by model id (thread-safe cache)."""

    def __init__(self) -> None:
        self._keys: Dict[str, bytes] = {}
        self._info: Dict[str, Dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, model_id: str) -> Optional[bytes]:
        with self._lock:
            return self._keys.get(model_id)

    def put(self, model_id: str, vk: bytes, expect_zkml_model_id: Optional[str] = None) -> None:
        """Caches ``vk`` after parsing it; with ``expect_zkml_model_id`` (the
        chain's record) the key must hash to it."""
        try:
            info = _native().key_info(vk)
        except ValueError as e:
            raise VerificationFailed(f"zkml key of {model_id}: {e}", code="verification")
        if expect_zkml_model_id and info["zkml_model_id"] != expect_zkml_model_id:
            raise VerificationFailed(
                f"zkml key of {model_id}: model id {info['zkml_model_id']} is not the chain's "
                f"{expect_zkml_model_id}", code="verification")
        with self._lock:
            self._keys[model_id] = vk
            self._info[model_id] = info


def _instance(inputs: Mapping[str, np.ndarray], outputs: Mapping[str, np.ndarray]):
    """The float32 input and int8 output bytes of one inference."""
    if len(inputs) != 1 or len(outputs) != 1:
        raise VerificationFailed("zkml: expected one input and one output tensor",
                                 code="verification")
    x = np.ascontiguousarray(next(iter(inputs.values())), dtype="<f4")
    y = next(iter(outputs.values()))
    if y.dtype != np.int8:
        raise VerificationFailed(f"zkml: output dtype {y.dtype} (ZKML outputs are int8)",
                                 code="verification")
    return x.tobytes(), np.ascontiguousarray(y).tobytes()


def verify_proof(vk: bytes, inputs: Mapping[str, np.ndarray], outputs: Mapping[str, np.ndarray],
                 proof: bytes) -> None:
    """Raise VerificationFailed unless ``proof`` proves ``outputs`` (one int8
    tensor) for ``inputs`` (one float32 tensor) under ``vk``."""
    x, y = _instance(inputs, outputs)
    try:
        _native().verify(vk, x, y, proof)
    except ValueError as e:
        raise VerificationFailed(f"zkml proof: {e}", code="verification")


def verify_batch_proof(vk: bytes, instances: Sequence[Tuple[Mapping[str, np.ndarray],
                                                             Mapping[str, np.ndarray]]],
                       proof: bytes) -> None:
    """Raise VerificationFailed unless ``proof`` is a batch proof of every
    (inputs, outputs) pair of ``instances``, in the batch's order, under ``vk``
    (the node proves concurrent inferences of one model together)."""
    pairs = [_instance(x, y) for x, y in instances]
    try:
        _native().verify_batch(vk, [x for x, _ in pairs], [y for _, y in pairs], proof)
    except ValueError as e:
        raise VerificationFailed(f"zkml batch proof of {len(pairs)}: {e}", code="verification")
