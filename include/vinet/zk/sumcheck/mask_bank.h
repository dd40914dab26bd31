// One Libra-style mask commitment for all the sumchecks of one proof.
//
// A proof whose sumchecks have shapes (n_s, d_s) fixed by the statement masks
// every one of them with its own polynomial g_s(x) = sum_i g_{s,i}(x_i)
// (g_{s,i} of degree d_s, coefficients uniform in F_p^2 from the CSPRNG),
// and commits ALL the coefficients in ONE hiding Ligero commitment M of
// MaskBankVars(shapes) variables: entries [0, K) every c0 half in slot order
// (slot s, variable i, power j), [K, 2K) every c1 half, the rest (at least
// one entry) uniformly random padding.
// Protocol (both sides): absorb the commitment before the first sumcheck;
// sumcheck s absorbs G_s = sum_x g_s(x), draws rho_s and runs the ordinary
// sumcheck of f_s + rho_s g_s (claim S_s + rho_s G_s, sumcheck.h with a
// SumcheckMask), then absorbs v_s = g_s(r_s); the verifier checks
// sum_t c_t prod P_k(r_s) + rho_s v_s = last claim. After the last sumcheck:
// draw lambda; V = sum_s lambda^s v_s is the inner product <M, w> with the
// public vector w (lambda^s r_{s,i}^j at the c0 half, X lambda^s r_{s,i}^j at
// the c1 half, 0 on the padding). Prove it with a degree-2 sumcheck of
// M(x) w(x), itself masked by a one-slot inner bank in the row-0 layout (its
// 2·3·m coefficients in row 0 of a small hiding commitment, opened with one
// tensor opening), then open M at the sumcheck's point r' (one hiding MLE
// opening: M(r') is uniform thanks to the padding; the verifier computes
// w(r') itself). Every round polynomial is then masked as in zk_sumcheck.h,
// at the cost of two small commitments and openings per proof instead of one
// per sumcheck (docs/zk.md, "Zero-knowledge model proofs"). Sumchecks without
// rounds (n_s = 0) are not masked and take no slot. Soundness per sumcheck:
// d n / |F| plus 1/|F| for rho_s; once: (S - 1)/|F| for lambda, the inner
// sumcheck (2m/|F| + 1/|F|) and the two openings' PCS errors.
#pragma once

#include <span>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::zk {

struct MaskShape {
  size_t num_vars = 0;  // >= 1
  size_t degree = 0;    // 1..3
};

// Variables of the mask polynomial M: the smallest m with 2^m > 2 sum_s
// n_s (d_s + 1) (room for at least one padding entry).
size_t MaskBankVars(std::span<const MaskShape> shapes);
// Variables of the inner bank's polynomial (one slot of MaskBankVars rounds,
// degree 2, in the row-0 layout).
size_t MaskBankInnerVars(std::span<const MaskShape> shapes);

class MaskBankProver {
 public:
  // Draws every slot's coefficients and commits them; `pcs` must be hiding
  // and outlive the bank. kInvalidArgument on a bad shape or a plain PCS.
  static Result<MaskBankProver> Commit(std::vector<MaskShape> shapes, const LigeroPcs& pcs);

  const PcsCommitment& commitment() const { return committed_.commitment; }
  const std::vector<Fp2>& sums() const { return sums_; }    // G_s, slot order
  const std::vector<Fp2>& evals() const { return evals_; }  // v_s, slot order

  // The next slot's masked sumcheck (n = 0: the plain sumcheck, no slot).
  // kInternal if the shape is not the next slot's.
  Result<SumcheckProverOutput> Prove(std::vector<std::vector<Fp2>> polys,
                                     std::span<const ProductTerm> terms, Transcript& transcript,
                                     unsigned threads);
  // The same in two steps, for provers with their own round loop (LogUp's
  // layer sumchecks): Begin absorbs G_s and draws rho_s (kInternal if the
  // shape is not the next slot's); the caller absorbs claim + rho_s G_s and
  // sends the rounds of f + rho_s g_s; End absorbs v_s = g_s(point).
  Result<SumcheckMask> Begin(size_t num_vars, size_t degree, Transcript& transcript);
  void End(std::span<const Fp2> point, Transcript& transcript);
  // After the last slot: draws lambda and proves V (see above); returns the
  // bytes: inner commitment ‖ Fp2 G ‖ Fp2 v ‖ SumcheckProof (m rounds, degree
  // 2, M(r'), w(r')) ‖ u32 len ‖ inner tensor opening ‖ u32 len ‖ M's opening.
  Result<Bytes> Open(Transcript& transcript);

 private:
  MaskBankProver(std::vector<MaskShape> shapes, const LigeroPcs& pcs, bool row0)
      : shapes_(std::move(shapes)), pcs_(&pcs), row0_(row0) {}
  static Result<MaskBankProver> CommitLayout(std::vector<MaskShape> shapes, const LigeroPcs& pcs,
                                             bool row0);
  std::vector<MaskShape> shapes_;
  const LigeroPcs* pcs_;
  bool row0_;  // the inner bank: coefficients in row 0, one tensor opening
  std::vector<Fp> table_;
  std::vector<std::vector<std::vector<Fp2>>> coeffs_;  // per slot: n x (d + 1)
  PcsCommitted committed_;
  std::vector<Fp2> sums_, evals_;
  std::vector<std::vector<Fp2>> points_;
};

class MaskBankVerifier {
 public:
  // `sums` and `evals` hold one value per slot (the parser fixes the counts).
  MaskBankVerifier(std::vector<MaskShape> shapes, const PcsCommitment& commitment,
                   std::span<const Fp2> sums, std::span<const Fp2> evals, const LigeroPcs& pcs);

  // The next slot's masked sumcheck for claimed_sum (n = 0: plain, no slot);
  // kVerification naming the failed check, else the claim on f's polynomials.
  Result<SumcheckClaim> Verify(size_t num_vars, size_t num_polys,
                               std::span<const ProductTerm> terms, Fp2 claimed_sum,
                               const SumcheckProof& proof, Transcript& transcript);
  // After the last slot: draws lambda and checks the proof of V (kParse for
  // malformed bytes, kVerification naming the failed check).
  Status Finish(ByteSpan opening, Transcript& transcript) const;

 private:
  MaskBankVerifier(std::vector<MaskShape> shapes, const PcsCommitment& commitment,
                   std::span<const Fp2> sums, std::span<const Fp2> evals, const LigeroPcs& pcs,
                   bool row0);
  bool row0_ = false;
  std::vector<MaskShape> shapes_;
  PcsCommitment commitment_;
  std::vector<Fp2> sums_, evals_;
  const LigeroPcs* pcs_;
  std::vector<std::vector<Fp2>> points_;
};

// `bank` null: the plain sumcheck (sumcheck.h); otherwise the bank's next slot.
Result<SumcheckProverOutput> ProveMaybeMasked(MaskBankProver* bank,
                                              std::vector<std::vector<Fp2>> polys,
                                              std::span<const ProductTerm> terms,
                                              Transcript& transcript, unsigned threads);
Result<SumcheckClaim> VerifyMaybeMasked(MaskBankVerifier* bank, size_t num_vars, size_t num_polys,
                                        std::span<const ProductTerm> terms, Fp2 claimed_sum,
                                        const SumcheckProof& proof, Transcript& transcript);

}  // namespace vinet::zk
