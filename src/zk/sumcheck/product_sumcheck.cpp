#include "vinet/zk/sumcheck/product_sumcheck.h"

#include <array>
#include <bit>

#include "vinet/zk/huge_page_allocator.h"
#include "zk/sumcheck/pair_values.h"

namespace vinet::zk {

using Sums = std::array<Fp2, 3>;  // g(0), g(1), g(2)

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
  detail::FoldingPair<detail::HugeVector<Fp2>> tables{f, e};
  Sums sums = detail::PairValues<Fp>(f, e, threads);  // round 0 straight from the base table
  Fp2 claim;
  for (size_t round = 0; round < num_vars; ++round) {
    if (round == 0) {
      out.claimed_sum = sums[0] + sums[1];
      transcript.AbsorbFp2("sumcheck.claim", out.claimed_sum);
    } else {
      sums[1] = claim - sums[0];  // g(0) + g(1) = claim
    }
    Fp2 r = SendRound(std::span<const Fp2>(sums.data(), 3), transcript, out, claim);
    sums = tables.Fold(round, r, threads);
  }
  out.proof.final_evals = {tables.a[0], tables.b[0]};
  transcript.AbsorbFp2s("sumcheck.final_evals", out.proof.final_evals);
  return out;
}

}  // namespace vinet::zk
