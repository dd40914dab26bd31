// Load-time graph rewrites (private): constant folding, Identity/Dropout
// removal, BatchNormalization folded into the preceding Conv, Gemm weights
// pre-transposed and pre-scaled, unused constants dropped. Each rewrite keeps
// the graph's results equal up to float rounding.
#pragma once

#include "vinet/common/result.h"
#include "vinet/runtime/graph.h"

namespace vinet::runtime::detail {

// Evaluates every node whose inputs are all constants; errors only when a
// node's shapes are invalid.
Status FoldConstants(Graph& graph, int64_t max_elements);

// The structural rewrites listed above (after FoldConstants).
void OptimizeGraph(Graph& graph);

// Drops constants no node or output refers to.
void DropUnusedConstants(Graph& graph);

}  // namespace vinet::runtime::detail
