// The model proof's structure and its canonical encoding (private).
//
// advice commitment ‖ per lookup (range, relu-clamp if any, clamp if any):
// u32 len ‖ LogUpProof ‖ per block, from the last to the first: vector Fp2
// (q', limbs, shifted limb, bias at ρ) ‖ vector Fp2 chunk sums ‖ per K-chunk
// SumcheckProof (matmul) ‖ advice
// batch SumcheckProof ‖ u32 len ‖ advice opening ‖ weight batch SumcheckProof
// ‖ u32 len ‖ weight opening. Every count is fixed by the key; trailing
// bytes are rejected.
#pragma once

#include <vector>

#include "vinet/zk/lookup/logup_gkr.h"
#include "vinet/zk/pcs/pcs.h"
#include "vinet/zk/sumcheck/batch_claims.h"
#include "vinet/zkml/spec.h"
#include "zkml/layout.h"

namespace vinet::zkml::detail {

struct BlockProof {
  std::vector<zk::Fp2> evals;             // q', limbs..., shifted, bias (at ρ)
  std::vector<zk::Fp2> chunk_sums;        // Σ_{k in chunk} W(ρ, k)·x(k), per chunk
  std::vector<zk::SumcheckProof> matmul;  // per chunk: log rounds, degree 2, (A(κ), X(κ))
};

struct ModelProof {
  zk::PcsCommitment advice;
  std::vector<Bytes> lookups;      // LogUpProof encodings
  std::vector<BlockProof> blocks;  // last block first
  zk::BatchedClaimProof advice_batch;
  Bytes advice_opening;
  zk::BatchedClaimProof weight_batch;
  Bytes weight_opening;

  Bytes Encode() const;
  static Result<ModelProof> Parse(ByteSpan bytes, const ModelSpec& spec, const AdviceLayout& a,
                                  const WeightLayout& w);
};

// Lookups in proof order, with their tables.
struct LookupSlot {
  const zk::LookupTable* table;
  Segment x, y, m;  // y.log == 0 and single column when the table has one column
  bool two_columns;
  const char* name;  // for error messages
};
std::vector<LookupSlot> LookupSlots(const AdviceLayout& a);

}  // namespace vinet::zkml::detail
