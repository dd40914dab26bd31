#include "vinet/node/runtime_runner.h"

#include <cstring>

namespace vinet::node {

Result<runtime::TensorMap> ToRuntimeInputs(const std::vector<protocol::NamedTensor>& inputs) {
  runtime::TensorMap out;
  for (const auto& t : inputs) {
    if (t.dtype != "f32") {
      return Error(Code::kInvalidArgument,
                   "input " + t.name + ": dtype " + t.dtype + " (the runtime takes f32)");
    }
    runtime::Tensor r;
    r.shape = t.shape;
    r.data.resize(t.data.size() / 4);
    if (!t.data.empty()) std::memcpy(r.data.data(), t.data.data(), r.data.size() * 4);
    out.emplace(t.name, std::move(r));
  }
  return out;
}

std::vector<protocol::NamedTensor> FromRuntimeOutputs(const runtime::TensorMap& outputs) {
  std::vector<protocol::NamedTensor> out;
  for (const auto& [name, t] : outputs) {
    out.push_back(protocol::F32Tensor(name, t.shape, t.data));
  }
  return out;
}

RuntimeModelRunner::RuntimeModelRunner(const ModelStore& store) {
  for (const std::string& id : store.Ids()) {
    auto model = store.Load(id);
    if (!model.ok()) {
      load_errors_.push_back(id + ": " + model.status().ToString());
      continue;
    }
    auto e = std::make_unique<Entry>();
    e->model = std::move(*model);
    models_.emplace(id, std::move(e));
  }
}

std::vector<std::string> RuntimeModelRunner::ModelIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, e] : models_) ids.push_back(id);
  return ids;
}

std::shared_ptr<const runtime::Model> RuntimeModelRunner::Find(std::string_view model_id) const {
  auto it = models_.find(model_id);
  return it == models_.end() ? nullptr : it->second->model;
}

Result<std::vector<protocol::NamedTensor>> RuntimeModelRunner::Run(
    std::string_view model_id, const std::vector<protocol::NamedTensor>& inputs) {
  auto it = models_.find(model_id);
  if (it == models_.end()) {
    return Error(Code::kNotFound, "model " + std::string(model_id) + " is not served here");
  }
  Entry& e = *it->second;
  VINET_ASSIGN_OR_RETURN(runtime::TensorMap in, ToRuntimeInputs(inputs));
  std::unique_ptr<runtime::ExecutionContext> ctx;
  {
    std::lock_guard lock(e.mu);
    if (!e.idle.empty()) {
      ctx = std::move(e.idle.back());
      e.idle.pop_back();
    }
  }
  if (!ctx) ctx = std::make_unique<runtime::ExecutionContext>(e.model);
  auto out = ctx->Run(in);
  {
    std::lock_guard lock(e.mu);
    e.idle.push_back(std::move(ctx));
  }
  if (!out.ok()) return out.status();
  return FromRuntimeOutputs(*out);
}

}  // namespace vinet::node
