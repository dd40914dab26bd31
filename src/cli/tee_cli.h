// Private helpers shared by the `vinet tee` and `vinet enclave` commands.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/tee/chat_runner.h"
#include "vinet/tee/model_runner.h"
#include "vinet/tee/policy.h"

namespace vinet::cli {

void RegisterEnclaveCommands(CLI::App& app);

// "1500" (ms), "500ms", "30s", "10m", "3h", "2d". Errors: kInvalidArgument.
Result<uint64_t> ParseDurationMs(std::string_view text);
uint64_t NowMs();
Result<Bytes> ReadFileBytes(const std::filesystem::path& path);
Status WriteFileBytes(const std::filesystem::path& path, ByteSpan data);

// Options shared by `tee verify` and `tee verify-receipt`.
struct PolicyFlags {
  std::string root_pem;
  std::string at = "now";
  std::string max_age;
  std::string nonce_hex;
  std::vector<std::string> expect_pcrs;  // "N=HEX"
  bool allow_debug = false;
  void Add(CLI::App* cmd);
  Result<tee::AttestationPolicy> Policy() const;
  Result<tee::TrustRoot> Root() const;
  // The verification time: "now", "doc" (the document's own timestamp), or ms.
  Result<uint64_t> Time(ByteSpan document) const;
};

// The model runner the enclave serves: vinet's runtime over the ONNX files of
// `models_dir` (a node::ModelStore: DIR/<model id>.onnx).
std::unique_ptr<tee::ModelRunner> MakeModelRunner(const std::filesystem::path& models_dir);

// The chat runner the enclave serves: a chat::LlmChatRunner over the *.gguf
// files of `models_dir` (model id = hex SHA-256 of the file), or nullptr when
// there are none. A file that does not load is an error (it is measured into
// PCR0, so serving without it would be a lie about what runs).
std::unique_ptr<tee::ChatRunner> MakeChatRunner(const std::filesystem::path& models_dir,
                                                uint32_t threads, uint32_t max_concurrent);

}  // namespace vinet::cli
