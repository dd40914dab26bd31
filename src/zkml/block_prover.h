// The prover's per-block arguments (private): from a block's fresh point ρ
// down to claims on the advice, the weights and the block's inputs, in the
// order and shape `BlockShape` fixes (see proof.h). The verifier replays the
// same transcript in verifier.cpp.
#pragma once

#include <vector>

#include "zkml/package.h"
#include "zkml/proof.h"
#include "zkml/segment_claims.h"

namespace vinet::zkml::detail {

struct BlockProver {
  const ProverPackage& pkg;
  const std::vector<zk::Fp>& adv;
  const std::vector<int64_t>& input;            // model input, storage layout
  const std::vector<std::vector<int64_t>>& ys;  // block outputs, storage layout
  zk::Transcript& t;
  ClaimList& ac;  // advice claims
  ClaimList& wc;  // weight claims

  Result<BlockProof> Prove(size_t i);

 private:
  Status Linear(size_t i, std::span<const zk::Fp2> rho, BlockProof& bp);
  Status Conv(size_t i, std::span<const zk::Fp2> rho, BlockProof& bp);
  Status MaxPool(size_t i, std::span<const zk::Fp2> rho, BlockProof& bp);
  // Σ_j T(j)·x(j) over the source `src`, then the source claim.
  Status GatherSumcheck(int32_t src, std::vector<zk::Fp2> table, BlockProof& bp);
  void SourceClaim(int32_t src, std::span<const zk::Fp2> z, zk::Fp2 value);
  const std::vector<int64_t>& Source(int32_t src) const { return src < 0 ? input : ys[src]; }
  zk::Fp2 Eval(Segment s, std::span<const zk::Fp2> z) const;
};

}  // namespace vinet::zkml::detail
