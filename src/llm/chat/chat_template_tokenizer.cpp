// ChatTemplate::Detect from a Tokenizer: its vocabulary decides. In its own
// file so code that only uses the Vocab overload does not link the tokenizer.
#include "vinet/llm/chat_template.h"
#include "vinet/llm/tokenizer.h"

namespace vinet::llm {

Result<ChatTemplate> ChatTemplate::Detect(std::string_view source, const Tokenizer& tokenizer) {
  return Detect(source, tokenizer.vocab());
}

}  // namespace vinet::llm
