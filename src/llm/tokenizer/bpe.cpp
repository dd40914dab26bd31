#include "llm/tokenizer/bpe.h"

#include <algorithm>
#include <queue>

#include "llm/tokenizer/unicode.h"

namespace vinet::llm {
namespace {

struct Symbol {
  uint32_t start;  // byte offset in the word
  uint32_t size;   // bytes; 0 once merged into its left neighbour
  int32_t prev;
  int32_t next;
  int32_t id;  // token of the symbol's text, or -1
};

struct Candidate {
  int32_t rank;
  int32_t left;
  int32_t right;
  uint32_t size;   // left.size + right.size when queued
  int32_t merged;  // token id of the merged text
};

struct Later {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
  }
};

}  // namespace

void BpeMerges::Add(int32_t left, int32_t right, int32_t rank) {
  ranks_.emplace(Key(left, right), rank);
}

int32_t BpeMerges::Rank(int32_t left, int32_t right) const {
  if (left < 0 || right < 0) return -1;
  const auto it = ranks_.find(Key(left, right));
  return it == ranks_.end() ? -1 : it->second;
}

void BpeMerges::EncodeWord(std::string_view word, std::vector<int32_t>* out) const {
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  for (size_t pos = 0; pos < word.size();) {
    const size_t len =
        std::min(unicode::LeadLength(static_cast<uint8_t>(word[pos])), word.size() - pos);
    const int32_t index = static_cast<int32_t>(symbols.size());
    symbols.push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(len), index - 1,
                       pos + len == word.size() ? -1 : index + 1,
                       FindToken(*tokens_, word.substr(pos, len))});
    pos += len;
  }
  std::priority_queue<Candidate, std::vector<Candidate>, Later> queue;
  const auto consider = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const Symbol& l = symbols[left];
    const Symbol& r = symbols[right];
    const int32_t rank = Rank(l.id, r.id);
    if (rank < 0) return;
    const int32_t merged = FindToken(*tokens_, word.substr(l.start, l.size + r.size));
    queue.push({rank, left, right, l.size + r.size, merged});
  };
  for (size_t i = 1; i < symbols.size(); ++i)
    consider(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));
  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    Symbol& l = symbols[c.left];
    Symbol& r = symbols[c.right];
    if (l.size == 0 || r.size == 0 || l.size + r.size != c.size) continue;  // stale
    l.size += r.size;
    l.id = c.merged;
    r.size = 0;
    l.next = r.next;
    if (r.next >= 0) symbols[r.next].prev = c.left;
    consider(l.prev, c.left);
    consider(c.left, l.next);
  }
  for (const Symbol& s : symbols) {
    if (s.size == 0) continue;
    if (s.id >= 0) {
      out->push_back(s.id);
      continue;
    }
    for (uint32_t i = 0; i < s.size; ++i) {
      const int32_t id = FindToken(*tokens_, word.substr(s.start + i, 1));
      if (id >= 0) out->push_back(id);
    }
  }
}

}  // namespace vinet::llm
