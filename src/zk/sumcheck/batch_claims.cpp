#include "vinet/zk/sumcheck/batch_claims.h"

#include <bit>

#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/mask_bank.h"

namespace vinet::zk {
namespace {

const std::vector<ProductTerm>& Terms() {
  static const std::vector<ProductTerm> terms = {{Fp2::One(), {0, 1}}};
  return terms;
}

Status CheckClaims(size_t num_vars, std::span<const EvalClaim> claims) {
  if (claims.empty()) return Error(Code::kInvalidArgument, "batch claims: no claims");
  for (const auto& c : claims) {
    if (c.point.size() != num_vars) {
      return Error(Code::kInvalidArgument, "batch claims: point length differs from n");
    }
  }
  return Status::Ok();
}

// Absorbs the claims, draws beta and returns its powers and the combined claim.
std::vector<Fp2> AbsorbAndCombine(std::span<const EvalClaim> claims, Transcript& t, Fp2* combined) {
  for (const auto& c : claims) {
    t.AbsorbFp2s("batch.point", c.point);
    t.AbsorbFp2("batch.value", c.value);
  }
  Fp2 beta = t.ChallengeFp2("batch.beta");
  std::vector<Fp2> powers(claims.size());
  Fp2 p = Fp2::One();
  *combined = Fp2::Zero();
  for (size_t k = 0; k < claims.size(); ++k) {
    powers[k] = p;
    *combined += p * claims[k].value;
    p *= beta;
  }
  return powers;
}

}  // namespace

Result<BatchedClaimProof> ProveBatchedClaims(std::span<const Fp> evals,
                                             std::span<const EvalClaim> claims,
                                             Transcript& transcript, EvalClaim* reduced,
                                             unsigned threads) {
  if (evals.empty() || !std::has_single_bit(evals.size())) {
    return Error(Code::kInvalidArgument, "batch claims: table size must be 2^n");
  }
  size_t num_vars = std::countr_zero(evals.size());
  VINET_RETURN_IF_ERROR(CheckClaims(num_vars, claims));
  Fp2 combined;
  std::vector<Fp2> powers = AbsorbAndCombine(claims, transcript, &combined);
  std::vector<Fp2> e(evals.size());
  for (size_t k = 0; k < claims.size(); ++k) {
    std::vector<Fp2> eq = EqTable(claims[k].point, threads);
    ParallelFor(e.size(), threads, [&](size_t b, size_t end) {
      for (size_t i = b; i < end; ++i) e[i] += powers[k] * eq[i];
    });
  }
  VINET_ASSIGN_OR_RETURN(SumcheckProverOutput out, ProveSumcheck({ToExtension(evals), std::move(e)},
                                                                 Terms(), transcript, threads));
  if (reduced != nullptr) *reduced = {out.point, out.proof.final_evals[0]};
  return BatchedClaimProof{std::move(out.proof)};
}

Result<EvalClaim> VerifyBatchedClaims(size_t num_vars, std::span<const EvalClaim> claims,
                                      const BatchedClaimProof& proof, Transcript& transcript,
                                      MaskBankVerifier* bank) {
  VINET_RETURN_IF_ERROR(CheckClaims(num_vars, claims));
  Fp2 combined;
  std::vector<Fp2> powers = AbsorbAndCombine(claims, transcript, &combined);
  VINET_ASSIGN_OR_RETURN(SumcheckClaim sc, VerifyMaybeMasked(bank, num_vars, 2, Terms(), combined,
                                                             proof.sumcheck, transcript));
  Fp2 e_at_r;
  for (size_t k = 0; k < claims.size(); ++k)
    e_at_r += powers[k] * EqEval(claims[k].point, sc.point);
  if (sc.final_evals[1] != e_at_r) {
    return Error(Code::kVerification, "batch claims: wrong evaluation of the combined eq");
  }
  return EvalClaim{sc.point, sc.final_evals[0]};
}

}  // namespace vinet::zk
