// The enclave's (and a VANILLA node's) view of LLM chat execution.
//
// Like `ModelRunner`, the enclave does not know how a chat is generated: it
// calls a `ChatRunner`. The real implementation (`chat::LlmChatRunner`,
// include/vinet/chat/llm_chat_runner.h) runs vinet's LLM engine on GGUF
// files and is plugged in by `vinet enclave start` and by the node.
// Implementations must be safe to call from several threads at once and
// deterministic: the same request and seed give the same tokens and text
// (docs/llm.md), which is what a replay of a receipt checks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/protocol/chat_request.h"

namespace vinet::tee {

struct ChatModelInfo {
  std::string model_id;  // hex SHA-256 of the GGUF file
  std::string name;      // general.name, for people
  uint32_t context = 0;  // tokens (prompt + completion)
};

// One step of a streamed answer: the tokens it adds and the text they make
// final (possibly empty; the deltas concatenate to the answer's text).
struct ChatDelta {
  std::vector<int32_t> tokens;
  std::string text;
};

struct ChatOutcome {
  uint64_t seed = 0;  // the request's, or the one drawn
  uint32_t prompt_tokens = 0;
  std::vector<int32_t> tokens;  // completion token ids
  std::string text;
  std::string finish_reason;  // "stop" | "length" | "cancelled"
};

class ChatRunner {
 public:
  virtual ~ChatRunner() = default;
  virtual std::vector<ChatModelInfo> ChatModels() const = 0;
  // Prompt tokens of `request` (template applied). kNotFound (model),
  // kInvalidArgument (messages the template refuses), kOutOfRange (the
  // prompt plus max_tokens does not fit the context).
  virtual Result<uint32_t> PromptTokens(const protocol::ChatRequest& request) = 0;
  // Generates at most min(request.max_tokens, max_completion) tokens ("length"
  // when the cap stops it). `on_delta` returning false cancels ("cancelled").
  virtual Result<ChatOutcome> Run(const protocol::ChatRequest& request, uint32_t max_completion,
                                  const std::function<bool(const ChatDelta&)>& on_delta) = 0;
};

}  // namespace vinet::tee
