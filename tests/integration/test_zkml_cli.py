"""`vinet zk commit|export-vk|prove|verify` end to end on ONNX models."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
from onnx import helper

import onnx_models
from zkml_helpers import VINET, read_json, run, write_json


@pytest.fixture(scope="module")
def mlp(tmp_path_factory):
    if not os.access(VINET, os.X_OK):
        pytest.fail(f"vinet binary not found at {VINET}; build first or set VINET_BIN")
    d = tmp_path_factory.mktemp("zkml")
    model = onnx_models.save(onnx_models.mlp(1), d / "mlp.onnx")
    cal = [{"x": onnx_models.random_input([784], 4, seed=i).tolist()} for i in range(4)]
    write_json(d / "cal.json", cal)
    run("zk", "commit", model, "--calibration", d / "cal.json", "--out", d / "mlp.vzk")
    vk = run("zk", "export-vk", d / "mlp.vzk", "--out", d / "mlp.vk")
    for i in (1, 2):
        write_json(d / f"in{i}.json", {"x": onnx_models.random_input([784], 1, seed=10 + i).tolist()})
        run("zk", "prove", d / "mlp.vzk", "--input", d / f"in{i}.json", "--out", d / f"p{i}.bin",
            "--output", d / f"out{i}.json")
    return d, vk.stdout.strip()


def verify(d, vk="mlp.vk", inp="in1.json", out="out1.json", proof="p1.bin"):
    return run("zk", "verify", d / vk, "--input", d / inp, "--output", d / out, "--proof", d / proof,
               check=False)


def test_valid_proof_and_output_matches_quantized_runtime(mlp):
    d, model_id = mlp
    assert len(model_id) == 64 and int(model_id, 16) >= 0
    p = verify(d)
    assert p.returncode == 0 and p.stdout.strip() == "valid", p.stderr
    out = read_json(d / "out1.json")
    # The runtime's int8 path on the same input gives the same integers.
    run_out = run("run", d / "mlp.onnx", "--input", d / "in1.json", "--quantized",
                  "--calibration", d / "cal.json")
    floats = np.array(json.loads(run_out.stdout)["y"]).reshape(-1)
    assert np.allclose(floats, np.array(out["int8"]) * out["scale"], atol=1e-6)
    assert np.allclose(out["data"], np.array(out["int8"]) * out["scale"])


def test_wrong_output_input_and_replay_rejected(mlp):
    d, _ = mlp
    out = read_json(d / "out1.json")
    out["int8"][3] += 1 if out["int8"][3] < 127 else -1
    write_json(d / "bad_out.json", out)
    for args in ({"out": "bad_out.json"}, {"inp": "in2.json"},
                 {"inp": "in2.json", "out": "out2.json"}, {"out": "out2.json", "proof": "p2.bin"}):
        p = verify(d, **args)
        assert p.returncode == 1 and "valid" not in p.stdout, args
        assert "error:" in p.stderr
    assert verify(d, inp="in2.json", out="out2.json", proof="p2.bin").returncode == 0


def test_malformed_files_give_clear_errors(mlp):
    d, _ = mlp
    (d / "junk.bin").write_bytes(b"\x00" * 40)
    p = verify(d, proof="junk.bin")
    assert p.returncode == 1 and "parse" in p.stderr
    p = verify(d, vk="junk.bin")
    assert p.returncode == 1 and "vk.magic" in p.stderr
    write_json(d / "short.json", {"x": [0.0] * 10})
    p = verify(d, inp="short.json")
    assert p.returncode == 1 and "784" in p.stderr
    p = run("zk", "prove", d / "junk.bin", "--input", d / "in1.json", "--out", d / "x.bin", check=False)
    assert p.returncode == 1 and "package" in p.stderr


def test_lenet5_proves_and_verifies(tmp_path):
    d = tmp_path
    model = onnx_models.save(onnx_models.lenet5(2), d / "lenet.onnx")
    cal = [{"x": onnx_models.random_input([1, 28, 28], 4, seed=i).tolist()} for i in range(2)]
    write_json(d / "cal.json", cal)
    run("zk", "commit", model, "--calibration", d / "cal.json", "--out", d / "l.vzk")
    run("zk", "export-vk", d / "l.vzk", "--out", d / "l.vk")
    write_json(d / "in.json", {"x": onnx_models.random_input([1, 28, 28], 1, seed=7).tolist()})
    run("zk", "prove", d / "l.vzk", "--input", d / "in.json", "--out", d / "p.bin",
        "--output", d / "out.json")
    p = verify(d, vk="l.vk", inp="in.json", out="out.json", proof="p.bin")
    assert p.returncode == 0 and p.stdout.strip() == "valid", p.stderr
    out = read_json(d / "out.json")
    run_out = run("run", model, "--input", d / "in.json", "--quantized", "--calibration", d / "cal.json")
    floats = np.array(json.loads(run_out.stdout)["y"]).reshape(-1)
    assert np.allclose(floats, np.array(out["int8"]) * out["scale"], atol=1e-6)
    out["int8"][0] += 1 if out["int8"][0] < 127 else -1
    write_json(d / "bad.json", out)
    p = verify(d, vk="l.vk", inp="in.json", out="bad.json", proof="p.bin")
    assert p.returncode == 1 and "valid" not in p.stdout and "error:" in p.stderr


def test_unsupported_model_names_the_op(tmp_path):
    # A ReLU after a max-pool is not fused into a requantizing layer.
    w = onnx_models.Weights(3)
    nodes = [helper.make_node("Conv", ["x", w.add("cw", [2, 1, 3, 3]), w.add("cb", [2], 0.1)], ["c"]),
             helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Relu", ["p"], ["y"], name="relu_after_pool")]
    proto = onnx_models.make_model(nodes, [onnx_models.fin("x", ["N", 1, 8, 8])],
                                   [onnx_models.fout("y", ["N", 2, 3, 3])], w.inits, name="bad")
    model = onnx_models.save(proto, tmp_path / "bad.onnx")
    p = run("zk", "commit", model, "--out", tmp_path / "b.vzk", check=False)
    assert p.returncode == 1
    assert "relu_after_pool" in p.stderr and "Relu" in p.stderr, p.stderr


def test_private_weights_commit_prove_verify(tmp_path):
    """`zk commit --private-weights`: a version-3 key (hiding weight commitment), valid proofs
    that differ for the same input (fresh masks), a changed output rejected."""
    d = tmp_path
    model = onnx_models.save(onnx_models.mlp(2), d / "mlp.onnx")
    write_json(d / "cal.json", [{"x": onnx_models.random_input([784], 2, seed=3).tolist()}])
    run("zk", "commit", model, "--calibration", d / "cal.json", "--out", d / "p.vzk",
        "--private-weights")
    run("zk", "export-vk", d / "p.vzk", "--out", d / "p.vk")
    assert (d / "p.vk").read_bytes()[4] == 3  # key version 3: hiding
    assert (d / "p.vk").read_bytes()[-4] == 5  # PCS kind 5: hiding Basefold
    write_json(d / "in.json", {"x": onnx_models.random_input([784], 1, seed=5).tolist()})
    for i in (1, 2):
        run("zk", "prove", d / "p.vzk", "--input", d / "in.json", "--out", d / f"p{i}.bin",
            "--output", d / f"out{i}.json")
        p = verify(d, vk="p.vk", inp="in.json", out=f"out{i}.json", proof=f"p{i}.bin")
        assert p.returncode == 0 and p.stdout.strip() == "valid", p.stderr
    assert read_json(d / "out1.json") == read_json(d / "out2.json")
    assert (d / "p1.bin").read_bytes() != (d / "p2.bin").read_bytes()
    out = read_json(d / "out1.json")
    out["int8"][0] += 1 if out["int8"][0] < 127 else -1
    write_json(d / "bad.json", out)
    p = verify(d, vk="p.vk", inp="in.json", out="bad.json", proof="p1.bin")
    assert p.returncode == 1 and "error:" in p.stderr


@pytest.mark.parametrize("pcs,kind", [("basefold-fp2", 2), ("ligero", None)])
def test_pcs_choice_commits_that_scheme(tmp_path, pcs, kind):
    """`zk commit --pcs`: the key names the chosen scheme (kind 2: Basefold over Fp2; Ligero keys
    are version 2, with no kind), and its proofs verify; an unknown name is refused by name."""
    d = tmp_path
    model = onnx_models.save(onnx_models.mlp(3), d / "mlp.onnx")
    write_json(d / "cal.json", [{"x": onnx_models.random_input([784], 2, seed=4).tolist()}])
    run("zk", "commit", model, "--calibration", d / "cal.json", "--out", d / "k.vzk", "--pcs", pcs)
    run("zk", "export-vk", d / "k.vzk", "--out", d / "k.vk")
    key = (d / "k.vk").read_bytes()
    version = int.from_bytes(key[4:8], "little")
    if kind is None:
        assert version == 2, version
    else:
        assert version == 3 and int.from_bytes(key[-4:], "little") == kind
    write_json(d / "in.json", {"x": onnx_models.random_input([784], 1, seed=6).tolist()})
    run("zk", "prove", d / "k.vzk", "--input", d / "in.json", "--out", d / "p.bin",
        "--output", d / "out.json")
    p = verify(d, vk="k.vk", inp="in.json", out="out.json", proof="p.bin")
    assert p.returncode == 0 and p.stdout.strip() == "valid", p.stderr
    bad = run("zk", "commit", model, "--out", d / "x.vzk", "--pcs", "whir", check=False)
    assert bad.returncode != 0 and "--pcs: 'whir'" in bad.stderr, bad.stderr
