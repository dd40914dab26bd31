#include "zk/pcs/basefold_lifted_masks.h"

#include <bit>

#include "vinet/zk/field/extension.h"
#include "vinet/zk/poly/multilinear.h"
#include "zk/pcs/basefold_hiding_data.h"

namespace vinet::zk::detail {
namespace {

// sum_j alpha_j t_j[i] over tables of one length.
template <typename E>
std::vector<E> Combine(const std::vector<std::vector<Fp>>& tables, size_t first, size_t stride,
                       std::span<const E> alpha) {
  std::vector<E> out(tables[first].size());
  for (size_t j = 0; j < alpha.size(); ++j) {
    const std::vector<Fp>& t = tables[first + j * stride];
    for (size_t i = 0; i < out.size(); ++i) out[i] += alpha[j] * t[i];
  }
  return out;
}

template <typename E>
CombinedLiftedMasks<E> CombineImpl(const LiftedMasks& m, std::span<const E> alpha) {
  CombinedLiftedMasks<E> out;
  out.arity = m.arity;
  out.slope_vars = m.slope_vars;
  out.shift = m.SlopeShift();
  out.h = Combine<E>(m.h, 0, 1, alpha);
  size_t a = m.arity, lows = size_t{1} << a, cs = size_t{1} << m.slope_vars;
  out.slopes.resize(lows * cs);
  for (size_t l = 0; l < a; ++l) {
    std::vector<E> cl = Combine<E>(m.c, l, a, alpha.first(m.slope_masks));
    for (size_t low = 0; low < lows; ++low) {
      if (((low >> l) & 1) == 0) continue;
      for (size_t ci = 0; ci < cs; ++ci) out.slopes[low * cs + ci] += cl[ci];
    }
  }
  return out;
}

template <typename E>
E FoldedImpl(std::span<const Fp> syms, std::span<const E> alpha, std::span<const E> challenges) {
  E acc;
  const Fp* s = syms.data();
  for (size_t m = 0; m < alpha.size(); ++m) {
    E mask = E(*s++);  // H_m
    for (size_t l = 0; m < kLiftedSlopeMasks && l < challenges.size(); ++l) {
      mask += challenges[l] * *s++;
    }
    acc += alpha[m] * mask;
  }
  return acc;
}

}  // namespace

size_t SlopeVars(size_t queries) {
  return static_cast<size_t>(std::bit_width(queries + 8));
}

LiftedMasks DrawLiftedMasks(size_t masks, size_t vars, size_t arity, size_t slope_vars,
                            size_t top_coeffs, const std::function<void(std::span<Fp>)>& fill) {
  LiftedMasks m;
  m.vars = vars;
  m.arity = arity;
  m.slope_vars = slope_vars;
  m.slope_masks = std::min(masks, kLiftedSlopeMasks);
  size_t bottom = size_t{1} << (vars - 1 - arity);
  size_t pad = std::max<size_t>(1, top_coeffs >> arity);
  for (size_t j = 0; j < masks; ++j) {
    std::vector<Fp> h(bottom);
    fill(h);
    AppendSparsePad(h, pad, fill);
    m.h.push_back(std::move(h));
    for (size_t l = 0; j < m.slope_masks && l < arity; ++l) {
      m.c.emplace_back(size_t{1} << slope_vars);
      fill(m.c.back());
    }
  }
  return m;
}

void EncodeLiftedMasks(LiftedMasks& m, size_t log_len, unsigned threads) {
  auto encode = [&](const std::vector<Fp>& table, size_t points_log) {
    FpWords cw(size_t{1} << points_log);
    std::span<Fp> out = cw.fps();
    std::copy(table.begin(), table.end(), out.begin());
    ToMonomial(out.first(table.size()));
    EncodeMonomials(out, table.size(), threads);
    return cw;
  };
  m.h_cw.clear();
  m.c_cw.clear();
  for (const auto& h : m.h) m.h_cw.push_back(encode(h, log_len - m.arity));
  for (const auto& c : m.c) m.c_cw.push_back(encode(c, log_len - m.SlopeShift()));
}

void AppendLiftedLeaf(const LiftedMasks& m, size_t leaf, std::vector<Fp>& out) {
  size_t ci = leaf >> (m.SlopeShift() - m.arity);
  for (size_t j = 0; j < m.Masks(); ++j) {
    out.push_back(m.h_cw[j].fps()[leaf]);
    if (j >= m.slope_masks) continue;
    for (size_t l = 0; l < m.arity; ++l) out.push_back(m.c_cw[j * m.arity + l].fps()[ci]);
  }
}

Fp2 EvaluateLiftedMask(const LiftedMasks& m, size_t j, std::span<const Fp2> point) {
  Fp2 v = EvaluateMle(std::span<const Fp>(m.h[j]), point.subspan(m.arity));
  std::span<const Fp2> slope_point = point.subspan(m.SlopeShift(), m.slope_vars);
  for (size_t l = 0; j < m.slope_masks && l < m.arity; ++l) {
    v += point[l] * EvaluateMle(std::span<const Fp>(m.c[j * m.arity + l]), slope_point);
  }
  return v;
}

CombinedLiftedMasks<Fp4> CombineLiftedMasks(const LiftedMasks& m, std::span<const Fp4> alpha) {
  return CombineImpl<Fp4>(m, alpha);
}
CombinedLiftedMasks<Fp2> CombineLiftedMasks(const LiftedMasks& m, std::span<const Fp2> alpha) {
  return CombineImpl<Fp2>(m, alpha);
}
Fp4 FoldedLiftedMasks(std::span<const Fp> syms, std::span<const Fp4> alpha,
                      std::span<const Fp4> challenges) {
  return FoldedImpl<Fp4>(syms, alpha, challenges);
}
Fp2 FoldedLiftedMasks(std::span<const Fp> syms, std::span<const Fp2> alpha,
                      std::span<const Fp2> challenges) {
  return FoldedImpl<Fp2>(syms, alpha, challenges);
}

}  // namespace vinet::zk::detail
