// Zero-knowledge sumcheck with one Libra-style masking polynomial.
//
// Statement as in sumcheck.h: claimed_sum = sum_x f(x), f = sum_t c_t prod P_k.
// The prover draws g(x) = sum_i g_i(x_i) (g_i of the sumcheck's degree d,
// coefficients uniform in F_p^2 from the CSPRNG, never from the transcript)
// and commits its 2 n (d + 1) base-field coordinates in row 0 of one hiding
// Ligero commitment. Protocol: absorb S = claimed_sum; absorb the mask
// commitment and G = sum_x g(x); draw rho; run the sumcheck of f + rho g
// (claim S + rho G, sumcheck.h with a SumcheckMask); absorb the final
// evaluations P_k(r); open g(r) with a tensor opening (weights r_i^j for
// the c0 halves, X r_i^j for the c1 halves, so the one opened value is
// g(r)); the verifier checks sum_t c_t prod P_k(r) + rho g(r) = last claim.
// Every round polynomial is then masked by rho * g_i's fresh coefficients:
// the messages are simulatable from the final evaluations alone (docs/zk.md,
// "Masked sumcheck"). The final evaluations are still returned as a claim
// the caller discharges (hiding PCS openings reveal only those values).
// Soundness: the sumcheck's d n / |F| plus rho (d n / |F|, the masked sum is
// a polynomial of degree 1 in rho) plus the hiding PCS opening.
#pragma once

#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::zk {

struct ZkSumcheckProof {
  PcsCommitment mask_commitment;
  Fp2 mask_sum;         // G
  SumcheckProof inner;  // rounds of f + rho g, final evaluations of f's polynomials
  Fp2 mask_eval;        // g(r)
  Bytes mask_opening;   // hiding Ligero tensor opening of g(r)

  void Serialize(ByteWriter& w) const;
  Bytes ToBytes() const;
  // Counts fixed by the statement (and the opening's size by the PCS); kParse otherwise.
  static Result<ZkSumcheckProof> Parse(ByteSpan bytes, size_t num_vars, size_t degree,
                                       size_t num_polys);
};

struct ZkSumcheckProverOutput {
  ZkSumcheckProof proof;
  Fp2 claimed_sum;
  std::vector<Fp2> point;
};

// The number of variables of the mask commitment for n rounds of degree d.
size_t ZkSumcheckMaskVars(size_t num_vars, size_t degree);

// num_vars >= 1; `pcs` must be hiding (kInvalidArgument otherwise).
Result<ZkSumcheckProverOutput> ProveZkSumcheck(std::vector<std::vector<Fp2>> polys,
                                               std::span<const ProductTerm> terms,
                                               Transcript& transcript, const LigeroPcs& pcs,
                                               unsigned threads = 1);

// kVerification naming the failed check; on success the claim on f's polynomials.
Result<SumcheckClaim> VerifyZkSumcheck(size_t num_vars, size_t num_polys,
                                       std::span<const ProductTerm> terms, Fp2 claimed_sum,
                                       const ZkSumcheckProof& proof, Transcript& transcript,
                                       const LigeroPcs& pcs);

}  // namespace vinet::zk
