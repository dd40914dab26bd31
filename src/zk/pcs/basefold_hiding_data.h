// Internal to src/zk/pcs: the prover data of a hiding Basefold commitment and
// the maps from the caller's commitment and point to the inner (plain) ones.
// A hiding commitment of m polynomials of n variables is the plain
// commitment of BasefoldPcs::kHidingMasks masks (none for a joint
// secondary) and the m polynomials padded to n + p variables; it is opened
// at (z, 0^p).
#pragma once

#include <span>
#include <vector>

#include "vinet/zk/pcs/basefold.h"

namespace vinet::zk::detail {

struct HidingProverData final : PcsProverData {
  PcsCommitment commitment;  // what the caller sees: root, n, m
  PcsCommitted inner;        // n + p variables, masks + m polynomials
  size_t pad_vars = 0;
  size_t masks = BasefoldPcs::kHidingMasks;  // uniform polynomials placed first
};

// A sparse-top table from its bottom half: t (the bottom, 2^n entries) is
// doubled and its top half set to t[x] + delta[x mod delta.size()] (delta a
// power of two long: one period of top - bottom, a function of the low
// variables). The hiding commit pads with it; the opening re-forms tables.
template <typename T, typename Alloc>
void AppendTiledTop(std::vector<T, Alloc>& t, std::span<const T> delta) {
  size_t half = t.size();
  t.resize(2 * half);
  for (size_t x = 0; x < half; ++x) t[half + x] = t[x] + delta[x & (delta.size() - 1)];
}

// The values on the hypercube of n variables of the polynomial whose
// monomial coefficients are `coeffs` (2^b of them, b <= n) and zero beyond:
// the subset-sum (zeta) transform over the low b variables, constant in the
// others, so it is returned once (2^b values, tiled by the caller).
inline std::vector<Fp> SparseTopValues(std::vector<Fp> coeffs) {
  size_t len = coeffs.size();
  for (size_t bit = 1; bit < len; bit <<= 1) {
    for (size_t x = 0; x < len; ++x) {
      if ((x & bit) != 0) coeffs[x] += coeffs[x ^ bit];
    }
  }
  return coeffs;
}

// t (a bottom half) becomes [t | t + R], R the polynomial of `coeffs`
// uniform monomial coefficients drawn by fill(std::span<Fp>): a sparse pad.
template <typename Fill>
void AppendSparsePad(std::vector<Fp>& t, size_t coeffs, Fill&& fill) {
  std::vector<Fp> c(coeffs);
  fill(std::span<Fp>(c));
  std::vector<Fp> top = SparseTopValues(std::move(c));
  AppendTiledTop(t, std::span<const Fp>(top));
}

// The plain set of a hiding set's inner batch (sparse_top: its top variable
// is a sparse pad, BasefoldPcs::SparsePadCoeffs).
inline BasefoldParams PlainOf(BasefoldParams p, bool sparse_top = false) {
  p.hiding = false;
  p.sparse_pad = false;
  p.sparse_top = sparse_top;
  p.lifted_masks = false;
  return p;
}

// The inner set, pad variables (0: none fits) and sparse pad coefficients
// (0: the whole-variable pad) of a hiding set's commitment of n variables; a
// plain set is its own inner set, without a pad.
struct HidingInner {
  BasefoldParams plain;
  size_t pad_vars = 0;
  size_t top_coeffs = 0;
};

// The inner set of a hiding commitment with lifted masks (BasefoldPcs::
// LiftedMaskArity): sparse top, the first round of lifted_mask_first
// variables, the first kHidingMasks batch members lifted masks.
inline BasefoldParams LiftedPlainOf(BasefoldParams p) {
  p = PlainOf(p, true);
  p.first_fold_log = p.lifted_mask_first;
  p.lifted_masks = true;
  return p;
}

inline HidingInner InnerOf(const BasefoldPcs& pcs, size_t n) {
  if (!pcs.hiding()) return {pcs.params(), 0, 0};
  size_t top = pcs.SparsePadCoeffs(n);
  return {pcs.InnerParamsFor(n), top > 0 ? 1 : pcs.HidingPadVars(n), top};
}

inline PcsCommitment InnerCommitment(const PcsCommitment& c, size_t pad_vars,
                                     size_t masks = BasefoldPcs::kHidingMasks) {
  return {c.root, static_cast<uint32_t>(c.num_vars + pad_vars),
          static_cast<uint32_t>(c.num_polys + masks)};
}

inline std::vector<Fp2> InnerPoint(std::span<const Fp2> point, size_t pad_vars) {
  std::vector<Fp2> out(point.begin(), point.end());
  out.resize(point.size() + pad_vars, Fp2::Zero());
  return out;
}

}  // namespace vinet::zk::detail
