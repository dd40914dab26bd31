// vinet's graph IR: what the ONNX loader produces and the executors run.
//
// A Graph is a list of nodes in topological order over numbered values. Every
// value is float32 at run time; integer ONNX inputs that parameterize an op
// (Reshape's shape, Slice's starts, Gather's indices, axes, Clip bounds) must
// be constants and are moved into the node's `Attrs` at load time. Constant
// values (initializers, Constant nodes, folded subgraphs) carry their data in
// `Graph::constants`. The IR is a plain value: it is immutable once a Model
// owns it and may then be read from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vinet/runtime/tensor.h"

namespace vinet::runtime {

enum class OpType {
  kGemm,
  kMatMul,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,
  kRelu,
  kLeakyRelu,
  kSigmoid,
  kTanh,
  kSoftmax,
  kLogSoftmax,
  kConv,
  kMaxPool,
  kAveragePool,
  kGlobalAveragePool,
  kBatchNormalization,
  kFlatten,
  kReshape,
  kTranspose,
  kConcat,
  kSqueeze,
  kUnsqueeze,
  kGather,
  kSlice,
  kClip,
  kIdentity,
  kReduceMean,
  kLayerNormalization,
  kGelu,
  kErf,
  kSqrt,
};

// The ONNX op_type spelling ("Gemm", "BatchNormalization", ...).
std::string_view OpTypeName(OpType op);

// Attributes of every supported op, already validated and defaulted. Fields
// an op does not use keep their defaults.
struct Attrs {
  int64_t axis = 0;                       // Softmax, LogSoftmax, Flatten, Concat, Gather, LayerNorm
  bool legacy_softmax = false;            // opset < 13: Softmax coerces to 2-D at `axis`
  float alpha = 1.0f;                     // Gemm, LeakyRelu
  float beta = 1.0f;                      // Gemm
  float epsilon = 1e-5f;                  // BatchNormalization, LayerNormalization
  bool trans_a = false, trans_b = false;  // Gemm
  int64_t group = 1;                      // Conv
  std::vector<int64_t> kernel;            // Conv (from W), pools
  std::vector<int64_t> strides, pads, dilations;  // pads: [begin..., end...]
  bool ceil_mode = false;
  bool count_include_pad = false;
  std::vector<int64_t> perm;                 // Transpose (empty = reverse)
  std::vector<int64_t> axes;                 // Squeeze, Unsqueeze, ReduceMean, Slice
  bool keepdims = true;                      // ReduceMean
  bool noop_with_empty_axes = false;         // ReduceMean (opset 18)
  std::vector<int64_t> shape;                // Reshape target (0 / -1 resolved per run)
  bool allowzero = false;                    // Reshape
  std::vector<int64_t> starts, ends, steps;  // Slice
  std::vector<int64_t> indices;              // Gather
  Shape indices_shape;                       // Gather
  float clip_min = -3.402823466e38f, clip_max = 3.402823466e38f;  // Clip
  bool gelu_tanh = false;                                         // Gelu approximate="tanh"
};

struct Node {
  OpType op;
  std::string name;          // the ONNX node name, or "<op>#<index>" when unnamed
  std::vector<int> inputs;   // value ids; -1 for an omitted optional input
  std::vector<int> outputs;  // value ids
  Attrs attrs;
};

struct Value {
  std::string name;
  Shape declared;            // graph inputs: the declared shape (-1 = symbolic)
  bool is_constant = false;  // data in Graph::constants
};

struct Graph {
  std::vector<Value> values;
  std::vector<Node> nodes;  // topological order
  std::vector<int> inputs;  // runtime inputs (initializers excluded)
  std::vector<int> outputs;
  std::map<int, Tensor> constants;  // value id -> data
  int64_t opset = 0;                // default-domain opset the model imports
};

}  // namespace vinet::runtime
