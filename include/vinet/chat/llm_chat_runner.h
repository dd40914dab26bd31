// LlmChatRunner: the ChatRunner (tee/chat_runner.h) over vinet's LLM engine
// (include/vinet/llm/), used by the enclave (`vinet enclave start --models`),
// by a VANILLA node and, through `SamplingFor` / `PromptFor`, by the replay
// of a receipt: one request maps to one prompt and one set of sampling
// parameters everywhere, so the same request and seed give the same tokens.
//
// Models are GGUF files; a model's id is the hex SHA-256 of its file (what
// `vinet llm inspect` shows and the chain registers). Thread-safe: every Run
// builds its own Session over the shared, immutable Model; at most
// `max_concurrent` generations run at once (the others wait for a slot), each
// on `threads` workers. The session's context is sized to the request
// (prompt + completion cap), at most the model's context (`context`).
//
// Text: the engine's deltas are bytes (a model can emit byte tokens that do
// not form UTF-8); a chat answer is JSON text, so each delta goes through
// `ValidUtf8` and the outcome's text is the concatenation of those deltas
// (the engine's deltas end on character boundaries, so this equals
// ValidUtf8 of the whole text). A replay runs through the same runner.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/llm/generate.h"
#include "vinet/llm/model.h"
#include "vinet/llm/session.h"
#include "vinet/protocol/chat_request.h"
#include "vinet/tee/chat_runner.h"

namespace vinet::chat {

struct LlmChatRunnerOptions {
  uint32_t threads = 1;         // workers per generation
  uint32_t max_concurrent = 2;  // generations at once (one per core here)
  uint32_t context = 0;         // 0: the model's training context; else at most this
  llm::KernelPath kernels = llm::KernelPath::kAuto;  // every path gives the same bits
};

// The sampling parameters of `request` (temperature, top_p, top_k, seed,
// stop, max_tokens capped by `max_completion` when it is not 0).
llm::SamplingParams SamplingFor(const protocol::ChatRequest& request, uint32_t max_completion = 0);
// The prompt tokens of `request`'s messages under `model`'s chat template
// (message content is text, never markup: llm/prompt.h).
Result<std::vector<int32_t>> PromptFor(const llm::Model& model,
                                       const protocol::ChatRequest& request);

// `s` with each maximal ill-formed UTF-8 subsequence replaced by U+FFFD.
std::string ValidUtf8(std::string_view s);

class LlmChatRunner : public tee::ChatRunner {
 public:
  explicit LlmChatRunner(LlmChatRunnerOptions options = {});
  ~LlmChatRunner() override;

  // Loads a GGUF file. Errors: the loader's; kUnsupported when the model has
  // no usable chat template; kAlreadyExists for a file loaded twice.
  Status AddFile(const std::filesystem::path& gguf);
  Status Add(std::unique_ptr<llm::Model> model);
  // Every regular file ending in ".gguf" directly in `dir`, in name order.
  // Returns how many were loaded.
  Result<size_t> AddDirectory(const std::filesystem::path& dir);

  // nullptr when no model has this id.
  const llm::Model* Find(const std::string& model_id) const;

  std::vector<tee::ChatModelInfo> ChatModels() const override;
  Result<uint32_t> PromptTokens(const protocol::ChatRequest& request) override;
  Result<tee::ChatOutcome> Run(const protocol::ChatRequest& request, uint32_t max_completion,
                               const std::function<bool(const tee::ChatDelta&)>& on_delta) override;

 private:
  struct Entry {
    std::unique_ptr<llm::Model> model;
    std::string name;
    uint32_t context = 0;
  };
  Result<const Entry*> Lookup(const std::string& model_id) const;
  // kOutOfRange naming the numbers when prompt + completion exceeds the context.
  static Status CheckFits(const Entry& e, size_t prompt, uint32_t completion);

  LlmChatRunnerOptions options_;
  mutable std::mutex mu_;  // guards models_ (adding) and free_slots_
  std::condition_variable slot_free_;
  uint32_t free_slots_;
  std::map<std::string, Entry> models_;
};

}  // namespace vinet::chat
