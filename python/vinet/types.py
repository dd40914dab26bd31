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
    # Input name -> vinet dtype ("f32": the runtime's only one); inputs are cast to it.
    input_dtypes: Dict[str, str] = field(default_factory=dict)
    # Mode -> {"code", "reason"}: modes the node has but refuses now (chain records).
    refused: Dict[str, Dict[str, str]] = field(default_factory=dict)
    registered: bool = False  # the chain has a record of it (claims of it can settle)


@dataclass(frozen=True)
class Settlement:
    """How the chain settled a claim.

    ``status`` is the claim status (``SETTLED``, ``REJECTED``, ...), ``height`` the
    block, ``tx_hash`` the SubmitClaims tx (hex, may be None when the chain no
    longer indexes it), ``trust_gap`` seconds between receiving the receipt and
    seeing the settlement (None when this client did not receive the receipt),
    ``reason`` the chain's explanation for a claim it did not settle.
    ``proof_verified`` is True only when the status was proven: a Merkle proof
    of the claim against the app hash of a header the light client verified
    (``wait_settled`` does this by default and raises VerificationFailed when
    a check fails)."""

    inference_id: str
    status: str
    height: int
    tx_hash: Optional[str]
    trust_gap: Optional[float]
    observed_ms: float
    reason: Optional[str] = None  # why a claim was not settled (chain's words)
    fee: Optional[int] = None  # chat: the fee the chain charged (checked against the receipt)
    # True only after the claim's Merkle proof checked out against the app hash
    # of the state after block proven_height, verified (vinet.settlement_proof)
    # by an app-hash certificate (``certified``: validators of proven_height's
    # light-client-verified set holding > 2/3 of its power signed it) or by the
    # light-client-verified header proven_height+1.
    proof_verified: bool = False
    proven_height: Optional[int] = None
    app_hash: Optional[str] = None  # hex, the state after block proven_height
    certified: bool = False

    @property
    def settlement_verified(self) -> bool:
        """The settlement was proven (light client + Merkle proof), not only reported."""
        return self.proof_verified

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


# What each check means, in the order they are listed by Result.checked.
CHECKS = {
    "output_hash": "the receipt's output hash is the hash of the outputs returned",
    "node_signature": "the node signed this receipt for this request",
    "enclave_signature": "the enclave signed this receipt",
    "attestation": "the enclave's attestation verified under the trust roots (fresh nonce)",
    "zkml_proof": "the zero-knowledge proof of the computation verified locally",
    "settlement_proof": "the claim's settlement proven against a light-client verified header",
}


@dataclass
class Result:
    """An inference's answer: the outputs the node returned, its receipt (JSON
    form, docs/receipts.md) and timings. :meth:`verify` checks locally that these
    outputs are the ones the receipt signs, and the receipt itself.

    What was checked, field by field (docs/sdk.md, "What verified means"):

    - ``receipt_verified``: the receipt binds this request and these outputs
      and its signatures verify: the node's (every mode), and in TEE mode the
      enclave's, under an attestation chain verified against the roots.
    - ``proof_verified``: evidence about the computation itself verified
      locally: the ZKML proof, or (TEE) the enclave's attestation. Always
      False in VANILLA mode, where the outputs are only the node's word.
    - ``settlement_verified``: the chain's settlement was verified (not only
      reported by an RPC endpoint); False until that exists.
    - ``verified``: every check the mode offers at answer time passed
      (receipt, plus the proof for ZKML). ``checked`` lists them by name.
    """

    inference_id: str
    model_id: str
    mode: str
    output: Dict[str, np.ndarray]
    receipt: Dict[str, Any]
    input_hash: bytes
    timings: Timings
    settlement: Optional[Settlement] = None
    receipt_verified: bool = False
    # ZKML: the proof (inline with wait="proof", or fetched by verify()),
    # whether it verified locally, the output's dequantization scale.
    proof: Optional[bytes] = None
    # The inference ids the proof covers, in its order, when the node proved
    # this one in a batch with others (None: a single-instance proof).
    proof_batch: Optional[List[str]] = None
    proof_verified: bool = False
    output_scale: Optional[float] = None
    inputs: Optional[Dict[str, np.ndarray]] = field(default=None, repr=False)
    _verify: Optional[Callable[["Result"], None]] = field(default=None, repr=False, compare=False)

    @property
    def verified(self) -> bool:
        if self.mode == "ZKML":
            return self.receipt_verified and self.proof_verified
        return self.receipt_verified

    @property
    def settlement_verified(self) -> bool:
        return self.settlement is not None and self.settlement.settlement_verified

    @property
    def checked(self) -> Tuple[str, ...]:
        """Names of the checks that passed (keys of ``vinet.types.CHECKS``)."""
        out: List[str] = []
        if self.receipt_verified:
            out += ["output_hash", "node_signature"]
            if self.mode == "TEE":
                out += ["enclave_signature", "attestation"]
        if self.mode == "ZKML" and self.proof_verified:
            out.append("zkml_proof")
        if self.settlement_verified:
            out.append("settlement_proof")
        return tuple(out)

    @property
    def verification(self) -> str:
        """One line saying what was checked and what was not."""
        if not self.checked:
            return f"{self.mode}: nothing verified"
        did = ", ".join(c.replace("_", " ") for c in self.checked)
        if self.mode == "VANILLA":
            return (f"VANILLA: {did} checked; the outputs themselves are the node's word "
                    "(no proof of the computation)")
        if self.mode == "ZKML" and not self.proof_verified:
            return f"ZKML: {did} checked; the proof is not verified yet (result.verify())"
        return f"{self.mode}: {did} checked"

    def verify(self) -> "Result":
        """Verify output hash, node signature and (TEE) enclave signature and
        attestation with the native core; for ZKML also the proof (inline, or
        fetched from the node once it exists, waiting up to the client's
        timeout). Raises VerificationFailed."""
        if self._verify is None:
            raise RuntimeError("this Result is not bound to a client")
        self.receipt_verified = False
        self._verify(self)
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
