#include "vinet/zkml/spec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace vinet::zkml {

using runtime::QLayer;
using runtime::QOp;
using zk::ByteReader;
using zk::ByteWriter;

size_t CeilLog2(uint64_t n) {
  return n <= 1 ? 0 : 64 - std::countl_zero(n - 1);
}

namespace {

size_t Elements(const std::vector<int64_t>& shape) {
  size_t n = 1;
  for (int64_t d : shape) {
    n = d > 0 && n > (size_t{1} << 40) / static_cast<size_t>(d) ? (size_t{1} << 40)
                                                                : n * static_cast<size_t>(d);
  }
  return n;
}

void EncodeShape(ByteWriter& w, const std::vector<int64_t>& shape) {
  w.U32(static_cast<uint32_t>(shape.size()));
  for (int64_t d : shape) w.U64(static_cast<uint64_t>(d));
}

Result<std::vector<int64_t>> ParseShape(ByteReader& r, std::string_view field) {
  VINET_ASSIGN_OR_RETURN(uint32_t rank, r.Count(field, 8));
  std::vector<int64_t> shape(rank);
  for (auto& d : shape) {
    size_t at = r.offset();
    VINET_ASSIGN_OR_RETURN(uint64_t v, r.U64(field));
    if (v == 0 || v > kMaxDim) {
      return Error(Code::kParse,
                   fmt::format("{} at byte {}: dimension {} outside 1..2^24", field, at, v));
    }
    d = static_cast<int64_t>(v);
  }
  if (Elements(shape) > kMaxDim) {
    return Error(Code::kParse, fmt::format("{}: more than 2^24 elements", field));
  }
  return shape;
}

Result<float> ParseScale(ByteReader& r, std::string_view field) {
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(uint32_t bits, r.U32(field));
  float f = std::bit_cast<float>(bits);
  if (!std::isfinite(f) || f <= 0.0f) {
    return Error(Code::kParse,
                 fmt::format("{} at byte {}: not a positive finite scale", field, at));
  }
  return f;
}

Status Unsupported(const QLayer& l, std::string_view why) {
  return Error(Code::kUnsupported,
               fmt::format("layer '{}' ({}): {}", l.name, runtime::QOpName(l.op), why));
}

// Tensor id -> where its data comes from: -1 the model input, b >= 0 block b.
struct Sources {
  std::map<int, int> of;
  std::map<int, int> uses;
};

Status AddLinear(const runtime::QuantizedModel& m, size_t li, Sources& src, ModelCircuit& c) {
  const QLayer& l = m.layers()[li];
  auto it = src.of.find(l.inputs[0]);
  if (it == src.of.end()) return Unsupported(l, "its input is not produced by a provable layer");
  if (l.weight.shape.size() != 2) return Unsupported(l, "weight is not 2-D");
  int64_t k = l.weight.shape[0], n = l.weight.shape[1];
  size_t in_numel = Elements(m.tensors()[l.inputs[0]].shape);
  if (static_cast<int64_t>(in_numel) != k) {
    return Unsupported(l, "input rows other than one (batched MatMul) are not supported");
  }
  if (l.multiplier < 1 || l.multiplier > (int64_t{1} << 16) || l.shift < 1 || l.shift > kMaxShift) {
    return Unsupported(l, fmt::format("requantization M={} s={} outside M in 1..2^16, s in 1..{}",
                                      l.multiplier, l.shift, kMaxShift));
  }
  // Keep |acc·M + 2^s| far below p/2 (the field must not wrap).
  __int128 bound = static_cast<__int128>(l.max_abs_accumulator) * l.multiplier +
                   (static_cast<__int128>(1) << l.shift);
  if (bound >= (static_cast<__int128>(1) << 62)) {
    return Unsupported(l, "accumulator bound |acc|·M + 2^s reaches 2^62");
  }
  // |q'| <= |acc|·M / 2^s + 1: the clamp table must hold [−2^(b−1), 2^(b−1)).
  int64_t qmax = static_cast<int64_t>(
                     (static_cast<__int128>(l.max_abs_accumulator) * l.multiplier) >> l.shift) +
                 1;
  uint32_t bits = static_cast<uint32_t>(CeilLog2(static_cast<uint64_t>(qmax) + 1)) + 1;
  if (bits > kMaxClampBits) {
    return Unsupported(l, fmt::format("pre-clamp values up to {} need a clamp table above 2^{}",
                                      qmax, kMaxClampBits));
  }
  c.spec.clamp_bits = std::max(c.spec.clamp_bits, bits);
  LinearBlock b;
  b.in_size = static_cast<uint32_t>(k);
  b.out_size = static_cast<uint32_t>(n);
  b.input = it->second;
  b.multiplier = l.multiplier;
  b.shift = static_cast<uint32_t>(l.shift);
  c.spec.blocks.push_back(b);
  c.linear_layer.push_back(li);
  src.of[l.output] = static_cast<int>(c.spec.blocks.size() - 1);
  return Status();
}

Status AddRelu(const runtime::QuantizedModel& m, const QLayer& l, Sources& src, ModelCircuit& c) {
  auto it = src.of.find(l.inputs[0]);
  if (it == src.of.end() || it->second < 0) {
    return Unsupported(l, "ReLU is provable only right after Gemm/MatMul");
  }
  LinearBlock& b = c.spec.blocks[it->second];
  bool sole_use = src.uses[l.inputs[0]] == 1 && l.inputs[0] != m.output();
  if (b.relu || !sole_use) {
    return Unsupported(l, "ReLU must be the only consumer of a Gemm/MatMul output");
  }
  b.relu = true;
  src.of[l.output] = it->second;
  return Status();
}

}  // namespace

size_t ModelSpec::input_size() const {
  return Elements(input_shape);
}
size_t ModelSpec::output_size() const {
  return Elements(output_shape);
}

Status ModelSpec::Validate() const {
  if (blocks.empty()) return Error(Code::kUnsupported, "model has no Gemm/MatMul layer to prove");
  if (output_block >= blocks.size()) return Error(Code::kParse, "output block out of range");
  if (clamp_bits < kMinClampBits || clamp_bits > kMaxClampBits) {
    return Error(Code::kParse, fmt::format("clamp_bits {} outside {}..{}", clamp_bits,
                                           kMinClampBits, kMaxClampBits));
  }
  if (blocks[output_block].out_size != output_size()) {
    return Error(Code::kParse, "output shape does not match the output block");
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    const LinearBlock& b = blocks[i];
    if (b.in_size == 0 || b.in_size > kMaxDim || b.out_size == 0 || b.out_size > kMaxDim) {
      return Error(Code::kParse, fmt::format("block {}: size outside 1..2^24", i));
    }
    if (b.input >= static_cast<int32_t>(i) || b.input < -1) {
      return Error(Code::kParse, fmt::format("block {}: input {} is not earlier", i, b.input));
    }
    size_t want = b.input < 0 ? input_size() : blocks[b.input].out_size;
    if (b.in_size != want) {
      return Error(Code::kParse, fmt::format("block {}: input size {} != {}", i, b.in_size, want));
    }
    if (b.multiplier < 1 || b.multiplier > (int64_t{1} << 16) || b.shift < 1 ||
        b.shift > static_cast<uint32_t>(kMaxShift)) {
      return Error(Code::kParse, fmt::format("block {}: M or s out of range", i));
    }
  }
  return Status();
}

void ModelSpec::Encode(ByteWriter& w) const {
  EncodeShape(w, input_shape);
  EncodeShape(w, output_shape);
  w.U32(std::bit_cast<uint32_t>(input_scale));
  w.U32(std::bit_cast<uint32_t>(output_scale));
  w.U32(static_cast<uint32_t>(blocks.size()));
  for (const LinearBlock& b : blocks) {
    w.U32(b.in_size);
    w.U32(b.out_size);
    w.U32(static_cast<uint32_t>(b.input + 1));
    w.U64(static_cast<uint64_t>(b.multiplier));
    w.U32(b.shift);
    w.U32(b.relu ? 1 : 0);
  }
  w.U32(output_block);
  w.U32(clamp_bits);
}

Result<ModelSpec> ModelSpec::Parse(ByteReader& r) {
  ModelSpec s;
  VINET_ASSIGN_OR_RETURN(s.input_shape, ParseShape(r, "spec.input_shape"));
  VINET_ASSIGN_OR_RETURN(s.output_shape, ParseShape(r, "spec.output_shape"));
  VINET_ASSIGN_OR_RETURN(s.input_scale, ParseScale(r, "spec.input_scale"));
  VINET_ASSIGN_OR_RETURN(s.output_scale, ParseScale(r, "spec.output_scale"));
  VINET_ASSIGN_OR_RETURN(uint32_t nb, r.Count("spec.blocks", 1024));
  s.blocks.resize(nb);
  for (LinearBlock& b : s.blocks) {
    VINET_ASSIGN_OR_RETURN(b.in_size, r.U32("block.in_size"));
    VINET_ASSIGN_OR_RETURN(b.out_size, r.U32("block.out_size"));
    VINET_ASSIGN_OR_RETURN(uint32_t input, r.U32("block.input"));
    if (input > 1024) return Error(Code::kParse, "block.input: out of range");
    b.input = static_cast<int32_t>(input) - 1;
    VINET_ASSIGN_OR_RETURN(uint64_t mult, r.U64("block.multiplier"));
    if (mult > (uint64_t{1} << 16)) return Error(Code::kParse, "block.multiplier: above 2^16");
    b.multiplier = static_cast<int64_t>(mult);
    VINET_ASSIGN_OR_RETURN(b.shift, r.U32("block.shift"));
    size_t at = r.offset();
    VINET_ASSIGN_OR_RETURN(uint32_t relu, r.U32("block.relu"));
    if (relu > 1) return Error(Code::kParse, fmt::format("block.relu at byte {}: not 0/1", at));
    b.relu = relu == 1;
  }
  VINET_ASSIGN_OR_RETURN(s.output_block, r.U32("spec.output_block"));
  VINET_ASSIGN_OR_RETURN(s.clamp_bits, r.U32("spec.clamp_bits"));
  Status st = s.Validate();
  if (!st.ok()) return Error(Code::kParse, "spec: " + st.message());
  return s;
}

Result<ModelCircuit> SpecFromModel(const runtime::QuantizedModel& m) {
  ModelCircuit c;
  Sources src;
  src.of[m.input()] = -1;
  for (const QLayer& l : m.layers()) {
    for (int t : l.inputs) ++src.uses[t];
  }
  for (size_t li = 0; li < m.layers().size(); ++li) {
    const QLayer& l = m.layers()[li];
    switch (l.op) {
      case QOp::kLinear:
        VINET_RETURN_IF_ERROR(AddLinear(m, li, src, c));
        break;
      case QOp::kRelu:
        VINET_RETURN_IF_ERROR(AddRelu(m, l, src, c));
        break;
      case QOp::kReshape: {
        auto it = src.of.find(l.inputs[0]);
        if (it == src.of.end()) return Unsupported(l, "input is not provable");
        src.of[l.output] = it->second;
        break;
      }
      default:
        return Unsupported(l,
                           "op is not supported by the zkml prover (MLP path: Gemm/MatMul, "
                           "ReLU, Flatten/Reshape)");
    }
  }
  auto out = src.of.find(m.output());
  if (out == src.of.end() || out->second < 0) {
    return Error(Code::kUnsupported, "model output is not computed by a Gemm/MatMul layer");
  }
  c.spec.output_block = static_cast<uint32_t>(out->second);
  const runtime::QTensor& in = m.tensors()[m.input()];
  const runtime::QTensor& ot = m.tensors()[m.output()];
  c.spec.input_shape = in.shape;
  c.spec.output_shape = ot.shape;
  c.spec.input_scale = in.scale;
  c.spec.output_scale = ot.scale;
  for (auto* shape : {&c.spec.input_shape, &c.spec.output_shape}) {
    if (!shape->empty() && (*shape)[0] != 1) (*shape)[0] = 1;  // batch of one
  }
  VINET_RETURN_IF_ERROR(c.spec.Validate());
  return c;
}

}  // namespace vinet::zkml
