"""Values the SDK returns: models, inference results, settlements."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    pass

MODES = {"VANILLA": 0, "TEE": 1, "ZKML": 2}


def mode_name(mode: str) -> str:
    """Normalizes ``"tee"``/``"TEE"`` etc.; raises ValueError for other names."""
    name = str(mode).upper()
    if name not in MODES:
        raise ValueError(f"mode must be one of vanilla, tee, zkml; got {mode!r}")
    return name


def now_ms() -> float:
    return time.time() * 1000.0


@dataclass(frozen=True)
class ModelInfo:
    """A model a node serves: ``inputs`` maps each input name to its shape."""

    model_id: str
    name: str
    inputs: Dict[str, List[int]]
    modes: List[str]
    outputs: Dict[str, List[int]] = field(default_factory=dict)
    fee: Optional[int] = None
    kind: str = "onnx"  # "onnx" (tensor inference) or "llm" (chat)
    registered: bool = False  # the chain has a record of it (claims of it can settle)


@dataclass(frozen=True)
class Settlement:
    """How the chain settled a claim.

    ``status`` is the claim status (``SETTLED``, ``REJECTED``, ...), ``height`` the
    block, ``tx_hash`` the SubmitClaims tx (hex, may be None when the chain no
    longer indexes it), ``trust_gap`` seconds between receiving the receipt and
    seeing the settlement (None when this client did not receive the receipt),
    ``reason`` the chain's explanation for a claim it did not settle."""

    inference_id: str
    status: str
    height: int
    tx_hash: Optional[str]
    trust_gap: Optional[float]
    observed_ms: float
    reason: Optional[str] = None  # why a claim was not settled (chain's words)
    fee: Optional[int] = None  # chat: the fee the chain charged (checked against the receipt)

    @property
    def settled(self) -> bool:
        return self.status == "SETTLED"


@dataclass
class Timings:
    """Wall-clock milliseconds since the epoch (client clock, except node_*)."""

    sent_ms: float
    received_ms: float
    node_received_ms: Optional[int] = None
    node_answered_ms: Optional[int] = None
    verified_ms: Optional[float] = None
    settled_ms: Optional[float] = None

    @property
    def latency_ms(self) -> float:
        return self.received_ms - self.sent_ms


@dataclass
class Result:
    """An inference's answer: the outputs the node returned, its receipt (JSON
    form, docs/receipts.md) and timings. :meth:`verify` checks locally that these
    outputs are the ones the receipt signs, and the receipt itself."""

    inference_id: str
    model_id: str
    mode: str
    output: Dict[str, np.ndarray]
    receipt: Dict[str, Any]
    input_hash: bytes
    timings: Timings
    settlement: Optional[Settlement] = None
    verified: bool = False
    # ZKML: the proof (inline with wait="proof", or fetched by verify()),
    # whether it verified locally, the output's dequantization scale.
    proof: Optional[bytes] = None
    proof_verified: bool = False
    output_scale: Optional[float] = None
    inputs: Optional[Dict[str, np.ndarray]] = field(default=None, repr=False)
    _verify: Optional[Callable[["Result"], None]] = field(default=None, repr=False, compare=False)

    def verify(self) -> "Result":
        """Verify output hash, node signature and (TEE) enclave signature and
        attestation with the native core; for ZKML also the proof (inline, or
        fetched from the node once it exists, waiting up to the client's
        timeout). Raises VerificationFailed."""
        if self._verify is None:
            raise RuntimeError("this Result is not bound to a client")
        self.verified = False
        self._verify(self)
        self.verified = True
        self.timings.verified_ms = now_ms()
        return self

    @property
    def receipt_received_ms(self) -> float:
        return self.timings.received_ms

    def dequantized(self) -> Dict[str, np.ndarray]:
        """ZKML: the int8 outputs times the key's output scale (float32)."""
        scale = 1.0 if self.output_scale is None else self.output_scale
        return {k: v.astype(np.float32) * np.float32(scale) for k, v in self.output.items()}

    def outputs_list(self) -> List[Tuple[str, np.ndarray]]:
        return sorted(self.output.items())
