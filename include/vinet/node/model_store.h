// The node's content-addressed model store: DIR/<model id>.onnx.
//
// `Add` loads the file with vinet's runtime (so only models the runtime can
// run get in), computes its model id (the runtime's canonical id) and copies
// the bytes to DIR/<id>.onnx atomically (write to a temp file, rename); adding
// the same model twice is a no-op. `Ids` lists what is stored. `Load` loads
// one and checks that its content still hashes to its file name (kDataLoss
// otherwise). The store owns nothing in memory; callers own loaded models.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/runtime/model.h"

namespace vinet::node {

class ModelStore {
 public:
  explicit ModelStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Returns the model id (hex).
  Result<std::string> Add(const std::filesystem::path& onnx_file);
  std::vector<std::string> Ids() const;
  Result<std::shared_ptr<const runtime::Model>> Load(const std::string& model_id) const;
  std::filesystem::path PathOf(const std::string& model_id) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace vinet::node
