#!/usr/bin/env python3
"""llama.cpp (llama-cpp-python) side of bench/llm/run.sh: the same measurement
as llm_bench (prefill of P fixed token ids in one call, then D greedy
single-token decode steps) on the same GGUF file. Prints one JSON object."""
import argparse
import json
import resource
import time

import numpy as np
from llama_cpp import Llama

ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--prompt", type=int, default=128)
ap.add_argument("--decode", type=int, default=64)
a = ap.parse_args()
llm = Llama(model_path=a.model, n_ctx=a.prompt + a.decode, n_batch=512, n_threads=a.threads,
            n_threads_batch=a.threads, verbose=False)
vocab = llm.n_vocab()
tokens = [(1000 + 7919 * i) % vocab for i in range(a.prompt)]
c0, t0 = time.process_time(), time.perf_counter()
llm.eval(tokens)
t1, c1 = time.perf_counter(), time.process_time()
for _ in range(a.decode):
    best = int(np.argmax(llm.scores[llm.n_tokens - 1]))
    llm.eval([best])
t2, c2 = time.perf_counter(), time.process_time()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(json.dumps({"engine": "llama.cpp", "threads": a.threads, "prompt": a.prompt, "decode": a.decode,
                  "prefill_tok_s": round(a.prompt / (t1 - t0), 2),
                  "decode_tok_s": round(a.decode / (t2 - t1), 2),
                  # per CPU-second of the process (all threads): steadier on a shared machine
                  "prefill_cpu_tok_s": round(a.prompt / (c1 - c0), 2),
                  "decode_cpu_tok_s": round(a.decode / (c2 - c1), 2), "peak_rss_mb": round(rss, 1)}))
