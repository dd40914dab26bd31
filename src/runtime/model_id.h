// The canonical model id: SHA-256 over a canonical encoding of an ONNX model's
// graph and weights (private; documented in docs/runtime.md, "Model id").
#pragma once

#include <map>
#include <string>

#include <onnx/onnx_pb.h>

#include "runtime/onnx_tensor.h"
#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"

namespace vinet::runtime::detail {

// `initializers` are the decoded graph initializers by name (so raw_data and
// typed-field encodings of one tensor hash alike). Errors: an attribute
// tensor that does not decode.
Result<crypto::Digest256> CanonicalModelId(const onnx::ModelProto& model,
                                           const std::map<std::string, ConstData>& initializers,
                                           int64_t max_elements);

}  // namespace vinet::runtime::detail
