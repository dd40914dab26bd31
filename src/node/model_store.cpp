#include "vinet/node/model_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "vinet/runtime/quantized.h"
#include "vinet/zkml/weight_range.h"
#include "vinet/zkml/zkml.h"

namespace vinet::node {
namespace fs = std::filesystem;

Result<std::string> ModelStore::Add(const fs::path& onnx_file) {
  std::ifstream in(onnx_file, std::ios::binary);
  if (!in) return Error(Code::kIo, "cannot read " + onnx_file.string());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  auto model = runtime::Model::LoadBytes(ToBytes(bytes));
  if (!model.ok()) return model.status().WithContext(onnx_file.string());
  std::string id = (*model)->id_hex();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Error(Code::kIo, "cannot create " + dir_.string() + ": " + ec.message());
  fs::path target = PathOf(id);
  if (fs::exists(target)) return id;
  fs::path tmp = target.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Error(Code::kIo, "cannot write " + tmp.string());
  }
  fs::rename(tmp, target, ec);
  if (ec) return Error(Code::kIo, "cannot rename into " + target.string() + ": " + ec.message());
  return id;
}

std::vector<std::string> ModelStore::Ids() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".onnx") {
      ids.push_back(e.path().stem().string());
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

fs::path ModelStore::ZkmlPackagePath(const std::string& model_id) const {
  return dir_ / (model_id + ".vzk");
}

Result<std::string> ModelStore::AddZkml(const fs::path& onnx_file,
                                        std::span<const runtime::TensorMap> calibration,
                                        zkml::VerifyingKey* vk, Bytes* range_proof,
                                        const zkml::ZkmlParams& params) {
  VINET_ASSIGN_OR_RETURN(std::string id, Add(onnx_file));
  fs::path target = ZkmlPackagePath(id);
  if (fs::exists(target)) {
    std::ifstream in(target, std::ios::binary);
    Bytes bytes((std::istreambuf_iterator<char>(in)), {});
    auto loaded = zkml::LoadPackage(bytes);
    if (!loaded.ok()) return loaded.status().WithContext(target.string());
    if (loaded->vk.pcs != params.pcs) {
      return Error(Code::kAlreadyExists,
                   fmt::format("{} holds a key of kind {}, not {}: one package per model id",
                               target.string(), static_cast<int>(loaded->vk.pcs),
                               static_cast<int>(params.pcs)));
    }
    if (vk) *vk = loaded->vk;
    if (range_proof) {
      VINET_ASSIGN_OR_RETURN(*range_proof, zkml::ProveWeightRange(*loaded->package));
    }
    return id;
  }
  VINET_ASSIGN_OR_RETURN(auto model, Load(id));
  VINET_ASSIGN_OR_RETURN(auto quantized, runtime::Quantize(*model, calibration));
  auto committed = zkml::Commit(std::move(quantized), params);
  if (!committed.ok()) return committed.status().WithContext("zkml commit of " + id);
  if (vk) *vk = committed->vk;
  if (range_proof) {
    VINET_ASSIGN_OR_RETURN(*range_proof, zkml::ProveWeightRange(*committed->package));
  }
  Bytes bytes = zkml::EncodePackage(*committed->package);
  fs::path tmp = target.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) return Error(Code::kIo, "cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) return Error(Code::kIo, "cannot rename into " + target.string() + ": " + ec.message());
  return id;
}

fs::path ModelStore::PathOf(const std::string& model_id) const {
  return dir_ / (model_id + ".onnx");
}

Result<std::shared_ptr<const runtime::Model>> ModelStore::Load(const std::string& model_id) const {
  fs::path path = PathOf(model_id);
  if (model_id.find('/') != std::string::npos || !fs::exists(path)) {
    return Error(Code::kNotFound, "model " + model_id + " is not in the store " + dir_.string());
  }
  VINET_ASSIGN_OR_RETURN(auto model, runtime::Model::LoadFile(path.string()));
  if (model->id_hex() != model_id) {
    return Error(Code::kVerification,
                 "model file " + path.string() + " hashes to " + model->id_hex());
  }
  return model;
}

}  // namespace vinet::node
