// The proof protocol over a batch of 2^j instances (private): one advice
// commitment holds every instance's vectors (layout.h, batch_log = j), the
// block arguments bind the batch variables at the block's point, and one
// opening per commitment ends the proof. j = 0 is the single-inference proof
// (`Prove`/`Verify`, transcript "vinet.zkml.inference.v1"); batch.cpp wraps
// j >= 0 in the batch encoding with its own transcript.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "zkml/package.h"
#include "zkml/proof.h"

namespace vinet::zkml::detail {

// The transcript both sides start from, given the public outputs.
using TranscriptStart = std::function<zk::Transcript(std::span<const runtime::Int8Tensor> outputs)>;

struct ProvedInstances {
  std::vector<runtime::Int8Tensor> outputs;  // the runtime's, key's output shape
  ModelProof proof;
};

// inputs.size() must be a power of two.
Result<ProvedInstances> ProveInstances(const ProverPackage& pkg,
                                       std::span<const runtime::Int8Tensor> inputs,
                                       const TranscriptStart& start, ProveTimings* timings);

// `proof` parsed with MakeAdviceLayout(vk.spec, log2(inputs.size())); shapes
// already checked. `block_points` (tests: the zero-knowledge distinguisher
// replays the verifier's view) receives each block's point ρ, last block first.
Status VerifyInstances(const VerifyingKey& vk, std::span<const runtime::Int8Tensor> inputs,
                       std::span<const runtime::Int8Tensor> outputs, const ModelProof& proof,
                       const AdviceLayout& al, const WeightLayout& wl, zk::Transcript& t,
                       std::vector<std::vector<zk::Fp2>>* block_points = nullptr);

}  // namespace vinet::zkml::detail
