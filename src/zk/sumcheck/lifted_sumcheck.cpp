#include "vinet/zk/sumcheck/lifted_sumcheck.h"

#include <array>
#include <bit>
#include <optional>

#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"
#include "zk/field/lazy_sum.h"
#include "zk/sumcheck/pair_values.h"

namespace vinet::zk {
namespace {

using Values = std::array<Fp2, 3>;  // g(0), g(1), g(2)

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
  // The W tables: round 0 reads W and E_W as given, then they are folded.
  detail::FoldingPair<std::vector<Fp2>> wt{w, e_w};
  Values w_values = detail::PairValues<Fp>(w, e_w, threads);
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
      Values va = detail::PairValues<Fp2>(aa, ba, threads);
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
    // The next round's g(0), g(2) from the fold (its g(1) follows from the claim).
    w_values = wt.Fold(i, r, threads);
    if (i >= lift) {
      FoldFirstVariable(aa, r, threads);
      FoldFirstVariable(ba, r, threads);
    }
  }
  out.proof.final_evals = {wt.a[0], wt.b[0], aa[0], ba[0]};
  transcript.AbsorbFp2s("sumcheck.final_evals", out.proof.final_evals);
  return out;
}

}  // namespace vinet::zk
