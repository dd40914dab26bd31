// Prover side of zk::ProveBatchedClaims for claims on segments (private).
//
// Same protocol and transcript as zk/sumcheck/batch_claims.h (the verifier
// uses zk::VerifyBatchedClaims unchanged), but each claim's point is a
// segment point z ‖ bits(offset >> log), whose eq table is zero outside the
// segment: the combined table E is built in O(Σ segment sizes) instead of
// O(claims · 2^n).
#pragma once

#include <vector>

#include "vinet/zk/sumcheck/batch_claims.h"
#include "vinet/zk/sumcheck/mask_bank.h"
#include "zkml/layout.h"

namespace vinet::zkml::detail {

struct SegmentClaim {
  Segment seg;
  std::vector<zk::Fp2> z;  // seg.log coordinates
  zk::Fp2 value;
};

class ClaimList {
 public:
  explicit ClaimList(size_t total_vars) : total_vars_(total_vars) {}
  void Add(std::span<const zk::Fp2> z, Segment seg, zk::Fp2 value);
  const std::vector<zk::EvalClaim>& claims() const { return claims_; }
  Result<zk::BatchedClaimProof> Prove(std::span<const zk::Fp> evals, zk::Transcript& t,
                                      zk::EvalClaim* reduced, unsigned threads,
                                      zk::MaskBankProver* bank = nullptr) const;

 private:
  size_t total_vars_;
  std::vector<SegmentClaim> segs_;
  std::vector<zk::EvalClaim> claims_;
};

}  // namespace vinet::zkml::detail
