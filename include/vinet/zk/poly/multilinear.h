// Dense multilinear polynomials over {0,1}^n, stored as their 2^n evaluations.
//
// Variable order is little-endian: bit k of an evaluation index is the value
// of x_k, so f[i] = f(bit_0(i), ..., bit_{n-1}(i)) and a point is
// (r_0, ..., r_{n-1}). Folding fixes x_0 first; sumcheck binds variables in
// the same order, so its challenge vector is directly an evaluation point.
// Sizes must be powers of two matching the point length (asserted: a
// mismatch is a caller bug, not untrusted input).
#pragma once

#include <span>
#include <vector>

#include "vinet/zk/field/extension.h"

namespace vinet::zk {

// eq(r, x) = prod_k (r_k x_k + (1 - r_k)(1 - x_k)) for all x in {0,1}^n.
std::vector<Fp2> EqTable(std::span<const Fp2> point, unsigned threads = 1);

// eq(a, b) for two points of equal length, in O(n).
Fp2 EqEval(std::span<const Fp2> a, std::span<const Fp2> b);

// The multilinear extension of `evals` at `point`, in O(2^n).
Fp2 EvaluateMle(std::span<const Fp> evals, std::span<const Fp2> point);
Fp2 EvaluateMle(std::span<const Fp2> evals, std::span<const Fp2> point);

// f(r, x_1, ..., x_{n-1}): halves the table in place (n >= 1).
void FoldFirstVariable(std::vector<Fp2>& evals, Fp2 r, unsigned threads = 1);
// Same for a base-field table; the result lives in the extension.
std::vector<Fp2> FoldFirstVariable(std::span<const Fp> evals, Fp2 r, unsigned threads = 1);

// The table of n >= k variables that depends on the last k only: entry i is
// table[i >> (n - k)] (table has 2^k values).
std::vector<Fp> LiftToLastVars(std::span<const Fp> table, size_t num_vars);

// Lifts a base-field table into the extension.
std::vector<Fp2> ToExtension(std::span<const Fp> evals);

}  // namespace vinet::zk
