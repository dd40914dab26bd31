#include "runtime/reference_executor.h"

#include "runtime/kernels.h"
#include "runtime/shape_inference.h"

namespace vinet::runtime::detail {

Result<std::vector<Tensor>> EvaluateAll(const Graph& graph, const TensorMap& inputs) {
  std::vector<Shape> in_shapes;
  for (int v : graph.inputs) {
    auto it = inputs.find(graph.values[v].name);
    if (it == inputs.end()) {
      return Error(Code::kInvalidArgument, "missing input '" + graph.values[v].name + "'");
    }
    if (static_cast<int64_t>(it->second.data.size()) != NumElements(it->second.shape)) {
      return Error(Code::kInvalidArgument,
                   "input '" + graph.values[v].name + "': data size mismatch");
    }
    in_shapes.push_back(it->second.shape);
  }
  VINET_ASSIGN_OR_RETURN(std::vector<Shape> shapes,
                         InferShapes(graph, in_shapes, int64_t{1} << 31));
  std::vector<Tensor> values(graph.values.size());
  std::vector<float*> slots(graph.values.size(), nullptr);
  for (const auto& [v, t] : graph.constants) values[v] = t;
  for (int v : graph.inputs) values[v] = inputs.at(graph.values[v].name);
  for (size_t v = 0; v < values.size(); ++v) slots[v] = values[v].data.data();
  for (const Node& n : graph.nodes) {
    Tensor& out = values[n.outputs[0]];
    out.shape = shapes[n.outputs[0]];
    out.data.assign(NumElements(out.shape), 0.0f);
    slots[n.outputs[0]] = out.data.data();
    std::vector<float> scratch(ScratchFloats(n, shapes));
    RunNode(n, shapes, slots.data(), scratch.data());
  }
  return values;
}

}  // namespace vinet::runtime::detail
