"""Every example in python/examples/ and the notebook python/examples/quickstart.ipynb
run against a real devnet, as a user runs them (a separate process, the devnet
directory as their only argument), and their output must say that what they did
was verified and settled. The devnet is the demo's: one validator, an enclave
emulator and a node serving the demo MLP, the ZKML demo MLP and SmolLM2
(scripts/demo.sh). Examples that rot fail here.

Wall time: about a minute (devnet up ~10 s, the examples ~40 s, the notebook ~10 s)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import running
from chat_devnet import smollm2_path
from devnet import ROOT, Devnet, node_and_enclave_pids, vinet

EXAMPLES = os.path.join(ROOT, "python", "examples")

try:
    import vinet as sdk
except ImportError:  # reported by the sdk fixture
    sdk = None


class ExamplesDevnet(Devnet):
    """`vinet devnet up` with the demo's three models."""

    def up(self):
        demo, zkml = self.dir + "-demo.onnx", self.dir + "-zkml.onnx"
        make = os.path.join(ROOT, "scripts", "make_demo_model.py")
        subprocess.run([sys.executable, make, demo], check=True)
        subprocess.run([sys.executable, make, "--zkml", zkml], check=True)
        vinet("devnet", "up", "--dir", self.dir, "--validators", self.validators,
              "--block-time", self.block_time, "--timeout", 90, "--model", demo,
              "--model", zkml, "--model", smollm2_path())
        self.state = self.status()
        return self

    def all_pids(self):
        return super().all_pids() + node_and_enclave_pids(self.dir)


@pytest.fixture(scope="module")
def net(vinet_bin, tmp_path_factory):
    n = ExamplesDevnet(tmp_path_factory.mktemp("examples") / "net", validators=1,
                       block_time="300ms")
    yield from running(n)


@pytest.fixture(scope="module")
def client(net):
    if sdk is None:
        pytest.fail("the vinet SDK is not installed: pip install ./python (docs/sdk.md)")
    c = sdk.Client.from_devnet(net.dir)
    yield c
    c.close()


def run_example(name, *args, timeout=240):
    """Runs python/examples/NAME with this interpreter; returns (code, stdout + stderr)."""
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, name), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)
    print(f"$ {name} {' '.join(map(str, args))}\n{proc.stdout}{proc.stderr}")  # shown on failure
    return proc.returncode, proc.stdout + proc.stderr


def test_quickstart_runs_every_mode_of_every_model(net, client):
    models = [m for m in client.models() if m.kind == "onnx"]
    expected = sum(len(m.modes) for m in models)
    assert any("ZKML" in m.modes for m in models)  # the mode it once crashed on
    code, out = run_example("quickstart.py", "--devnet", net.dir)
    assert code == 0, out
    assert f"{expected} inferences verified and settled" in out, out
    for m in models:
        for mode in m.modes:
            assert f"{mode:8s} {m.name}:" in out, (mode, m.name, out)
    assert out.count(" SETTLED at height ") == expected, out
    assert "zkml proof checked" in out, out  # the ZKML proof was fetched and verified


def test_async_batch(net):
    code, out = run_example("async_batch.py", "--devnet", net.dir, "--count", 4)
    assert code == 0, out
    assert "4/4 verified and settled" in out, out


def test_zkml_inference(net):
    code, out = run_example("zkml_inference.py", "--devnet", net.dir)
    assert code == 0, out
    assert "both ZKML inferences: proofs verified locally, settled on chain" in out, out


def test_chat_stream(net):
    code, out = run_example("chat_stream.py", "--devnet", net.dir, "--model", smollm2_path(),
                            "--max-tokens", 16, "--seed", 3)
    assert code == 0, out
    assert "settled       SETTLED at height" in out, out
    assert "match the receipt" in out, out


def saved_result(client, model, tmp_path, tamper=False):
    from vinet.tensors import to_json
    inputs = {n: np.full([max(1, d) for d in s], 0.25, dtype=np.float32)
              for n, s in model.inputs.items()}
    r = client.infer(model.model_id, inputs, mode="vanilla")
    outputs = to_json(r.output)
    if tamper:
        first = sorted(outputs)[0]
        outputs[first]["data"][0] += 1.0
    path = tmp_path / ("tampered.json" if tamper else "saved.json")
    path.write_text(json.dumps({"inference_id": r.inference_id, "model_id": r.model_id,
                                "mode": r.mode, "input_hash": r.input_hash.hex(),
                                "outputs": outputs, "receipt": r.receipt}))
    return path


def test_verify_receipt_offline(client, tmp_path):
    model = next(m for m in client.models() if m.kind == "onnx" and "VANILLA" in m.modes)
    code, out = run_example("verify_receipt.py", saved_result(client, model, tmp_path))
    assert code == 0 and out.strip() == "verified", out
    code, out = run_example("verify_receipt.py", saved_result(client, model, tmp_path, True))
    assert code == 1 and "NOT verified" in out, out


def test_notebook(net, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(os.path.join(EXAMPLES, "quickstart.ipynb"), as_version=4)
    monkeypatch.setenv("VINET_DEVNET", net.dir)  # the kernel inherits the environment
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "".join(o.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for o in cell.get("outputs", []))
    assert "TEE: output hash, node signature, enclave signature, attestation checked" in text, text
    assert text.count("SETTLED at height") == 2, text  # the TEE and the ZKML inference
    assert "zkml proof checked" in text, text


def test_readme_python_lines(net, tmp_path):
    """The README's "Run your own model" Python, as written, from a directory
    whose .vinet/devnet is this devnet (its first model is the demo MLP)."""
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    section = readme[readme.index("## Run your own model"):]
    code = section[section.index("```python\n") + len("```python\n"):]
    code = code[:code.index("```")]
    assert len(code.strip().splitlines()) == 5, code
    (tmp_path / ".vinet").mkdir()
    os.symlink(net.dir, tmp_path / ".vinet" / "devnet")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    print(proc.stdout + proc.stderr)
    assert proc.returncode == 0, proc.stderr
    # wait="settled": the settlement itself was proven (light client + Merkle proof).
    assert ("TEE: output hash, node signature, enclave signature, attestation, settlement proof "
            "checked") in proc.stdout, proc.stdout
    assert proc.stdout.rstrip().endswith("SETTLED"), proc.stdout
