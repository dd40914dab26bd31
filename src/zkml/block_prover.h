// The prover's per-block arguments (private): from a block's fresh point ρ
// down to claims on the advice, the weights and the block's inputs, in the
// order and shape `BlockShape` fixes (see proof.h). The verifier replays the
// same transcript in verifier.cpp.
//
// Batches: every vector holds 2^batch_log instances (instance n at n·2^log),
// and a block's point is ρ = (ρ_inner, ρ_b). The weights and gathers act on
// one instance, so the prover first folds a source over the batch at ρ_b
// (x_ρb(j) = Σ_n eq(ρ_b, n)·x_n(j)); the sumchecks then run over one
// instance's rows, and their input claims are at (point ‖ ρ_b).
#pragma once

#include <vector>

#include "vinet/zk/sumcheck/mask_bank.h"
#include "zkml/package.h"
#include "zkml/proof.h"
#include "zkml/segment_claims.h"

namespace vinet::zkml::detail {

struct BlockProver {
  const ProverPackage& pkg;
  const AdviceLayout& al;  // pkg's or a batch layout
  const std::vector<zk::Fp>& adv;
  const std::vector<int64_t>& input;            // model input, storage layout, batched
  const std::vector<std::vector<int64_t>>& ys;  // block outputs, storage layout, batched
  zk::Transcript& t;
  ClaimList& ac;                       // advice claims
  ClaimList& wc;                       // weight claims
  zk::MaskBankProver* bank = nullptr;  // zero-knowledge: every sumcheck masked

  Result<BlockProof> Prove(size_t i);

 private:
  Status Linear(size_t i, std::span<const zk::Fp2> rho, BlockProof& bp);
  Status Conv(size_t i, std::span<const zk::Fp2> rho, BlockProof& bp);
  Status MaxPool(size_t i, std::span<const zk::Fp2> rho, BlockProof& bp);
  // Σ_j T(j)·x_ρb(j) over the source `src` folded at ρ_b, then the source
  // claim at (point ‖ ρ_b).
  Status GatherSumcheck(int32_t src, std::vector<zk::Fp2> table, std::span<const zk::Fp2> rho_b,
                        BlockProof& bp);
  // The source folded over the batch at ρ_b: one instance's entries.
  std::vector<zk::Fp2> Folded(int32_t src, std::span<const zk::Fp2> rho_b) const;
  void SourceClaim(int32_t src, std::span<const zk::Fp2> z, zk::Fp2 value);
  const std::vector<int64_t>& Source(int32_t src) const { return src < 0 ? input : ys[src]; }
  zk::Fp2 Eval(Segment s, std::span<const zk::Fp2> z) const;
};

}  // namespace vinet::zkml::detail
