// The node's VANILLA chat engine: the GGUF models of its models directory
// (DIR/*.gguf; model id = hex SHA-256 of the file) behind tee::ChatRunner.
// Null when the directory holds no .gguf file. A file that does not load is
// skipped and reported in `errors`.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/tee/chat_runner.h"

namespace vinet::node {

std::vector<std::filesystem::path> GgufFiles(const std::filesystem::path& models_dir);

Result<std::unique_ptr<tee::ChatRunner>> OpenChatEngine(const std::filesystem::path& models_dir,
                                                        std::vector<std::string>* errors);

}  // namespace vinet::node
