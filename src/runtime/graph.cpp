#include "vinet/runtime/graph.h"

namespace vinet::runtime {

std::string_view OpTypeName(OpType op) {
  switch (op) {
    case OpType::kGemm:
      return "Gemm";
    case OpType::kMatMul:
      return "MatMul";
    case OpType::kAdd:
      return "Add";
    case OpType::kSub:
      return "Sub";
    case OpType::kMul:
      return "Mul";
    case OpType::kDiv:
      return "Div";
    case OpType::kPow:
      return "Pow";
    case OpType::kRelu:
      return "Relu";
    case OpType::kLeakyRelu:
      return "LeakyRelu";
    case OpType::kSigmoid:
      return "Sigmoid";
    case OpType::kTanh:
      return "Tanh";
    case OpType::kSoftmax:
      return "Softmax";
    case OpType::kLogSoftmax:
      return "LogSoftmax";
    case OpType::kConv:
      return "Conv";
    case OpType::kMaxPool:
      return "MaxPool";
    case OpType::kAveragePool:
      return "AveragePool";
    case OpType::kGlobalAveragePool:
      return "GlobalAveragePool";
    case OpType::kBatchNormalization:
      return "BatchNormalization";
    case OpType::kFlatten:
      return "Flatten";
    case OpType::kReshape:
      return "Reshape";
    case OpType::kTranspose:
      return "Transpose";
    case OpType::kConcat:
      return "Concat";
    case OpType::kSqueeze:
      return "Squeeze";
    case OpType::kUnsqueeze:
      return "Unsqueeze";
    case OpType::kGather:
      return "Gather";
    case OpType::kSlice:
      return "Slice";
    case OpType::kClip:
      return "Clip";
    case OpType::kIdentity:
      return "Identity";
    case OpType::kReduceMean:
      return "ReduceMean";
    case OpType::kLayerNormalization:
      return "LayerNormalization";
    case OpType::kGelu:
      return "Gelu";
    case OpType::kErf:
      return "Erf";
    case OpType::kSqrt:
      return "Sqrt";
  }
  return "?";
}

}  // namespace vinet::runtime
