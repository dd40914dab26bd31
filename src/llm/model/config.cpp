#include "llm/model/config.h"

#include <cmath>
#include <string>

namespace vinet::llm {
namespace {

Result<uint32_t> Dim(const GgufFile& f, const std::string& key, uint64_t max,
                     std::optional<uint32_t> dflt = {}) {
  auto v = f.GetUint(key);
  if (!v.ok()) {
    if (v.status().code() == Code::kNotFound && dflt) return *dflt;
    if (v.status().code() == Code::kNotFound)
      return Error(Code::kParse, "llm: missing metadata key '" + key + "'");
    return v.status();
  }
  if (*v == 0 || *v > max) {
    return Error(Code::kParse, "llm: metadata '" + key + "' = " + std::to_string(*v) +
                                   " outside [1, " + std::to_string(max) + "]");
  }
  return static_cast<uint32_t>(*v);
}

}  // namespace

Result<LlamaConfig> ReadLlamaConfig(const GgufFile& f) {
  LlamaConfig c;
  VINET_ASSIGN_OR_RETURN(std::string_view arch, f.GetString("general.architecture"));
  if (arch != "llama" && arch != "qwen2") {
    return Error(Code::kUnsupported, "llm: unsupported architecture '" + std::string(arch) +
                                         "' (supported: llama, qwen2)");
  }
  c.architecture = std::string(arch);
  c.qkv_bias = arch == "qwen2";
  const std::string p = c.architecture + ".";
  VINET_ASSIGN_OR_RETURN(c.n_layer, Dim(f, p + "block_count", 1024));
  VINET_ASSIGN_OR_RETURN(c.n_embd, Dim(f, p + "embedding_length", 1 << 16));
  VINET_ASSIGN_OR_RETURN(c.n_ff, Dim(f, p + "feed_forward_length", 1 << 18));
  VINET_ASSIGN_OR_RETURN(c.n_head, Dim(f, p + "attention.head_count", 1024));
  VINET_ASSIGN_OR_RETURN(c.n_head_kv, Dim(f, p + "attention.head_count_kv", 1024, c.n_head));
  if (c.n_embd % c.n_head != 0) {
    return Error(Code::kParse, "llm: embedding_length " + std::to_string(c.n_embd) +
                                   " is not a multiple of attention.head_count " +
                                   std::to_string(c.n_head));
  }
  VINET_ASSIGN_OR_RETURN(c.head_dim, Dim(f, p + "attention.key_length", 1024, c.n_embd / c.n_head));
  VINET_ASSIGN_OR_RETURN(uint32_t vlen, Dim(f, p + "attention.value_length", 1024, c.head_dim));
  if (vlen != c.head_dim)
    return Error(Code::kUnsupported, "llm: attention.value_length != key_length");
  if (c.n_head % c.n_head_kv != 0) {
    return Error(Code::kParse, "llm: attention.head_count " + std::to_string(c.n_head) +
                                   " is not a multiple of attention.head_count_kv " +
                                   std::to_string(c.n_head_kv));
  }
  VINET_ASSIGN_OR_RETURN(c.n_rot, Dim(f, p + "rope.dimension_count", 1024, c.head_dim));
  if (c.n_rot > c.head_dim || c.n_rot % 2 != 0) {
    return Error(Code::kParse, "llm: rope.dimension_count " + std::to_string(c.n_rot) +
                                   " must be even and at most the head size " +
                                   std::to_string(c.head_dim));
  }
  VINET_ASSIGN_OR_RETURN(c.n_ctx_train, Dim(f, p + "context_length", 1 << 20));
  auto base = f.GetFloat(p + "rope.freq_base");
  if (base.ok()) {
    if (!(*base > 1.0 && *base < 1e12))
      return Error(Code::kParse, "llm: " + p + "rope.freq_base out of range");
    c.rope_base = static_cast<float>(*base);
  } else if (base.status().code() != Code::kNotFound) {
    return base.status();
  }
  auto eps = f.GetFloat(p + "attention.layer_norm_rms_epsilon");
  if (eps.ok()) {
    if (!(*eps > 0.0 && *eps < 1.0)) {
      return Error(Code::kParse, "llm: " + p + "attention.layer_norm_rms_epsilon out of range");
    }
    c.rms_eps = static_cast<float>(*eps);
  } else if (eps.status().code() != Code::kNotFound) {
    return eps.status();
  }
  if (const GgufValue* tokens = f.Find("tokenizer.ggml.tokens"); tokens != nullptr) {
    c.n_vocab = static_cast<uint32_t>(tokens->array_len);
  } else {
    VINET_ASSIGN_OR_RETURN(c.n_vocab, Dim(f, p + "vocab_size", 1 << 22));
  }
  if (c.n_vocab == 0 || c.n_vocab > (1u << 22))
    return Error(Code::kParse, "llm: vocabulary size out of range");
  c.tied_output = f.FindTensor("output.weight") == nullptr;
  return c;
}

}  // namespace vinet::llm
