// Tensor JSON forms of the `vinet run` command (CLI-private).
//
// A tensor map is a JSON object {"name": tensor}. A tensor is either nested
// arrays of numbers (rectangular; the nesting gives the shape) or an object
// {"shape": [d0, ...], "data": [flat numbers]}. Parsing is strict: a
// non-number, a ragged array, a size/shape mismatch or a non-finite value is a
// Code::kParse error naming the tensor and the position.
#pragma once

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"
#include "vinet/runtime/model.h"

namespace vinet::cli {

Result<runtime::Tensor> TensorFromJson(const nlohmann::json& j, const std::string& name);
nlohmann::json TensorToJson(const runtime::Tensor& t);

// Reads inputs for `model`: every name must be a model input; a tensor given
// without the batch dimension (rank one less than declared) gets batch 1.
Result<runtime::TensorMap> InputsFromJson(const nlohmann::json& j, const runtime::Model& model);

// Parses a JSON file; errors name the file.
Result<nlohmann::json> ReadJsonFile(const std::string& path);

}  // namespace vinet::cli
