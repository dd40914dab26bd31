// What the C++ client checks locally before it signs an inference request, so
// a mistake costs nothing (docs/sdk.md, "Errors"):
//
//   - the node serves the model (`GET /v1/models`, parsed by `ParseModels`),
//     in the requested mode, for a fee `max_fee` covers;
//   - the inputs are exactly the model's names, with its declared shapes (a
//     dimension <= 0 takes any size >= 1); f64/i8/u8/i32/i64 tensors are cast
//     to the model's dtype (f32: the runtime's only one), and a value the cast
//     cannot keep is refused; float values must be finite;
//   - the JSON body fits the node's limit (`kMaxBodyBytes`, or `/healthz`
//     `max_body_bytes`): refused from the element count before any pass over
//     the values, or from an estimate (4,096 sampled values per tensor) when
//     that is over twice the limit; `CheckBodySize` then measures the encoded
//     body before it is sent.
//
// Errors are kNotFound (model), kUnsupported (mode), kInvalidArgument (fee,
// names, dtype, NaN/inf), kOutOfRange (shape, size), each message naming the
// tensor or field and, where the fix is known, ending with "(hint: ...)".
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"
#include "vinet/protocol/request.h"
#include "vinet/protocol/tensor.h"

namespace vinet::client {

inline constexpr size_t kMaxBodyBytes = size_t{64} << 20;  // the node's request limit

struct ModelInfo {
  std::string model_id;
  std::string kind = "onnx";
  std::map<std::string, std::vector<int64_t>> inputs;  // name -> declared shape
  std::map<std::string, std::string> input_dtypes;     // name -> dtype (default f32)
  std::vector<protocol::Mode> modes;                   // served (not refused) here
  std::optional<uint64_t> fee;                         // unset: not registered on chain
};

// `GET /v1/models` (OpenAI's list shape, or a bare array). kParse naming the
// entry on a malformed answer.
Result<std::vector<ModelInfo>> ParseModels(const nlohmann::json& body);

// Model, mode and fee: everything but the inputs.
Status CheckModel(const ModelInfo& model, protocol::Mode mode, uint64_t max_fee);

// The inputs to sign and send for `model`: names, shapes, casts, finiteness
// and size checked (see above).
Result<std::vector<protocol::NamedTensor>> PrepareInputs(
    const ModelInfo& model, const std::vector<protocol::NamedTensor>& inputs,
    size_t body_limit = kMaxBodyBytes);

// kOutOfRange when an encoded request body is over `limit` (it is then not sent).
Status CheckBodySize(size_t size, size_t limit = kMaxBodyBytes);

}  // namespace vinet::client
