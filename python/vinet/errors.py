"""Typed errors of the vinet SDK, by cause.

Every failure the SDK reports is a :class:`VinetError`. Two families matter
for retry logic (``e.retryable``):

- :class:`InvalidRequest` and its subclasses: the request cannot succeed as
  sent (HTTP 4xx from the node, or refused locally before anything was signed
  or paid). Never retry it unchanged; ``e.hint`` says what to fix when the fix
  is known.
- :class:`NodeUnavailable` (transport failures and HTTP 5xx),
  :class:`ChainUnavailable` and :class:`Timeout`: retrying may succeed. A retry
  of ``infer`` signs a new request; check ``e.inference_id`` first
  (``client.answer(id)``) when the first one may have been served.

Errors answered by an inference node (``{"error": {"code", "message"}}``,
docs/network.md) map by their code name (the names of ``vinet::Code``) and,
where one code covers several causes, by the field the message names.
"""
from __future__ import annotations

from typing import Optional


class VinetError(Exception):
    """Base class. ``code`` is the vinet code name when a server gave one.
    ``inference_id`` (hex) is set on every error raised after a request was
    signed: the node may have served and will claim it even if the call failed
    (e.g. timed out): ``Client.answer(inference_id)`` fetches its answer,
    ``client.inference(id)`` / ``client.claim(id)`` follow its claim. ``hint``
    is what to do about it, when known (also shown in ``str(e)``)."""

    retryable = False

    def __init__(self, message: str, code: Optional[str] = None,
                 http_status: Optional[int] = None, inference_id: Optional[str] = None,
                 hint: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.inference_id = inference_id
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.code}: {self.message}" if self.code else self.message
        if self.hint:
            text = f"{text}. Hint: {self.hint}"
        return f"{text} (inference {self.inference_id})" if self.inference_id else text


class InvalidRequest(VinetError):
    """The request cannot succeed as sent (HTTP 4xx, or refused locally before
    signing): the common base of every cause below. Never retried."""


class InvalidInput(InvalidRequest):
    """An input tensor is unusable: not numeric, NaN or infinite values, a dtype
    that cannot be cast to the model's, an unknown or missing tensor name."""


class ShapeError(InvalidInput):
    """An input's shape is not the model's declared shape."""


class InputTooLarge(InvalidInput):
    """The request body would exceed the node's limit (``MAX_BODY_BYTES``)."""


class ModeNotServed(InvalidRequest):
    """The model is not served in the requested mode here (``unsupported``)."""


class FeeTooLow(InvalidRequest):
    """``max_fee`` is below the model's fee (``e.fee`` when known)."""

    fee: Optional[int] = None


class AuthenticationFailed(InvalidRequest):
    """The node could not verify the client's request signature."""


class NotFound(VinetError):
    """A named thing (inference, claim) does not exist."""


class UnknownModel(NotFound, InvalidRequest):
    """The node does not serve this model (or it is not registered on chain)."""


ModelNotFound = UnknownModel  # the earlier name


class InsufficientFunds(InvalidRequest):
    """The client's balance or deposit (minus its unsettled fees) cannot pay the
    model's fee. ``e.hint`` says how to fund the key."""


class VerificationFailed(VinetError):
    """A receipt, signature, output hash or attestation did not verify locally."""


class MissingRoots(VerificationFailed, InvalidRequest):
    """The node's enclave attestation does not verify under the client's trust
    roots (typically a devnet's dev CA with ``roots=None``, the AWS Nitro
    root). Raised before a TEE request is signed, so nothing is charged."""


class Timeout(VinetError):
    """A call or a wait (e.g. for settlement) ran past its deadline."""

    retryable = True


class NodeUnavailable(VinetError):
    """The inference node did not answer (transport failure) or answered with a
    server error (HTTP 5xx). Retrying later may succeed."""

    retryable = True


class ChainUnavailable(VinetError):
    """The chain's RPC did not answer."""

    retryable = True


class ChainError(VinetError):
    """The chain answered with an error (e.g. a failed query)."""


class NodeError(VinetError):
    """The node's answer breaks the protocol (unparseable, fields missing), or a
    conflict the caller cannot fix (``already_exists``)."""


_BY_CODE = {
    "invalid_argument": InvalidRequest,
    "parse": InvalidRequest,
    "out_of_range": InvalidRequest,
    "unsupported": ModeNotServed,
    "unauthenticated": AuthenticationFailed,
    "permission": AuthenticationFailed,
    "not_found": NotFound,
    "insufficient_funds": InsufficientFunds,
    "verification": VerificationFailed,
    "unavailable": NodeUnavailable,
    "timeout": Timeout,
}

FUNDS_HINT = ("fund this key: `vinet tx transfer --to <this key's address> --amount N` from a "
              "funded key (a devnet's dev key: `vinet devnet status`), or, for a node that "
              "serves only against deposits, `vinet tx deposit --for-node <node address> "
              "--amount N --key <this key>`; `client.balance()` shows the balance")


def _input_cause(message: str) -> type:
    """InvalidRequest's subclass for a node's 4xx message about the inputs."""
    low = message.lower()
    if low.startswith("enclave: "):  # the enclave's own refusal, passed on by the node
        low = low[len("enclave: "):]
    if not low.startswith(("input", "body")) and "dtype" not in low:
        return InvalidRequest  # another field (request.*, wait, model, ...)
    if "shape" in low or "rank" in low:
        return ShapeError
    return InvalidInput


def _fee_of(message: str) -> Optional[int]:
    marker = "model's fee "
    at = message.find(marker)
    if at < 0:
        return None
    digits = ""
    for ch in message[at + len(marker):]:
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits else None


def error_from_node(code: Optional[str], message: str, http_status: Optional[int] = None,
                    *, infer: bool = False) -> VinetError:
    """The typed error for a node's error answer. ``infer`` marks ``POST /v1/infer``,
    where ``not_found`` means the model. A 5xx with an unknown (or no) code is
    :class:`NodeUnavailable`; a 4xx with an unknown code is
    :class:`InvalidRequest`."""
    cls = _BY_CODE.get(code or "")
    hint = None
    if cls is None:
        if code == "already_exists":
            cls = NodeError
        elif http_status is not None and http_status >= 500:
            cls = NodeUnavailable
        elif http_status is not None and 400 <= http_status < 500:
            cls = InvalidRequest
        else:
            cls = NodeError
    if cls is NotFound and infer:
        cls = UnknownModel
        hint = "list the models this node serves with client.models() (`vinet models`)"
    if http_status == 413:
        cls = InputTooLarge
        hint = "send smaller inputs (split the batch into several inferences)"
    if cls is InvalidRequest:
        if message.startswith("request.max_fee") and "below the model's fee" in message:
            cls = FeeTooLow
            fee = _fee_of(message)
            hint = (f"pass max_fee >= {fee} (the model's fee), or leave max_fee unset to pay "
                    "the model's fee" if fee is not None else None)
        else:
            cls = _input_cause(message)
    if cls is InsufficientFunds:
        hint = FUNDS_HINT
    if cls is ModeNotServed:
        hint = "client.models() lists the modes each model is served in"
    err = cls(message, code=code, http_status=http_status, hint=hint)
    if isinstance(err, FeeTooLow):
        err.fee = _fee_of(message)
    return err
