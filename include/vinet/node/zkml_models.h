// The node's ZKML models: the prover packages (zkml::EncodePackage) kept next
// to the ONNX files of the ModelStore as DIR/<model id>.vzk.
//
// Every package is loaded (and its weights recommitted, checked against its
// key) at construction; a package that fails to load is skipped and reported
// by `load_errors`; `LoadNew` loads the packages added to the store since
// (a model published to the running node). `Run` quantizes the request's one f32 input with the
// key's input scale and runs the int8 model; `Prove` does the same and proves it. Outputs are one
// "i8" tensor named like the ONNX graph's output, what a ZKML receipt carries and the chain checks
// the proof against. Thread-safe (the packages are immutable and only ever added).
#pragma once

#include <map>
#include <shared_mutex>
#include <string>
#include <vector>

#include "vinet/node/model_store.h"
#include "vinet/protocol/tensor.h"
#include "vinet/zkml/zkml.h"

namespace vinet::node {

struct ZkmlRun {
  runtime::Int8Tensor input;                  // the quantized input (what the proof is about)
  std::vector<protocol::NamedTensor> output;  // one "i8" tensor
  Bytes proof;                                // empty for Run
  double prove_seconds = 0;
};

class ZkmlModels {
 public:
  explicit ZkmlModels(ModelStore store);
  // Loads the packages added since; returns the model ids newly served.
  std::vector<std::string> LoadNew();

  bool Has(std::string_view model_id) const;
  // The verifying key of a served model, or kNotFound.
  Result<const zkml::VerifyingKey*> Key(std::string_view model_id) const;
  Result<ZkmlRun> Run(std::string_view model_id,
                      const std::vector<protocol::NamedTensor>& inputs) const;
  Result<ZkmlRun> Prove(std::string_view model_id,
                        const std::vector<protocol::NamedTensor>& inputs) const;
  // One batch proof (zkml::ProveBatch) of several requests' inputs: one run
  // per request (outputs in order), the proof and the time in the first.
  Result<std::vector<ZkmlRun>> ProveBatch(
      std::string_view model_id,
      const std::vector<std::vector<protocol::NamedTensor>>& inputs) const;
  std::vector<std::string> ModelIds() const;
  std::vector<std::string> load_errors() const;

 private:
  struct Entry {
    zkml::Committed committed;
    std::string output_name;
  };
  Result<const Entry*> Find(std::string_view model_id) const;

  ModelStore store_;
  mutable std::shared_mutex mu_;  // entries are only added: an Entry* stays valid
  std::map<std::string, Entry, std::less<>> models_;
  std::vector<std::string> load_errors_;
};

}  // namespace vinet::node
