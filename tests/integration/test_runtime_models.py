"""The four whole models against onnxruntime at batch 1 and 4, and concurrency."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from runtime_helpers import _native, assert_close, ort_session
import onnx_models as om


@pytest.mark.parametrize("name", sorted(om.WHOLE_MODELS))
def test_whole_model_matches_onnxruntime(name):
    build, sample = om.WHOLE_MODELS[name]
    data = build().SerializeToString()
    model = _native.Model.from_bytes(data)
    ctx = model.context()
    sess = ort_session(data)
    for batch, seed in ((1, 1), (4, 2), (1, 3)):
        x = om.random_input(sample, batch, seed)
        got = ctx.run({"x": x})["y"]
        want = sess.run(None, {"x": x})[0]
        assert_close(got, want)


def test_model_description():
    model = _native.Model.from_bytes(om.lenet5().SerializeToString())
    assert model.inputs == [("x", [-1, 1, 28, 28])]
    assert model.outputs[0][0] == "y"
    assert model.parameter_count == 6 * 25 + 6 + 16 * 150 + 16 + 120 * 400 + 120 + 84 * 120 + 84 + 10 * 84 + 10
    assert model.op_histogram["Conv"] == 2 and model.op_histogram["Gemm"] == 3
    assert len(model.id) == 64
    assert _native.Model.from_bytes(om.lenet5(seed=9).SerializeToString()).id != model.id


def test_contexts_in_threads_share_one_model():
    data = om.resnet_small().SerializeToString()
    model = _native.Model.from_bytes(data)
    x = om.random_input([3, 32, 32], 2, 5)
    want = model.context().run({"x": x})["y"]
    errors = []

    def work():
        ctx = model.context()
        for _ in range(10):
            if not np.array_equal(ctx.run({"x": x})["y"], want):
                errors.append("mismatch")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_run_errors_are_clear():
    model = _native.Model.from_bytes(om.mlp().SerializeToString())
    ctx = model.context()
    with pytest.raises(RuntimeError, match="missing input 'x'"):
        ctx.run({"z": np.zeros((1, 784), np.float32)})
    with pytest.raises(RuntimeError, match=r"shape \[1, 783\]"):
        ctx.run({"x": np.zeros((1, 783), np.float32)})
    with pytest.raises(RuntimeError, match="parse"):
        _native.Model.from_bytes(om.mlp().SerializeToString()[:100])
