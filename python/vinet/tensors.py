"""Tensors: conversion between user inputs (nested lists, numpy arrays), the
HTTP JSON form and the canonical form the native core hashes.

A canonical tensor is a tuple ``(name, dtype, shape, data)`` with dtype one of
``f32 f64 i8 u8 i32 i64`` and little-endian ``data`` (docs/receipts.md). Nested
lists are float32 (the JSON default); numpy arrays keep their dtype when it is
one of the six. Anything else is an :class:`~vinet.errors.InvalidRequest`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence, Tuple

import numpy as np

from .errors import InvalidRequest, NodeError

Tensor = Tuple[str, str, List[int], bytes]

_NP_TO_VINET = {
    np.dtype("float32"): "f32", np.dtype("float64"): "f64", np.dtype("int8"): "i8",
    np.dtype("uint8"): "u8", np.dtype("int32"): "i32", np.dtype("int64"): "i64",
}
_VINET_TO_NP = {v: k.newbyteorder("<") for k, v in _NP_TO_VINET.items()}


def to_array(name: str, value: Any) -> np.ndarray:
    """A little-endian numpy array for one input; lists become float32."""
    if isinstance(value, np.ndarray):
        if value.dtype not in _NP_TO_VINET and value.dtype.newbyteorder("=") not in _NP_TO_VINET:
            raise InvalidRequest(f"input '{name}': dtype {value.dtype} is not one of "
                                 "float32 float64 int8 uint8 int32 int64")
        arr = value
    else:
        try:
            arr = np.asarray(value, dtype=np.float32)
        except (ValueError, TypeError) as e:
            raise InvalidRequest(f"input '{name}': not a rectangular array of numbers ({e})")
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return np.ascontiguousarray(arr)


def dtype_name(arr: np.ndarray) -> str:
    return _NP_TO_VINET[arr.dtype.newbyteorder("=")]


def canonical(inputs: Mapping[str, Any]) -> Dict[str, np.ndarray]:
    """Validated arrays by name (names must be non-empty strings)."""
    if not isinstance(inputs, Mapping) or not inputs:
        raise InvalidRequest("inputs: need a non-empty dict of tensor name -> array")
    out: Dict[str, np.ndarray] = {}
    for name, value in inputs.items():
        if not isinstance(name, str) or not name:
            raise InvalidRequest(f"inputs: tensor names must be non-empty strings, got {name!r}")
        out[name] = to_array(name, value)
    return out


def as_tensors(arrays: Mapping[str, np.ndarray]) -> List[Tensor]:
    """Canonical tuples for the native core (order does not matter: it sorts)."""
    return [(name, dtype_name(a), list(a.shape), a.astype(a.dtype.newbyteorder("<")).tobytes())
            for name, a in arrays.items()]


def to_json(arrays: Mapping[str, np.ndarray]) -> Dict[str, Any]:
    """HTTP form ``{"name": {"shape", "dtype", "data": [flat values]}}``.

    Float values are written as the exact doubles of the float32 values, so the
    node parses back the very bits the client hashed."""
    return {name: {"shape": list(a.shape), "dtype": dtype_name(a), "data": a.reshape(-1).tolist()}
            for name, a in arrays.items()}


def _from_json_one(name: str, value: Any) -> np.ndarray:
    if isinstance(value, dict):
        dtype = value.get("dtype", "f32")
        if dtype not in _VINET_TO_NP:
            raise NodeError(f"output '{name}': unknown dtype {dtype!r}")
        np_dtype = _VINET_TO_NP[dtype]
        shape = value.get("shape")
        data = value.get("data", value.get("values"))
        if not isinstance(shape, list) or data is None:
            raise NodeError(f"output '{name}': need shape and data")
        if isinstance(data, str):
            arr = np.frombuffer(bytes.fromhex(data), dtype=np_dtype)
        else:
            arr = np.asarray(data, dtype=np_dtype)
        try:
            return arr.reshape(shape).astype(np_dtype.newbyteorder("="))
        except ValueError:
            raise NodeError(f"output '{name}': {arr.size} values do not fill shape {shape}")
    try:
        return np.asarray(value, dtype=np.float32)
    except (ValueError, TypeError) as e:
        raise NodeError(f"output '{name}': not a rectangular array ({e})")


def from_json(obj: Any) -> Dict[str, np.ndarray]:
    """Arrays from the HTTP tensor JSON (nested lists as f32, or the dict form with
    ``data`` as a flat list or hex), or from a receipt's tensor list
    ``[{"name","dtype","shape","data": hex}]``."""
    if isinstance(obj, list):
        return {t["name"]: _from_json_one(t["name"], t) for t in obj}
    if not isinstance(obj, dict):
        raise NodeError("outputs: not a JSON object")
    return {name: _from_json_one(name, v) for name, v in obj.items()}


def receipt_json(arrays: Mapping[str, np.ndarray]) -> List[Dict[str, Any]]:
    """The receipt's tensor list form (hex data)."""
    return [{"name": n, "dtype": d, "shape": s, "data": data.hex()}
            for n, d, s, data in sorted(as_tensors(arrays))]


def tensors_hash(arrays: Mapping[str, np.ndarray]) -> bytes:
    """SHA-256 of the canonical encoding (the native core's implementation)."""
    from ._native_loader import protocol
    try:
        return protocol.tensors_hash(as_tensors(arrays))
    except ValueError as e:
        raise InvalidRequest(str(e))


def names_shapes(arrays: Mapping[str, np.ndarray]) -> Sequence[Tuple[str, Tuple[int, ...]]]:
    return [(n, tuple(a.shape)) for n, a in sorted(arrays.items())]
