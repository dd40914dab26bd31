// The joint claim batch with the mask bank inside it (docs/zk.md "The mask
// bank inside the joint opening"): zero knowledge for a joint Basefold opening
// without a commitment or an opening of the bank's own.
//
// Statement: the joint batch of batch_claims.h (W of n variables, the joint
// opening's primary, claims W(z_k) = y_k; A of n2 <= n, its secondary, claims
// A(u_l) = v_l; j = n - n2 lifted variables), and a mask bank
// (mask_bank.h, MaskBankProver::Draw) whose table T (m = MaskBankVars
// variables) rides in the SAME secondary commitment as JointBankPolyCount(m,
// n2) more polynomials, in this order:
//   R1, R2: two fresh uniform base-field multilinear masks of k = mask_vars
//     <= n2 variables (JointMaskVars), committed as lifts to the secondary's
//     last k variables (unpadded when k < n2); when T has fewer variables
//     than R1 (m < k, k >= 4: TableInMask) T is R1's first 2^m entries (T is
//     uniform too);
//   otherwise (then k = n2) T's chunks of n2 variables: chunk c holds
//     T(b, c) (c the top m - n2 bits; one chunk when m = n2).
// Protocol (the transcript of both sides):
//   1. beta_c drawn over every claim (batch_claims.h). If k < n the bank's
//      next slot (n - k variables, degree 2; its mask sums to zero) masks
//      rounds 0..n-k-1: rho_s drawn, claimed sum S; after round n-k-1 the
//      prover sends v_s (the rounds go on, so it cannot be derived), both
//      absorb it and rho_s 2^k v_s leaves the running claim.
//   2. At round n - k (before round 0 when k = n): the bank's claim (lambda,
//      V = <T, w_T>, MaskBankProver::Claim); v and u (k coordinates each)
//      drawn; G1 = sum R1 eq(v, .) = R1(v) and G2 = R2(u) absorbed; beta_T,
//      rho1, rho2 drawn. The running claim gains beta_T V + rho1 G1 + rho2 G2
//      and the summand gains beta_T <T, w_T> (on R1's first entries, or
//      on each chunk) + rho1 R1 eq(v, .) + rho2 R2 eq(u, .) over the last k
//      variables.
//   3. Rounds n-k..n-1 (degree 2) over everything. Final evaluations: W(r),
//      A(r'), every bank polynomial at r' = r_{j..} (R1, R2 read their last k
//      coordinates); the verifier evaluates E_W, E_A, W_c, eq(v, .) and
//      eq(u, .) itself and checks the last claim.
// The claims then go to ONE joint opening (W at r; A and the bank's
// polynomials at r'). Rounds 0..n-k-1 are masked by the slot, rounds
// n-k..n-1 by rho1 R1 eq(v, .) + rho2 R2 eq(u, .): per round the directions
// eq(v_i, X)(X - v_i) and eq(u_i, X)(X - u_i), which span the messages of a
// fixed sum; their coefficients are R1 and R2 at the points (r_<i, v_>=i),
// (r_<i, u_>=i), uniform in F_p^2 while the eq vectors of those points and
// of their conjugates (and, unpadded, the functionals of R's opened
// codeword symbols) are independent (docs/zk.md; checked in the tests).
// Inside R1, T's coefficient entries (M's, revealed in part by the slots)
// are left out of that argument: the independence holds on the other
// entries. T(r') is uniform through H (T's odd entries, weight 0 in w_T and
// used nowhere else). Soundness beyond the joint batch's: 1/|F| each for beta_T,
// rho1 and rho2 (a false V, G1 or G2 survives one value).
// Malformed proofs are kVerification naming the check; bad sizes are
// kInvalidArgument.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/zk/sumcheck/batch_claims.h"
#include "vinet/zk/sumcheck/mask_bank.h"

namespace vinet::zk {

// T of m variables rides inside R1 of k variables (m < k, k >= 4).
bool TableInMask(size_t table_vars, size_t mask_vars);
inline constexpr size_t kMinJointMaskVars = 4;
// R1, R2 of k = mask_vars variables fit a secondary of n2 and a table T of m
// variables: 1 <= k <= n2, and below n2 they hold T (TableInMask(m, k)).
bool JointMasksFit(size_t table_vars, size_t mask_vars, size_t secondary_vars);
// k, the variables of R1 and R2 in a joint batch of n variables with a
// secondary of n2: the smallest k in [4, n2) such that T fits inside R1
// (m < k, m the bank's variables once this batch's slot of n - k rounds
// joins `other_slots`, the bank's other slots in order); n2 if there is none
// (then T sits in R1 when m < n2, else in chunks, and the slot has j = n - n2
// rounds). Both sides derive it from the statement.
size_t JointMaskVars(std::span<const MaskShape> other_slots, size_t num_vars,
                     size_t secondary_vars);
// T's chunks of its own in a secondary of n2 variables: 0 inside R1, else
// 2^max(0, m - n2).
size_t JointBankChunks(size_t table_vars, size_t secondary_vars);
// The bank's polynomials in the secondary: the two masks and the chunks.
size_t JointBankPolyCount(size_t table_vars, size_t secondary_vars);
// Those polynomials for the table T (2^m values): R1 and R2 of k =
// mask_vars variables drawn from the CSPRNG (T inside R1), then T's chunks of
// n2 variables. R1 and R2 are lifts to the secondary's last k variables: the
// caller commits them as n2-variable tables (LiftToLastVars), unpadded when
// k < n2. kInvalidArgument if T is not 2^m values or does not fit R1 when
// k < n2.
Result<std::vector<std::vector<Fp>>> JointBankPolys(std::span<const Fp> table,
                                                    size_t secondary_vars, size_t mask_vars);

struct JointBankBatchProof {
  std::optional<Fp2> slot_eval;  // k < n: the slot's v_s (the rounds go on after it)
  Fp2 r1_sum, r2_sum;            // G1, G2
  SumcheckProof sumcheck;        // n rounds, degree 2; finals W(r), A(r'), the bank's
                                 // polynomials at r'

  // [Fp2 v_s, k < n] ‖ Fp2 G1 ‖ Fp2 G2 ‖ the sumcheck (counts fixed by the
  // statement).
  void Serialize(ByteWriter& w) const;
  static Result<JointBankBatchProof> Parse(ByteReader& r, size_t num_vars, size_t bank_polys,
                                           bool slot);
};

// What the joint opening must prove: W at the full point, A and the bank's
// polynomials at its suffix.
struct JointBankClaims {
  EvalClaim primary;
  std::vector<Fp2> secondary_point;
  std::vector<Fp2> secondary_evals;  // A, then the bank's polynomials
};

// Prover, once beta_c is drawn and the combined eq tables are built (as
// ProveJointTables): `bank_polys` are JointBankPolys of the bank's table, the
// bank has run every slot but this batch's.
Result<JointBankBatchProof> ProveJointBankTables(std::span<const Fp> w, std::span<const Fp2> e_w,
                                                 std::span<const Fp> a, std::span<const Fp2> e_a,
                                                 std::span<const std::vector<Fp>> bank_polys,
                                                 MaskBankProver& bank, Transcript& transcript,
                                                 JointBankClaims* reduced, unsigned threads = 1);

// The same from the claims (absorbed, beta_c drawn, tables built here).
Result<JointBankBatchProof> ProveJointBankBatch(
    std::span<const Fp> w, std::span<const EvalClaim> w_claims, std::span<const Fp> a,
    std::span<const EvalClaim> a_claims, std::span<const std::vector<Fp>> bank_polys,
    MaskBankProver& bank, Transcript& transcript, JointBankClaims* reduced, unsigned threads = 1);

// Verifier: the whole batch, claims absorbed first; mask_vars is
// JointMaskVars of the statement.
Result<JointBankClaims> VerifyJointBankBatch(size_t num_vars, std::span<const EvalClaim> w_claims,
                                             size_t secondary_vars, size_t mask_vars,
                                             std::span<const EvalClaim> a_claims,
                                             const JointBankBatchProof& proof,
                                             MaskBankVerifier& bank, Transcript& transcript);

}  // namespace vinet::zk
