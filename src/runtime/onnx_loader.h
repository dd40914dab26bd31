// ONNX ModelProto -> vinet graph IR (private). Checks opsets, ops, attributes,
// node wiring (undefined inputs, duplicate outputs, cycles) and initializers;
// each error names the node, its op and what is missing or unsupported.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"
#include "vinet/runtime/graph.h"
#include "vinet/runtime/model.h"

namespace vinet::runtime::detail {

struct LoadedOnnx {
  Graph graph;
  crypto::Digest256 id{};
  int64_t parameter_count = 0;
  std::map<std::string, int> op_histogram;
};

Result<LoadedOnnx> LoadOnnx(ByteSpan bytes, const LoadOptions& options);

}  // namespace vinet::runtime::detail
