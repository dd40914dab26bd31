"""Hostile registrants on a 4-validator devnet, through the CLI: a key under
the 100-bit soundness floor (query bits 80: ~79 bits overall) can only be
committed as an explicit experiment, `zk verify` refuses it, and the chain
refuses its registration with code 37 (key_below_security_floor)."""
import json

import onnx_models
from devnet import vinet


def test_weak_key_is_refused_by_commit_verify_and_the_chain(devnet, tmp_path):
    model = onnx_models.save(onnx_models.mlp(1), tmp_path / "mlp.onnx")
    weak = ["--security-bits", 80, "--log-inv-rate", 2]
    refused = vinet("zk", "commit", model, "--out", tmp_path / "weak.vzk", *weak, check=False)
    assert refused.returncode == 1 and "below the 100-bit floor" in refused.stderr
    made = vinet("zk", "commit", model, "--out", tmp_path / "weak.vzk", *weak,
                 "--insecure-experiment")
    assert "insecure experiment" in made.stderr
    vinet("zk", "export-vk", tmp_path / "weak.vzk", "--out", tmp_path / "weak.vk")
    x = tmp_path / "in.json"
    x.write_text(json.dumps({"x": onnx_models.random_input([784], 1, seed=3).tolist()}))
    vinet("zk", "prove", tmp_path / "weak.vzk", "--input", x, "--out", tmp_path / "p.bin",
          "--output", tmp_path / "out.json")
    verify = vinet("zk", "verify", tmp_path / "weak.vk", "--input", x, "--output",
                   tmp_path / "out.json", "--proof", tmp_path / "p.bin", check=False)
    assert verify.returncode == 1 and "below the 100-bit floor" in verify.stderr
    assert "valid" not in verify.stdout

    reg = vinet("tx", "register-model", "--key", devnet.dev_key, "--model-id", "weak-zk",
                "--name", "weak", "--fee-per-inference", 5, "--mode", "zkml", "--zkml-vk",
                tmp_path / "weak.vk", "--chain", devnet.rpc_url(0), "--json", check=False)
    assert reg.returncode == 1, reg.stdout
    assert "code 37 (key_below_security_floor)" in reg.stderr, reg.stderr
    assert "bits of soundness, below the 100-bit floor" in reg.stderr
    code, _, _ = devnet.query(1, "model", "weak-zk")
    assert code != 0  # not registered
