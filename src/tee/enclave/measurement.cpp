#include "vinet/tee/measurement.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

namespace vinet::tee {
namespace {

Result<Bytes> ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Error(Code::kIo, "measure: cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return Bytes(s.begin(), s.end());
}

Result<std::vector<std::filesystem::path>> ModelFiles(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  if (ec) return Error(Code::kIo, "measure: cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.filename() < b.filename(); });
  return files;
}

}  // namespace

std::filesystem::path SelfExecutable() {
  return std::filesystem::read_symlink("/proc/self/exe");
}

Result<EnclaveMeasurements> MeasureEnclave(const std::filesystem::path& binary,
                                           const std::filesystem::path& models_dir, bool debug) {
  VINET_ASSIGN_OR_RETURN(Bytes exe, ReadAll(binary));
  VINET_ASSIGN_OR_RETURN(auto files, ModelFiles(models_dir));
  Bytes image = ToBytes("vinet-enclave-image-v1");
  auto exe_digest = crypto::Sha384(exe);
  image.insert(image.end(), exe_digest.begin(), exe_digest.end());
  std::string config = "vinet-enclave-config-v1\n";
  for (const auto& f : files) {
    VINET_ASSIGN_OR_RETURN(Bytes content, ReadAll(f));
    std::string name = f.filename().string();
    AppendLengthPrefixed(image, AsBytes(name));
    auto d384 = crypto::Sha384(content);
    image.insert(image.end(), d384.begin(), d384.end());
    config += "model " + name + " " + ToHex(crypto::Sha256(content)) + "\n";
  }
  config += std::string("debug ") + (debug ? "1" : "0") + "\n";
  EnclaveMeasurements m;
  m.image = crypto::Sha384(image);
  m.config_pcr = crypto::Sha384(AsBytes(config));
  m.config_hash = crypto::Sha256(AsBytes(config));
  m.config = std::move(config);
  return m;
}

}  // namespace vinet::tee
