// How the claim batches combine their claims (private to the sumcheck
// verifiers and provers of batch_claims.h and joint_bank_batch.h): every
// point and value absorbed, then beta drawn; claim k weighs beta^k.
#pragma once

#include <span>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/zk/sumcheck/batch_claims.h"

namespace vinet::zk::detail {

// kInvalidArgument if there are no claims or a point's length is not n.
Status CheckClaims(size_t num_vars, std::span<const EvalClaim> claims);

// Absorbs the claims, draws beta; returns its powers, sets *combined to
// sum_k beta^k y_k.
std::vector<Fp2> AbsorbAndCombine(std::span<const EvalClaim> claims, Transcript& t, Fp2* combined);

// The joint batch's two claim lists (W's of n variables, then A's of n2,
// lifted by j = n - n2): checked, absorbed, combined. `sum` is the batch's
// claimed sum, A's part scaled by 2^j (lift(A) repeats each value 2^j times).
struct JointCombination {
  std::vector<EvalClaim> all;  // W's claims, then A's
  size_t w_claims = 0, lift = 0;
  std::vector<Fp2> powers;
  Fp2 sum;
  // E_W(r) and E_A(r_{j..}) at the sumcheck's point r (n coordinates).
  Fp2 EwAt(std::span<const Fp2> r) const;
  Fp2 EaAt(std::span<const Fp2> r) const;
};
Result<JointCombination> CombineJointClaims(size_t num_vars, std::span<const EvalClaim> w_claims,
                                            size_t secondary_vars,
                                            std::span<const EvalClaim> a_claims, Transcript& t);

// The prover's side of CombineJointClaims: absorbs the claims, draws beta and
// builds E_W (2^n entries) and E_A (2^n2).
struct JointEqTables {
  std::vector<Fp2> e_w, e_a;
};
Result<JointEqTables> BuildJointEqTables(size_t num_vars, std::span<const EvalClaim> w_claims,
                                         size_t secondary_vars, std::span<const EvalClaim> a_claims,
                                         Transcript& t, unsigned threads);

}  // namespace vinet::zk::detail
