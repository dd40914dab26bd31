// The user-facing JSON form of tensor maps (the node's HTTP API, the C++
// client, CLI inputs, the SDK); protocol/tensor_json.h is the receipts' and
// the enclave socket's form of single tensors.
//
// A tensor map is a JSON object {"name": tensor}; a tensor is either nested
// arrays of numbers (f32; rectangular, the nesting gives the shape) or
// {"shape": [...], "data": [flat numbers], "dtype": "f32"} (dtype optional,
// one of f32 f64 i8 u8 i32 i64). Parsing is strict: ragged arrays, a
// non-number, an integer out of its dtype's range, a non-finite float or a
// size/shape mismatch is a kParse error naming the tensor, and so are arrays
// nested deeper than 32 (refused before walking further). Output is always
// the object form with the tensor's dtype.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/protocol/tensor.h"

namespace vinet::protocol {

Result<std::vector<NamedTensor>> TensorMapFromJson(const nlohmann::json& j);
nlohmann::json TensorMapToJson(const std::vector<NamedTensor>& tensors);

}  // namespace vinet::protocol
