#include "runtime/kernels.h"

#include <algorithm>

#include "runtime/op_geometry.h"

namespace vinet::runtime::detail {

bool IsAliasOp(OpType op) {
  switch (op) {
    case OpType::kFlatten:
    case OpType::kReshape:
    case OpType::kSqueeze:
    case OpType::kUnsqueeze:
    case OpType::kIdentity:
      return true;
    default:
      return false;
  }
}

int64_t ScratchFloats(const Node& node, const std::vector<Shape>& shapes) {
  if (node.op != OpType::kConv) return 0;
  auto g = ConvGeometry(node.attrs, shapes[node.inputs[0]], shapes[node.inputs[1]]);
  if (!g.ok()) return 0;
  return (g->c / g->group) * g->kh * g->kw * ConvColumnStride(g->oh * g->ow);
}

void RunNode(const Node& node, const std::vector<Shape>& shapes, float* const* slots,
             float* scratch) {
  const auto in = [&](size_t i) -> const float* {
    return i < node.inputs.size() && node.inputs[i] >= 0 ? slots[node.inputs[i]] : nullptr;
  };
  const auto shape = [&](size_t i) -> const Shape& { return shapes[node.inputs[i]]; };
  float* y = slots[node.outputs[0]];
  const Shape& ys = shapes[node.outputs[0]];
  switch (node.op) {
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
    case OpType::kDiv:
    case OpType::kPow:
      BinaryKernel(node.op, in(0), shape(0), in(1), shape(1), y, ys);
      return;
    case OpType::kRelu:
    case OpType::kLeakyRelu:
    case OpType::kSigmoid:
    case OpType::kTanh:
    case OpType::kClip:
    case OpType::kGelu:
    case OpType::kErf:
    case OpType::kSqrt:
      UnaryKernel(node, in(0), y, NumElements(ys));
      return;
    case OpType::kFlatten:
    case OpType::kReshape:
    case OpType::kSqueeze:
    case OpType::kUnsqueeze:
    case OpType::kIdentity:
      if (in(0) != y) std::copy(in(0), in(0) + NumElements(ys), y);
      return;
    case OpType::kSoftmax:
    case OpType::kLogSoftmax:
      SoftmaxKernel(node, in(0), shape(0), y);
      return;
    case OpType::kGemm:
      GemmKernel(node, shapes, slots);
      return;
    case OpType::kMatMul:
      MatMulKernel(shape(0), shape(1), in(0), in(1), y);
      return;
    case OpType::kConv:
      ConvKernel(node, shape(0), shape(1), in(0), in(1), in(2), y, scratch);
      return;
    case OpType::kMaxPool:
    case OpType::kAveragePool:
      PoolKernel(node, shape(0), in(0), y);
      return;
    case OpType::kGlobalAveragePool:
      GlobalAvgPoolKernel(shape(0), in(0), y);
      return;
    case OpType::kBatchNormalization:
      BatchNormKernel(node, shape(0), in(0), in(1), in(2), in(3), in(4), y);
      return;
    case OpType::kLayerNormalization:
      LayerNormKernel(node, shape(0), in(0), in(1), shape(1), in(2),
                      in(2) ? &shapes[node.inputs[2]] : nullptr, y);
      return;
    case OpType::kReduceMean:
      ReduceMeanKernel(node, shape(0), in(0), y);
      return;
    case OpType::kTranspose:
      TransposeKernel(node, shape(0), in(0), y);
      return;
    case OpType::kConcat:
      ConcatKernel(node, shapes, slots);
      return;
    case OpType::kGather:
      GatherKernel(node, shape(0), in(0), y);
      return;
    case OpType::kSlice:
      SliceKernel(node, shape(0), in(0), y);
      return;
  }
}

}  // namespace vinet::runtime::detail
