#!/usr/bin/env python3
# Expected size of one Basefold opening (bytes) for a round schedule, by
# Monte-Carlo over the query sets: first-round leaves (num_polys base-field
# symbols per coset position), later-round leaves without the implicit folded
# symbols, the exact multi-proof node counts (MerkleTree::MultiProof), the
# sumcheck, the later-round roots, the 2^f final polynomial (Fp4) and the
# counts. Used to pick the schedule of the conjectured sets (docs/zk.md
# "Conjectured regime", "Schedule at t = 29"); it does not run the scheme.
# Usage: basefold_size_model.py N T POLYS SAMPLES [K]
#   N: committed variables (hiding: n + p), T: queries, POLYS: polynomials in
#   the first-round leaves (hiding: 1 + 4 masks), K: log2 inverse rate (4).
import random
import sys


def shape(n, first, fold, f):
    f = min(f, n - 1)
    v = n - f
    first = min(first, v)
    arity = [first]
    rest = v - first
    rounds = (rest + fold - 1) // fold
    for i in range(rounds):
        arity.append(rest // rounds + (1 if i < rest % rounds else 0))
    return f, v, arity


def multiproof(depth, leaves):
    nodes = 0
    for _ in range(depth):
        s = set(leaves)
        nodes += sum(1 for i in leaves if (i ^ 1) not in s)
        leaves = sorted(set(i >> 1 for i in leaves))
    return nodes


def expected_bytes(n, k, first, fold, f, t, polys, samples, rng):
    f, v, arity = shape(n, first, fold, f)
    log_len = n + k
    fixed = 4 + 64 * v + 4 + 32 * (len(arity) - 1) + 4 + 32 * 2**f + 8
    total = 0
    for _ in range(samples):
        sets = [sorted(rng.sample(range(2 ** (log_len - arity[0])), t))]
        for a in arity[1:]:
            sets.append(sorted(set(i >> a for i in sets[-1])))
        size, length = fixed, log_len
        for r, a in enumerate(arity):
            w = 2**a
            if r == 0:
                size += len(sets[0]) * polys * w * 8
            else:
                size += (len(sets[r]) * w - len(sets[r - 1])) * 32
            size += 8 + 32 * multiproof(length - a, sets[r])
            length -= a
        total += size
    return total / samples


if __name__ == "__main__":
    n, t, polys, samples = (int(x) for x in sys.argv[1:5])
    k = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    rng = random.Random(1)
    rows = []
    for first in range(1, 7):
        for fold in range(1, 6):
            for f in range(3, 10):
                rows.append((expected_bytes(n, k, first, fold, f, t, polys, samples, rng), first,
                             fold, f, shape(n, first, fold, f)[2]))
    rows.sort()
    for r in rows[:10]:
        print("%.0f first=%d fold=%d final=%d arity=%s" % r)
