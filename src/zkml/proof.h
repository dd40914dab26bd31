// The model proof's structure and its canonical encoding (private).
//
// advice commitment ‖ ONE LogUpBatchProof for all the lookups (range,
// relu-clamp if any, clamp if any, in that order: zk/lookup/logup_gkr.h; one
// layer sumcheck per GKR layer for all of them) ‖ per block, from the last to the first: vector Fp2
// (q', limbs, shifted limb, bias at ρ) ‖ vector Fp2 chunk sums ‖ per K-chunk
// SumcheckProof (matmul) ‖ advice
// batch SumcheckProof ‖ u32 len ‖ advice opening ‖ weight batch SumcheckProof
// ‖ u32 len ‖ weight opening. Joint form (Basefold over Fp4, kinds 4-7, when
// the advice has no more variables than the weights: JointForm): one joint
// batch SumcheckProof of the weight and advice claims (weight_vars rounds,
// zk::VerifyJointBatchedClaims) ‖ u32 len ‖ one joint opening of the weights
// (primary) and the advice (secondary) (BasefoldPcs::OpenJoint), in place of
// the four. Every count is fixed by the key; trailing bytes are rejected.
// Zero-knowledge proofs (hiding keys) also carry one mask bank
// (zk/sumcheck/mask_bank.h) that masks every sumcheck; its masks sum to zero
// and their values at the points are derived, so no value per slot is sent.
// Separate form (kind 3): its commitment right after the advice commitment,
// and at the end u32 len ‖ the bank's opening (its blinded inner-product
// sumcheck and one opening). Joint form (kinds 5 and 7): the bank's table
// rides in the advice commitment (zk/sumcheck/joint_bank_batch.h: the advice,
// then zk::JointBankPolyCount polynomials) and the joint batch is a
// zk::JointBankBatchProof ([Fp2 v_s] ‖ Fp2 G1 ‖ Fp2 G2 ‖ weight_vars rounds ‖
// finals W, A, the bank's polynomials); nothing follows the joint opening.
#pragma once

#include <vector>

#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/pcs/pcs.h"
#include "vinet/zk/sumcheck/batch_claims.h"
#include "vinet/zk/sumcheck/joint_bank_batch.h"
#include "vinet/zk/sumcheck/mask_bank.h"
#include "vinet/zkml/spec.h"
#include "vinet/zkml/zkml.h"
#include "zkml/gather.h"
#include "zkml/layout.h"

namespace vinet::zkml::detail {

// Per block kind (at the block's point ρ):
//   Linear: evals q', limbs, shifted, bias; chunk sums; a matmul per K-chunk.
//   Conv:   evals q', limbs, shifted, bias(ρ_oc); one matmul over the padded
//           im2col rows (A(κ), Xcol(κ, ρ_p)); one gather Xcol -> input.
//   AvgPool: evals q', limbs, shifted; one gather (window sums · M_k) -> input.
//   Add:    evals q', limbs, shifted, a(ρ), b(ρ).
//   MaxPool: evals y, d_1.., e_1..; one gather (γ-combined slots) -> input;
//           one zero-check Σ eq(r, ·)·Σ_j δ^j d_j·e_j = 0 (degree 3).
struct BlockProof {
  std::vector<zk::Fp2> evals;
  std::vector<zk::Fp2> chunk_sums;        // Linear: Σ_{k in chunk} W(ρ, k)·x(k), per chunk
  std::vector<zk::SumcheckProof> matmul;  // degree 2, (A(κ), X(κ))
  std::vector<zk::SumcheckProof> gather;  // degree 2, (G̃(r, ρ_j), x(ρ_j))
  std::vector<zk::SumcheckProof> zero;    // MaxPool: degree 3, (eq, d..., e...)
};

// Fixed per-block counts, from the key.
struct BlockShape {
  size_t evals = 0, chunks = 0;
  std::vector<size_t> matmul_logs;
  size_t gathers = 0, gather_log = 0;
  size_t zeros = 0, zero_log = 0, zero_polys = 0;
};
BlockShape ShapeOf(const LinearBlock& b, const BlockSegments& s);

// How a key's proofs are laid out: with a mask bank (hiding keys) and with
// one joint opening of weights and advice (FormOf).
struct ProofForm {
  bool masked = false;
  bool joint = false;
  bool bank_in_joint = false;  // masked and joint: the bank inside the joint batch
};
ProofForm FormOf(const VerifyingKey& vk, const AdviceLayout& a, const WeightLayout& w);

struct ModelProof {
  zk::PcsCommitment advice;
  zk::LogUpBatchProof lookups;     // all the lookups, LookupSlots order
  std::vector<BlockProof> blocks;  // last block first
  // Joint form: advice_batch and advice_opening hold the joint batch and the
  // joint opening; weight_batch and weight_opening stay empty.
  bool joint = false;
  zk::BatchedClaimProof advice_batch;
  Bytes advice_opening;
  zk::BatchedClaimProof weight_batch;
  Bytes weight_opening;
  // Zero knowledge (masked = the key is hiding): the mask bank. Bank inside
  // the joint batch: joint_bank replaces advice_batch; no mask commitment or
  // opening.
  bool masked = false;
  bool bank_in_joint = false;
  zk::PcsCommitment mask;
  Bytes mask_opening;
  zk::JointBankBatchProof joint_bank;

  Bytes Encode() const;
  // `form`: FormOf the key (a mask bank for hiding keys; the joint opening).
  static Result<ModelProof> Parse(ByteSpan bytes, const ModelSpec& spec, const AdviceLayout& a,
                                  const WeightLayout& w, ProofForm form);
};

// The masked sumchecks of a proof in transcript order (the lookup batch's
// layer sumchecks k = 1..L-1; blocks from the last: matmuls, gathers,
// zero-check; then the advice and weight claim batches, or the joint batch's
// first weight_vars - JointMaskVarsOf rounds), those without rounds left out:
// the mask bank's slots.
std::vector<zk::MaskShape> MaskShapes(const ModelSpec& spec, const AdviceLayout& a,
                                      const WeightLayout& w, bool joint);
// Joint form with a bank: k, the variables of the bank's masks R1, R2
// (zk::JointMaskVars of the other slots); the joint batch's slot masks its
// first weight_vars - k rounds.
size_t JointMaskVarsOf(const ModelSpec& spec, const AdviceLayout& a, const WeightLayout& w);
// The advice commitment's lifted polynomials for masks of k = mask_vars
// variables: R1 and R2 when k < n2 (docs/zk.md "Masks lifted to the last
// variables"), none otherwise.
zk::SecondaryLifts JointMaskLifts(size_t mask_vars, const AdviceLayout& a);
// Joint form with a bank: the polynomials the advice commitment holds (the
// advice, then the bank's).
size_t AdvicePolys(const ModelSpec& spec, const AdviceLayout& a, const WeightLayout& w,
                   ProofForm form);

// Lookups in proof order, with their tables.
struct LookupSlot {
  const zk::LookupTable* table;
  Segment x, y, m;  // y.log == 0 and single column when the table has one column
  bool two_columns;
  const char* name;  // for error messages
};
std::vector<LookupSlot> LookupSlots(const AdviceLayout& a);
// Their LogUp statements, in the same order (the batch's statements).
std::vector<zk::LogUpStatement> LookupStatements(const AdviceLayout& a);

}  // namespace vinet::zkml::detail
