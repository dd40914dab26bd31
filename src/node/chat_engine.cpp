#include "vinet/node/chat_engine.h"

#include <algorithm>
#include <system_error>

namespace vinet::node {

std::vector<std::filesystem::path> GgufFiles(const std::filesystem::path& models_dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(models_dir, ec)) {
    if (e.is_regular_file(ec) && e.path().extension() == ".gguf") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::unique_ptr<tee::ChatRunner>> OpenChatEngine(const std::filesystem::path& models_dir,
                                                        std::vector<std::string>* errors) {
  auto files = GgufFiles(models_dir);
  if (files.empty()) return std::unique_ptr<tee::ChatRunner>();
  if (errors) {
    for (const auto& f : files) {
      errors->push_back(f.string() + ": the LLM chat engine is not built into this node yet");
    }
  }
  return std::unique_ptr<tee::ChatRunner>();
}

}  // namespace vinet::node
