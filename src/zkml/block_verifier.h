// The verifier's per-block checks (private): replays BlockProver's transcript
// for one block and turns its messages into advice and weight claims; the
// public input's claims are checked on the spot (its MLE in storage layout).
#pragma once

#include <functional>
#include <vector>

#include "vinet/zk/sumcheck/batch_claims.h"
#include "vinet/zk/sumcheck/mask_bank.h"
#include "zkml/proof.h"

namespace vinet::zkml::detail {

struct BlockVerifier {
  const ModelSpec& spec;
  const AdviceLayout& al;
  const WeightLayout& wl;
  const std::vector<zk::Fp>& input;  // model input, storage layout, batched (layout.h)
  zk::Transcript& t;
  std::vector<zk::EvalClaim>& ac;
  std::vector<zk::EvalClaim>& wc;
  zk::MaskBankVerifier* bank = nullptr;  // zero-knowledge: every sumcheck masked
  std::vector<std::vector<zk::Fp2>>* block_points = nullptr;  // tests: each block's ρ

  Status Verify(size_t i, const BlockProof& bp);

 private:
  Status Linear(size_t i, const BlockProof& bp, std::span<const zk::Fp2> rho, zk::Fp2 acc);
  Status Conv(size_t i, const BlockProof& bp, std::span<const zk::Fp2> rho, zk::Fp2 acc);
  Status MaxPool(size_t i, const BlockProof& bp, std::span<const zk::Fp2> rho);
  // Verifies Σ_j T(j)·x_ρb(j) = claimed over col_log variables with
  // T = G̃(row point, ·) weighted by the groups (`gather_at` evaluates it at
  // the sumcheck's point), and discharges the claim on the source at (point ‖ ρ_b).
  Status GatherCheck(size_t i, int32_t src, size_t col_log,
                     const std::function<zk::Fp2(std::span<const zk::Fp2>)>& gather_at,
                     std::span<const zk::Fp2> rho_b, zk::Fp2 claimed,
                     const zk::SumcheckProof& proof);
  Status SourceClaim(size_t i, int32_t src, std::span<const zk::Fp2> z, zk::Fp2 value);
  void Advice(std::span<const zk::Fp2> z, Segment s, zk::Fp2 v);
  void Weight(std::span<const zk::Fp2> z, Segment s, zk::Fp2 v);
};

}  // namespace vinet::zkml::detail
