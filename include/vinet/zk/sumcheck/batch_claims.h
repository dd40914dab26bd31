// Reduces several evaluation claims on one multilinear polynomial to a single
// claim at one new point, so a committed polynomial (the model weights) is
// opened once per proof however many layers read it.
//
// Claims W(z_k) = y_k, k = 1..K, all points of the same length n. After
// absorbing the points and values, beta is drawn and a degree-2 sumcheck
// proves sum_x W(x) E(x) = sum_k beta^k y_k with E(x) = sum_k beta^k eq(z_k, x).
// The verifier evaluates E(r) itself and is left with the claim W(r) = value,
// which the caller discharges with one PCS opening at r.
// Soundness error: (K - 1)/|F| (beta) + 2n/|F| (sumcheck).
#pragma once

#include <span>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::zk {

struct EvalClaim {
  std::vector<Fp2> point;
  Fp2 value;
};

struct BatchedClaimProof {
  SumcheckProof sumcheck;  // n rounds, degree 2, final evaluations (W(r), E(r))
};

// Prover: `evals` is W's table (2^n values). kInvalidArgument if there are
// no claims or a point's length is not n. The claims are not re-checked.
Result<BatchedClaimProof> ProveBatchedClaims(std::span<const Fp> evals,
                                             std::span<const EvalClaim> claims,
                                             Transcript& transcript, EvalClaim* reduced,
                                             unsigned threads = 1);

class MaskBankProver;
class MaskBankVerifier;

// Verifier: on success returns the single claim W(r) = value to open. With
// `bank` the sumcheck is the bank's next masked slot (sumcheck/mask_bank.h).
Result<EvalClaim> VerifyBatchedClaims(size_t num_vars, std::span<const EvalClaim> claims,
                                      const BatchedClaimProof& proof, Transcript& transcript,
                                      MaskBankVerifier* bank = nullptr);

// Joint batch (for a joint Basefold opening, pcs/basefold.h): claims W(z_k) =
// y_k on W of n variables and A(u_l) = v_l on A of n2 <= n variables become
// W(r) and A(r_{j..}) at ONE point r (j = n - n2). After absorbing W's claims
// then A's, beta is drawn (powers continue from W's claims to A's) and a
// degree-2 sumcheck over n variables proves
//   sum_x [W(x) E_W(x) + lift(A)(x) lift(E_A)(x)] = sum_k beta^k y_k + 2^j sum_l beta^(K+l) v_l
// with lift(P)(x) = P(x_j, .., x_{n-1}); polynomials (W, E_W, lift A, lift E_A).
// Soundness error: (K + L - 1)/|F| + 2n/|F|.
struct JointClaims {
  EvalClaim primary;    // W(r), r has n coordinates
  EvalClaim secondary;  // A(r_{j..}), n2 coordinates
};
Result<BatchedClaimProof> ProveJointBatchedClaims(
    std::span<const Fp> w, std::span<const EvalClaim> w_claims, std::span<const Fp> a,
    std::span<const EvalClaim> a_claims, Transcript& transcript, JointClaims* reduced,
    unsigned threads = 1, MaskBankProver* bank = nullptr);
// The joint batch's sumcheck once the transcript has drawn beta and the
// combined eq tables are built (E_W over W's 2^n entries, E_A over A's 2^n2):
// the bank's next slot when `bank` is set; fills `reduced`. Shared by
// ProveJointBatchedClaims and provers that build E from structured claims.
Result<BatchedClaimProof> ProveJointTables(std::span<const Fp> w, std::span<const Fp2> e_w,
                                           std::span<const Fp> a, std::span<const Fp2> e_a,
                                           Transcript& transcript, JointClaims* reduced,
                                           unsigned threads, MaskBankProver* bank);
Result<JointClaims> VerifyJointBatchedClaims(size_t num_vars, std::span<const EvalClaim> w_claims,
                                             size_t secondary_vars,
                                             std::span<const EvalClaim> a_claims,
                                             const BatchedClaimProof& proof, Transcript& transcript,
                                             MaskBankVerifier* bank = nullptr);
// The joint batch's term list: W E_W + lift(A) lift(E_A) over (W, E_W, A, E_A).
const std::vector<ProductTerm>& JointClaimTerms();

}  // namespace vinet::zk
