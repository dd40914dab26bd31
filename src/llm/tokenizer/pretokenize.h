// Pre-tokenizers of byte-level BPE vocabularies: they cut a text fragment
// into words before BPE merges run inside each word. Each named set
// (`tokenizer.ggml.pre`) is a fixed sequence of splitting stages; each stage
// cuts every piece of the previous stage further, keeping both its matches
// and the text between them. The stages are hand-written state machines over
// code point classes (unicode.h), equivalent to the reference regexes:
//
//   gpt2     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//   llama3   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//            ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   qwen2    as llama3 with \p{N} (one digit) for \p{N}{1,3}
//   smollm   \p{N} (every digit alone), then gpt2
//   default  [\p{P}$+<=>^~|]+ , then gpt2, then \p{N}+ , then [0-9]{3}
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace vinet::llm {

enum class PreTokenizer { kGpt2, kLlama3, kQwen2, kSmollm, kDefault };

// The pre-tokenizer a `tokenizer.ggml.pre` name selects (as the reference
// maps names; "" is "default"), or nullopt for a name we do not implement.
std::optional<PreTokenizer> PreTokenizerByName(std::string_view name);

// Whether `name` is a pre-tokenizer whose vocabularies use the merges
// directly for whole words (llama3 family: a word that is a token is kept).
bool PreTokenizerIgnoresMerges(std::string_view name);

// Whether the reference adds BOS by default for this name (when the file has
// no tokenizer.ggml.add_bos_token).
bool PreTokenizerAddsBos(std::string_view name);

// Cuts the code points `cps` into pieces; returns their lengths in code
// points (all > 0, summing to cps.size()).
std::vector<uint32_t> PreTokenize(PreTokenizer pre, const std::vector<uint32_t>& cps);

}  // namespace vinet::llm
