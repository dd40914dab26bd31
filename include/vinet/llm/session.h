// A Session is one sequence being evaluated: the KV cache, the activation
// buffers and the logits of the last evaluated position. It borrows the
// Model (which must outlive it). Not thread-safe; one thread drives it and
// it spreads each step over its own `threads` workers.
//
// Determinism contract (docs/llm.md): the logits after any sequence of
// Prefill/Decode calls depend only on the model file and the tokens, never
// on `threads`, on the kernel path (scalar or AVX2), or on how the tokens
// were split into Prefill batches. Every reduction has a fixed order.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/llm/model.h"

namespace vinet::llm {

// kAuto: the widest path the CPU has (AVX-512 VNNI, else AVX2, else scalar).
// A path the CPU lacks fails Create. Every path gives the same bits.
enum class KernelPath { kAuto, kScalar, kAvx2, kAvx512 };

// "auto", "scalar", "avx2" or "avx512" (CLI flags, bindings); anything else
// is kInvalidArgument naming the choices.
Result<KernelPath> ParseKernelPath(std::string_view name);

struct SessionOptions {
  uint32_t n_ctx = 2048;  // 0 = the model's training context
  uint32_t threads = 1;
  KernelPath kernels = KernelPath::kAuto;
};

class Session {
 public:
  static Result<std::unique_ptr<Session>> Create(const Model& model, SessionOptions options);

  // Appends tokens to the sequence and evaluates them; afterwards logits()
  // holds the next-token logits after the last one. Errors: empty input, an
  // id outside the vocabulary, or the context would overflow (nothing is
  // appended then).
  Status Prefill(std::span<const int32_t> tokens);
  // Prefill of one token.
  Status Decode(int32_t token);
  // As Prefill, and returns the logits after every position (tokens.size()
  // rows of n_vocab), for teacher-forced evaluation.
  Result<std::vector<float>> PrefillAllLogits(std::span<const int32_t> tokens);

  std::span<const float> logits() const;
  uint32_t position() const;  // tokens in the cache
  uint32_t n_ctx() const;
  const Model& model() const;
  // Drops the cache (position 0).
  void Reset();

  ~Session();

 private:
  Session();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vinet::llm
