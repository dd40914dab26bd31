"""Local ZKML verification (vinet.zkml over vinet._native.zkml) with a real key
and proof made by the vinet CLI of this tree (build/release)."""
import json
import os
import subprocess

import numpy as np
import pytest

from vinet.errors import VerificationFailed
from vinet.zkml import ZkmlKeys, verify_proof

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VINET = os.environ.get("VINET_BIN", os.path.join(ROOT, "build/release/src/cli/vinet"))


@pytest.fixture(scope="module")
def proved(tmp_path_factory):
    if not os.access(VINET, os.X_OK):
        pytest.fail(f"vinet binary not found at {VINET}: build first or set VINET_BIN")
    d = tmp_path_factory.mktemp("zkml")
    model = d / "mlp.onnx"
    subprocess.run(["python3", os.path.join(ROOT, "scripts/make_demo_model.py"), "--zkml",
                    str(model)], check=True)
    added = json.loads(subprocess.run([VINET, "model", "add", str(model), "--store", str(d / "s"),
                                       "--zkml", "--json"], check=True, capture_output=True,
                                      text=True).stdout)
    x = np.linspace(-1, 1, 16, dtype=np.float32).reshape(1, 16)
    (d / "x.json").write_text(json.dumps({"x": x.tolist()}))
    subprocess.run([VINET, "zk", "export-vk", added["zkml_package"], "--out", str(d / "vk")],
                   check=True, capture_output=True)
    subprocess.run([VINET, "zk", "prove", added["zkml_package"], "--input", str(d / "x.json"),
                    "--out", str(d / "proof"), "--output", str(d / "y.json")], check=True,
                   capture_output=True)
    y = np.array(json.loads((d / "y.json").read_text())["int8"], dtype=np.int8).reshape(1, 4)
    return ((d / "vk").read_bytes(), {"x": x}, {"y": y}, (d / "proof").read_bytes(),
            added["zkml_model_id"])


def test_valid_proof_verifies_and_any_change_fails(proved):
    vk, x, y, proof, _ = proved
    verify_proof(vk, x, y, proof)
    bad = bytearray(proof)
    bad[len(bad) // 3] ^= 4
    with pytest.raises(VerificationFailed):
        verify_proof(vk, x, y, bytes(bad))
    y2 = {"y": y["y"].copy()}
    y2["y"][0, 1] ^= 1
    with pytest.raises(VerificationFailed):
        verify_proof(vk, x, y2, proof)
    with pytest.raises(VerificationFailed):
        verify_proof(vk, {"x": x["x"] + 0.5}, y, proof)
    with pytest.raises(VerificationFailed, match="int8"):
        verify_proof(vk, x, {"y": y["y"].astype(np.float32)}, proof)
    with pytest.raises(VerificationFailed, match="input"):
        verify_proof(vk, {"x": np.zeros((1, 3), np.float32)}, y, proof)


def test_keys_cache_checks_the_model_id(proved):
    vk, _, _, _, zkml_id = proved
    keys = ZkmlKeys()
    keys.put("m", vk, zkml_id)
    assert keys.get("m") == vk
    with pytest.raises(VerificationFailed, match="not the chain's"):
        keys.put("m2", vk, "00" * 32)
    with pytest.raises(VerificationFailed):
        keys.put("m3", vk[:-1])
    assert keys.get("m2") is None and keys.get("m3") is None
