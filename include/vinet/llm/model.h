// A llama-family model loaded from a GGUF file: configuration, weights (views
// into the file mapping, never copied), tokenizer and chat template.
//
// `Model::Load` accepts `general.architecture` "llama" and "qwen2" and
// refuses any other by name; it checks that every tensor the architecture
// needs is present with the shape the configuration implies and a supported
// type (F32, F16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K), naming the tensor otherwise.
// A Model is immutable after loading and may be shared by many Sessions on
// many threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"
#include "vinet/llm/chat_template.h"
#include "vinet/llm/gguf.h"
#include "vinet/llm/tokenizer.h"

namespace vinet::llm {

struct LlamaConfig {
  std::string architecture;  // "llama" or "qwen2"
  uint32_t n_layer = 0;
  uint32_t n_embd = 0;
  uint32_t n_ff = 0;
  uint32_t n_head = 0;
  uint32_t n_head_kv = 0;
  uint32_t head_dim = 0;  // n_embd / n_head unless the file says otherwise
  uint32_t n_rot = 0;     // rotary dimensions (rope.dimension_count)
  float rope_base = 10000.0f;
  float rms_eps = 1e-5f;
  uint32_t n_ctx_train = 0;
  uint32_t n_vocab = 0;
  bool tied_output = false;  // output head shares token_embd.weight
  bool qkv_bias = false;     // qwen2: attention q/k/v carry biases
};

class Model {
 public:
  static Result<std::unique_ptr<Model>> Load(const std::filesystem::path& path);
  // As Load, over a parsed file (tests build models in memory).
  static Result<std::unique_ptr<Model>> FromFile(GgufFile file);

  const LlamaConfig& config() const;
  const Tokenizer& tokenizer() const;
  // nullptr when the file has no usable chat template (Detect's error kept in
  // chat_template_error()).
  const ChatTemplate* chat_template() const;
  const Status& chat_template_error() const;
  const GgufFile& file() const;
  // SHA-256 of the file, computed once at load.
  const crypto::Digest256& model_id() const;

  ~Model();

  struct Weights;  // defined in src/llm/ (views into the mapping)
  const Weights& weights() const;

 private:
  Model();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vinet::llm
