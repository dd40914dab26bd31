// The sampler (private; specified in docs/llm.md "Sampling"): xoshiro256**
// seeded through SplitMix64, and one draw over the logits.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "vinet/llm/generate.h"

namespace vinet::llm {

class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed);
  uint64_t Next();
  // Uniform double in [0, 1): (Next() >> 11) * 2^-53.
  double NextDouble();

 private:
  uint64_t s_[4];
};

// Picks the next token. temperature 0: greedy (highest logit, lowest id on
// ties; no draw). Otherwise one draw from `rng`.
int32_t SampleToken(std::span<const float> logits, const SamplingParams& p, Xoshiro256& rng,
                    std::vector<std::pair<float, int32_t>>& scratch);

}  // namespace vinet::llm
