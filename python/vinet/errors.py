"""Typed errors of the vinet SDK.

Every failure the SDK reports is a :class:`VinetError`. Errors answered by an
inference node (``{"error": {"code", "message"}}``, docs/network.md) map by
their code name (the names of ``vinet::Code``) to a subclass, so callers can
``except InsufficientFunds`` without parsing messages.
"""
from __future__ import annotations

from typing import Optional


class VinetError(Exception):
    """Base class. ``code`` is the vinet code name when a server gave one.
    ``inference_id`` (hex) is set on every error raised after a request was
    signed: the node may have served and will claim it even if the call failed
    (e.g. timed out): ``Client.answer(inference_id)`` fetches its answer,
    ``client.inference(id)`` / ``client.claim(id)`` follow its claim."""

    def __init__(self, message: str, code: Optional[str] = None,
                 http_status: Optional[int] = None, inference_id: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.inference_id = inference_id

    def __str__(self) -> str:
        text = f"{self.code}: {self.message}" if self.code else self.message
        return f"{text} (inference {self.inference_id})" if self.inference_id else text


class InvalidRequest(VinetError):
    """The request or its inputs are outside the contract (bad tensor, bad field)."""


class AuthenticationFailed(InvalidRequest):
    """The node could not verify the client's request signature."""


class NotFound(VinetError):
    """A named thing (inference, claim) does not exist."""


class ModelNotFound(NotFound):
    """The node does not serve this model (or it is not registered on chain)."""


class InsufficientFunds(VinetError):
    """The client's balance (minus its unsettled fees) cannot pay the model's fee,
    or the fee exceeds ``max_fee``."""


class VerificationFailed(VinetError):
    """A receipt, signature, output hash or attestation did not verify locally."""


class Timeout(VinetError):
    """A wait (e.g. for settlement) ran past its deadline."""


class NodeUnavailable(VinetError):
    """The inference node did not answer or answered 'unavailable'."""


class ChainUnavailable(VinetError):
    """The chain's RPC did not answer."""


class ChainError(VinetError):
    """The chain answered with an error (e.g. a failed query)."""


class NodeError(VinetError):
    """The node reported an internal error or an answer the SDK cannot parse."""


_BY_CODE = {
    "invalid_argument": InvalidRequest,
    "parse": InvalidRequest,
    "out_of_range": InvalidRequest,
    "unsupported": InvalidRequest,
    "unauthenticated": AuthenticationFailed,
    "permission": AuthenticationFailed,
    "not_found": NotFound,
    "insufficient_funds": InsufficientFunds,
    "verification": VerificationFailed,
    "unavailable": NodeUnavailable,
    "timeout": Timeout,
}


def error_from_node(code: Optional[str], message: str, http_status: Optional[int] = None,
                    *, infer: bool = False) -> VinetError:
    """The typed error for a node's error answer. ``infer`` marks ``POST /v1/infer``,
    where ``not_found`` means the model."""
    cls = _BY_CODE.get(code or "", NodeError)
    if cls is NotFound and infer:
        cls = ModelNotFound
    return cls(message, code=code, http_status=http_status)
