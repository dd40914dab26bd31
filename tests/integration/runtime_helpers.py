"""Shared helpers for the runtime integration tests: import paths, reference runs."""
from __future__ import annotations

import os
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "build" / "release" / "python"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from vinet import _native  # noqa: E402

VINET_BIN = os.environ.get("VINET_BIN", str(ROOT / "build" / "release" / "src" / "cli" / "vinet"))


def ort_session(model_bytes):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def assert_close(got, want, rel=1e-4):
    """Max abs error <= rel * output scale (max |want|, at least 1)."""
    assert got.shape == want.shape, (got.shape, want.shape)
    scale = max(1.0, float(np.abs(want).max()) if want.size else 1.0)
    err = float(np.abs(got.astype(np.float64) - want.astype(np.float64)).max()) if want.size else 0.0
    assert err <= rel * scale, f"max abs error {err} > {rel} * {scale}"
    return err


def compare_with_ort(model, feeds):
    data = model.SerializeToString()
    vm = _native.Model.from_bytes(data)
    got = vm.context().run(feeds)
    want = ort_session(data).run(None, feeds)
    names = [o.name for o in model.graph.output]
    for name, w in zip(names, want):
        assert_close(got[name], w)
    return got
