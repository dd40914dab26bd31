"""The int8 path: accuracy vs float32, bit-exact determinism, and the witness
checked against numpy's own integer arithmetic (an independent reference of
the Linear and requantization semantics)."""
from __future__ import annotations

import numpy as np
import pytest

from runtime_helpers import _native
import onnx_models as om

QUANTIZABLE = ["mlp", "lenet5", "resnet_small"]


def load_and_quantize(name, cal_batches=4):
    build, sample = om.WHOLE_MODELS[name]
    model = _native.Model.from_bytes(build().SerializeToString())
    cal = [{"x": om.random_input(sample, 8, 50 + s)} for s in range(cal_batches)]
    return model, _native.quantize(model, cal), sample


@pytest.mark.parametrize("name", QUANTIZABLE)
def test_accuracy_against_float(name):
    model, q, sample = load_and_quantize(name)
    held_out = [{"x": om.random_input(sample, 16, 900 + s)} for s in range(2)]
    rep = q.accuracy(model, held_out)
    assert rep["samples"] == 32
    assert rep["argmax_agreement"] >= 0.85, rep
    assert rep["max_abs_error"] <= 0.2 * rep["output_scale"], rep


@pytest.mark.parametrize("name", QUANTIZABLE)
def test_bit_exact_and_witness_consistent(name):
    model, q, sample = load_and_quantize(name, cal_batches=2)
    x = q.quantize_input(om.random_input(sample, 3, 7))
    y, witness = q.run_int8(x, record=True)
    for _ in range(3):
        assert q.run_int8(x).tobytes() == y.tobytes()
    layers = q.layers
    assert len(witness["layers"]) == len(layers)
    assert np.array_equal(witness["input"], x)
    values = {q.input: x}
    for layer, trace in zip(layers, witness["layers"]):
        out = trace["output"]
        if layer["op"] == "Linear":
            a = values[layer["inputs"][0]].astype(np.int64).reshape(-1, layer["weight"].shape[0])
            acc = a @ layer["weight"].astype(np.int64) + layer["bias"].astype(np.int64)
            assert np.array_equal(acc.reshape(trace["accumulator"].shape), trace["accumulator"])
        if trace["accumulator"] is not None and layer["op"] in ("Linear", "Conv"):
            m, s = layer["multiplier"], layer["shift"]
            want = np.clip((trace["accumulator"] * m + (1 << (s - 1))) >> s, -127, 127)
            assert np.array_equal(want.astype(np.int8), out), layer["name"]
            assert np.abs(trace["accumulator"]).max() <= layer["max_abs_accumulator"]
        if layer["op"] == "Relu":
            assert np.array_equal(np.maximum(values[layer["inputs"][0]], 0), out)
        values[layer["output"]] = out
    assert np.array_equal(values[q.output], y)


def test_quantized_model_id_is_stable_and_weight_sensitive():
    _, q1, _ = load_and_quantize("mlp", 2)
    _, q2, _ = load_and_quantize("mlp", 2)
    assert q1.id == q2.id and q1.canonical_encoding() == q2.canonical_encoding()
    model = _native.Model.from_bytes(om.mlp(seed=5).SerializeToString())
    q3 = _native.quantize(model, [{"x": om.random_input([784], 8, 50)}, {"x": om.random_input([784], 8, 51)}])
    assert q3.id != q1.id


def test_transformer_is_rejected_by_int8_path_with_node_name():
    model = _native.Model.from_bytes(om.transformer_block().SerializeToString())
    with pytest.raises(RuntimeError, match=r"unsupported: node '.*' \(LayerNormalization\)"):
        _native.quantize(model, [{"x": om.random_input([16, 64], 2, 1)}])


def test_decoded_quantized_model_runs_identically():
    _, q, sample = load_and_quantize("lenet5", 2)
    d = _native.QuantizedModel.decode(q.canonical_encoding())
    assert d.id == q.id
    x = q.quantize_input(om.random_input(sample, 2, 3))
    assert d.run_int8(x).tobytes() == q.run_int8(x).tobytes()
    with pytest.raises(RuntimeError, match="byte offset"):
        _native.QuantizedModel.decode(q.canonical_encoding()[:-3])
