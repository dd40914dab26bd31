#include <algorithm>
#include <limits>

#include "runtime/kernels.h"
#include "runtime/plan.h"
#include "runtime/shape_inference.h"

namespace vinet::runtime::detail {
namespace {

constexpr int64_t kAlign = 16;  // floats: 64-byte aligned blocks

struct Block {
  int64_t offset, size;
  int root;
};

int64_t Place(std::vector<Block>& live, int64_t size, int root, int64_t& high_water) {
  std::sort(live.begin(), live.end(),
            [](const Block& a, const Block& b) { return a.offset < b.offset; });
  int64_t candidate = 0;
  for (const Block& b : live) {
    if (b.offset - candidate >= size) break;
    candidate = std::max(candidate, b.offset + b.size);
  }
  live.push_back(Block{candidate, size, root});
  high_water = std::max(high_water, candidate + size);
  return candidate;
}

}  // namespace

Result<std::shared_ptr<const Plan>> BuildPlan(const Graph& graph,
                                              const std::vector<Shape>& input_shapes,
                                              int64_t max_elements) {
  auto plan = std::make_shared<Plan>();
  VINET_ASSIGN_OR_RETURN(plan->shapes, InferShapes(graph, input_shapes, max_elements));
  size_t nv = graph.values.size();
  plan->offset.assign(nv, -1);
  plan->alias.assign(nv, -1);
  std::vector<int> root(nv);
  for (size_t v = 0; v < nv; ++v) root[v] = static_cast<int>(v);
  for (const Node& n : graph.nodes) {
    if (IsAliasOp(n.op)) {
      plan->alias[n.outputs[0]] = n.inputs[0];
      root[n.outputs[0]] = root[n.inputs[0]];
    }
  }
  const int kForever = std::numeric_limits<int>::max();
  std::vector<int> last_use(nv, -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    for (int v : n.inputs) {
      if (v >= 0) last_use[root[v]] = std::max(last_use[root[v]], static_cast<int>(i));
    }
    for (int v : n.outputs) last_use[root[v]] = std::max(last_use[root[v]], static_cast<int>(i));
  }
  for (int v : graph.outputs) last_use[root[v]] = kForever;

  std::vector<Block> live;
  int64_t high = 0, scratch = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    scratch = std::max(scratch, ScratchFloats(n, plan->shapes));
    for (int v : n.outputs) {
      if (plan->alias[v] >= 0) continue;
      int64_t size = (NumElements(plan->shapes[v]) + kAlign - 1) / kAlign * kAlign;
      plan->offset[v] = Place(live, std::max<int64_t>(size, kAlign), v, high);
    }
    std::erase_if(live, [&](const Block& b) { return last_use[b.root] <= static_cast<int>(i); });
  }
  plan->scratch_offset = high;
  plan->arena_floats = high + scratch;
  return std::shared_ptr<const Plan>(std::move(plan));
}

}  // namespace vinet::runtime::detail
