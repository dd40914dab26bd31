// `RuntimeModelRunner`: the real tee::ModelRunner, running ONNX models from a
// ModelStore with vinet's float32 runtime. Used in-process by the node
// (VANILLA) and inside the enclave (TEE).
//
// Every model of the store is loaded at construction (a model that fails to
// load is skipped and reported by `load_errors`); `LoadNew` loads the ones
// added to the store since (a running node or enclave publishing a model,
// docs/models.md), each checked against its content hash like at start. Run converts f32
// protocol::NamedTensor inputs to runtime tensors and the outputs back
// (names = the graph's output names). Inputs must be f32 with shapes that fit
// the model (kInvalidArgument naming the input otherwise). Thread-safe: each
// call borrows an ExecutionContext from a per-model pool.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "vinet/node/model_store.h"
#include "vinet/tee/model_runner.h"

namespace vinet::node {

class RuntimeModelRunner : public tee::ModelRunner {
 public:
  explicit RuntimeModelRunner(ModelStore store);

  std::vector<std::string> ModelIds() const override;
  Result<std::vector<protocol::NamedTensor>> Run(
      std::string_view model_id, const std::vector<protocol::NamedTensor>& inputs) override;
  Result<std::vector<std::string>> LoadNew() override;

  // The model, or null.
  std::shared_ptr<const runtime::Model> Find(std::string_view model_id) const;
  std::vector<std::string> load_errors() const;

 private:
  struct Entry {
    std::shared_ptr<const runtime::Model> model;
    std::mutex mu;
    std::vector<std::unique_ptr<runtime::ExecutionContext>> idle;
  };
  Entry* FindEntry(std::string_view model_id) const;

  ModelStore store_;
  // Entries are only ever added, so an Entry* stays valid without the lock.
  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> models_;
  std::vector<std::string> load_errors_;
};

// Conversions between the wire tensors and the runtime's float tensors.
Result<runtime::TensorMap> ToRuntimeInputs(const std::vector<protocol::NamedTensor>& inputs);
std::vector<protocol::NamedTensor> FromRuntimeOutputs(const runtime::TensorMap& outputs);

}  // namespace vinet::node
