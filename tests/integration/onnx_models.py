"""Test models for the runtime, built with onnx.helper (no torch).

Every builder returns an onnx.ModelProto with a symbolic batch dimension "N"
on its input unless stated otherwise. Weights come from a seeded numpy RNG so
the models are the same on every run.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def make_model(nodes, inputs, outputs, initializers=(), opset=OPSET, name="g"):
    graph = helper.make_graph(list(nodes), name, list(inputs), list(outputs), list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8 if opset <= 17 else 9
    return model


def fin(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def fout(name, shape=None):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


class Weights:
    """Seeded initializer factory: w.add(name, shape, scale) -> name."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.inits = []

    def add(self, name, shape, scale=None, positive=False, value=None):
        if value is None:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
            s = scale if scale is not None else 1.0 / np.sqrt(max(fan_in, 1))
            value = self.rng.normal(0.0, s, size=shape).astype(np.float32)
            if positive:
                value = np.abs(value) + 0.5
        self.inits.append(const(name, np.asarray(value)))
        return name


def mlp(seed=1):
    w = Weights(seed)
    nodes = [
        helper.make_node("Gemm", ["x", w.add("w1", [128, 784]), w.add("b1", [128], 0.1)], ["h"], transB=1),
        helper.make_node("Relu", ["h"], ["hr"]),
        helper.make_node("Gemm", ["hr", w.add("w2", [10, 128]), w.add("b2", [10], 0.1)], ["y"], transB=1),
    ]
    return make_model(nodes, [fin("x", ["N", 784])], [fout("y", ["N", 10])], w.inits, name="mlp")


def lenet5(seed=2):
    w = Weights(seed)
    nodes = [
        helper.make_node("Conv", ["x", w.add("c1w", [6, 1, 5, 5]), w.add("c1b", [6], 0.1)], ["c1"], pads=[2, 2, 2, 2]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", w.add("c2w", [16, 6, 5, 5]), w.add("c2b", [16], 0.1)], ["c2"]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("MaxPool", ["r2"], ["p2"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p2"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", w.add("f1w", [120, 400]), w.add("f1b", [120], 0.1)], ["g1"], transB=1),
        helper.make_node("Relu", ["g1"], ["a1"]),
        helper.make_node("Gemm", ["a1", w.add("f2w", [84, 120]), w.add("f2b", [84], 0.1)], ["g2"], transB=1),
        helper.make_node("Relu", ["g2"], ["a2"]),
        helper.make_node("Gemm", ["a2", w.add("f3w", [10, 84]), w.add("f3b", [10], 0.1)], ["y"], transB=1),
    ]
    return make_model(nodes, [fin("x", ["N", 1, 28, 28])], [fout("y", ["N", 10])], w.inits, name="lenet5")


def _conv_bn(w, nodes, x, name, cin, cout, k, stride, relu=True):
    pad = k // 2
    nodes.append(helper.make_node("Conv", [x, w.add(f"{name}_w", [cout, cin, k, k])], [f"{name}_c"],
                                  pads=[pad] * 4, strides=[stride, stride]))
    nodes.append(helper.make_node(
        "BatchNormalization",
        [f"{name}_c", w.add(f"{name}_g", [cout], positive=True), w.add(f"{name}_b", [cout], 0.1),
         w.add(f"{name}_m", [cout], 0.1), w.add(f"{name}_v", [cout], positive=True)],
        [f"{name}_bn"], epsilon=1e-5))
    if not relu:
        return f"{name}_bn"
    nodes.append(helper.make_node("Relu", [f"{name}_bn"], [f"{name}_r"]))
    return f"{name}_r"


def resnet_small(seed=3, channels=16):
    """conv-bn-relu stem, two residual blocks (one with a strided 1x1 projection), GAP, Gemm."""
    w = Weights(seed)
    nodes = []
    h = _conv_bn(w, nodes, "x", "stem", 3, channels, 3, 1)
    for b, (cin, cout, stride) in enumerate([(channels, channels, 1), (channels, 2 * channels, 2)]):
        y = _conv_bn(w, nodes, h, f"b{b}a", cin, cout, 3, stride)
        y = _conv_bn(w, nodes, y, f"b{b}b", cout, cout, 3, 1, relu=False)
        skip = h
        if stride != 1 or cin != cout:
            skip = _conv_bn(w, nodes, h, f"b{b}p", cin, cout, 1, stride, relu=False)
        nodes.append(helper.make_node("Add", [y, skip], [f"b{b}_sum"]))
        nodes.append(helper.make_node("Relu", [f"b{b}_sum"], [f"b{b}_out"]))
        h = f"b{b}_out"
    nodes.append(helper.make_node("GlobalAveragePool", [h], ["gap"]))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"]))
    nodes.append(helper.make_node("Gemm", ["flat", w.add("fcw", [10, 2 * channels]), w.add("fcb", [10], 0.1)], ["y"], transB=1))
    return make_model(nodes, [fin("x", ["N", 3, 32, 32])], [fout("y", ["N", 10])], w.inits, name="resnet_small")


def transformer_block(seed=4, seq=16, dim=64, heads=4, ffn=128):
    """Pre-norm encoder block: LN, multi-head self-attention, residual, LN, FFN with erf GELU, residual."""
    w = Weights(seed)
    dh = dim // heads
    n = []
    n.append(helper.make_node("LayerNormalization", ["x", w.add("ln1_g", [dim], positive=True), w.add("ln1_b", [dim], 0.1)], ["ln1"], axis=-1, epsilon=1e-5))
    for p in "qkv":
        n.append(helper.make_node("MatMul", ["ln1", w.add(f"w{p}", [dim, dim])], [f"{p}0"]))
        n.append(helper.make_node("Add", [f"{p}0", w.add(f"b{p}", [dim], 0.1)], [f"{p}1"]))
        n.append(helper.make_node("Reshape", [f"{p}1", w.add(f"{p}_shape", [4], value=np.array([0, 0, heads, dh], np.int64))], [f"{p}2"]))
        perm = [0, 2, 3, 1] if p == "k" else [0, 2, 1, 3]
        n.append(helper.make_node("Transpose", [f"{p}2"], [f"{p}h"], perm=perm))
    n.append(helper.make_node("MatMul", ["qh", "kh"], ["scores0"]))
    n.append(helper.make_node("Div", ["scores0", w.add("scale", [], value=np.array(np.sqrt(dh), np.float32))], ["scores"]))
    n.append(helper.make_node("Softmax", ["scores"], ["attn"], axis=-1))
    n.append(helper.make_node("MatMul", ["attn", "vh"], ["ctx0"]))
    n.append(helper.make_node("Transpose", ["ctx0"], ["ctx1"], perm=[0, 2, 1, 3]))
    n.append(helper.make_node("Reshape", ["ctx1", w.add("ctx_shape", [3], value=np.array([0, 0, dim], np.int64))], ["ctx"]))
    n.append(helper.make_node("MatMul", ["ctx", w.add("wo", [dim, dim])], ["o0"]))
    n.append(helper.make_node("Add", ["o0", w.add("bo", [dim], 0.1)], ["o1"]))
    n.append(helper.make_node("Add", ["x", "o1"], ["res1"]))
    n.append(helper.make_node("LayerNormalization", ["res1", w.add("ln2_g", [dim], positive=True), w.add("ln2_b", [dim], 0.1)], ["ln2"], axis=-1))
    n.append(helper.make_node("MatMul", ["ln2", w.add("w_ff1", [dim, ffn])], ["f0"]))
    n.append(helper.make_node("Add", ["f0", w.add("b_ff1", [ffn], 0.1)], ["f1"]))
    # GELU(x) = 0.5 x (1 + erf(x / sqrt 2)), as exporters write it.
    n.append(helper.make_node("Div", ["f1", w.add("sqrt2", [], value=np.array(np.sqrt(2.0), np.float32))], ["g0"]))
    n.append(helper.make_node("Erf", ["g0"], ["g1"]))
    n.append(helper.make_node("Add", ["g1", w.add("one", [], value=np.array(1.0, np.float32))], ["g2"]))
    n.append(helper.make_node("Mul", ["f1", "g2"], ["g3"]))
    n.append(helper.make_node("Mul", ["g3", w.add("half", [], value=np.array(0.5, np.float32))], ["gelu"]))
    n.append(helper.make_node("MatMul", ["gelu", w.add("w_ff2", [ffn, dim])], ["f2"]))
    n.append(helper.make_node("Add", ["f2", w.add("b_ff2", [dim], 0.1)], ["f3"]))
    n.append(helper.make_node("Add", ["res1", "f3"], ["y"]))
    return make_model(n, [fin("x", ["N", seq, dim])], [fout("y", ["N", seq, dim])], w.inits, name="transformer_block")


WHOLE_MODELS = {
    "mlp": (mlp, [784]),
    "lenet5": (lenet5, [1, 28, 28]),
    "resnet_small": (resnet_small, [3, 32, 32]),
    "transformer_block": (transformer_block, [16, 64]),
}


def random_input(sample_shape, batch, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 1.0, size=[batch] + list(sample_shape)).astype(np.float32)


def save(model, path):
    onnx.save(model, str(path))
    return str(path)
