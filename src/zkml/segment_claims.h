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
#include "vinet/zk/sumcheck/joint_bank_batch.h"
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
  // The two steps of Prove before its sumcheck: absorb every claim (point,
  // value), and add sum_k power beta^k eq(z_k, .) into `e` (2^total_vars
  // entries); returns power beta^K, where the next list's powers go on.
  void Absorb(zk::Transcript& t) const;
  zk::Fp2 AddTable(zk::Fp2 beta, zk::Fp2 power, std::span<zk::Fp2> e, unsigned threads) const;

 private:
  size_t total_vars_;
  std::vector<SegmentClaim> segs_;
  std::vector<zk::EvalClaim> claims_;
};

// zk::ProveJointBatchedClaims on segment claims (same transcript, so the
// verifier's zk::VerifyJointBatchedClaims checks it): weight claims `wc` on
// `weights` (n variables) and advice claims `ac` on `advice` (n2 <= n).
Result<zk::BatchedClaimProof> ProveJointClaims(const ClaimList& wc, std::span<const zk::Fp> weights,
                                               const ClaimList& ac, std::span<const zk::Fp> advice,
                                               zk::Transcript& t, zk::JointClaims* reduced,
                                               unsigned threads, zk::MaskBankProver* bank);

// The same batch with the mask bank inside it (zk::ProveJointBankTables;
// the verifier's zk::VerifyJointBankBatch checks it): `bank_polys` are the
// bank's polynomials in the advice commitment.
Result<zk::JointBankBatchProof> ProveJointBankClaims(
    const ClaimList& wc, std::span<const zk::Fp> weights, const ClaimList& ac,
    std::span<const zk::Fp> advice, std::span<const std::vector<zk::Fp>> bank_polys,
    zk::MaskBankProver& bank, zk::Transcript& t, zk::JointBankClaims* reduced, unsigned threads);

}  // namespace vinet::zkml::detail
