// Static shape inference over the IR (private). Given concrete input shapes,
// computes every value's shape and validates every node's shapes and
// attributes; an error names the node, its op and the mismatch.
#pragma once

#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/runtime/graph.h"

namespace vinet::runtime::detail {

// "node 'conv1' (Conv)"
std::string NodeLabel(const Node& node);

// Output shape of one node from its input shapes (nullptr for omitted inputs).
Result<Shape> InferNodeShape(const Node& node, const std::vector<const Shape*>& inputs);

// Shapes of all values. `input_shapes` follow graph.inputs. Errors also when
// any tensor exceeds `max_elements`.
Result<std::vector<Shape>> InferShapes(const Graph& graph, const std::vector<Shape>& input_shapes,
                                       int64_t max_elements);

}  // namespace vinet::runtime::detail
