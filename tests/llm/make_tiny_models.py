#!/usr/bin/env python3
"""Writes tiny random-weight llama-family GGUF models for the LLM unit tests.

Usage: make_tiny_models.py OUTDIR          (the unit-test models)
       make_tiny_models.py --mini OUTDIR   (fuzz seeds: 1 layer, width 32)
       make_tiny_models.py --bench OUTDIR  (benchmark models: 12 layers, width
                                            768, ~75M parameters, in Q4_K,
                                            Q6_K and Q8_0: shapes and weight
                                            types unlike SmolLM2's)

One llama model per weight type (F32, F16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K), a
qwen2 model (q/k/v biases, NEOX rope), and two models the engine must refuse
(an unknown architecture, an unsupported weight type). Weights are seeded
random numbers, quantized with gguf.quants where it can (F16, Q8_0, Q4_0,
Q4_1) and otherwise written as valid random blocks with sane f16 scales
(Q4_K, Q6_K). The vocabulary is GPT-2 byte-level: the 256 byte tokens, a few
merges and three control tokens.
"""
import os
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q

N_EMBD, N_HEAD, N_HEAD_KV, N_FF, N_LAYER, N_CTX = 256, 4, 2, 512, 2, 256
HEAD_DIM = N_EMBD // N_HEAD


def byte_tokens():
    keep = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    mapping, n = {}, 0
    for b in range(256):
        if b in keep:
            mapping[b] = chr(b)
        else:
            mapping[b] = chr(256 + n)
            n += 1
    return [mapping[b] for b in range(256)]


def vocab():
    tokens = byte_tokens()
    merges = ["Ġ t", "h e", "Ġt he", "i n", "e r", "Ġ a", "o n", "r e"]
    for m in merges:
        tokens.append(m.replace(" ", ""))
    types = [1] * len(tokens)
    for special in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]:
        tokens.append(special)
        types.append(3)
    return tokens, types, merges


def quantize(rng, data, qtype):
    """data: float32 (rows, cols) -> array for GGUFWriter.add_tensor."""
    if qtype == Q.F32:
        return data.astype(np.float32), None
    if qtype == Q.F16:
        return data.astype(np.float16), None
    if qtype in (Q.Q8_0, Q.Q4_0, Q.Q4_1, Q.Q5_0):
        return gguf.quants.quantize(data, qtype), qtype
    rows, cols = data.shape
    nb = cols // 256
    if qtype == Q.Q4_K:
        raw = rng.integers(0, 256, size=(rows, nb, 144), dtype=np.uint8)
        d = rng.uniform(0.5e-4, 1.5e-4, size=(rows, nb)).astype(np.float16)
        dmin = rng.uniform(2e-4, 8e-4, size=(rows, nb)).astype(np.float16)
        raw[:, :, 0:2] = d.view(np.uint8).reshape(rows, nb, 2)
        raw[:, :, 2:4] = dmin.view(np.uint8).reshape(rows, nb, 2)
        return raw.reshape(rows, nb * 144), qtype
    if qtype == Q.Q6_K:
        raw = rng.integers(0, 256, size=(rows, nb, 210), dtype=np.uint8)
        d = rng.uniform(0.5e-5, 1.5e-5, size=(rows, nb)).astype(np.float16)
        raw[:, :, 208:210] = d.view(np.uint8).reshape(rows, nb, 2)
        return raw.reshape(rows, nb * 210), qtype
    raise ValueError(qtype)


def write_model(path, arch, qtype, seed, tied=True, bias=False):
    global N_EMBD, N_HEAD, N_HEAD_KV, N_FF, N_LAYER, N_CTX, HEAD_DIM
    rng = np.random.default_rng(seed)
    tokens, types, merges = vocab()
    n_vocab = len(tokens)
    w = gguf.GGUFWriter(path, arch)
    w.add_block_count(N_LAYER)
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD_KV)
    w.add_rope_dimension_count(HEAD_DIM)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(n_vocab - 3)
    w.add_eos_token_id(n_vocab - 3)
    w.add_add_bos_token(False)

    def mat(name, rows, cols, scale):
        data = rng.normal(0.0, scale, size=(rows, cols)).astype(np.float32)
        arr, raw = quantize(rng, data, qtype)
        if raw is None:
            w.add_tensor(name, arr)
        else:
            w.add_tensor(name, arr, raw_dtype=raw)

    def vec(name, n, center, scale):
        w.add_tensor(name, (center + rng.normal(0.0, scale, size=n)).astype(np.float32))

    mat("token_embd.weight", n_vocab, N_EMBD, 0.5)
    vec("output_norm.weight", N_EMBD, 1.0, 0.1)
    if not tied:
        mat("output.weight", n_vocab, N_EMBD, 0.1)
    kv = N_HEAD_KV * HEAD_DIM
    for layer in range(N_LAYER):
        p = f"blk.{layer}."
        vec(p + "attn_norm.weight", N_EMBD, 1.0, 0.1)
        mat(p + "attn_q.weight", N_EMBD, N_EMBD, 0.1)
        mat(p + "attn_k.weight", kv, N_EMBD, 0.1)
        mat(p + "attn_v.weight", kv, N_EMBD, 0.1)
        if bias:
            vec(p + "attn_q.bias", N_EMBD, 0.0, 0.1)
            vec(p + "attn_k.bias", kv, 0.0, 0.1)
            vec(p + "attn_v.bias", kv, 0.0, 0.1)
        mat(p + "attn_output.weight", N_EMBD, N_EMBD, 0.05)
        vec(p + "ffn_norm.weight", N_EMBD, 1.0, 0.1)
        mat(p + "ffn_gate.weight", N_FF, N_EMBD, 0.1)
        mat(p + "ffn_up.weight", N_FF, N_EMBD, 0.1)
        mat(p + "ffn_down.weight", N_EMBD, N_FF, 0.05)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main():
    global N_EMBD, N_HEAD, N_HEAD_KV, N_FF, N_LAYER, N_CTX, HEAD_DIM
    if sys.argv[1] == "--mini":
        out = sys.argv[2]
        os.makedirs(out, exist_ok=True)
        N_EMBD, N_HEAD, N_HEAD_KV, N_FF, N_LAYER, N_CTX = 32, 2, 1, 64, 1, 16
        HEAD_DIM = N_EMBD // N_HEAD
        write_model(os.path.join(out, "mini_llama_q8_0.gguf"), "llama", Q.Q8_0, 1)
        write_model(os.path.join(out, "mini_llama_q4_1.gguf"), "llama", Q.Q4_1, 2, tied=False)
        write_model(os.path.join(out, "mini_qwen2_f16.gguf"), "qwen2", Q.F16, 3, bias=True)
        return
    if sys.argv[1] == "--bench":
        out = sys.argv[2]
        os.makedirs(out, exist_ok=True)
        N_EMBD, N_HEAD, N_HEAD_KV, N_FF, N_LAYER, N_CTX = 768, 12, 4, 2048, 12, 1024
        HEAD_DIM = N_EMBD // N_HEAD
        for i, (name, qt) in enumerate({"q4_k": Q.Q4_K, "q6_k": Q.Q6_K, "q8_0": Q.Q8_0}.items()):
            write_model(os.path.join(out, f"bench_llama_{name}.gguf"), "llama", qt, 500 + i,
                        tied=False)
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    types = {"f32": Q.F32, "f16": Q.F16, "q8_0": Q.Q8_0, "q4_0": Q.Q4_0,
             "q4_1": Q.Q4_1, "q4_k": Q.Q4_K, "q6_k": Q.Q6_K}
    for i, (name, qt) in enumerate(types.items()):
        write_model(os.path.join(out, f"llama_{name}.gguf"), "llama", qt, 100 + i,
                    tied=name not in ("q4_0", "q6_k"))
    write_model(os.path.join(out, "qwen2_q8_0.gguf"), "qwen2", Q.Q8_0, 200, tied=False, bias=True)
    write_model(os.path.join(out, "mamba_q8_0.gguf"), "mamba", Q.Q8_0, 300)
    write_model(os.path.join(out, "llama_q5_0.gguf"), "llama", Q.Q5_0, 400)


if __name__ == "__main__":
    main()
