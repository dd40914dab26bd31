#include "vinet/zk/sumcheck/batch_claims.h"

#include <bit>
#include <optional>

#include "vinet/zk/parallel.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zk/sumcheck/lifted_sumcheck.h"
#include "vinet/zk/sumcheck/mask_bank.h"
#include "zk/sumcheck/claim_combination.h"

namespace vinet::zk {

using detail::AbsorbAndCombine;
using detail::CheckClaims;

namespace {

const std::vector<ProductTerm>& Terms() {
  static const std::vector<ProductTerm> terms = {{Fp2::One(), {0, 1}}};
  return terms;
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
  VINET_ASSIGN_OR_RETURN(
      detail::JointEqTables e,
      detail::BuildJointEqTables(std::countr_zero(w.size()), w_claims, std::countr_zero(a.size()),
                                 a_claims, transcript, threads));
  return ProveJointTables(w, e.e_w, a, e.e_a, transcript, reduced, threads, bank);
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
  VINET_ASSIGN_OR_RETURN(
      detail::JointCombination jc,
      detail::CombineJointClaims(num_vars, w_claims, secondary_vars, a_claims, transcript));
  VINET_ASSIGN_OR_RETURN(SumcheckClaim sc, VerifyMaybeMasked(bank, num_vars, 4, JointClaimTerms(),
                                                             jc.sum, proof.sumcheck, transcript));
  if (sc.final_evals[1] != jc.EwAt(sc.point) || sc.final_evals[3] != jc.EaAt(sc.point)) {
    return Error(Code::kVerification, "joint claims: wrong evaluation of a combined eq");
  }
  std::span<const Fp2> high = std::span<const Fp2>(sc.point).subspan(jc.lift);
  return JointClaims{{sc.point, sc.final_evals[0]},
                     {{high.begin(), high.end()}, sc.final_evals[2]}};
}

namespace detail {

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

Result<JointCombination> CombineJointClaims(size_t num_vars, std::span<const EvalClaim> w_claims,
                                            size_t secondary_vars,
                                            std::span<const EvalClaim> a_claims, Transcript& t) {
  if (secondary_vars > num_vars) {
    return Error(Code::kInvalidArgument, "joint claims: the secondary is larger");
  }
  VINET_RETURN_IF_ERROR(CheckClaims(num_vars, w_claims));
  VINET_RETURN_IF_ERROR(CheckClaims(secondary_vars, a_claims));
  JointCombination jc;
  jc.w_claims = w_claims.size();
  jc.lift = num_vars - secondary_vars;
  jc.all.assign(w_claims.begin(), w_claims.end());
  jc.all.insert(jc.all.end(), a_claims.begin(), a_claims.end());
  Fp2 unscaled;
  jc.powers = AbsorbAndCombine(jc.all, t, &unscaled);
  Fp2 scale = Fp2(Fp(uint64_t{1} << jc.lift));
  for (size_t k = 0; k < jc.all.size(); ++k) {
    jc.sum += (k < jc.w_claims ? jc.powers[k] : jc.powers[k] * scale) * jc.all[k].value;
  }
  return jc;
}

Result<JointEqTables> BuildJointEqTables(size_t num_vars, std::span<const EvalClaim> w_claims,
                                         size_t secondary_vars, std::span<const EvalClaim> a_claims,
                                         Transcript& t, unsigned threads) {
  VINET_ASSIGN_OR_RETURN(JointCombination jc,
                         CombineJointClaims(num_vars, w_claims, secondary_vars, a_claims, t));
  JointEqTables e{std::vector<Fp2>(size_t{1} << num_vars),
                  std::vector<Fp2>(size_t{1} << secondary_vars)};
  for (size_t k = 0; k < jc.all.size(); ++k) {
    std::vector<Fp2> eq = EqTable(jc.all[k].point, threads);
    std::vector<Fp2>& out = k < jc.w_claims ? e.e_w : e.e_a;
    for (size_t i = 0; i < out.size(); ++i) out[i] += jc.powers[k] * eq[i];
  }
  return e;
}

Fp2 JointCombination::EwAt(std::span<const Fp2> r) const {
  Fp2 e;
  for (size_t k = 0; k < w_claims; ++k) e += powers[k] * EqEval(all[k].point, r);
  return e;
}

Fp2 JointCombination::EaAt(std::span<const Fp2> r) const {
  Fp2 e;
  for (size_t k = w_claims; k < all.size(); ++k)
    e += powers[k] * EqEval(all[k].point, r.subspan(lift));
  return e;
}

}  // namespace detail

}  // namespace vinet::zk
