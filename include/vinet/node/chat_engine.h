// The node's VANILLA chat engine: the GGUF models of its models directory
// (DIR/*.gguf; model id = hex SHA-256 of the file) behind tee::ChatRunner.
// (chat::LlmChatRunner). Null when the directory holds no .gguf file that
// loads; a file that does not load is skipped and reported in `errors`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/tee/chat_runner.h"

namespace vinet::node {

std::vector<std::filesystem::path> GgufFiles(const std::filesystem::path& models_dir);

struct ChatEngineOptions {
  uint32_t threads = 1;         // workers per generation
  uint32_t max_concurrent = 2;  // generations at once (others wait for a slot)
  uint32_t context = 0;         // 0: each model's training context
};

Result<std::unique_ptr<tee::ChatRunner>> OpenChatEngine(const std::filesystem::path& models_dir,
                                                        const ChatEngineOptions& options,
                                                        std::vector<std::string>* errors);

}  // namespace vinet::node
