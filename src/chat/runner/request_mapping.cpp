// ChatRequest → prompt tokens and sampling parameters: the one mapping the
// runner and the replay of receipts share.
#include <algorithm>

#include "vinet/chat/llm_chat_runner.h"
#include "vinet/llm/prompt.h"

namespace vinet::chat {

llm::SamplingParams SamplingFor(const protocol::ChatRequest& request, uint32_t max_completion) {
  llm::SamplingParams p;
  p.temperature = request.temperature;  // [0, 2]; 0 is greedy in both
  p.top_p = request.top_p;
  p.top_k = request.top_k;
  p.seed = request.seed;
  p.max_tokens =
      max_completion > 0 ? std::min(request.max_tokens, max_completion) : request.max_tokens;
  p.stop = request.stop;
  return p;
}

Result<std::vector<int32_t>> PromptFor(const llm::Model& model,
                                       const protocol::ChatRequest& request) {
  std::vector<llm::ChatMessage> messages;
  messages.reserve(request.messages.size());
  for (const protocol::ChatTurn& t : request.messages) messages.push_back({t.role, t.content});
  return llm::ChatPromptTokens(model, messages);
}

}  // namespace vinet::chat
