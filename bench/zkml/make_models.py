"""Writes the zkml benchmark models into DIR (default /tmp/vinet_zkml_bench):
mlp.onnx (784-128-10), lenet5.onnx (28x28, 44k params), mlp_large.onnx
(784-1024-256-10, 1.07M params), cnn_s2.onnx (3x16x16 input, two 3x3 stride-2 convs,
no pooling, 512-128-10 dense; 71k params). Seeded: the same files on every run."""
from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "integration"))

import onnx_models as m  # noqa: E402
from onnx import helper  # noqa: E402


def mlp_large(seed=5):
    w = m.Weights(seed)
    dims = [784, 1024, 256, 10]
    nodes, x = [], "x"
    for i in range(3):
        y = "y" if i == 2 else f"h{i}"
        pre = y if i == 2 else f"g{i}"
        nodes.append(helper.make_node(
            "Gemm", [x, w.add(f"w{i}", [dims[i + 1], dims[i]]), w.add(f"b{i}", [dims[i + 1]], 0.1)],
            [pre], transB=1))
        if i < 2:
            nodes.append(helper.make_node("Relu", [pre], [y]))
        x = y
    return m.make_model(nodes, [m.fin("x", ["N", 784])], [m.fout("y", ["N", 10])], w.inits,
                        name="mlp_large")


def cnn_s2(seed=7):
    """A CNN shaped unlike LeNet-5: a 3-channel 16x16 input, 3x3 convs with stride 2 and
    padding 1 (16 then 32 channels), no pooling, and a dense layer wider than its input
    (512 -> 128 -> 10)."""
    w = m.Weights(seed)
    nodes = [
        helper.make_node("Conv", ["x", w.add("c1w", [16, 3, 3, 3]), w.add("c1b", [16], 0.1)], ["c1"],
                         pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", w.add("c2w", [32, 16, 3, 3]), w.add("c2b", [32], 0.1)], ["c2"],
                         pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("Flatten", ["r2"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", w.add("f1w", [128, 512]), w.add("f1b", [128], 0.1)], ["g1"], transB=1),
        helper.make_node("Relu", ["g1"], ["a1"]),
        helper.make_node("Gemm", ["a1", w.add("f2w", [10, 128]), w.add("f2b", [10], 0.1)], ["y"], transB=1),
    ]
    return m.make_model(nodes, [m.fin("x", ["N", 3, 16, 16])], [m.fout("y", ["N", 10])], w.inits,
                        name="cnn_s2")


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/vinet_zkml_bench")
    out.mkdir(parents=True, exist_ok=True)
    m.save(m.mlp(1), out / "mlp.onnx")
    m.save(m.lenet5(2), out / "lenet5.onnx")
    m.save(mlp_large(), out / "mlp_large.onnx")
    m.save(cnn_s2(), out / "cnn_s2.onnx")
    print(out)
