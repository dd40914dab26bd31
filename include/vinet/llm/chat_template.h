// Chat templates: turns a list of messages into the prompt text a model was
// trained on. The families in common use are recognised from the file's
// `tokenizer.chat_template` (Jinja source): ChatML (SmolLM, Qwen), Llama 3,
// Llama 2, Mistral, Gemma. An unrecognised template is refused with a clear
// error naming its first characters; a file without one gets ChatML only if
// its vocabulary has <|im_start|>/<|im_end|>.
//
// Rendering is deterministic and validates roles ("system", "user",
// "assistant"; others refused by name) and ordering where the family
// requires it. Immutable and thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinet/common/result.h"

namespace vinet::llm {

class Tokenizer;

struct ChatMessage {
  std::string role;
  std::string content;
};

enum class ChatFamily { kChatML, kLlama3, kLlama2, kMistral, kGemma };

class ChatTemplate {
 public:
  // `source` may be empty (no template in the file).
  static Result<ChatTemplate> Detect(std::string_view source, const Tokenizer& tokenizer);

  ChatFamily family() const { return family_; }
  std::string_view family_name() const;

  // The prompt, ending with the assistant's opening when
  // `add_generation_prompt`. Errors: empty list, unknown role, bad order.
  Result<std::string> Render(std::span<const ChatMessage> messages,
                             bool add_generation_prompt = true) const;

  // Text that ends the assistant's turn ("<|im_end|>", "<|eot_id|>", ...).
  const std::string& end_of_turn() const { return end_of_turn_; }

 private:
  ChatFamily family_ = ChatFamily::kChatML;
  std::string default_system_;  // a system prompt the template adds when none is given
  std::string bos_text_;
  std::string end_of_turn_;
};

}  // namespace vinet::llm
