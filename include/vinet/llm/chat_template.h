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
//
// What each family renders is exactly what its reference Jinja template
// renders for the conversations it accepts (tests/data/llm/chat_templates.json,
// recorded with jinja2). The prompt includes the BOS text when the template
// writes it (Llama 2/3, Mistral, Gemma): tokenize it with add_bos = false and
// parse_special = true, except inside the messages' content: a message is
// text, never markup, so `RenderWithContent` reports where each content lies
// and the prompt builder (prompt.h) tokenizes those bytes without reading
// control tokens in them ("<|im_end|>" typed by a user stays text). Variants whose output differs
// from the family's reference form (Llama 3.1+ with its date header, Mistral v3+, Gemma 3) are
// refused rather than rendered approximately.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vinet/common/result.h"

namespace vinet::llm {

class Tokenizer;
struct Vocab;

struct ChatMessage {
  std::string role;
  std::string content;
};

// A rendered prompt and the byte ranges [begin, end) of `text` that came
// from message content (ascending, disjoint).
struct RenderedChat {
  std::string text;
  std::vector<std::pair<size_t, size_t>> content;
};

enum class ChatFamily { kChatML, kLlama3, kLlama2, kMistral, kGemma };

class ChatTemplate {
 public:
  // `source` may be empty (no template in the file).
  // Errors: kUnsupported for an unknown template or variant (naming its first
  // characters), or a vocabulary without the tokens the family needs.
  static Result<ChatTemplate> Detect(std::string_view source, const Tokenizer& tokenizer);
  // The same from plain vocabulary data (tests, tools without a tokenizer).
  static Result<ChatTemplate> Detect(std::string_view source, const Vocab& vocab);
  // Only the family a template source belongs to, without a vocabulary
  // (`vinet llm inspect`). Same errors for unknown templates; empty source is
  // kNotFound.
  static Result<ChatFamily> DetectFamily(std::string_view source);

  ChatFamily family() const { return family_; }
  std::string_view family_name() const { return FamilyName(family_); }
  // "chatml", "llama3", "llama2", "mistral", "gemma".
  static std::string_view FamilyName(ChatFamily family);

  // The prompt, ending with the assistant's opening when
  // `add_generation_prompt`. Errors: empty list, unknown role, bad order.
  Result<std::string> Render(std::span<const ChatMessage> messages,
                             bool add_generation_prompt = true) const;
  // The same text, with where the messages' content lies in it.
  Result<RenderedChat> RenderWithContent(std::span<const ChatMessage> messages,
                                         bool add_generation_prompt = true) const;

  // Text that ends the assistant's turn ("<|im_end|>", "<|eot_id|>", ...).
  const std::string& end_of_turn() const { return end_of_turn_; }
  // The system prompt added when the first message is not "system" (ChatML
  // templates such as SmolLM2's); empty when the template adds none.
  const std::string& default_system() const { return default_system_; }

 private:
  ChatFamily family_ = ChatFamily::kChatML;
  std::string default_system_;  // a system prompt the template adds when none is given
  std::string bos_text_;
  std::string end_of_turn_;
  std::string eos_text_;  // Llama 2 / Mistral close assistant turns with EOS
};

}  // namespace vinet::llm
