"""Client keys: Ed25519, stored in the same key file format as the ``vinet`` CLI
(``{"type": "ed25519", "public_key": hex, "seed": hex}``, mode 0600)."""
from __future__ import annotations

import os
from typing import Union

from ._native_loader import protocol

PathLike = Union[str, "os.PathLike[str]"]


class Key:
    """An Ed25519 signing key. The secret stays in the native core."""

    def __init__(self, native: "protocol.Key") -> None:
        self._native = native

    @classmethod
    def generate(cls) -> "Key":
        """A fresh random key."""
        return cls(protocol.Key.generate())

    @classmethod
    def from_file(cls, path: PathLike) -> "Key":
        """Load a key file written by ``vinet keys new`` or :meth:`save`."""
        return cls(protocol.Key.load(os.fspath(path)))

    @classmethod
    def from_seed(cls, seed: bytes) -> "Key":
        """Deterministic key from a 32-byte seed."""
        return cls(protocol.Key.from_seed(seed))

    def save(self, path: PathLike) -> None:
        """Write the key file (mode 0600); refuses to overwrite an existing file."""
        self._native.save(os.fspath(path))

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return self._native.public_key

    @property
    def address(self) -> str:
        """The account address: hex of the first 20 bytes of SHA-256(public key)."""
        return self._native.address

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature of ``message`` (64 bytes)."""
        return self._native.sign(message)

    def __repr__(self) -> str:
        return f"Key(address={self.address})"
