// Internal to src/zk/pcs: the lifted masks of a hiding Basefold commitment
// (BasefoldParams::lifted_mask_first; docs/zk.md "Lifted masks").
//
// Over the inner variables x_0..x_{N-1} (x_{N-1} the sparse pad variable),
// mask j is
//   M_j(x) = h_j(x_a, .., x_{N-1}) + sum_{l<a} x_l c_jl(x_s, .., x_{s+k-1}),
// s = N - 1 - k: h_j of N - a variables with a sparse top of q / 2^a monomial
// coefficients, c_jl of k = SlopeVars(t) variables below the pad variable
// (the first kLiftedSlopeMasks masks only; the others are h_j alone).
// Its univariate form is H_j(X^(2^a)) + sum_l X^(2^l) C_jl(X^(2^s)), so on a
// first-round coset (x^(2^a) and x^(2^s) constant) its codeword is
// H + sum_l x^(2^l) C_l: a leaf holds 1 + a symbols of it (1 without
// slopes), not 2^a, and folding the coset with r_0..r_{a-1} gives
// H + sum_l r_l C_l. Every
// mask value is uniform (the CSPRNG or a seed's stream); h_j masks every
// round after the first, the slopes c_jl the first round's a sumcheck
// messages. Owns its tables and short codewords.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "vinet/zk/field/quartic.h"
#include "vinet/zk/pcs/basefold.h"
#include "zk/pcs/basefold_fold.h"

namespace vinet::zk::detail {

struct LiftedMasks {
  size_t vars = 0;                 // N: inner variables (the pad variable last)
  size_t arity = 0;                // a: the first round's arity
  size_t slope_vars = 0;           // k
  size_t slope_masks = 0;          // the first masks, which carry slopes
  std::vector<std::vector<Fp>> h;  // per mask: 2^(N - a) values (bottom, then top)
  std::vector<std::vector<Fp>> c;  // per slope mask and l < a (c[j * a + l]): 2^k values
  std::vector<FpWords> h_cw;       // own codewords on 2^(L - a) points
  std::vector<FpWords> c_cw;       // own codewords on 2^(L - s) points

  size_t Masks() const { return h.size(); }
  size_t SlopeShift() const { return vars - 1 - slope_vars; }  // s
  size_t LeafSymbols() const { return Masks() + slope_masks * arity; }
};

// k for t queries: the smallest with 2^k > t + 8 (each slope table must stay
// free after t opened symbols and its value at the point).
size_t SlopeVars(size_t queries);

// Draws `masks` masks, the first min(masks, kLiftedSlopeMasks) with slopes
// (fill order: per mask, h's 2^(N-1-a) bottom values, its top_coeffs / 2^a
// pad coefficients, then its a slope tables if any).
LiftedMasks DrawLiftedMasks(size_t masks, size_t vars, size_t arity, size_t slope_vars,
                            size_t top_coeffs, const std::function<void(std::span<Fp>)>& fill);
// The own codewords, for a first codeword of 2^log_len symbols.
void EncodeLiftedMasks(LiftedMasks& m, size_t log_len, unsigned threads);
// Leaf i's mask symbols: per mask H, then C_0..C_{a-1} for a slope mask.
void AppendLiftedLeaf(const LiftedMasks& m, size_t leaf, std::vector<Fp>& out);
// M_j at an inner point of N coordinates.
Fp2 EvaluateLiftedMask(const LiftedMasks& m, size_t j, std::span<const Fp2> point);
// sum_j alpha_j M_j in lifted form: the combined h table and, by the first a
// bits of x and the slope tables' index, the combined slope terms.
template <typename E>
struct CombinedLiftedMasks {
  size_t arity = 0, slope_vars = 0, shift = 0;
  std::vector<E> h;  // sum_j alpha_j h_j (2^(N - a))
  std::vector<E>
      slopes;  // [low << k | ci]: sum over the set bits l of low of sum_j alpha_j c_jl[ci]

  // sum_j alpha_j M_j(x), x < 2^N.
  E At(size_t x) const {
    size_t low = x & ((size_t{1} << arity) - 1);
    size_t ci = (x >> shift) & ((size_t{1} << slope_vars) - 1);
    return h[x >> arity] + slopes[(low << slope_vars) | ci];
  }
  // Its top half minus its bottom half at x < 2^(N-1) (the slopes do not
  // depend on the pad variable).
  E TopDelta(size_t x) const { return h[h.size() / 2 + (x >> arity)] - h[x >> arity]; }
};
CombinedLiftedMasks<Fp4> CombineLiftedMasks(const LiftedMasks& m, std::span<const Fp4> alpha);
CombinedLiftedMasks<Fp2> CombineLiftedMasks(const LiftedMasks& m, std::span<const Fp2> alpha);
// The verifier: the masks' share of a first-round leaf folded with the
// round's challenges r_0..r_{a-1}, sum_m alpha_m (H_m + sum_l r_l C_ml) (the
// fold is linear and folds x^(2^l) C to r_l C; `syms` the leaf's
// LiftedMaskSymbols, H_m then the slope masks' C_m0..C_m,a-1).
Fp4 FoldedLiftedMasks(std::span<const Fp> syms, std::span<const Fp4> alpha,
                      std::span<const Fp4> challenges);
Fp2 FoldedLiftedMasks(std::span<const Fp> syms, std::span<const Fp2> alpha,
                      std::span<const Fp2> challenges);

}  // namespace vinet::zk::detail
