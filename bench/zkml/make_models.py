"""Writes the zkml benchmark models into DIR (default /tmp/vinet_zkml_bench):
mlp.onnx (784-128-10), lenet5.onnx (28x28, 44k params), mlp_large.onnx
(784-1024-256-10, 1.07M params). Seeded: the same files on every run."""
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


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/vinet_zkml_bench")
    out.mkdir(parents=True, exist_ok=True)
    m.save(m.mlp(1), out / "mlp.onnx")
    m.save(m.lenet5(2), out / "lenet5.onnx")
    m.save(mlp_large(), out / "mlp_large.onnx")
    print(out)
