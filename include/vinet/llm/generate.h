// Sampling and generation: from a prompt to tokens, reproducibly.
//
// The sampler is specified bit for bit in docs/llm.md (temperature, top-k,
// top-p over the logits; the PRNG and how a draw picks a token), so that
// anyone with the model file, the request and the seed gets the same tokens.
// Greedy (temperature 0) picks the highest logit, the lowest id on ties.
// When the request has no seed the engine draws one and reports it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"
#include "vinet/llm/session.h"

namespace vinet::llm {

struct SamplingParams {
  float temperature = 0.0f;  // 0 = greedy; otherwise in (0, 100]
  float top_p = 1.0f;        // (0, 1]
  uint32_t top_k = 0;        // 0 = no limit
  std::optional<uint64_t> seed;
  uint32_t max_tokens = 256;      // >= 1; prompt + max_tokens must fit the context
  std::vector<std::string> stop;  // stop sequences (not included in the text)
};

// Checks ranges; errors name the parameter.
Status ValidateSampling(const SamplingParams& params);

struct TokenEvent {
  int32_t token = 0;
  uint32_t index = 0;      // 0-based position in the completion
  std::string text_delta;  // text made final by this token (UTF-8 complete)
  // Text that could still turn into a stop sequence, or an incomplete UTF-8
  // character, is held back until it is decided. When generation then ends
  // at an end-of-generation token, one last event with `end_token` = true
  // carries that token (not part of Generation::tokens) and the rest of the
  // text, so the deltas always concatenate to Generation::text.
  bool end_token = false;
};

struct Generation {
  std::string text;
  std::vector<int32_t> tokens;  // generated ids (excluding the stop token)
  uint32_t prompt_tokens = 0;
  uint64_t seed = 0;                // the seed used (given or drawn)
  std::string finish_reason;        // "stop" (end token or stop sequence) or "length"
  crypto::Digest256 output_hash{};  // SHA-256 over `tokens` as int32 little-endian
};

// SHA-256 of token ids as int32 little-endian (the receipt's output hash).
crypto::Digest256 HashTokens(std::span<const int32_t> tokens);

// Evaluates `prompt` in `session` (which must be empty) and samples up to
// max_tokens. `on_token` is called for each generated token; returning false
// stops generation (finish_reason "cancelled").
Result<Generation> Generate(Session& session, std::span<const int32_t> prompt,
                            const SamplingParams& params,
                            const std::function<bool(const TokenEvent&)>& on_token = {});

}  // namespace vinet::llm
