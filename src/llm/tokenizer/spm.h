// SentencePiece-style ("llama") merges by score: the text (spaces already
// escaped to U+2581) starts as one symbol per UTF-8 sequence; the adjacent
// pair whose concatenation is the token of highest score merges first
// (leftmost on ties), until no adjacent pair forms a token. A final symbol
// that is not a token becomes byte tokens <0xNN> (or the one-byte token, or
// UNK when the vocabulary has neither). O(n log n) for n symbols.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "llm/tokenizer/token_map.h"

namespace vinet::llm {

struct SpmVocab {
  const TokenMap* tokens = nullptr;
  const std::vector<float>* scores = nullptr;         // one per token
  const std::vector<int32_t>* byte_tokens = nullptr;  // 256 entries, -1 if none
  int32_t unk = -1;
};

void SpmEncode(const SpmVocab& vocab, std::string_view text, std::vector<int32_t>* out);

}  // namespace vinet::llm
