// A memory plan: every value's concrete shape and where its data lives
// during one Run (private). Built once per model and input-shape set.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/runtime/graph.h"
#include "vinet/runtime/model.h"

namespace vinet::runtime {

struct Plan {
  std::vector<Shape> shapes;    // per value id
  std::vector<int64_t> offset;  // arena offset in floats, -1 when not in the arena
  std::vector<int> alias;       // value whose storage this value shares, -1 if none
  int64_t arena_floats = 0;     // activations + scratch
  int64_t scratch_offset = 0;   // im2col scratch (max over nodes), at the end
};

namespace detail {

// Infers shapes and assigns arena offsets: a value lives from the node that
// produces it to its last consumer (aliases extend their root's lifetime),
// and blocks are reused first-fit by offset.
Result<std::shared_ptr<const Plan>> BuildPlan(const Graph& graph,
                                              const std::vector<Shape>& input_shapes,
                                              int64_t max_elements);

}  // namespace detail
}  // namespace vinet::runtime
