// One Libra-style mask commitment for all the sumchecks of one proof.
//
// A proof whose sumchecks have shapes (n_s, d_s) fixed by the statement masks
// every one of them with its own polynomial g_s(x) = sum_i g_{s,i}(x_i)
// (g_{s,i} of degree d_s, coefficients c_{s,i,j}, j >= 1, uniform in F_p^2
// from the CSPRNG; one constant per slot, in g_{s,0}, chosen so that g_s sums
// to zero over the cube: K = sum_s (1 + n_s d_s) coefficients), and keeps ALL
// the coefficients in ONE table M of 2^m entries: [0, K) every c0 half in
// slot order (slot s: the constant, then variable i, power j >= 1), [K, 2K)
// every c1 half, the rest uniformly random padding; M is committed (inside T,
// below) with one hiding commitment.
// Protocol (both sides): the commitment is absorbed before the first
// sumcheck; sumcheck s draws rho_s and runs the ordinary sumcheck of
// f_s + rho_s g_s (claim S_s: g_s sums to zero; sumcheck.h with a
// SumcheckMask). v_s = g_s(r_s) is not sent: the verifier derives it from
// the last round, v_s = (last claim - f's terms at r_s) / rho_s, and both
// sides absorb it. After the last sumcheck: draw lambda; V = sum_s lambda^s
// v_s is the inner product <M, w> with the public vector w (lambda^s
// r_{s,i}^j, or lambda^s for the constant, at the c0 half, X times that at
// the c1 half, 0 on the padding): a false sumcheck makes its derived v_s
// wrong, and V then misses <M, w> (docs/zk.md).
// Blinded inner product (one commitment, one opening): the committed table T
// interleaves M with a fresh uniform table H of the same size, T[2k] = M[k],
// T[2k + 1] = H[k] (so T is uniformly random but for the constants, and M is
// read from its even entries). The prover sends V_H = <H, w>; the verifier
// draws sigma; a PLAIN degree-2 sumcheck proves sum_x T(x) w'(x) = V +
// sigma V_H with w'[2k] = w[k], w'[2k + 1] = sigma w[k]. It binds x_0 (the
// M/H bit) first: round 0 is fixed by V, V_H and sigma, and every later
// message is a function of the table P = (1 - r_0) M + r_0 H, uniform given V
// and V_H (docs/zk.md). Then T is opened at the sumcheck's point r' (one
// hiding MLE opening); the verifier computes w'(r') = ((1 - r'_0) + r'_0
// sigma) w(r'_1..) itself. A caller that commits T itself (Draw) proves V
// its own way instead (joint_bank_batch.h). Sumchecks without rounds
// (n_s = 0) are not masked and take no slot. Soundness per sumcheck: d n / |F|
// plus 1/|F| for rho_s; once: S/|F| for lambda, 1/|F| for sigma, the inner
// sumcheck (2 MaskBankVars / |F|) and the opening's PCS error.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/zk/pcs/pcs.h"
#include "vinet/zk/sumcheck/sumcheck.h"

namespace vinet::zk {

struct MaskShape {
  size_t num_vars = 0;  // >= 1
  size_t degree = 0;    // 1..3
};

// The bank's claim once every slot has run (both sides): lambda drawn,
// value = V = sum_s lambda^s v_s = <T, weights>, with `weights` over T's
// 2^MaskBankVars entries (w at M's even positions, 0 at H's odd ones). The
// joint batch with the bank inside (joint_bank_batch.h) proves it.
struct BankClaim {
  Fp2 value;
  std::vector<Fp2> weights;
};

// Variables of the committed table T: 1 + the smallest m >= 1 with 2^m >=
// 2 sum_s (1 + n_s d_s) (M's entries; H doubles the table).
size_t MaskBankVars(std::span<const MaskShape> shapes);

class MaskBankProver {
 public:
  // Draws every slot's coefficients and commits them; `pcs` must be hiding
  // and outlive the bank. kInvalidArgument on a bad shape or a plain PCS.
  static Result<MaskBankProver> Commit(std::vector<MaskShape> shapes, const MultilinearPcs& pcs);
  // Draws the table and coefficients without committing them: the caller
  // commits table() itself, before the first slot (joint_bank_batch.h puts it
  // in the joint opening's secondary). kInvalidArgument on a bad shape.
  static Result<MaskBankProver> Draw(std::vector<MaskShape> shapes);
  const std::vector<Fp>& table() const { return table_; }  // T

  const PcsCommitment& commitment() const { return committed_.commitment; }
  const std::vector<Fp2>& evals() const { return evals_; }  // v_s, slot order

  // The next slot's masked sumcheck (n = 0: the plain sumcheck, no slot).
  // kInternal if the shape is not the next slot's.
  Result<SumcheckProverOutput> Prove(std::vector<std::vector<Fp2>> polys,
                                     std::span<const ProductTerm> terms, Transcript& transcript,
                                     unsigned threads);
  // The same in two steps, for provers with their own round loop (LogUp's
  // layer sumchecks): Begin draws rho_s (kInternal if the shape is not the
  // next slot's); the caller sends the rounds of f + rho_s g_s (same claim:
  // g_s sums to zero); End absorbs v_s = g_s(point).
  Result<SumcheckMask> Begin(size_t num_vars, size_t degree, Transcript& transcript);
  void End(std::span<const Fp2> point, Transcript& transcript);
  // After the last slot: draws lambda and proves V (see above); returns the
  // bytes: Fp2 V_H ‖ SumcheckProof (MaskBankVars rounds, degree 2, T(r'),
  // w'(r')) ‖ u32 len ‖ T's opening.
  Result<Bytes> Open(Transcript& transcript);
  // Instead of Open, for a table committed by the caller (Draw): draws lambda
  // and returns the claim on T; kInternal if a slot is unused.
  Result<BankClaim> Claim(Transcript& transcript) const;

 private:
  MaskBankProver(std::vector<MaskShape> shapes, const MultilinearPcs* pcs)
      : shapes_(std::move(shapes)), pcs_(pcs) {}
  std::vector<MaskShape> shapes_;
  const MultilinearPcs* pcs_;
  std::vector<Fp> table_;  // T: M at the even entries, H at the odd ones
  std::vector<std::vector<std::vector<Fp2>>> coeffs_;  // per slot: n x (d + 1)
  PcsCommitted committed_;
  size_t begun_ = 0;
  std::vector<Fp2> evals_;
  std::vector<std::vector<Fp2>> points_;
};

// What f's terms take at a sumcheck's final point (from its claim): the
// verifier of a masked sumcheck derives v_s from it, a plain one checks it.
using FinalValue = std::function<Fp2(const SumcheckClaim&)>;

class MaskBankVerifier {
 public:
  // A bank with its own commitment (MaskBankProver::Commit): ends with Finish.
  MaskBankVerifier(std::vector<MaskShape> shapes, const PcsCommitment& commitment,
                   const MultilinearPcs& pcs);
  // A bank whose table the caller's own commitment holds (MaskBankProver::
  // Draw): it ends with Claim, never Finish.
  explicit MaskBankVerifier(std::vector<MaskShape> shapes);

  // The next slot's masked sumcheck for claimed_sum (n = 0: plain, no slot);
  // kVerification naming the failed check, else the claim on f's polynomials.
  // v_s is derived from the final evaluations (EvaluateTerms).
  Result<SumcheckClaim> Verify(size_t num_vars, size_t num_polys,
                               std::span<const ProductTerm> terms, Fp2 claimed_sum,
                               const SumcheckProof& proof, Transcript& transcript);
  // The same for callers whose f's value at the point is not the terms' of
  // the final evaluations (LogUp's batched layers, whose eq factor the
  // verifier computes instead of reading it): `f_value` gives it.
  Result<SumcheckClaim> VerifyRounds(size_t num_vars, size_t num_polys,
                                     std::span<const ProductTerm> terms, Fp2 claimed_sum,
                                     const SumcheckProof& proof, Transcript& transcript,
                                     const FinalValue& f_value);
  // After the last slot: draws lambda and checks the proof of V (kParse for
  // malformed bytes, kVerification naming the failed check).
  Status Finish(ByteSpan opening, Transcript& transcript) const;
  // A slot run by the caller's own round loop (the joint bank batch): Begin
  // checks the shape is the next slot's and returns rho_s; End absorbs v_s
  // (sent by the prover, or derived by the caller) and records the point.
  Result<Fp2> Begin(size_t num_vars, size_t degree, Transcript& transcript);
  void End(std::span<const Fp2> point, Fp2 eval, Transcript& transcript);
  // After the last slot, instead of Finish: draws lambda and returns the claim
  // on T (kVerification if a slot is unused).
  Result<BankClaim> Claim(Transcript& transcript) const;

 private:
  std::vector<MaskShape> shapes_;
  PcsCommitment commitment_;
  const MultilinearPcs* pcs_ = nullptr;  // null: the caller holds the table
  std::vector<Fp2> evals_;               // v_s, derived
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
// `bank` null: VerifySumcheckRounds, then f_value must equal the last claim;
// otherwise the bank's VerifyRounds.
Result<SumcheckClaim> VerifyRoundsMaybeMasked(MaskBankVerifier* bank, size_t num_vars,
                                              size_t num_polys, std::span<const ProductTerm> terms,
                                              Fp2 claimed_sum, const SumcheckProof& proof,
                                              Transcript& transcript, const FinalValue& f_value);

namespace detail {
// The blinded inner product's sumcheck (the bank's Open, exposed for the
// distinguishing test): `table` is T (M at the even entries, H at the odd
// ones), `w` has half its size. Absorbs V_H = <H, w>, draws sigma and proves
// sum_x T(x) w'(x) = <M, w> + sigma V_H with the plain degree-2 sumcheck.
struct BlindedSumcheck {
  Fp2 blind_sum;  // V_H
  Fp2 sigma;
  SumcheckProverOutput sumcheck;
};
Result<BlindedSumcheck> ProveBlindedSumcheck(std::span<const Fp> table, std::span<const Fp2> w,
                                             Transcript& transcript);
}  // namespace detail

}  // namespace vinet::zk
