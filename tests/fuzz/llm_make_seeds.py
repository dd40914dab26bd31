#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_llm_gguf (tests/fuzz/corpus/llm_gguf/):
small valid GGUF files written by the `gguf` PyPI package, with the value
types and tensor types real models use. Deterministic; each file < 16 KB."""
import os
import sys

import numpy as np
import gguf
from gguf import GGUFValueType as V, GGMLQuantizationType as T

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "corpus", "llm_gguf")
os.makedirs(out, exist_ok=True)


def tiny(name, alignment=0, tensors=(), tokens=False, template=False):
    rng = np.random.default_rng(7)
    w = gguf.GGUFWriter(os.path.join(out, name), "llama")
    if alignment:
        w.add_custom_alignment(alignment)
    w.add_name("seed")
    w.add_context_length(128)
    w.add_block_count(1)
    w.add_key_value("llama.attention.layer_norm_rms_epsilon", 1e-5, V.FLOAT32)
    w.add_key_value("test.i64", -7, V.INT64)
    w.add_key_value("test.f64", 0.5, V.FLOAT64)
    w.add_key_value("test.flag", True, V.BOOL)
    if tokens:
        w.add_tokenizer_model("gpt2")
        w.add_token_list(["<|im_start|>", "<|im_end|>", "a", "b", "\u0120a", "ab"])
        w.add_token_types([3, 3, 1, 1, 1, 1])
        w.add_token_merges(["a b", "\u0120 a"])
        w.add_bos_token_id(0)
    if template:
        w.add_chat_template("{% for message in messages %}{{'<|im_start|>' + message['role'] + "
                            "'\\n' + message['content'] + '<|im_end|>\\n'}}{% endfor %}")
    for tname, qt, shape in tensors:
        if qt in (T.F32, T.F16):
            x = rng.standard_normal(shape, dtype=np.float32)
            w.add_tensor(tname, x.astype(np.float16) if qt == T.F16 else x)
        elif qt in (T.Q4_K, T.Q6_K):
            be, bb = gguf.GGML_QUANT_SIZES[qt]
            q = rng.integers(0, 256, size=(shape[0], shape[1] // be * bb), dtype=np.uint8)
            w.add_tensor(tname, q, raw_dtype=qt)
        else:
            q = gguf.quants.quantize(rng.standard_normal(shape, dtype=np.float32), qt)
            w.add_tensor(tname, q, raw_shape=q.shape, raw_dtype=qt)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


tiny("header_only.gguf")
tiny("tokenizer.gguf", tokens=True, template=True)
tiny("f32_f16.gguf", tensors=[("a.weight", T.F32, (2, 8)), ("b.weight", T.F16, (3, 4))])
tiny("quant.gguf", alignment=64, tensors=[("q8.weight", T.Q8_0, (2, 32)),
                                          ("q4.weight", T.Q4_0, (1, 32)),
                                          ("q41.weight", T.Q4_1, (1, 64))])
tiny("kquant.gguf", tensors=[("k4.weight", T.Q4_K, (1, 256)), ("k6.weight", T.Q6_K, (2, 256)),
                             ("norm.weight", T.F32, (4,))])
