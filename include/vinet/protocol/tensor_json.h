// Private: JSON form of tensors, {"name", "dtype", "shape", "data": hex}
// (or "values": [numbers] for f32 input convenience). Shared by receipts and
// the enclave's socket protocol.
#pragma once

#include <nlohmann/json.hpp>

#include "vinet/protocol/tensor.h"

namespace vinet::protocol {

nlohmann::json TensorToJson(const NamedTensor& t);
nlohmann::json TensorsToJson(const std::vector<NamedTensor>& tensors);
Result<NamedTensor> TensorFromJson(const nlohmann::json& j);
// Validates too (kParse on invalid tensors).
Result<std::vector<NamedTensor>> TensorsFromJson(const nlohmann::json& j);

}  // namespace vinet::protocol
