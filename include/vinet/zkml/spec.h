// The public statement shape of a model proof: the circuit description.
//
// A `ModelSpec` is what the verifying key says about the architecture and the
// quantization, and nothing about the weights: a DAG of blocks, each reading
// the model input or earlier blocks' outputs y. Requantizing blocks (Linear,
// Conv, AvgPool/GlobalAveragePool, Add) compute an integer accumulator acc and
//   acc·M + 2^(s−1) = 2^s·q' + r (0 ≤ r < 2^s),
//   y = clamp(q', −127, 127)   or, with a fused ReLU, y = min(max(q', 0), 127)
// (AvgPool folds its per-window M_k and Add its M_a, M_b into acc, so M = 1);
// MaxPool blocks output the window maximum. Flatten/Reshape are identities on
// the data of a batch of one. Conv/pool geometry is in the key, so both sides
// derive the same gathers. `SpecFromModel` derives the spec from the runtime's
// QuantizedModel and rejects what the circuits do not cover (kUnsupported
// naming the layer and op, e.g. Softmax). Encode/Parse are strict
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
// The ReLU table: x in [−128, 128) (the clamp table's int8 outputs), y = max(x, 0).
inline constexpr uint32_t kReluTableBits = 8;

inline constexpr uint32_t kMaxWindow = 64;     // MaxPool kh·kw
inline constexpr uint32_t kMaxGeomDim = 4096;  // any conv/pool dimension

enum class BlockKind : uint32_t { kLinear = 0, kConv = 1, kAvgPool = 2, kMaxPool = 3, kAdd = 4 };

// NCHW window geometry (Conv, pools; GlobalAveragePool is the full window),
// the runtime's loops: input (c, h, w), output (oc, oh, ow).
struct Window {
  uint32_t c = 0, h = 0, w = 0, oc = 0, kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  uint32_t pt = 0, pl = 0, pb = 0, pr = 0, oh = 0, ow = 0;
  bool count_include_pad = false;
  friend bool operator==(const Window&, const Window&) = default;
};

struct LinearBlock {
  BlockKind kind = BlockKind::kLinear;
  uint32_t in_size = 0;      // K (elements of the input)
  uint32_t out_size = 0;     // N (elements of the output)
  int32_t input = -1;        // -1: the model input; otherwise an earlier block's y
  int32_t input_b = -1;      // kAdd: the second input
  int64_t multiplier = 0;    // M, 1..2^16 (kAdd: M_a; kAvgPool: 1)
  int64_t multiplier_b = 0;  // kAdd: M_b, else 0
  uint32_t shift = 0;        // s, 1..kMaxShift (kMaxPool: 0)
  bool relu = false;
  Window win;  // kConv, kAvgPool, kMaxPool

  bool requantizes() const { return kind != BlockKind::kMaxPool; }
  // The M of the requantization identity (kAdd/kAvgPool fold theirs into acc).
  int64_t requant_multiplier() const {
    return kind == BlockKind::kLinear || kind == BlockKind::kConv ? multiplier : 1;
  }
  uint32_t num_limbs() const { return (shift + kLimbBits - 1) / kLimbBits; }
  friend bool operator==(const LinearBlock&, const LinearBlock&) = default;
};

// How a tensor is stored in the proof's vectors: channel-major, each
// channel's positions padded to 2^plog: index c·2^plog + p.
struct Storage {
  uint32_t channels = 1, positions = 1;
  size_t clog() const;
  size_t plog() const;
  size_t log() const { return clog() + plog(); }
  // Contiguous (flat NCHW index == storage index).
  bool flat() const;
  size_t Index(size_t flat_index) const;
  friend bool operator==(const Storage&, const Storage&) = default;
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
  // Storage of a source: -1 the model input, otherwise block `src`'s output.
  Storage StorageOf(int32_t src) const;
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
