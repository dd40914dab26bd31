#include "zkml/segment_claims.h"

#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/mask_bank.h"
#include "vinet/zk/sumcheck/product_sumcheck.h"

namespace vinet::zkml::detail {

using zk::Fp2;

void ClaimList::Add(std::span<const Fp2> z, Segment seg, Fp2 value) {
  segs_.push_back({seg, {z.begin(), z.end()}, value});
  claims_.push_back({EmbedPoint(z, seg, total_vars_), value});
}

Result<zk::BatchedClaimProof> ClaimList::Prove(std::span<const zk::Fp> evals, zk::Transcript& t,
                                               zk::EvalClaim* reduced, unsigned threads,
                                               zk::MaskBankProver* bank) const {
  if (claims_.empty()) return Error(Code::kInvalidArgument, "batch claims: no claims");
  for (const auto& c : claims_) {
    t.AbsorbFp2s("batch.point", c.point);
    t.AbsorbFp2("batch.value", c.value);
  }
  Fp2 beta = t.ChallengeFp2("batch.beta");
  std::vector<Fp2> e(evals.size());
  Fp2 power = Fp2::One();
  for (const SegmentClaim& c : segs_) {
    std::vector<Fp2> eq = zk::EqTable(c.z, threads);
    Fp2* out = e.data() + c.seg.offset;
    for (size_t i = 0; i < eq.size(); ++i) out[i] += power * eq[i];
    power *= beta;
  }
  static const std::vector<zk::ProductTerm> kTerms = {{Fp2::One(), {0, 1}}};
  // Unmasked: the same proof from the base-field fast path (product_sumcheck.h).
  VINET_ASSIGN_OR_RETURN(
      zk::SumcheckProverOutput out,
      bank == nullptr
          ? zk::ProveBaseTimesExt(evals, std::move(e), t, threads)
          : zk::ProveMaybeMasked(bank, {zk::ToExtension(evals), std::move(e)}, kTerms, t, threads));
  if (reduced != nullptr) *reduced = {out.point, out.proof.final_evals[0]};
  return zk::BatchedClaimProof{std::move(out.proof)};
}

}  // namespace vinet::zkml::detail
