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

RuntimeModelRunner::RuntimeModelRunner(ModelStore store) : store_(std::move(store)) {
  (void)LoadNew();
}

Result<std::vector<std::string>> RuntimeModelRunner::LoadNew() {
  std::vector<std::string> added;
  for (const std::string& id : store_.Ids()) {
    {
      std::shared_lock lock(mu_);
      if (models_.count(id)) continue;
    }
    auto model = store_.Load(id);  // outside the lock: loading takes a while
    std::unique_lock lock(mu_);
    if (!model.ok()) {
      load_errors_.push_back(id + ": " + model.status().ToString());
      continue;
    }
    if (models_.count(id)) continue;
    auto e = std::make_unique<Entry>();
    e->model = std::move(*model);
    models_.emplace(id, std::move(e));
    added.push_back(id);
  }
  return added;
}

std::vector<std::string> RuntimeModelRunner::load_errors() const {
  std::shared_lock lock(mu_);
  return load_errors_;
}

std::vector<std::string> RuntimeModelRunner::ModelIds() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, e] : models_) ids.push_back(id);
  return ids;
}

RuntimeModelRunner::Entry* RuntimeModelRunner::FindEntry(std::string_view model_id) const {
  std::shared_lock lock(mu_);
  auto it = models_.find(model_id);
  return it == models_.end() ? nullptr : it->second.get();
}

std::shared_ptr<const runtime::Model> RuntimeModelRunner::Find(std::string_view model_id) const {
  Entry* e = FindEntry(model_id);
  return e ? e->model : nullptr;
}

Result<std::vector<protocol::NamedTensor>> RuntimeModelRunner::Run(
    std::string_view model_id, const std::vector<protocol::NamedTensor>& inputs) {
  Entry* found = FindEntry(model_id);
  if (!found) {
    return Error(Code::kNotFound, "model " + std::string(model_id) + " is not served here");
  }
  Entry& e = *found;
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
