// Soundness error bounds of the protocols, as -log2(error) ("bits").
//
// |F| is the challenge field Fp2 (p^2 elements, log2 |F| = 127.99...). The
// formulas are stated and derived in docs/zk.md; the code computes the bits
// from them so that parameters and documentation cannot drift apart.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>

namespace vinet::zk {

// log2 |Fp2|.
double ExtensionFieldBits();

// Sumcheck with `rounds` variables and round degree `degree`:
// error <= degree * rounds / |F|.
double SumcheckSoundnessBits(size_t degree, size_t rounds);

// LogUp-GKR over 2^witness_vars witness rows and 2^table_vars table rows:
// error <= (N_w + N_t)/|F| (alpha, beta: the cleared-denominator identity is
// a polynomial of total degree <= N_w + N_t in (alpha, beta))
//        + sum_{k=1}^{L-1} (3k + 2)/|F| (layer sumchecks, lambda, mu).
// num_columns does not change the bound; it is kept for callers' clarity.
double LogUpSoundnessBits(size_t witness_vars, size_t table_vars, size_t num_columns);

// A LogUp-GKR batch (lookup/logup_gkr.h) of I instances, instance i over
// 2^w_i witness rows and 2^t_i table rows (vars[i] = {w_i, t_i}), all on one
// tree of depth L = 1 + max_i max(w_i, t_i):
// error <= sum_i (N_w,i + N_t,i)/|F| (alpha, beta, per instance)
//        + sum_{k=1}^{L-1} (3k + (2I - 1) + 1)/|F| (the layer sumcheck, the
//          lambda combination of 2I claims: a polynomial of degree 2I - 1 in
//          lambda; mu: one instance whose claim is false stays false).
// I = 1 gives LogUpSoundnessBits.
double LogUpBatchSoundnessBits(std::span<const std::array<size_t, 2>> vars);

// Union bound: -log2(sum_i 2^-bits_i).
double CombineSoundnessBits(std::initializer_list<double> bits);

}  // namespace vinet::zk
