"""Every supported op against onnxruntime, with random shapes and attributes."""
from __future__ import annotations

import numpy as np
import pytest
from onnx import helper

from runtime_helpers import compare_with_ort
import onnx_models as om

RNG_SEEDS = range(3)


def run_single(op, inputs, attrs=None, consts=(), opset=om.OPSET, positive=False, out_count=1):
    """One-node model: `inputs` are (name, array) runtime inputs, `consts` initializers."""
    feeds = {name: arr for name, arr in inputs}
    if positive:
        feeds = {k: np.abs(v) + 0.1 for k, v in feeds.items()}
    names = [n for n, _ in inputs] + [n for n, _ in consts]
    node = helper.make_node(op, names, ["y"], **(attrs or {}))
    model = om.make_model([node], [om.fin(n, list(a.shape)) for n, a in inputs], [om.fout("y")],
                          [om.const(n, a) for n, a in consts], opset=opset)
    return compare_with_ort(model, {k: np.asarray(v, np.float32) for k, v in feeds.items()})


def rand(rng, *shape):
    return np.asarray(rng.normal(0, 1, size=shape), np.float32)


@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div", "Pow"])
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_binary_broadcast(op, seed):
    rng = np.random.default_rng(seed)
    shapes = [([2, 3, 4], [2, 3, 4]), ([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([1, 5], [3, 1, 1]), ([3, 4], [])][seed::3] + \
             [([2, 3, 4, 5], [3, 1, 1])]
    for sa, sb in shapes:
        a, b = rand(rng, *sa), rand(rng, *sb)
        if op == "Pow":
            a = np.abs(a) + 0.5
        if op == "Div":
            b = np.sign(b) * (np.abs(b) + 0.5)
        run_single(op, [("a", a), ("b", b)])


@pytest.mark.parametrize("op,attrs", [("Relu", {}), ("LeakyRelu", {"alpha": 0.2}), ("Sigmoid", {}),
                                      ("Tanh", {}), ("Erf", {}), ("Identity", {}), ("Sqrt", {})])
def test_unary(op, attrs):
    rng = np.random.default_rng(7)
    for shape in ([7], [2, 3, 5], [2, 3, 4, 5]):
        run_single(op, [("x", rand(rng, *shape))], attrs, positive=(op == "Sqrt"))


@pytest.mark.parametrize("approx", ["none", "tanh"])
def test_gelu_opset20(approx):
    run_single("Gelu", [("x", rand(np.random.default_rng(1), 3, 17))], {"approximate": approx}, opset=20)


def test_dropout_inference_is_identity():
    run_single("Dropout", [("x", rand(np.random.default_rng(2), 4, 9))])


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax"])
@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_softmax(op, axis):
    run_single(op, [("x", rand(np.random.default_rng(axis + 5), 2, 3, 5) * 3)], {"axis": axis})


def test_softmax_legacy_opset11():
    run_single("Softmax", [("x", rand(np.random.default_rng(3), 2, 3, 4))], {"axis": 1}, opset=11)


def test_clip_opset11_and_legacy():
    rng = np.random.default_rng(4)
    x = rand(rng, 3, 8)
    run_single("Clip", [("x", x)], consts=[("lo", np.array(-0.5, np.float32)), ("hi", np.array(0.7, np.float32))])
    run_single("Clip", [("x", x)], {"min": -0.3, "max": 0.2}, opset=9)


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_gemm_attributes(seed):
    rng = np.random.default_rng(seed)
    for ta in (0, 1):
        for tb in (0, 1):
            m, k, n = rng.integers(1, 20, size=3)
            a = rand(rng, *(k, m) if ta else (m, k))
            b = rand(rng, *(n, k) if tb else (k, n))
            c = rand(rng, *[[n], [1, n], [m, n], [m, 1]][int(rng.integers(0, 4))])
            attrs = {"transA": ta, "transB": tb, "alpha": float(rng.uniform(0.5, 2)), "beta": float(rng.uniform(0.5, 2))}
            run_single("Gemm", [("a", a)], attrs, consts=[("b", b), ("c", c)])
            run_single("Gemm", [("a", a), ("b", b)], attrs)  # runtime B, no C


@pytest.mark.parametrize("sa,sb", [([5], [5, 3]), ([4, 5], [5]), ([2, 4, 5], [5, 3]), ([2, 3, 4, 5], [2, 3, 5, 6]),
                                   ([1, 4, 5], [3, 5, 2]), ([3, 1, 4, 5], [2, 5, 7]), ([70, 33], [33, 40])])
def test_matmul_broadcast(sa, sb):
    rng = np.random.default_rng(len(sa) * 10 + len(sb))
    run_single("MatMul", [("a", rand(rng, *sa)), ("b", rand(rng, *sb))])
    run_single("MatMul", [("a", rand(rng, *sa))], consts=[("b", rand(rng, *sb))])


@pytest.mark.parametrize("seed", range(8))
def test_conv_random(seed):
    rng = np.random.default_rng(100 + seed)
    group = int(rng.choice([1, 2, 4]))
    cin, cout = group * int(rng.integers(1, 4)), group * int(rng.integers(1, 4))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    sh, sw = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    dh, dw = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    pads = [int(rng.integers(0, min(k * d, 3))) for k, d in ((kh, dh), (kw, dw), (kh, dh), (kw, dw))]
    h, w = int(rng.integers(6, 14)), int(rng.integers(6, 14))
    x = rand(rng, int(rng.integers(1, 3)), cin, h, w)
    wt = rand(rng, cout, cin // group, kh, kw)
    attrs = {"group": group, "strides": [sh, sw], "dilations": [dh, dw], "pads": pads}
    if seed % 2:
        attrs["kernel_shape"] = [kh, kw]
    consts = [("w", wt)] + ([("b", rand(rng, cout))] if seed % 3 else [])
    run_single("Conv", [("x", x)], attrs, consts=consts)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("op", ["MaxPool", "AveragePool"])
def test_pool_random(op, seed):
    rng = np.random.default_rng(200 + seed)
    k = [int(rng.integers(1, 4)), int(rng.integers(1, 4))]
    s = [int(rng.integers(1, 3)), int(rng.integers(1, 3))]
    pads = [int(rng.integers(0, k[0])), int(rng.integers(0, k[1])), int(rng.integers(0, k[0])), int(rng.integers(0, k[1]))]
    attrs = {"kernel_shape": k, "strides": s, "pads": pads, "ceil_mode": int(seed % 2)}
    if op == "AveragePool":
        attrs["count_include_pad"] = int(seed % 3 == 0)
    elif seed % 3 == 0:
        attrs["dilations"] = [2, 1]
    run_single(op, [("x", rand(rng, 2, 3, int(rng.integers(5, 12)), int(rng.integers(5, 12))))], attrs)


def test_global_average_pool():
    run_single("GlobalAveragePool", [("x", rand(np.random.default_rng(5), 2, 3, 7, 5))])


def test_batchnorm_standalone():
    rng = np.random.default_rng(6)
    c = 4
    consts = [("s", rand(rng, c)), ("b", rand(rng, c)), ("m", rand(rng, c)), ("v", np.abs(rand(rng, c)) + 0.1)]
    run_single("BatchNormalization", [("x", rand(rng, 2, c, 5, 5))], {"epsilon": 1e-3}, consts=consts)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_flatten(axis):
    run_single("Flatten", [("x", rand(np.random.default_rng(8), 2, 3, 4))], {"axis": axis})


@pytest.mark.parametrize("shape", [[6, -1], [0, 12], [-1], [2, 0, 2, 2]])
def test_reshape(shape):
    run_single("Reshape", [("x", rand(np.random.default_rng(9), 2, 3, 4))], consts=[("s", np.array(shape, np.int64))])


@pytest.mark.parametrize("perm", [None, [0, 2, 1], [2, 0, 1], [1, 2, 0]])
def test_transpose(perm):
    attrs = {} if perm is None else {"perm": perm}
    run_single("Transpose", [("x", rand(np.random.default_rng(10), 2, 3, 4))], attrs)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat(axis):
    rng = np.random.default_rng(11)
    shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    for i, s in enumerate(shapes):
        s[axis] = i + 1
    run_single("Concat", [(f"x{i}", rand(rng, *s)) for i, s in enumerate(shapes)], {"axis": axis})


def test_squeeze_unsqueeze():
    rng = np.random.default_rng(12)
    x = rand(rng, 2, 1, 3, 1)
    run_single("Squeeze", [("x", x)], consts=[("axes", np.array([1, -1], np.int64))])
    run_single("Squeeze", [("x", x)])
    run_single("Squeeze", [("x", x)], {"axes": [1]}, opset=11)
    run_single("Unsqueeze", [("x", rand(rng, 2, 3))], consts=[("axes", np.array([0, 3], np.int64))])
    run_single("Unsqueeze", [("x", rand(rng, 2, 3))], {"axes": [1]}, opset=11)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather(axis):
    rng = np.random.default_rng(13)
    x = rand(rng, 4, 5, 6)
    dim = x.shape[axis]
    idx = rng.integers(-dim, dim, size=(2, 3)).astype(np.int64)
    run_single("Gather", [("x", x)], {"axis": axis}, consts=[("i", idx)])
    run_single("Gather", [("x", x)], {"axis": axis}, consts=[("i", np.array(1, np.int64))])


@pytest.mark.parametrize("seed", range(6))
def test_slice_random(seed):
    rng = np.random.default_rng(300 + seed)
    x = rand(rng, 5, 6, 7)
    axes = sorted(rng.choice(3, size=int(rng.integers(1, 4)), replace=False).tolist())
    starts, ends, steps = [], [], []
    for a in axes:
        d = x.shape[a]
        step = int(rng.choice([1, 2, -1, -2]))
        starts.append(int(rng.integers(-d - 2, d + 2)))
        ends.append(int(rng.choice([int(rng.integers(-d - 2, d + 2)), 2**62, -(2**62)])))
        steps.append(step)
    consts = [("st", np.array(starts, np.int64)), ("en", np.array(ends, np.int64)),
              ("ax", np.array(axes, np.int64)), ("sp", np.array(steps, np.int64))]
    run_single("Slice", [("x", x)], consts=consts)


@pytest.mark.parametrize("axes,keep", [([1], 1), ([0, 2], 0), (None, 1), ([-1], 0)])
def test_reduce_mean(axes, keep):
    x = rand(np.random.default_rng(14), 3, 4, 5)
    run_single("ReduceMean", [("x", x)], {"keepdims": keep, **({"axes": axes} if axes else {})})
    consts = [("axes", np.array(axes, np.int64))] if axes else []
    run_single("ReduceMean", [("x", x)], {"keepdims": keep}, consts=consts, opset=18)


@pytest.mark.parametrize("axis", [-1, 1])
def test_layer_norm(axis):
    rng = np.random.default_rng(15)
    x = rand(rng, 2, 3, 8)
    shape = list(x.shape[axis:])
    run_single("LayerNormalization", [("x", x)], {"axis": axis, "epsilon": 1e-5},
               consts=[("s", rand(rng, *shape)), ("b", rand(rng, *shape))])
    run_single("LayerNormalization", [("x", x)], {"axis": axis}, consts=[("s", rand(rng, *shape))])


def test_constant_node_and_folding():
    """Constant nodes, and a subgraph over constants folded at load."""
    rng = np.random.default_rng(16)
    c = helper.make_node("Constant", [], ["c"], value=om.const("cv", rand(rng, 4)))
    t = helper.make_node("Mul", ["c", "k"], ["ck"])
    y = helper.make_node("Add", ["x", "ck"], ["y"])
    model = om.make_model([c, t, y], [om.fin("x", ["N", 4])], [om.fout("y")], [om.const("k", rand(rng, 4))])
    compare_with_ort(model, {"x": rand(rng, 3, 4)})
