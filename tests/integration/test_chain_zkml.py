"""The chain's ZKML interface on a 4-validator devnet, through the CLI:
RegisterModel with a verifying key (stored, metered, served by queries on
every validator), its rejections, and CheckTx's early refusal of a proof for
an unknown claim. Settlement itself needs the node (test_node_zkml*)."""
import json

import onnx_models
from devnet import new_key, vinet, vinet_json


def zkml_files(tmp_path):
    model = onnx_models.save(onnx_models.mlp(1), tmp_path / "mlp.onnx")
    vinet("zk", "commit", model, "--out", tmp_path / "mlp.vzk")
    model_id = vinet("zk", "export-vk", tmp_path / "mlp.vzk", "--out",
                     tmp_path / "mlp.vk").stdout.strip()
    vinet("zk", "prove", tmp_path / "mlp.vzk", "--input", write_input(tmp_path), "--out",
          tmp_path / "p.bin", "--output", tmp_path / "out.json")
    return model_id


def write_input(tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"x": onnx_models.random_input([784], 1, seed=3).tolist()}))
    return path


def test_register_zkml_model_and_fetch_its_key(devnet, tmp_path, ledger):
    model_id = zkml_files(tmp_path)
    key, addr = new_key(tmp_path, "zk-owner")
    # The registration pays for its bytes and the weight-range proof's verify units.
    out, _ = devnet.transfer(devnet.dev_key, addr, 1000)
    ledger.append({"hash": out["hash"], "to": addr, "amount": 1000})
    opts = ["--key", key, "--chain", devnet.rpc_url(0), "--json"]
    base = ["tx", "register-model", "--model-id", "mlp-zk", "--name", "mlp",
            "--fee-per-inference", 5, "--mode", "zkml"]
    missing = vinet(*base, *opts, check=False)
    assert missing.returncode == 1 and "code 9 (invalid_message)" in missing.stderr
    assert "zkml_verifying_key: required for MODE_ZKML" in missing.stderr
    cut = tmp_path / "cut.vk"
    cut.write_bytes((tmp_path / "mlp.vk").read_bytes()[:-1])
    bad = vinet(*base, "--zkml-vk", cut, *opts, check=False)
    assert bad.returncode == 1 and "code 9 (invalid_message)" in bad.stderr
    # The key without its weight-range proof (export-vk wrote mlp.vk.range).
    empty = tmp_path / "empty.range"
    empty.write_bytes(b"")
    no_range = vinet(*base, "--zkml-vk", tmp_path / "mlp.vk", "--zkml-range-proof", empty, *opts,
                     check=False)
    assert no_range.returncode == 1 and "code 38 (weight_range_invalid)" in no_range.stderr
    reg = json.loads(vinet(*base, "--zkml-vk", tmp_path / "mlp.vk", *opts).stdout)
    assert reg["code"] == 0
    devnet.wait_height(3, reg["height"] + 1)
    vk_hex = (tmp_path / "mlp.vk").read_bytes().hex()
    for i in range(4):
        model = vinet_json("query", "model", "mlp-zk", "--chain", devnet.rpc_url(i), "--json")
        assert model["zkml_model_id"] == model_id and model["modes"] == ["ZKML"]
        assert model["zkml_verify_cost"] > 0
        served = vinet_json("query", "zkml-key", "mlp-zk", "--chain", devnet.rpc_url(i), "--json")
        assert served["verifying_key"] == vk_hex
        assert served["zkml_verify_cost"] == model["zkml_verify_cost"]
    params = vinet_json("query", "params", "--chain", devnet.rpc_url(0), "--json")
    assert model["zkml_verify_cost"] <= params["max_block_verify_units"]
    # One fee (CheckTx refusals pay none): bytes, min_fee and the range proof's units.
    fee = 1000 - devnet.account(0, addr)["balance"]
    assert fee > params["min_fee"]
    ledger.append({"hash": None, "to": addr, "amount": -fee})


def test_proof_for_unknown_claim_refused_by_checktx(devnet, tmp_path):
    zkml_files(tmp_path)
    inputs = tmp_path / "inputs.bin"
    inputs.write_bytes(b"\x80")  # canonical encoding of no tensors
    p = vinet("tx", "submit-proof", "--key", devnet.dev_key, "--chain", devnet.rpc_url(1),
              "--inference-id", "ab" * 32, "--inputs", inputs, "--proof", tmp_path / "p.bin",
              check=False)
    assert p.returncode == 1 and "code 23 (claim_not_found)" in p.stderr, p.stderr
