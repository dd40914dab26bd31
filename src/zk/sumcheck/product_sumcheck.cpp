#include "vinet/zk/sumcheck/product_sumcheck.h"

#include <array>
#include <bit>
#include <mutex>

#include "vinet/zk/parallel.h"
#include "vinet/zk/huge_page_allocator.h"
#include "zk/field/lazy_sum.h"

namespace vinet::zk {
namespace {

using Sums = std::array<Fp2, 3>;  // g(0), g(1), g(2)
constexpr size_t kMinPerThread = 4096;

// Adds a chunk's partial sums to `total` under `mu`.
// Chunk sums are exact integers (lazy_sum.h), reduced once per chunk.
void AddLocked(std::mutex& mu, Sums& total, const Sums& part) {
  std::lock_guard<std::mutex> lock(mu);
  for (size_t t = 0; t < 3; ++t) total[t] += part[t];
}
void AddLocked(std::mutex& mu, Sums& total, const detail::Fp2Sum (&part)[3]) {
  AddLocked(mu, total, Sums{part[0].Value(), part[1].Value(), part[2].Value()});
}

// Round 0 straight from the base-field table: all three values.
Sums FirstRound(std::span<const Fp> f, std::span<const Fp2> e, unsigned threads) {
  Sums total{};
  std::mutex mu;
  ParallelFor(
      f.size() / 2, threads,
      [&](size_t b, size_t end) {
        detail::Fp2Sum s[3];
        for (size_t i = b; i < end; ++i) {
          Fp f0 = f[2 * i], f1 = f[2 * i + 1];
          Fp2 e0 = e[2 * i], e1 = e[2 * i + 1];
          s[0].Add(e0, f0);
          s[1].Add(e1, f1);
          s[2].Add(e1 + e1 - e0, f1 + f1 - f0);
        }
        AddLocked(mu, total, s);
      },
      kMinPerThread);
  return total;
}

// Folds a and b (Fp2 tables of length 2m) with r into na, nb (length m) and,
// if m >= 2, returns the next round's g(0) and g(2) (g(1) comes from the claim).
Sums FoldAndSum(std::span<const Fp2> a, std::span<const Fp2> b, Fp2 r, std::span<Fp2> na,
                std::span<Fp2> nb, unsigned threads) {
  size_t m = na.size();
  Sums total{};
  std::mutex mu;
  if (m < 2) {
    na[0] = a[0] + r * (a[1] - a[0]);
    nb[0] = b[0] + r * (b[1] - b[0]);
    return total;
  }
  ParallelFor(
      m / 2, threads,
      [&](size_t k0, size_t k1) {
        detail::Fp2Sum s[3];
        for (size_t k = k0; k < k1; ++k) {
          Fp2 a0 = a[4 * k] + r * (a[4 * k + 1] - a[4 * k]);
          Fp2 a1 = a[4 * k + 2] + r * (a[4 * k + 3] - a[4 * k + 2]);
          Fp2 b0 = b[4 * k] + r * (b[4 * k + 1] - b[4 * k]);
          Fp2 b1 = b[4 * k + 2] + r * (b[4 * k + 3] - b[4 * k + 2]);
          na[2 * k] = a0;
          na[2 * k + 1] = a1;
          nb[2 * k] = b0;
          nb[2 * k + 1] = b1;
          s[0].Add(a0, b0);
          s[2].Add(a1 + a1 - a0, b1 + b1 - b0);
        }
        AddLocked(mu, total, s);
      },
      kMinPerThread);
  return total;
}

}  // namespace

Result<SumcheckProverOutput> ProveBaseTimesExt(std::span<const Fp> f, std::span<const Fp2> e,
                                               Transcript& transcript, unsigned threads) {
  if (f.empty() || f.size() != e.size() || !std::has_single_bit(f.size())) {
    return Error(Code::kInvalidArgument, "sumcheck: tables must have the same power-of-two size");
  }
  size_t num_vars = std::countr_zero(f.size());
  SumcheckProverOutput out;
  if (num_vars == 0) {
    out.claimed_sum = e[0] * f[0];
    transcript.AbsorbFp2("sumcheck.claim", out.claimed_sum);
    out.proof.final_evals = {Fp2(f[0]), e[0]};
    transcript.AbsorbFp2s("sumcheck.final_evals", out.proof.final_evals);
    return out;
  }
  // The folded tables live in (a, b) and are written to (na, nb), then swapped.
  detail::HugeVector<Fp2> a, b, na, nb;
  Sums sums = FirstRound(f, e, threads);
  Fp2 claim;
  for (size_t round = 0; round < num_vars; ++round) {
    if (round == 0) {
      out.claimed_sum = sums[0] + sums[1];
      transcript.AbsorbFp2("sumcheck.claim", out.claimed_sum);
    } else {
      sums[1] = claim - sums[0];  // g(0) + g(1) = claim
    }
    Fp2 r = SendRound(std::span<const Fp2>(sums.data(), 3), transcript, out, claim);
    size_t half = (size_t{1} << (num_vars - round)) / 2;
    na.resize(half);
    nb.resize(half);
    if (round == 0) {
      // Base-field f: fold into the extension (r times a base difference).
      ParallelFor(
          half, threads,
          [&](size_t i0, size_t i1) {
            for (size_t i = i0; i < i1; ++i) {
              Fp lo = f[2 * i];
              na[i] = Fp2(lo) + r * (f[2 * i + 1] - lo);
              nb[i] = e[2 * i] + r * (e[2 * i + 1] - e[2 * i]);
            }
          },
          kMinPerThread);
      if (half >= 2) {
        // Round 1's sums over the freshly folded tables.
        Sums s{};
        std::mutex mu;
        ParallelFor(
            half / 2, threads,
            [&](size_t k0, size_t k1) {
              detail::Fp2Sum p[3];
              for (size_t k = k0; k < k1; ++k) {
                Fp2 a0 = na[2 * k], a1 = na[2 * k + 1], b0 = nb[2 * k], b1 = nb[2 * k + 1];
                p[0].Add(a0, b0);
                p[2].Add(a1 + a1 - a0, b1 + b1 - b0);
              }
              AddLocked(mu, s, p);
            },
            kMinPerThread);
        sums = s;
      }
    } else {
      sums = FoldAndSum(a, b, r, na, nb, threads);
    }
    a.swap(na);
    b.swap(nb);
  }
  out.proof.final_evals = {a[0], b[0]};
  transcript.AbsorbFp2s("sumcheck.final_evals", out.proof.final_evals);
  return out;
}

}  // namespace vinet::zk
