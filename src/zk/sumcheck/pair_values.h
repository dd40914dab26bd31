// A degree-2 sumcheck round over the product of two tables (private to the
// sumcheck provers). PairValues: g(0), g(1), g(2), the sum over the pairs
// (2k, 2k + 1) of (a0 + t(a1 − a0))·(b0 + t(b1 − b0)), t = 0, 1, 2.
// FoldAndSum: folds both tables at r (out of place: in place would race
// across threads) and returns the next round's g(0) and g(2) over the folded
// tables in the same pass (g(1) follows from the claim; returned as zero).
// `a` may be a base-field table (round 0 reading a committed polynomial as
// given). Exact: every chunk sums in 128 bits (lazy_sum.h) and is reduced
// once, so the results do not depend on the number of threads.
#pragma once

#include <array>
#include <mutex>
#include <span>

#include "vinet/zk/field/extension.h"
#include "vinet/zk/parallel.h"
#include "zk/field/lazy_sum.h"

namespace vinet::zk::detail {

template <typename A>
std::array<Fp2, 3> PairValues(std::span<const A> a, std::span<const Fp2> b, unsigned threads,
                              size_t min_per_thread = 4096) {
  std::array<Fp2, 3> total{};
  std::mutex mu;
  ParallelFor(
      a.size() / 2, threads,
      [&](size_t k0, size_t k1) {
        Fp2Sum s[3];
        for (size_t k = k0; k < k1; ++k) {
          A a0 = a[2 * k], a1 = a[2 * k + 1];
          Fp2 b0 = b[2 * k], b1 = b[2 * k + 1];
          s[0].Add(b0, a0);
          s[1].Add(b1, a1);
          s[2].Add(b1 + b1 - b0, a1 + a1 - a0);
        }
        std::lock_guard<std::mutex> lock(mu);
        for (size_t t = 0; t < 3; ++t) total[t] += s[t].Value();
      },
      min_per_thread);
  return total;
}

inline Fp2 Lerp(Fp2 lo, Fp2 hi, Fp2 r) {
  return lo + r * (hi - lo);
}
inline Fp2 Lerp(Fp lo, Fp hi, Fp2 r) {
  return Fp2(lo) + r * (hi - lo);
}

// a, b of length 2m; na, nb of length m.
template <typename A>
std::array<Fp2, 3> FoldAndSum(std::span<const A> a, std::span<const Fp2> b, Fp2 r,
                              std::span<Fp2> na, std::span<Fp2> nb, unsigned threads,
                              size_t min_per_thread = 4096) {
  size_t m = na.size();
  std::array<Fp2, 3> total{};
  if (m < 2) {
    na[0] = Lerp(a[0], a[1], r);
    nb[0] = Lerp(b[0], b[1], r);
    return total;
  }
  std::mutex mu;
  ParallelFor(
      m / 2, threads,
      [&](size_t k0, size_t k1) {
        Fp2Sum s0, s2;
        for (size_t k = k0; k < k1; ++k) {
          Fp2 a0 = Lerp(a[4 * k], a[4 * k + 1], r), a1 = Lerp(a[4 * k + 2], a[4 * k + 3], r);
          Fp2 b0 = Lerp(b[4 * k], b[4 * k + 1], r), b1 = Lerp(b[4 * k + 2], b[4 * k + 3], r);
          na[2 * k] = a0;
          na[2 * k + 1] = a1;
          nb[2 * k] = b0;
          nb[2 * k + 1] = b1;
          s0.Add(a0, b0);
          s2.Add(a1 + a1 - a0, b1 + b1 - b0);
        }
        std::lock_guard<std::mutex> lock(mu);
        total[0] += s0.Value();
        total[2] += s2.Value();
      },
      min_per_thread);
  return total;
}

// The two tables of a product sumcheck across its rounds: round 0 reads the
// given base-field and extension tables; each Fold folds the current pair at
// r into a, b and returns the next round's g(0), g(2) (FoldAndSum).
template <typename Vec>
struct FoldingPair {
  FoldingPair(std::span<const Fp> base, std::span<const Fp2> ext) : base(base), ext(ext) {}

  std::span<const Fp> base;  // round 0's first table
  std::span<const Fp2> ext;  // round 0's second table
  Vec a, b, na, nb;          // the folded pair (a, b) and the next one's buffers

  std::array<Fp2, 3> Fold(size_t round, Fp2 r, unsigned threads) {
    size_t half = (round == 0 ? ext.size() : b.size()) / 2;
    na.resize(half);
    nb.resize(half);
    std::array<Fp2, 3> sums = round == 0 ? FoldAndSum<Fp>(base, ext, r, na, nb, threads)
                                         : FoldAndSum<Fp2>(a, b, r, na, nb, threads);
    a.swap(na);
    b.swap(nb);
    return sums;
  }
};

}  // namespace vinet::zk::detail
