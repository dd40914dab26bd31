"""`vinet run` and `vinet model inspect` through the real binary."""
from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from runtime_helpers import VINET_BIN, _native, assert_close, ort_session
import onnx_models as om


def vinet(*args):
    return subprocess.run([VINET_BIN, *map(str, args)], capture_output=True, text=True, timeout=60)


@pytest.fixture()
def lenet(tmp_path):
    return om.save(om.lenet5(), tmp_path / "lenet.onnx")


def test_run_nested_and_flat_forms_match_onnxruntime(tmp_path, lenet):
    x = om.random_input([1, 28, 28], 2, 3)
    want = ort_session(open(lenet, "rb").read()).run(None, {"x": x})[0]
    nested = tmp_path / "in.json"
    nested.write_text(json.dumps({"x": x.tolist()}))
    r = vinet("run", lenet, "--input", nested)
    assert r.returncode == 0, r.stderr
    assert_close(np.array(json.loads(r.stdout)["y"], np.float32), want)

    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps({"x": {"shape": list(x.shape), "data": x.ravel().tolist()}}))
    out = tmp_path / "out.json"
    r = vinet("run", lenet, "--input", flat, "--output", out)
    assert r.returncode == 0, r.stderr
    assert_close(np.array(json.loads(out.read_text())["y"], np.float32), want)


def test_run_quantized_reports_accuracy(tmp_path, lenet):
    cal = tmp_path / "cal.json"
    cal.write_text(json.dumps([{"x": om.random_input([1, 28, 28], 4, s).tolist()} for s in range(3)]))
    x = om.random_input([1, 28, 28], 1, 9)
    inp = tmp_path / "in.json"
    inp.write_text(json.dumps({"x": x[0].tolist()}))  # without the batch dimension
    r1 = vinet("run", lenet, "--input", inp, "--quantized", "--calibration", cal)
    r2 = vinet("run", lenet, "--input", inp, "--quantized", "--calibration", cal)
    assert r1.returncode == 0, r1.stderr
    assert r1.stdout == r2.stdout  # bit-exact int8 path, same dequantized bytes
    assert "argmax agreement" in r1.stderr and "quantized model id" in r1.stderr
    model = _native.Model.from_bytes(open(lenet, "rb").read())
    q = _native.quantize(model, [{"x": om.random_input([1, 28, 28], 4, s)} for s in range(3)])
    got = np.array(json.loads(r1.stdout)["y"], np.float32)
    assert np.array_equal(got, q.run(x))


def test_inspect(lenet):
    r = vinet("model", "inspect", lenet, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["inputs"] == [{"name": "x", "shape": [-1, 1, 28, 28]}]
    assert info["ops"]["Conv"] == 2
    assert info["parameter_count"] == _native.Model.load(lenet).parameter_count
    assert info["model_id"] == _native.Model.load(lenet).id


@pytest.mark.parametrize("payload,message", [
    ({"image": [[0.0]]}, "unknown input 'image'"),
    ({"x": [[[0.0] * 28] * 27]}, "does not match the declared"),
    ({"x": [[[0.0, "a"]]]}, "expected a number"),
    ({"x": [[[0.0, 1.0], [2.0]]]}, "ragged"),
    ({"x": {"shape": [1, 1, 28, 28], "data": [0.0] * 5}}, "needs 784 values"),
])
def test_run_rejects_bad_inputs(tmp_path, lenet, payload, message):
    inp = tmp_path / "bad.json"
    inp.write_text(json.dumps(payload))
    r = vinet("run", lenet, "--input", inp)
    assert r.returncode == 1
    assert message in r.stderr, r.stderr


def test_run_rejects_nan_and_broken_files(tmp_path, lenet):
    inp = tmp_path / "nan.json"
    inp.write_text('{"x": [[[NaN]]]}')
    r = vinet("run", lenet, "--input", inp)
    assert r.returncode == 1 and "invalid JSON" in r.stderr
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(open(lenet, "rb").read()[:200])
    inp.write_text(json.dumps({"x": [[[0.0] * 28] * 28]}))
    r = vinet("model", "inspect", broken)
    assert r.returncode == 1 and "error: " in r.stderr
    r = vinet("run", lenet, "--input", inp, "--quantized")
    assert r.returncode == 1 and "--calibration" in r.stderr
