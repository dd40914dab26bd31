#include "vinet/node/chat_engine.h"

#include <algorithm>
#include <system_error>

#include "vinet/chat/llm_chat_runner.h"

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
                                                        const ChatEngineOptions& options,
                                                        std::vector<std::string>* errors) {
  auto files = GgufFiles(models_dir);
  if (files.empty()) return std::unique_ptr<tee::ChatRunner>();
  chat::LlmChatRunnerOptions o;
  o.threads = options.threads;
  o.max_concurrent = options.max_concurrent;
  o.context = options.context;
  auto runner = std::make_unique<chat::LlmChatRunner>(o);
  size_t loaded = 0;
  for (const auto& f : files) {
    if (Status s = runner->AddFile(f); !s.ok()) {
      if (errors) errors->push_back(f.string() + ": " + s.ToString());
      continue;
    }
    ++loaded;
  }
  if (loaded == 0) return std::unique_ptr<tee::ChatRunner>();
  return std::unique_ptr<tee::ChatRunner>(std::move(runner));
}

}  // namespace vinet::node
