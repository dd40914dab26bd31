#include "vinet/node/zkml_models.h"

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>

#include "vinet/zkml/request_input.h"

namespace vinet::node {
namespace {

Result<Bytes> ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Error(Code::kIo, "cannot read " + p.string());
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

protocol::NamedTensor OutputTensor(const std::string& name, const runtime::Int8Tensor& out) {
  protocol::NamedTensor t{name, "i8", out.shape, Bytes(out.data.size())};
  if (!out.data.empty()) std::memcpy(t.data.data(), out.data.data(), out.data.size());
  return t;
}

}  // namespace

ZkmlModels::ZkmlModels(ModelStore store) : store_(std::move(store)) {
  (void)LoadNew();
}

std::vector<std::string> ZkmlModels::LoadNew() {
  std::vector<std::string> added;
  for (const std::string& id : store_.Ids()) {
    auto path = store_.ZkmlPackagePath(id);
    if (Has(id) || !std::filesystem::exists(path)) continue;
    // Loading recommits the weights: seconds for a large model, outside the lock.
    auto bytes = ReadAll(path);
    auto committed =
        bytes.ok() ? zkml::LoadPackage(*bytes) : Result<zkml::Committed>(bytes.status());
    auto onnx = store_.Load(id);
    std::unique_lock lock(mu_);
    if (!committed.ok() || !onnx.ok()) {
      load_errors_.push_back(
          id + ".vzk: " + (committed.ok() ? onnx.status() : committed.status()).ToString());
      continue;
    }
    std::string name = (*onnx)->outputs().empty() ? "y" : (*onnx)->outputs()[0].name;
    if (models_.emplace(id, Entry{std::move(*committed), name}).second) added.push_back(id);
  }
  return added;
}

std::vector<std::string> ZkmlModels::load_errors() const {
  std::shared_lock lock(mu_);
  return load_errors_;
}

bool ZkmlModels::Has(std::string_view model_id) const {
  std::shared_lock lock(mu_);
  return models_.find(model_id) != models_.end();
}

Result<const ZkmlModels::Entry*> ZkmlModels::Find(std::string_view model_id) const {
  std::shared_lock lock(mu_);
  auto it = models_.find(model_id);
  if (it == models_.end()) {
    return Error(Code::kNotFound,
                 "model " + std::string(model_id) + " is not served in ZKML mode here");
  }
  return &it->second;
}

Result<const zkml::VerifyingKey*> ZkmlModels::Key(std::string_view model_id) const {
  VINET_ASSIGN_OR_RETURN(const Entry* e, Find(model_id));
  return &e->committed.vk;
}

Result<ZkmlRun> ZkmlModels::Run(std::string_view model_id,
                                const std::vector<protocol::NamedTensor>& inputs) const {
  VINET_ASSIGN_OR_RETURN(const Entry* e, Find(model_id));
  VINET_ASSIGN_OR_RETURN(runtime::Tensor x, zkml::RequestInput(e->committed.vk.spec, inputs));
  ZkmlRun r;
  VINET_ASSIGN_OR_RETURN(r.input, zkml::QuantizeInput(e->committed.vk.spec, x));
  VINET_ASSIGN_OR_RETURN(auto out, zkml::PackageModel(*e->committed.package).Run(r.input));
  r.output.push_back(OutputTensor(e->output_name, out));
  return r;
}

Result<ZkmlRun> ZkmlModels::Prove(std::string_view model_id,
                                  const std::vector<protocol::NamedTensor>& inputs) const {
  VINET_ASSIGN_OR_RETURN(const Entry* e, Find(model_id));
  VINET_ASSIGN_OR_RETURN(runtime::Tensor x, zkml::RequestInput(e->committed.vk.spec, inputs));
  ZkmlRun r;
  VINET_ASSIGN_OR_RETURN(r.input, zkml::QuantizeInput(e->committed.vk.spec, x));
  auto t0 = std::chrono::steady_clock::now();
  VINET_ASSIGN_OR_RETURN(zkml::Proved proved, zkml::Prove(*e->committed.package, r.input));
  r.prove_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.output.push_back(OutputTensor(e->output_name, proved.output));
  r.proof = std::move(proved.proof);
  return r;
}

Result<std::vector<ZkmlRun>> ZkmlModels::ProveBatch(
    std::string_view model_id,
    const std::vector<std::vector<protocol::NamedTensor>>& inputs) const {
  VINET_ASSIGN_OR_RETURN(const Entry* e, Find(model_id));
  std::vector<ZkmlRun> runs(inputs.size());
  std::vector<runtime::Int8Tensor> xs;
  for (size_t n = 0; n < inputs.size(); ++n) {
    VINET_ASSIGN_OR_RETURN(runtime::Tensor x, zkml::RequestInput(e->committed.vk.spec, inputs[n]));
    VINET_ASSIGN_OR_RETURN(runs[n].input, zkml::QuantizeInput(e->committed.vk.spec, x));
    xs.push_back(runs[n].input);
  }
  auto t0 = std::chrono::steady_clock::now();
  VINET_ASSIGN_OR_RETURN(zkml::BatchProved proved, zkml::ProveBatch(*e->committed.package, xs));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (size_t n = 0; n < runs.size(); ++n) {
    runs[n].output.push_back(OutputTensor(e->output_name, proved.outputs[n]));
    runs[n].prove_seconds = seconds;
  }
  if (!runs.empty()) runs[0].proof = std::move(proved.proof);
  return runs;
}

std::vector<std::string> ZkmlModels::ModelIds() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, e] : models_) ids.push_back(id);
  return ids;
}

}  // namespace vinet::node
