"""Inputs checked against the model before anything is signed or paid.

``prepare(inputs, model)`` turns the caller's values (nested lists, numpy
arrays of any numeric dtype) into the arrays the request will carry:

- each value is cast to the model's input dtype (``ModelInfo.input_dtypes``;
  the runtime takes float32 for every ONNX input), so ``np.random.randn``'s
  float64 and Python lists work as documented; a value the cast cannot keep
  (beyond float32's range) is refused rather than sent as infinity;
- names must be exactly the model's inputs; shapes must match the declared
  ones (a dimension <= 0 is symbolic and takes any size >= 1);
- float values must be finite (JSON has no NaN or infinity, and the model
  would compute garbage);
- the HTTP body must fit the node's limit (``MAX_BODY_BYTES``, 64 MiB, or the
  node's ``/healthz`` ``max_body_bytes``): refused from the element count, or
  from a sampled estimate of the JSON size when that is over twice the limit,
  so a 160 MB input fails at once without serializing it; a body the estimate
  cannot decide is measured exactly once encoded, before it is sent.

Every refusal is an :class:`~vinet.errors.InvalidInput` (``ShapeError`` for
shapes, ``InputTooLarge`` for size) whose message names the tensor.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Sequence

import numpy as np

from .errors import InputTooLarge, InvalidInput, ShapeError
from .tensors import _VINET_TO_NP

MAX_BODY_BYTES = 64 << 20  # the node's limit on a request body (include/vinet/node/http_body.h)
# What a request body holds besides the inputs' values (signed request, keys, names).
_ENVELOPE_BYTES = 4096
# Bytes of JSON per value: at least "0," and at most a float32's exact double
# ("-1.1754943508222875e-38,": 24).
_MIN_VALUE_BYTES, _MAX_VALUE_BYTES = 2, 24


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB"


def _as_array(name: str, value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as e:
        raise InvalidInput(f"input '{name}': not a rectangular array of numbers ({e})")


def _cast(name: str, arr: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if arr.dtype.kind not in "iuf":
        raise InvalidInput(f"input '{name}': dtype {arr.dtype} is not numeric (the model takes "
                           f"{dtype.name})")
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr)
        if bad.any():
            at = int(np.flatnonzero(bad.reshape(-1))[0])
            raise InvalidInput(f"input '{name}': value {arr.reshape(-1)[at]} at flat index {at} "
                               "is not finite (NaN and infinity cannot be sent)",
                               hint="replace NaN/inf values, e.g. np.nan_to_num(x)")
    if arr.dtype != dtype:
        with np.errstate(over="ignore", invalid="ignore"):
            cast = arr.astype(dtype)
        if dtype.kind == "f" and not np.isfinite(cast).all():
            at = int(np.flatnonzero(~np.isfinite(cast).reshape(-1))[0])
            raise InvalidInput(f"input '{name}': value {arr.reshape(-1)[at]} at flat index {at} "
                               f"is beyond {dtype.name}'s range (the model's dtype)")
        arr = cast
    return np.ascontiguousarray(arr.astype(dtype.newbyteorder("<"), copy=False))


def _check_shape(name: str, shape: Sequence[int], declared: Sequence[int]) -> None:
    ok = len(shape) == len(declared) and all(
        (d <= 0 and s >= 1) or s == d for s, d in zip(shape, declared))
    if not ok:
        want = "[" + ", ".join("N" if d <= 0 else str(d) for d in declared) + "]"
        raise ShapeError(f"input '{name}': shape {list(shape)} does not match the model's {want}"
                         " (N: any size >= 1)",
                         hint=f"reshape '{name}' to {want}, e.g. x.reshape({', '.join('1' if d <= 0 else str(d) for d in declared)})")


def _check_count(n: int, limit: int) -> None:
    budget = limit - _ENVELOPE_BYTES
    if n * _MIN_VALUE_BYTES > budget:
        raise InputTooLarge(
            f"inputs: {n} values need at least {_mib(n * _MIN_VALUE_BYTES)} of JSON, over the "
            f"node's request limit of {_mib(limit)} ({limit} bytes)",
            hint="send smaller inputs (split the batch into several inferences)")


def _estimated_json_bytes(arrays: Mapping[str, np.ndarray]) -> float:
    """The JSON size of the values, from up to 4,096 evenly spaced samples per
    tensor (compact JSON, as the SDK sends it)."""
    total = 0.0
    for a in arrays.values():
        flat = a.reshape(-1)
        if flat.size == 0:
            continue
        k = min(int(flat.size), 4096)
        sample = flat[np.linspace(0, flat.size - 1, k).astype(np.int64)].tolist()
        per_value = (len(json.dumps(sample, separators=(",", ":"))) - 1) / k  # value + ","
        total += per_value * flat.size
    return total


def check_size(arrays: Mapping[str, np.ndarray], limit: int = MAX_BODY_BYTES) -> None:
    """Raises InputTooLarge when the JSON body cannot fit ``limit`` bytes:
    surely (from the element count), or clearly (estimated at more than twice
    the limit from a sample of the values). Bodies the estimate cannot decide
    are measured exactly once encoded (``check_body``), still before sending."""
    n = sum(int(a.size) for a in arrays.values())
    _check_count(n, limit)
    budget = limit - _ENVELOPE_BYTES
    if n * _MAX_VALUE_BYTES <= budget:
        return
    estimate = _estimated_json_bytes(arrays)
    if estimate > 2 * budget:
        raise InputTooLarge(
            f"inputs: about {_mib(int(estimate))} of JSON ({n} values), over the node's request "
            f"limit of {_mib(limit)} ({limit} bytes)",
            hint="send smaller inputs (split the batch into several inferences)")


def check_body(size: int, limit: int = MAX_BODY_BYTES) -> None:
    """Raises InputTooLarge when an encoded request body is over ``limit``."""
    if size > limit:
        raise InputTooLarge(
            f"request body: {_mib(size)} ({size} bytes), over the node's request limit of "
            f"{_mib(limit)} ({limit} bytes); not sent",
            hint="send smaller inputs (split the batch into several inferences)")


def prepare(inputs: Mapping[str, Any], model: Any,
            limit: Optional[int] = MAX_BODY_BYTES) -> Dict[str, np.ndarray]:
    """The arrays to send for ``model`` (a ModelInfo): names, dtypes, shapes,
    finiteness and size checked. Raises InvalidInput (or a subclass)."""
    if not isinstance(inputs, Mapping) or not inputs:
        raise InvalidInput("inputs: need a non-empty dict of tensor name -> array",
                           hint=f"pass {{{', '.join(repr(k) for k in model.inputs)}}}")
    given, wanted = set(inputs), set(model.inputs)
    if given != wanted:
        missing, extra = sorted(wanted - given), sorted(given - wanted, key=str)
        parts = ([f"missing {missing}"] if missing else []) + \
                ([f"unknown {extra}"] if extra else [])
        raise InvalidInput(f"inputs: {'; '.join(parts)}; model {model.model_id[:12]} takes "
                           f"{sorted(wanted)}")
    # Shapes and the element count first: they cost nothing, and a huge input
    # is refused before any pass over its values.
    raw = {name: _as_array(name, inputs[name]) for name in model.inputs}
    for name, declared in model.inputs.items():
        _check_shape(name, raw[name].shape, declared)
    if limit is not None:
        _check_count(sum(int(a.size) for a in raw.values()), limit)
    out: Dict[str, np.ndarray] = {}
    dtypes = getattr(model, "input_dtypes", None) or {}
    for name in model.inputs:
        dtype = _VINET_TO_NP.get(dtypes.get(name, "f32"), np.dtype("<f4"))
        out[name] = _cast(name, raw[name], dtype.newbyteorder("="))
    if limit is not None:
        check_size(out, limit)
    return out
