#!/usr/bin/env python3
"""Tokenizer throughput, vinet vs llama.cpp, same GGUF file, same text, same
run. The text is record_tokenizer.py's corpus (valid UTF-8 strings) plus
Python's own source files, repeated to --mb megabytes.

  python3 bench/llm/tokenizer_vs_llamacpp.py [--bench build/release/bench/bench_llm_tokenizer]
      [--model SMOLLM2.gguf] [--mb 2] [--iterations 5]

Prints one JSON object; "ratio" is vinet's encode speed over llama.cpp's
(> 1: vinet faster). Also checks both produced the same ids (FNV-1a of the id sequence).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import record_tokenizer  # noqa: E402


def build_text(mb):
    parts = [t for t in record_tokenizer.corpus()]
    parts = [p for p in parts if _valid(p)]
    src_dir = os.path.dirname(os.__file__)
    for name in sorted(os.listdir(src_dir))[:60]:
        if name.endswith(".py"):
            with open(os.path.join(src_dir, name), "rb") as f:
                parts.append(f.read())
    blob = b"\n".join(parts)
    reps = max(1, int(mb * 1e6 // len(blob)) + 1)
    return (blob * reps)[: int(mb * 1e6)].decode("utf-8", "ignore").encode("utf-8")


def fnv1a_ids(ids):
    h = 1469598103934665603
    for i in ids:
        for b in (i & 0xFFFFFFFF).to_bytes(4, "little"):
            h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def _valid(b):
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="build/release/bench/bench_llm_tokenizer")
    ap.add_argument("--model", default=record_tokenizer.smollm2_path())
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--iterations", type=int, default=5)
    args = ap.parse_args()
    text = build_text(args.mb)
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        ours = json.loads(subprocess.run([args.bench, args.model, path, str(args.iterations)], check=True,
                                         capture_output=True, text=True).stdout)
    finally:
        os.unlink(path)

    import llama_cpp
    t0 = time.perf_counter()
    llm = llama_cpp.Llama(model_path=args.model, vocab_only=True, verbose=False)
    load_s = time.perf_counter() - t0
    best = 1e30
    ids = None
    for _ in range(args.iterations):
        a = time.perf_counter()
        ids = llm.tokenize(text, add_bos=False, special=False)
        best = min(best, time.perf_counter() - a)
    result = {
        "bytes": len(text),
        "tokens": ours["tokens"],
        "same_ids": ours["ids_fnv1a"] == fnv1a_ids(ids),
        "vinet_encode_s": ours["encode_s"],
        "llamacpp_encode_s": best,
        "vinet_mb_per_s": ours["mb_per_s"],
        "llamacpp_mb_per_s": len(text) / best / 1e6,
        "ratio": best / ours["encode_s"],
        "vinet_load_s": ours["read_vocab_s"] + ours["create_s"],
        "llamacpp_vocab_load_s": load_s,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
