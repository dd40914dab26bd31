#!/usr/bin/env python3
"""Writes vinet's bundled demo model: a small MLP classifier (ONNX, opset 13).

    x [1, 16] -> Gemm(16x32) -> Relu -> Gemm(32x4) -> Softmax -> y [1, 4]

With --zkml it writes the ZKML demo model: the same MLP without the final
Softmax (y = the logits), which the int8 path and the ZKML circuits prove.

Weights come from a fixed seed, so every run writes the same bytes and the
model id is stable. Uses only the `onnx` and `numpy` packages; downloads
nothing. Usage: make_demo_model.py [--zkml] OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build(zkml: bool = False, seed: int = 7) -> onnx.ModelProto:
    """The demo MLP; another `seed` gives the same architecture, other weights."""
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((16, 32)) * 0.3).astype(np.float32)
    b1 = (rng.standard_normal(32) * 0.1).astype(np.float32)
    w2 = (rng.standard_normal((32, 4)) * 0.3).astype(np.float32)
    b2 = (rng.standard_normal(4) * 0.1).astype(np.float32)
    inits = [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"]),
        helper.make_node("Relu", ["h"], ["hr"]),
        helper.make_node("Gemm", ["hr", "w2", "b2"], ["y" if zkml else "logits"]),
    ]
    if not zkml:
        nodes.append(helper.make_node("Softmax", ["logits"], ["y"], axis=1))
    graph = helper.make_graph(
        nodes, "vinet_demo_mlp_zkml" if zkml else "vinet_demo_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
        initializer=inits)
    model = helper.make_model(graph, producer_name="vinet-demo",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main() -> int:
    args = sys.argv[1:]
    zkml = "--zkml" in args
    args = [a for a in args if a != "--zkml"]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    onnx.save(build(zkml), args[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
