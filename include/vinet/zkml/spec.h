// The public statement shape of a model proof: the circuit description.
//
// A `ModelSpec` is what the verifying key says about the architecture and the
// quantization, and nothing about the weights: a chain of linear blocks
//   acc = W·x + bias,  acc·M + 2^(s−1) = 2^s·q' + r (0 ≤ r < 2^s),
//   y = clamp(q', −127, 127)   or, with a fused ReLU, y = min(max(q', 0), 127)
// where x is the model input or an earlier block's y (Flatten/Reshape are
// identities on the data of a batch of one). `SpecFromModel` derives it from
// the runtime's QuantizedModel and rejects what the circuits do not cover
// (kUnsupported naming the layer and op, e.g. Conv). Encode/Parse are strict
// and canonical (kParse naming the field and offset, trailing bytes rejected).
#pragma once

#include <cstdint>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/runtime/quantized.h"
#include "vinet/zk/codec.h"

namespace vinet::zkml {

inline constexpr uint32_t kMaxDim = uint32_t{1} << 24;
inline constexpr int kMaxShift = 48;
// The clamp lookup covers q' in [−2^(b−1), 2^(b−1)), b = clamp_bits in
// [kMinClampBits, kMaxClampBits], chosen at commit from the accumulator bounds.
inline constexpr uint32_t kMinClampBits = 9;
inline constexpr uint32_t kMaxClampBits = 16;
inline constexpr int kLimbBits = 8;

struct LinearBlock {
  uint32_t in_size = 0;    // K
  uint32_t out_size = 0;   // N
  int32_t input = -1;      // -1: the model input; otherwise an earlier block's y
  int64_t multiplier = 0;  // M, 1..2^16
  uint32_t shift = 0;      // s, 1..kMaxShift
  bool relu = false;

  uint32_t num_limbs() const { return (shift + kLimbBits - 1) / kLimbBits; }
  friend bool operator==(const LinearBlock&, const LinearBlock&) = default;
};

struct ModelSpec {
  std::vector<int64_t> input_shape;   // batch of one
  std::vector<int64_t> output_shape;  // batch of one
  float input_scale = 1.0f;
  float output_scale = 1.0f;
  std::vector<LinearBlock> blocks;
  uint32_t output_block = 0;
  uint32_t clamp_bits = kMinClampBits;  // log2 of the clamp tables

  size_t input_size() const;
  size_t output_size() const;
  void Encode(zk::ByteWriter& w) const;
  static Result<ModelSpec> Parse(zk::ByteReader& r);
  // Structural checks shared by Parse and SpecFromModel.
  Status Validate() const;
  friend bool operator==(const ModelSpec&, const ModelSpec&) = default;
};

// The spec plus, per block, the index of the runtime layer it replays.
struct ModelCircuit {
  ModelSpec spec;
  std::vector<size_t> linear_layer;  // runtime layer index of each block
};

Result<ModelCircuit> SpecFromModel(const runtime::QuantizedModel& model);

// ceil(log2(n)), 0 for n <= 1.
size_t CeilLog2(uint64_t n);

}  // namespace vinet::zkml
