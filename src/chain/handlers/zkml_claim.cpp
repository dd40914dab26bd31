#include "handlers/zkml_claim.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>

namespace vinet::chain {
namespace {

Status Bad(std::string what) {
  return Error(Code::kInvalidArgument, std::move(what));
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

Result<const protocol::NamedTensor*> SingleTensor(const std::vector<protocol::NamedTensor>& ts,
                                                  std::string_view what, std::string_view dtype,
                                                  const std::vector<int64_t>& shape) {
  if (ts.size() != 1) return Bad(fmt::format("{}: expected one tensor, got {}", what, ts.size()));
  const auto& t = ts.front();
  if (t.dtype != dtype) {
    return Bad(fmt::format("{}.{}: dtype {} (ZKML expects {})", what, t.name, t.dtype, dtype));
  }
  if (t.shape != shape) {
    return Bad(fmt::format("{}.{}: shape {} differs from the key's {}", what, t.name,
                           ShapeText(t.shape), ShapeText(shape)));
  }
  return &t;
}

}  // namespace

Result<zkml::VerifyingKey> LoadZkmlKey(const State& state, const std::string& model_id) {
  VINET_ASSIGN_OR_RETURN(auto bytes, state.GetZkmlKey(model_id));
  if (!bytes) return Error(Code::kNotFound, "model " + model_id + " has no zkml verifying key");
  auto vk = zkml::VerifyingKey::Parse(AsBytes(*bytes));
  if (!vk.ok())
    return Error(Code::kInternal, "stored zkml key of " + model_id + ": " + vk.status().message());
  return std::move(*vk);
}

Result<std::string> ZkmlReceiptOutput(const zkml::VerifyingKey& vk, const protocol::Receipt& r) {
  VINET_ASSIGN_OR_RETURN(auto t,
                         SingleTensor(r.outputs, "receipt.outputs", "i8", vk.spec.output_shape));
  (void)t;
  auto hash = protocol::TensorsHash(r.outputs);
  if (!std::equal(hash.begin(), hash.end(), r.output_hash.begin(), r.output_hash.end())) {
    return Bad("receipt.outputs: TensorsHash differs from receipt.output_hash");
  }
  return ToString(protocol::EncodeTensors(r.outputs));
}

Result<runtime::Int8Tensor> DecodeZkmlOutput(const zkml::VerifyingKey& vk,
                                             const std::string& encoded) {
  VINET_ASSIGN_OR_RETURN(auto tensors, protocol::DecodeTensors(AsBytes(encoded)));
  VINET_ASSIGN_OR_RETURN(auto t, SingleTensor(tensors, "claim.output", "i8", vk.spec.output_shape));
  runtime::Int8Tensor out;
  out.shape = t->shape;
  out.data.resize(t->data.size());
  if (!t->data.empty()) std::memcpy(out.data.data(), t->data.data(), t->data.size());
  return out;
}

Result<runtime::Int8Tensor> DecodeZkmlInput(const zkml::VerifyingKey& vk,
                                            const std::vector<protocol::NamedTensor>& inputs) {
  VINET_ASSIGN_OR_RETURN(auto t, SingleTensor(inputs, "proof.inputs", "f32", vk.spec.input_shape));
  runtime::Tensor x;
  x.shape = t->shape;
  x.data.resize(t->data.size() / 4);
  if (!x.data.empty()) std::memcpy(x.data.data(), t->data.data(), x.data.size() * 4);
  return zkml::QuantizeInput(vk.spec, x);
}

}  // namespace vinet::chain
