// Model::Weights: the tensors of a llama-family model as the forward pass
// uses them (private to src/llm). Matrices are views into the file mapping;
// the small 1-D tensors (norms, biases) are widened to float copies.
#pragma once

#include <vector>

#include "llm/kernels/matmul.h"
#include "vinet/llm/model.h"

namespace vinet::llm {

struct LayerWeights {
  std::vector<float> attn_norm, ffn_norm;
  kernels::Matrix wq, wk, wv, wo;
  std::vector<float> bq, bk, bv;  // empty unless config.qkv_bias
  kernels::Matrix w_gate, w_up, w_down;
};

struct Model::Weights {
  kernels::Matrix token_embd;  // n_vocab rows of n_embd
  std::vector<float> output_norm;
  kernels::Matrix output;  // n_vocab rows of n_embd (== token_embd when tied)
  std::vector<LayerWeights> layers;
};

}  // namespace vinet::llm
