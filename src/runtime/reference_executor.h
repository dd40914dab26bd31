// A simple float executor that keeps every intermediate value (private):
// used by calibration and by tests. Slow (allocates per value), exact same
// kernels as ExecutionContext.
#pragma once

#include <vector>

#include "vinet/common/result.h"
#include "vinet/runtime/graph.h"
#include "vinet/runtime/tensor.h"

namespace vinet::runtime::detail {

// All values of `graph` for these inputs (by value id; constants included).
Result<std::vector<Tensor>> EvaluateAll(const Graph& graph, const TensorMap& inputs);

}  // namespace vinet::runtime::detail
