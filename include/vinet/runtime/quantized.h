// The int8 model: post-training quantization and bit-exact integer execution.
//
// `Quantize` turns a loaded float Model into a QuantizedModel using a
// calibration set: symmetric int8 (range [-127, 127], zero point 0), one scale
// per tensor (max |value| / 127 over the calibration set; a tensor whose only
// consumer is Relu uses its positive range), one scale per weight tensor,
// int32 biases at scale s_in·s_w, and integer requantization
//   q = clamp((acc · M + 2^(s−1)) >> s, −127, 127)     (>> is floor division)
// with M < 2^16 and s chosen so that M / 2^s approximates s_in·s_w / s_out
// (docs/runtime.md, "Quantization"). Supported ops: Gemm/MatMul with constant
// weights, Conv (BatchNorm folded in at load), Relu, MaxPool, AveragePool,
// GlobalAveragePool, Flatten/Reshape, Add; one input and one output. Others
// fail with kUnsupported naming the node.
//
// `QuantizedModel::Run` uses integer arithmetic only, so its bytes are the
// same on every run, machine and compiler flag; it can record every layer's
// output and accumulator (the ZK prover's witness). A QuantizedModel is an
// immutable value: Run is const and safe to call from many threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"
#include "vinet/runtime/graph.h"
#include "vinet/runtime/model.h"
#include "vinet/runtime/tensor.h"

namespace vinet::runtime {

namespace detail {
class QuantizeBuilder;
}  // namespace detail

inline constexpr int32_t kQMin = -127;
inline constexpr int32_t kQMax = 127;

enum class QOp {
  kLinear,             // y[m,n] = requant(Σ_k x[m,k]·W[k,n] + bias[n]); x flattened to [M, K]
  kConv,               // y = requant(conv2d(x, W) + bias[oc]), NCHW, W [OC, IC/group, kh, kw]
  kRelu,               // y = max(x, 0)
  kMaxPool,            // y = max over the window (padding never wins)
  kAveragePool,        // y = (Σ window · M_k + 2^(s−1)) >> s, M_k = round(2^s / k), k = divisor
  kGlobalAveragePool,  // same with k = H·W
  kReshape,            // same data, new shape (Flatten and Reshape)
  kAdd,                // y = clamp((a·M + b·M_b + 2^(s−1)) >> s)
};

std::string_view QOpName(QOp op);

struct QTensor {
  std::string name;    // the ONNX value name
  Shape shape;         // shape for a batch of 1 (dim 0 is the batch)
  float scale = 1.0f;  // real value = q · scale
};

struct QLayer {
  QOp op;
  std::string name;         // the source ONNX node
  std::vector<int> inputs;  // tensor ids
  int output = -1;          // tensor id
  // kLinear: weight [K, N]; kConv: [OC, IC/group, kh, kw]. Empty otherwise.
  Int8Tensor weight;
  float weight_scale = 0.0f;
  std::vector<int32_t> bias;             // at scale s_in · s_w; empty = zero
  int64_t multiplier = 0;                // M (M_a for kAdd); kAveragePool: unused (M_k per window)
  int64_t multiplier_b = 0;              // kAdd: M_b
  int shift = 0;                         // s
  Attrs attrs;                           // Conv / pool geometry, reshape target
  OpType source_op = OpType::kIdentity;  // the ONNX op this layer came from
  int64_t max_abs_accumulator = 0;       // bound on |acc| over all int8 inputs (for the prover)
};

// Per-layer integer trace of one run, in layer order.
struct LayerTrace {
  Int8Tensor output;
  Int64Tensor accumulator;  // before requantization; empty for Relu, MaxPool, Reshape
};
struct Witness {
  Int8Tensor input;
  std::vector<LayerTrace> layers;
};

class QuantizedModel {
 public:
  const std::vector<QTensor>& tensors() const { return tensors_; }
  const std::vector<QLayer>& layers() const { return layers_; }
  int input() const { return input_; }
  int output() const { return output_; }

  // x -> clamp(round_half_away(x / s_in)). Errors: wrong shape, non-finite value.
  Result<Int8Tensor> QuantizeInput(const Tensor& x) const;
  Tensor DequantizeOutput(const Int8Tensor& q) const;

  // Integer inference over a batch (dim 0). Records the witness when given.
  Result<Int8Tensor> Run(const Int8Tensor& input, Witness* witness = nullptr) const;
  // QuantizeInput, Run, DequantizeOutput.
  Result<Tensor> RunFloat(const Tensor& x) const;

  // Canonical encoding of architecture, scales, M/s and int8 weights, and its
  // SHA-256 (docs/runtime.md, "Quantized model encoding").
  Bytes CanonicalEncoding() const;
  crypto::Digest256 Id() const;

  // Inverse of CanonicalEncoding, for nodes and provers that load a committed
  // quantized model instead of re-calibrating. Strict: every length, id, op
  // name, shift (1..62) and weight size is checked, trailing bytes rejected;
  // errors are Code::kParse naming the field and byte offset. Decode then
  // CanonicalEncoding returns the same bytes.
  static Result<QuantizedModel> Decode(ByteSpan bytes);

 private:
  friend class detail::QuantizeBuilder;
  std::vector<QTensor> tensors_;
  std::vector<QLayer> layers_;
  int input_ = -1, output_ = -1;
};

// Builds the int8 model. `calibration` holds at least one input set; each may
// be a batch. Errors: unsupported op (kUnsupported, naming the node), empty
// calibration, an accumulator that could overflow int32.
Result<QuantizedModel> Quantize(const Model& model, std::span<const TensorMap> calibration);

struct AccuracyReport {
  int64_t samples = 0;
  double argmax_agreement = 0;  // fraction of samples whose output argmax agrees
  double max_abs_error = 0;     // max |float − dequantized int8| over all outputs
  double output_scale = 0;      // max |float output|, for scale
};
// Runs both paths on `data` and compares them.
Result<AccuracyReport> CompareWithFloat(const Model& model, const QuantizedModel& q,
                                        std::span<const TensorMap> data);

}  // namespace vinet::runtime
