#include "vinet/zk/poly/multilinear.h"

#include <bit>
#include <cassert>

#include "vinet/zk/parallel.h"

namespace vinet::zk {

std::vector<Fp2> EqTable(std::span<const Fp2> point, unsigned threads) {
  std::vector<Fp2> table(size_t{1} << point.size());
  table[0] = Fp2::One();
  for (size_t k = 0; k < point.size(); ++k) {
    size_t size = size_t{1} << k;
    Fp2 r = point[k];
    ParallelFor(size, threads, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        Fp2 hi = table[i] * r;
        table[i + size] = hi;
        table[i] -= hi;
      }
    });
  }
  return table;
}

Fp2 EqEval(std::span<const Fp2> a, std::span<const Fp2> b) {
  assert(a.size() == b.size());
  Fp2 acc = Fp2::One();
  for (size_t k = 0; k < a.size(); ++k) {
    Fp2 ab = a[k] * b[k];
    acc *= ab + ab - a[k] - b[k] + Fp2::One();
  }
  return acc;
}

void FoldFirstVariable(std::vector<Fp2>& evals, Fp2 r, unsigned threads) {
  assert(evals.size() >= 2 && std::has_single_bit(evals.size()));
  size_t half = evals.size() / 2;
  if (threads <= 1 || half < 8192) {
    for (size_t i = 0; i < half; ++i) {
      Fp2 lo = evals[2 * i];
      evals[i] = lo + r * (evals[2 * i + 1] - lo);
    }
    evals.resize(half);
    return;
  }
  // In place would race (chunk 0 reads what chunk 1 writes): fold out of place.
  std::vector<Fp2> out(half);
  ParallelFor(half, threads, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      Fp2 lo = evals[2 * i];
      out[i] = lo + r * (evals[2 * i + 1] - lo);
    }
  });
  evals = std::move(out);
}

std::vector<Fp2> FoldFirstVariable(std::span<const Fp> evals, Fp2 r, unsigned threads) {
  assert(evals.size() >= 2 && std::has_single_bit(evals.size()));
  std::vector<Fp2> out(evals.size() / 2);
  ParallelFor(out.size(), threads, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      Fp lo = evals[2 * i];
      out[i] = Fp2(lo) + r * (evals[2 * i + 1] - lo);
    }
  });
  return out;
}

std::vector<Fp> LiftToLastVars(std::span<const Fp> table, size_t num_vars) {
  size_t k = std::countr_zero(table.size());
  assert(std::has_single_bit(table.size()) && k <= num_vars);
  size_t shift = num_vars - k;
  std::vector<Fp> out(size_t{1} << num_vars);
  for (size_t i = 0; i < out.size(); ++i) out[i] = table[i >> shift];
  return out;
}

std::vector<Fp2> ToExtension(std::span<const Fp> evals) {
  return std::vector<Fp2>(evals.begin(), evals.end());
}

Fp2 EvaluateMle(std::span<const Fp> evals, std::span<const Fp2> point) {
  assert(evals.size() == (size_t{1} << point.size()));
  if (point.empty()) return Fp2(evals[0]);
  std::vector<Fp2> folded = FoldFirstVariable(evals, point[0]);
  for (size_t k = 1; k < point.size(); ++k) FoldFirstVariable(folded, point[k]);
  return folded[0];
}

Fp2 EvaluateMle(std::span<const Fp2> evals, std::span<const Fp2> point) {
  assert(evals.size() == (size_t{1} << point.size()));
  std::vector<Fp2> folded(evals.begin(), evals.end());
  for (size_t k = 0; k < point.size(); ++k) FoldFirstVariable(folded, point[k]);
  return folded[0];
}

}  // namespace vinet::zk
