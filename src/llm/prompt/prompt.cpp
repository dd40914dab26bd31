#include "vinet/llm/prompt.h"

namespace vinet::llm {

Result<std::vector<int32_t>> ChatPromptTokens(const Model& model,
                                              std::span<const ChatMessage> messages) {
  const ChatTemplate* tmpl = model.chat_template();
  if (tmpl == nullptr) {
    return Status(Code::kUnsupported,
                  "model has no usable chat template: " + model.chat_template_error().message());
  }
  VINET_ASSIGN_OR_RETURN(RenderedChat rendered,
                         tmpl->RenderWithContent(messages, /*add_generation_prompt=*/true));
  // The template writes BOS itself where the family wants it, as text that
  // the tokenizer turns into the token; adding another would double it. Only
  // the template's own markup yields control tokens: message content is read
  // as plain text, so a user cannot close a turn or open a system one.
  return model.tokenizer().EncodeWithPlainRanges(rendered.text, /*add_bos=*/false,
                                                 rendered.content);
}

Result<std::vector<int32_t>> TextPromptTokens(const Model& model, std::string_view text) {
  if (text.empty()) return Status(Code::kInvalidArgument, "prompt: empty text");
  return model.tokenizer().Encode(text, /*add_bos=*/true, /*parse_special=*/false);
}

}  // namespace vinet::llm
