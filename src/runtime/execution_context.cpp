#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "runtime/kernels.h"
#include "runtime/plan.h"
#include "vinet/runtime/model.h"

namespace vinet::runtime {

ExecutionContext::ExecutionContext(std::shared_ptr<const Model> model) : model_(std::move(model)) {}
ExecutionContext::~ExecutionContext() = default;

Status ExecutionContext::RunInPlace(std::span<const float* const> inputs,
                                    std::span<const Shape> shapes) {
  const Graph& g = model_->graph();
  if (inputs.size() != g.inputs.size() || shapes.size() != g.inputs.size()) {
    return Error(Code::kInvalidArgument,
                 fmt::format("model takes {} inputs, got {}", g.inputs.size(), inputs.size()));
  }
  bool same = plan_ && plan_shapes_.size() == shapes.size();
  for (size_t i = 0; same && i < shapes.size(); ++i) same = plan_shapes_[i] == shapes[i];
  if (!same) {
    plan_shapes_.assign(shapes.begin(), shapes.end());
    auto plan = model_->PlanFor(plan_shapes_);
    if (!plan.ok()) {
      plan_.reset();
      return plan.status();
    }
    plan_ = *plan;
    if (arena_.size() < static_cast<size_t>(plan_->arena_floats))
      arena_.resize(plan_->arena_floats);
    slots_.assign(g.values.size(), nullptr);
  }
  const Plan& p = *plan_;
  for (const auto& [v, t] : g.constants) slots_[v] = const_cast<float*>(t.data.data());
  for (size_t i = 0; i < g.inputs.size(); ++i) slots_[g.inputs[i]] = const_cast<float*>(inputs[i]);
  float* arena = arena_.data();
  for (const Node& n : g.nodes) {
    int v = n.outputs[0];
    slots_[v] = p.alias[v] >= 0 ? slots_[p.alias[v]] : arena + p.offset[v];
    if (!profiling_) {
      detail::RunNode(n, p.shapes, slots_.data(), arena + p.scratch_offset);
      continue;
    }
    auto start = std::chrono::steady_clock::now();
    detail::RunNode(n, p.shapes, slots_.data(), arena + p.scratch_offset);
    auto& entry = profile_[std::string(OpTypeName(n.op))];
    entry.nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
    ++entry.calls;
  }
  return Status::Ok();
}

const float* ExecutionContext::OutputData(size_t i) const {
  return slots_[model_->graph().outputs[i]];
}

const Shape& ExecutionContext::OutputShape(size_t i) const {
  return plan_->shapes[model_->graph().outputs[i]];
}

Status ExecutionContext::Run(std::span<const float* const> inputs, std::span<const Shape> shapes,
                             std::vector<Tensor>& outputs) {
  VINET_RETURN_IF_ERROR(RunInPlace(inputs, shapes));
  size_t n = model_->graph().outputs.size();
  outputs.resize(n);
  for (size_t i = 0; i < n; ++i) {
    outputs[i].shape = OutputShape(i);
    const float* src = OutputData(i);
    outputs[i].data.assign(src, src + NumElements(outputs[i].shape));
  }
  return Status::Ok();
}

Result<TensorMap> ExecutionContext::Run(const TensorMap& inputs) {
  const auto& info = model_->inputs();
  for (const auto& [name, t] : inputs) {
    bool known = false;
    for (const auto& in : info) known = known || in.name == name;
    if (!known) {
      std::string names;
      for (const auto& in : info) names += (names.empty() ? "" : ", ") + in.name;
      return Error(Code::kInvalidArgument,
                   fmt::format("unknown input '{}' (the model's inputs: {})", name, names));
    }
  }
  std::vector<const float*> ptrs;
  std::vector<Shape> shapes;
  for (const auto& in : info) {
    auto it = inputs.find(in.name);
    if (it == inputs.end()) return Error(Code::kInvalidArgument, "missing input '" + in.name + "'");
    const Tensor& t = it->second;
    auto n = CheckedNumElements(t.shape);
    if (!n || static_cast<size_t>(*n) != t.data.size()) {
      return Error(Code::kInvalidArgument,
                   fmt::format("input '{}': shape {} does not match its {} values", in.name,
                               ShapeToString(t.shape), t.data.size()));
    }
    for (size_t k = 0; k < t.data.size(); ++k) {
      if (!std::isfinite(t.data[k])) {
        return Error(Code::kInvalidArgument,
                     fmt::format("input '{}': element {} is {}", in.name, k, t.data[k]));
      }
    }
    ptrs.push_back(t.data.data());
    shapes.push_back(t.shape);
  }
  std::vector<Tensor> outs;
  VINET_RETURN_IF_ERROR(Run(ptrs, shapes, outs));
  TensorMap result;
  const Graph& g = model_->graph();
  for (size_t i = 0; i < outs.size(); ++i) result[g.values[g.outputs[i]].name] = std::move(outs[i]);
  return result;
}

}  // namespace vinet::runtime
