import json

import numpy as np
import pytest

from vinet import InvalidRequest, NodeError
from vinet._native_loader import tee
from vinet.tensors import (as_tensors, canonical, from_json, receipt_json, tensors_hash,
                           to_json)


def test_nested_lists_are_float32_and_numpy_keeps_dtype():
    arrays = canonical({"a": [[1, 2], [3, 4]], "b": np.arange(3, dtype=np.int64)})
    assert arrays["a"].dtype == np.float32 and arrays["a"].shape == (2, 2)
    assert arrays["b"].dtype == np.int64
    assert [t[1] for t in sorted(as_tensors(arrays))] == ["f32", "i64"]


@pytest.mark.parametrize("inputs", [
    {}, {"": [1.0]}, {"x": [[1, 2], [3]]}, {"x": "text"},
    {"x": np.array([True, False])}, {"x": np.zeros(2, dtype=np.complex64)},
])
def test_bad_inputs_are_invalid_requests(inputs):
    with pytest.raises(InvalidRequest):
        tensors_hash(canonical(inputs))


def test_json_round_trip_keeps_every_float32_bit():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 5)).astype(np.float32) * np.float32(1e-3)
    wire = json.loads(json.dumps(to_json({"x": x})))
    back = from_json(wire)["x"]
    assert back.dtype == np.float32 and back.tobytes() == x.tobytes()


def test_from_json_accepts_nested_hex_and_receipt_forms():
    x = np.array([[1.5, -2.0]], dtype=np.float32)
    assert from_json({"x": [[1.5, -2.0]]})["x"].tobytes() == x.tobytes()
    hex_form = {"x": {"shape": [1, 2], "dtype": "f32", "data": x.tobytes().hex()}}
    assert from_json(hex_form)["x"].tobytes() == x.tobytes()
    assert from_json(receipt_json({"x": x}))["x"].tobytes() == x.tobytes()
    with pytest.raises(NodeError):
        from_json({"x": {"shape": [3], "dtype": "f32", "data": [1.0, 2.0]}})
    with pytest.raises(NodeError):
        from_json({"x": {"shape": [1], "dtype": "f16", "data": [1.0]}})


def test_hash_is_order_independent_and_agrees_with_the_tee_binding():
    a = {"b": np.ones((2,), np.float32), "a": np.arange(4, dtype=np.int32).reshape(2, 2)}
    h1 = tensors_hash(a)
    h2 = tensors_hash(dict(reversed(list(a.items()))))
    assert h1 == h2 and len(h1) == 32
    assert tee.tensors_hash(json.dumps(receipt_json(a))) == h1
    a["b"][0] = 2.0
    assert tensors_hash(a) != h1
