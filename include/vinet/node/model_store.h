// The node's content-addressed model store: DIR/<model id>.onnx.
//
// `Add` loads the file with vinet's runtime (so only models the runtime can
// run get in), computes its model id (the runtime's canonical id) and copies
// the bytes to DIR/<id>.onnx atomically (write to a temp file, rename); adding
// the same model twice is a no-op. `Ids` lists what is stored. `Load` loads
// one and checks that its content still hashes to its file name (kDataLoss
// otherwise). The store owns nothing in memory; callers own loaded models.
// ZKML: `AddZkml` also quantizes the model on `calibration` (runtime::Quantize),
// commits it (zkml::Commit: kUnsupported when the circuit cannot prove it) and
// writes the prover package (zkml::EncodePackage) to DIR/<id>.vzk, atomically;
// an existing package is kept when its key kind is `params.pcs` (kAlreadyExists
// otherwise: one package per model id). With `range_proof` it also proves the
// weight range (zkml::ProveWeightRange), which RegisterModel requires with the key.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/runtime/model.h"
#include "vinet/zkml/zkml.h"

namespace vinet::node {

class ModelStore {
 public:
  explicit ModelStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Returns the model id (hex).
  Result<std::string> Add(const std::filesystem::path& onnx_file);
  // Returns the model id; the package's verifying key goes to `vk` when given.
  // `params`: the key (kind, private weights; zkml::ZkmlParams).
  Result<std::string> AddZkml(const std::filesystem::path& onnx_file,
                              std::span<const runtime::TensorMap> calibration,
                              zkml::VerifyingKey* vk = nullptr, Bytes* range_proof = nullptr,
                              const zkml::ZkmlParams& params = {});
  std::vector<std::string> Ids() const;
  Result<std::shared_ptr<const runtime::Model>> Load(const std::string& model_id) const;
  std::filesystem::path PathOf(const std::string& model_id) const;
  std::filesystem::path ZkmlPackagePath(const std::string& model_id) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace vinet::node
