#include "vinet/zk/sumcheck/batch_claims.h"

#include <bit>
#include <optional>

#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/lifted_sumcheck.h"
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

const std::vector<ProductTerm>& JointClaimTerms() {
  static const std::vector<ProductTerm> terms = {{Fp2::One(), {0, 1}}, {Fp2::One(), {2, 3}}};
  return terms;
}

Result<BatchedClaimProof> ProveJointBatchedClaims(std::span<const Fp> w,
                                                  std::span<const EvalClaim> w_claims,
                                                  std::span<const Fp> a,
                                                  std::span<const EvalClaim> a_claims,
                                                  Transcript& transcript, JointClaims* reduced,
                                                  unsigned threads, MaskBankProver* bank) {
  if (w.empty() || a.empty() || !std::has_single_bit(w.size()) || !std::has_single_bit(a.size()) ||
      a.size() > w.size()) {
    return Error(Code::kInvalidArgument, "joint claims: tables must be 2^n >= 2^n2");
  }
  size_t n = std::countr_zero(w.size()), n2 = std::countr_zero(a.size());
  VINET_RETURN_IF_ERROR(CheckClaims(n, w_claims));
  VINET_RETURN_IF_ERROR(CheckClaims(n2, a_claims));
  std::vector<EvalClaim> all(w_claims.begin(), w_claims.end());
  all.insert(all.end(), a_claims.begin(), a_claims.end());
  Fp2 combined;
  std::vector<Fp2> powers = AbsorbAndCombine(all, transcript, &combined);
  std::vector<Fp2> ew(w.size()), ea(a.size());
  for (size_t k = 0; k < all.size(); ++k) {
    std::vector<Fp2> eq = EqTable(all[k].point, threads);
    std::vector<Fp2>& e = k < w_claims.size() ? ew : ea;
    for (size_t i = 0; i < e.size(); ++i) e[i] += powers[k] * eq[i];
  }
  return ProveJointTables(w, ew, a, ea, transcript, reduced, threads, bank);
}

Result<BatchedClaimProof> ProveJointTables(std::span<const Fp> w, std::span<const Fp2> e_w,
                                           std::span<const Fp> a, std::span<const Fp2> e_a,
                                           Transcript& transcript, JointClaims* reduced,
                                           unsigned threads, MaskBankProver* bank) {
  if (w.empty() || a.empty() || !std::has_single_bit(w.size()) || !std::has_single_bit(a.size()) ||
      a.size() > w.size()) {
    return Error(Code::kInvalidArgument, "joint claims: tables must be 2^n >= 2^n2");
  }
  size_t n = std::countr_zero(w.size()), lift = n - std::countr_zero(a.size());
  std::optional<SumcheckMask> mask;
  if (bank != nullptr) {
    VINET_ASSIGN_OR_RETURN(mask, bank->Begin(n, 2, transcript));
  }
  VINET_ASSIGN_OR_RETURN(
      SumcheckProverOutput out,
      ProveLiftedPairSumcheck(w, e_w, a, e_a, transcript, threads, mask ? &*mask : nullptr));
  if (bank != nullptr) bank->End(out.point, transcript);
  if (reduced != nullptr) {
    reduced->primary = {out.point, out.proof.final_evals[0]};
    reduced->secondary = {{out.point.begin() + lift, out.point.end()}, out.proof.final_evals[2]};
  }
  return BatchedClaimProof{std::move(out.proof)};
}

Result<JointClaims> VerifyJointBatchedClaims(size_t num_vars, std::span<const EvalClaim> w_claims,
                                             size_t secondary_vars,
                                             std::span<const EvalClaim> a_claims,
                                             const BatchedClaimProof& proof, Transcript& transcript,
                                             MaskBankVerifier* bank) {
  if (secondary_vars > num_vars) {
    return Error(Code::kInvalidArgument, "joint claims: the secondary is larger");
  }
  VINET_RETURN_IF_ERROR(CheckClaims(num_vars, w_claims));
  VINET_RETURN_IF_ERROR(CheckClaims(secondary_vars, a_claims));
  size_t lift = num_vars - secondary_vars;
  std::vector<EvalClaim> all(w_claims.begin(), w_claims.end());
  all.insert(all.end(), a_claims.begin(), a_claims.end());
  Fp2 unscaled;
  std::vector<Fp2> powers = AbsorbAndCombine(all, transcript, &unscaled);
  // W's part, then A's scaled by 2^j (lift(A) repeats each value 2^j times).
  Fp2 combined, scale = Fp2(Fp(uint64_t{1} << lift));
  for (size_t k = 0; k < all.size(); ++k) {
    combined += (k < w_claims.size() ? powers[k] : powers[k] * scale) * all[k].value;
  }
  VINET_ASSIGN_OR_RETURN(SumcheckClaim sc, VerifyMaybeMasked(bank, num_vars, 4, JointClaimTerms(),
                                                             combined, proof.sumcheck, transcript));
  std::span<const Fp2> high = std::span<const Fp2>(sc.point).subspan(lift);
  Fp2 ew, ea;
  for (size_t k = 0; k < all.size(); ++k) {
    if (k < w_claims.size()) {
      ew += powers[k] * EqEval(all[k].point, sc.point);
    } else {
      ea += powers[k] * EqEval(all[k].point, high);
    }
  }
  if (sc.final_evals[1] != ew || sc.final_evals[3] != ea) {
    return Error(Code::kVerification, "joint claims: wrong evaluation of a combined eq");
  }
  return JointClaims{{sc.point, sc.final_evals[0]},
                     {{high.begin(), high.end()}, sc.final_evals[2]}};
}

}  // namespace vinet::zk
