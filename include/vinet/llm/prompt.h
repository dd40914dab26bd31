// From what a user sends to the tokens a model reads: a chat (messages
// rendered by the model's chat template; control tokens read from the
// template's markup only, never from message content) or a plain
// text prompt (BOS added when the vocabulary asks for it, no special tokens).
// The node, the CLI and the replay of receipts all build prompts here, so one
// request gives one token sequence everywhere.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/llm/chat_template.h"
#include "vinet/llm/model.h"

namespace vinet::llm {

// Errors: the model has no usable chat template (the detection error is
// given), or the messages are refused by the template (role, order, empty).
Result<std::vector<int32_t>> ChatPromptTokens(const Model& model,
                                              std::span<const ChatMessage> messages);

// A plain completion prompt. Errors: empty text.
Result<std::vector<int32_t>> TextPromptTokens(const Model& model, std::string_view text);

}  // namespace vinet::llm
