#include "vinet/zk/sumcheck/lifted_sumcheck.h"

#include <array>
#include <bit>
#include <mutex>
#include <optional>

#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"
#include "zk/field/lazy_sum.h"

namespace vinet::zk {
namespace {

using Values = std::array<Fp2, 3>;  // g(0), g(1), g(2)
constexpr size_t kMinPerThread = 4096;

// sum_k (a0 + t(a1 - a0)) (b0 + t(b1 - b0)) over the pairs (2k, 2k + 1), t = 0, 1, 2.
Values PairValues(std::span<const Fp2> a, std::span<const Fp2> b, unsigned threads) {
  Values total{};
  std::mutex mu;
  ParallelFor(
      a.size() / 2, threads,
      [&](size_t k0, size_t k1) {
        detail::Fp2Sum s[3];
        for (size_t k = k0; k < k1; ++k) {
          Fp2 a0 = a[2 * k], a1 = a[2 * k + 1], b0 = b[2 * k], b1 = b[2 * k + 1];
          s[0].Add(a0, b0);
          s[1].Add(a1, b1);
          s[2].Add(a1 + a1 - a0, b1 + b1 - b0);
        }
        std::lock_guard<std::mutex> lock(mu);
        for (size_t t = 0; t < 3; ++t) total[t] += s[t].Value();
      },
      kMinPerThread);
  return total;
}

Fp2 Lerp(Fp2 lo, Fp2 hi, Fp2 r) {
  return lo + r * (hi - lo);
}
Fp2 Lerp(Fp lo, Fp hi, Fp2 r) {
  return Fp2(lo) + r * (hi - lo);
}

// Folds a and b at r into na and nb (out of place: in place would race
// across threads) and returns PairValues(na, nb), in one pass over a and b.
// `a` may be the base-field table of round 0.
template <typename A>
Values FoldWithPairValues(std::span<const A> a, std::span<const Fp2> b, Fp2 r, std::vector<Fp2>& na,
                          std::vector<Fp2>& nb, unsigned threads) {
  size_t half = b.size() / 2;
  na.resize(half);
  nb.resize(half);
  if (half == 1) {
    na[0] = Lerp(a[0], a[1], r);
    nb[0] = Lerp(b[0], b[1], r);
    return {};
  }
  Values total{};
  std::mutex mu;
  ParallelFor(
      half / 2, threads,
      [&](size_t k0, size_t k1) {
        detail::Fp2Sum s[3];
        for (size_t k = k0; k < k1; ++k) {
          Fp2 a0 = Lerp(a[4 * k], a[4 * k + 1], r), a1 = Lerp(a[4 * k + 2], a[4 * k + 3], r);
          Fp2 b0 = Lerp(b[4 * k], b[4 * k + 1], r), b1 = Lerp(b[4 * k + 2], b[4 * k + 3], r);
          na[2 * k] = a0;
          na[2 * k + 1] = a1;
          nb[2 * k] = b0;
          nb[2 * k + 1] = b1;
          s[0].Add(a0, b0);
          s[1].Add(a1, b1);
          s[2].Add(a1 + a1 - a0, b1 + b1 - b0);
        }
        std::lock_guard<std::mutex> lock(mu);
        for (size_t t = 0; t < 3; ++t) total[t] += s[t].Value();
      },
      kMinPerThread / 2);
  return total;
}

// PairValues with a base-field first table (round 0 reads W as committed).
Values BasePairValues(std::span<const Fp> a, std::span<const Fp2> b, unsigned threads) {
  Values total{};
  std::mutex mu;
  ParallelFor(
      a.size() / 2, threads,
      [&](size_t k0, size_t k1) {
        detail::Fp2Sum s[3];
        for (size_t k = k0; k < k1; ++k) {
          Fp a0 = a[2 * k], a1 = a[2 * k + 1];
          Fp2 b0 = b[2 * k], b1 = b[2 * k + 1];
          s[0].Add(Fp2(a0), b0);
          s[1].Add(Fp2(a1), b1);
          s[2].Add(Fp2(a1 + a1 - a0), b1 + b1 - b0);
        }
        std::lock_guard<std::mutex> lock(mu);
        for (size_t t = 0; t < 3; ++t) total[t] += s[t].Value();
      },
      kMinPerThread);
  return total;
}

Fp2 Dot(std::span<const Fp2> a, std::span<const Fp2> b) {
  detail::Fp2Sum s;
  for (size_t i = 0; i < a.size(); ++i) s.Add(a[i], b[i]);
  return s.Value();
}

}  // namespace

Result<SumcheckProverOutput> ProveLiftedPairSumcheck(
    std::span<const Fp> w, std::span<const Fp2> e_w, std::span<const Fp> a,
    std::span<const Fp2> e_a, Transcript& transcript, unsigned threads, const SumcheckMask* mask) {
  if (w.size() < 2 || w.size() != e_w.size() || a.empty() || a.size() != e_a.size() ||
      !std::has_single_bit(w.size()) || !std::has_single_bit(a.size()) || a.size() > w.size()) {
    return Error(Code::kInvalidArgument, "lifted sumcheck: tables must be 2^n >= 2^n2");
  }
  size_t n = std::countr_zero(w.size()), lift = n - std::countr_zero(a.size());
  if (mask != nullptr && (mask->coeffs.size() != n || mask->coeffs[0].size() != 3)) {
    return Error(Code::kInvalidArgument, "lifted sumcheck: the mask needs n rows of 3");
  }
  // The W tables: round 0 reads W and E_W as given; each fold writes the
  // next round's pair values in the same pass (aw, bw: the folded tables).
  std::vector<Fp2> aw, bw, next_a, next_b;
  Values w_values = BasePairValues(w, e_w, threads);
  std::vector<Fp2> aa(a.begin(), a.end()), ba(e_a.begin(), e_a.end());
  Fp2 lifted_sum = Dot(aa, ba);  // sum_y A(y) E_A(y)
  std::optional<MaskRounds> masked;
  if (mask != nullptr) masked.emplace(*mask);
  SumcheckProverOutput out;
  Fp2 claim;
  for (size_t i = 0; i < n; ++i) {
    Values v = w_values;
    if (i < lift) {
      Fp2 c = lifted_sum * Fp2(Fp(uint64_t{1} << (lift - i - 1)));
      for (Fp2& x : v) x += c;
    } else {
      Values va = PairValues(aa, ba, threads);
      for (size_t t = 0; t < 3; ++t) v[t] += va[t];
    }
    if (masked) {
      UnivariatePoly m = masked->Round(i);
      for (size_t t = 0; t < 3; ++t) v[t] += m.Evaluate(Fp2(Fp(static_cast<uint64_t>(t))));
    }
    if (i == 0) {
      out.claimed_sum = v[0] + v[1];
      transcript.AbsorbFp2("sumcheck.claim", out.claimed_sum);
    } else {
      v[1] = claim - v[0];  // as ProveSumcheck: g(1) from the running claim
    }
    Fp2 r = SendRound(std::span<const Fp2>(v.data(), 3), transcript, out, claim);
    if (masked) masked->Bind(i, r);
    if (i == 0) {
      w_values = FoldWithPairValues<Fp>(w, e_w, r, aw, bw, threads);
    } else {
      w_values = FoldWithPairValues<Fp2>(aw, bw, r, next_a, next_b, threads);
      aw.swap(next_a);
      bw.swap(next_b);
    }
    if (i >= lift) {
      FoldFirstVariable(aa, r, threads);
      FoldFirstVariable(ba, r, threads);
    }
  }
  out.proof.final_evals = {aw[0], bw[0], aa[0], ba[0]};
  transcript.AbsorbFp2s("sumcheck.final_evals", out.proof.final_evals);
  return out;
}

}  // namespace vinet::zk
