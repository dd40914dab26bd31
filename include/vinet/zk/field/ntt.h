// Radix-2 number-theoretic transform over Goldilocks (two-adicity 32).
//
// Ntt(a) replaces a[0..n) (n a power of two, n <= 2^32) by its evaluations
// a_hat[k] = sum_j a[j] * w^(j*k), w = Fp::RootOfUnity(log2 n), in natural
// order. InverseNtt undoes it. Both run in place: a decimation-in-frequency
// pass that recurses into halves once a block no longer fits in cache, then a
// bit-reversal permutation. Twiddles are precomputed once per size and shared
// (thread-safe). `threads` > 1 splits the top levels across threads.
// A size that is not a power of two is a caller bug (asserted).
#pragma once

#include <span>

#include "vinet/zk/field/goldilocks.h"

namespace vinet::zk {

void Ntt(std::span<Fp> a, unsigned threads = 1);
void InverseNtt(std::span<Fp> a, unsigned threads = 1);

// Forward transform without the final permutation: the output is in
// bit-reversed order. Cheaper; used where only a fixed, agreed order matters
// (Reed-Solomon codewords).
void NttBitReversed(std::span<Fp> a, unsigned threads = 1);

// NttBitReversed for input whose entries from `prefix_len` (a power of two)
// on are zero, as in Reed-Solomon encoding: the levels that only multiply by
// twiddles are done as such, and write those entries before any read, so
// they need not be zeroed (any content gives the same output). Same output
// as NttBitReversed; `threads` > 1 splits those levels and then the
// independent blocks across threads.
void NttBitReversedPadded(std::span<Fp> a, size_t prefix_len, unsigned threads = 1);

// Reference O(n^2) transform, for tests.
std::vector<Fp> NaiveDft(std::span<const Fp> a);

}  // namespace vinet::zk
