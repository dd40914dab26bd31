#include "zkml/segment_claims.h"

#include "vinet/zk/huge_page_allocator.h"
#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/mask_bank.h"
#include "vinet/zk/sumcheck/product_sumcheck.h"

namespace vinet::zkml::detail {

using zk::Fp2;

void ClaimList::Add(std::span<const Fp2> z, Segment seg, Fp2 value) {
  segs_.push_back({seg, {z.begin(), z.end()}, value});
  claims_.push_back({EmbedPoint(z, seg, total_vars_), value});
}

void ClaimList::Absorb(zk::Transcript& t) const {
  for (const auto& c : claims_) {
    t.AbsorbFp2s("batch.point", c.point);
    t.AbsorbFp2("batch.value", c.value);
  }
}

Fp2 ClaimList::AddTable(Fp2 beta, Fp2 power, std::span<Fp2> e, unsigned threads) const {
  for (const SegmentClaim& c : segs_) {
    // beta^k eq(z, .): the eq table's doubling recurrence started at beta^k.
    zk::detail::HugeVector<Fp2> eq(size_t{1} << c.z.size());
    eq[0] = power;
    for (size_t k = 0; k < c.z.size(); ++k) {
      size_t size = size_t{1} << k;
      Fp2 r = c.z[k];
      zk::ParallelFor(size, threads, [&](size_t b, size_t end) {
        for (size_t i = b; i < end; ++i) {
          Fp2 hi = eq[i] * r;
          eq[i + size] = hi;
          eq[i] -= hi;
        }
      });
    }
    Fp2* out = e.data() + c.seg.offset;
    zk::ParallelFor(eq.size(), threads, [&](size_t b, size_t end) {
      for (size_t i = b; i < end; ++i) out[i] += eq[i];
    });
    power *= beta;
  }
  return power;
}

Result<zk::BatchedClaimProof> ClaimList::Prove(std::span<const zk::Fp> evals, zk::Transcript& t,
                                               zk::EvalClaim* reduced, unsigned threads,
                                               zk::MaskBankProver* bank) const {
  if (claims_.empty()) return Error(Code::kInvalidArgument, "batch claims: no claims");
  Absorb(t);
  Fp2 beta = t.ChallengeFp2("batch.beta");
  zk::detail::HugeVector<Fp2> e(evals.size());  // pages reused across proofs
  AddTable(beta, Fp2::One(), e, threads);
  static const std::vector<zk::ProductTerm> kTerms = {{Fp2::One(), {0, 1}}};
  // Unmasked: the same proof from the base-field fast path (product_sumcheck.h).
  VINET_ASSIGN_OR_RETURN(
      zk::SumcheckProverOutput out,
      bank == nullptr ? zk::ProveBaseTimesExt(evals, e, t, threads)
                      : zk::ProveMaybeMasked(bank, {zk::ToExtension(evals), {e.begin(), e.end()}},
                                             kTerms, t, threads));
  if (reduced != nullptr) *reduced = {out.point, out.proof.final_evals[0]};
  return zk::BatchedClaimProof{std::move(out.proof)};
}

namespace {

// Both joint batches' first steps: every claim absorbed, beta drawn, the
// combined eq tables of the weights and the advice.
struct JointTables {
  std::vector<Fp2> ew, ea;
};
Result<JointTables> AbsorbJointClaims(const ClaimList& wc, size_t weights, const ClaimList& ac,
                                      size_t advice, zk::Transcript& t, unsigned threads) {
  if (wc.claims().empty() || ac.claims().empty() || advice > weights) {
    return Error(Code::kInvalidArgument, "joint claims: no claims or a larger advice");
  }
  wc.Absorb(t);
  ac.Absorb(t);
  Fp2 beta = t.ChallengeFp2("batch.beta");
  JointTables jt{std::vector<Fp2>(weights), std::vector<Fp2>(advice)};
  Fp2 power = wc.AddTable(beta, Fp2::One(), jt.ew, threads);
  ac.AddTable(beta, power, jt.ea, threads);
  return jt;
}

}  // namespace

Result<zk::BatchedClaimProof> ProveJointClaims(const ClaimList& wc, std::span<const zk::Fp> weights,
                                               const ClaimList& ac, std::span<const zk::Fp> advice,
                                               zk::Transcript& t, zk::JointClaims* reduced,
                                               unsigned threads, zk::MaskBankProver* bank) {
  VINET_ASSIGN_OR_RETURN(JointTables jt,
                         AbsorbJointClaims(wc, weights.size(), ac, advice.size(), t, threads));
  return zk::ProveJointTables(weights, jt.ew, advice, jt.ea, t, reduced, threads, bank);
}

Result<zk::JointBankBatchProof> ProveJointBankClaims(
    const ClaimList& wc, std::span<const zk::Fp> weights, const ClaimList& ac,
    std::span<const zk::Fp> advice, std::span<const std::vector<zk::Fp>> bank_polys,
    zk::MaskBankProver& bank, zk::Transcript& t, zk::JointBankClaims* reduced, unsigned threads) {
  VINET_ASSIGN_OR_RETURN(JointTables jt,
                         AbsorbJointClaims(wc, weights.size(), ac, advice.size(), t, threads));
  return zk::ProveJointBankTables(weights, jt.ew, advice, jt.ea, bank_polys, bank, t, reduced,
                                  threads);
}

}  // namespace vinet::zkml::detail
