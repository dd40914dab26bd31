"""vinet: the Python SDK of the vinet verifiable inference network.

An inference has two steps: the node answers at once with the outputs and a
signed receipt, which the SDK verifies locally (output hash, node signature,
and in TEE mode the enclave signature and the enclave's attestation); later the
chain settles the claim, which :meth:`Client.wait_settled` observes. The
hashing, signatures and attestation checks run in the native core
``vinet._native``, the same C++ the node and the chain use.
"""
from .aio import AsyncChatStream, AsyncClient
from .chat import ChatChunk, ChatPrices, ChatResult, ReplayResult
from .chat_client import ChatStream
from .client import Client
from .devnet import devnet_roots
from .config import ConfigError
from .errors import (AuthenticationFailed, ChainError, ChainUnavailable, FeeTooLow,
                     InputTooLarge, InsufficientFunds, InvalidInput, InvalidRequest, MissingRoots,
                     ModelNotFound, ModeNotServed, NodeError, NodeUnavailable, NotFound,
                     ShapeError, Timeout, UnknownModel, VerificationFailed, VinetError)
from .inputs import MAX_BODY_BYTES
from .keys import Key
from .signing import signing_http_client
from .types import ModelInfo, Result, Settlement, Timings
from .verify import Verifier

__all__ = [
    "ConfigError", "FeeTooLow", "InputTooLarge", "InvalidInput", "MAX_BODY_BYTES",
    "MissingRoots", "ModeNotServed", "ShapeError", "UnknownModel",
    "AsyncChatStream", "ChatChunk", "ChatPrices", "ChatResult", "ChatStream", "ReplayResult",
    "signing_http_client", "AsyncClient", "AuthenticationFailed", "ChainError", "ChainUnavailable", "Client",
    "InsufficientFunds", "InvalidRequest", "Key", "ModelInfo", "ModelNotFound", "NodeError",
    "NodeUnavailable", "NotFound", "Result", "Settlement", "Timeout", "Timings",
    "VerificationFailed", "Verifier", "VinetError", "devnet_roots",
]
__version__ = "0.1.0"
