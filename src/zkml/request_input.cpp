#include "vinet/zkml/request_input.h"

#include <cstring>
#include <string>

namespace vinet::zkml {

Result<runtime::Tensor> RequestInput(const ModelSpec& spec,
                                     const std::vector<protocol::NamedTensor>& inputs) {
  if (inputs.size() != 1) {
    return Error(Code::kInvalidArgument,
                 "ZKML models take exactly one input tensor, got " + std::to_string(inputs.size()));
  }
  const auto& t = inputs.front();
  if (t.dtype != "f32") {
    return Error(Code::kInvalidArgument,
                 "input " + t.name + ": dtype " + t.dtype + " (ZKML takes f32)");
  }
  if (t.shape != spec.input_shape) {
    return Error(Code::kInvalidArgument, "input " + t.name + ": shape does not match the model's");
  }
  runtime::Tensor x;
  x.shape = t.shape;
  x.data.resize(t.data.size() / 4);
  if (!x.data.empty()) std::memcpy(x.data.data(), t.data.data(), x.data.size() * 4);
  return x;
}

}  // namespace vinet::zkml
