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

// The plain set of a hiding set's inner batch (sparse_top: its top variable
// is a sparse pad, BasefoldPcs::SparsePadCoeffs).
inline BasefoldParams PlainOf(BasefoldParams p, bool sparse_top = false) {
  p.hiding = false;
  p.sparse_pad = false;
  p.sparse_top = sparse_top;
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

inline HidingInner InnerOf(const BasefoldPcs& pcs, size_t n) {
  if (!pcs.hiding()) return {pcs.params(), 0, 0};
  size_t top = pcs.SparsePadCoeffs(n);
  return {PlainOf(pcs.params(), top > 0), top > 0 ? 1 : pcs.HidingPadVars(n), top};
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
