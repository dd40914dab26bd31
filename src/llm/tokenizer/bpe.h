// Byte-level BPE merges inside one pre-tokenized word: the word's symbols
// (one per code point of the byte-level alphabet) are merged pairwise, always
// the adjacent pair of lowest merge rank first (leftmost on ties), until no
// adjacent pair has a merge. Each final symbol is its token; a symbol that is
// not a token falls back to its single bytes that are tokens (others dropped),
// as the reference does. O(n log n) per word of n symbols.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "llm/tokenizer/token_map.h"

namespace vinet::llm {

class BpeMerges {
 public:
  // `tokens` must outlive this. Ranks are keyed by the (left, right) token ids.
  explicit BpeMerges(const TokenMap* tokens) : tokens_(tokens) {}

  // Records the merge of rank `rank`; the first of duplicate pairs wins.
  void Add(int32_t left, int32_t right, int32_t rank);
  size_t size() const { return ranks_.size(); }

  // Appends the tokens of `word` (text in the byte-level alphabet).
  void EncodeWord(std::string_view word, std::vector<int32_t>* out) const;

 private:
  int32_t Rank(int32_t left, int32_t right) const;
  static uint64_t Key(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }
  const TokenMap* tokens_;
  std::unordered_map<uint64_t, int32_t> ranks_;
};

}  // namespace vinet::llm
