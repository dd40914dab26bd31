#include "llm/tokenizer/spm.h"

#include <algorithm>
#include <queue>

#include "llm/tokenizer/unicode.h"

namespace vinet::llm {
namespace {

struct Symbol {
  uint32_t start;
  uint32_t size;  // 0 once merged into its left neighbour
  int32_t prev;
  int32_t next;
};

struct Candidate {
  float score;
  int32_t left;
  int32_t right;
  uint32_t size;
};

struct Lower {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

}  // namespace

void SpmEncode(const SpmVocab& vocab, std::string_view text, std::vector<int32_t>* out) {
  std::vector<Symbol> symbols;
  symbols.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const size_t len =
        std::min(unicode::LeadLength(static_cast<uint8_t>(text[pos])), text.size() - pos);
    const int32_t index = static_cast<int32_t>(symbols.size());
    symbols.push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(len), index - 1,
                       pos + len == text.size() ? -1 : index + 1});
    pos += len;
  }
  std::priority_queue<Candidate, std::vector<Candidate>, Lower> queue;
  const auto consider = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const Symbol& l = symbols[left];
    const Symbol& r = symbols[right];
    const int32_t id = FindToken(*vocab.tokens, text.substr(l.start, l.size + r.size));
    if (id < 0) return;
    queue.push({(*vocab.scores)[id], left, right, l.size + r.size});
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
    r.size = 0;
    l.next = r.next;
    if (r.next >= 0) symbols[r.next].prev = c.left;
    consider(l.prev, c.left);
    consider(c.left, l.next);
  }
  for (int32_t i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next) {
    const Symbol& s = symbols[i];
    const std::string_view piece = text.substr(s.start, s.size);
    const int32_t id = FindToken(*vocab.tokens, piece);
    if (id >= 0) {
      out->push_back(id);
      continue;
    }
    // Merged symbols are always tokens; only single characters get here.
    for (const char ch : piece) {
      const int32_t byte = (*vocab.byte_tokens)[static_cast<uint8_t>(ch)];
      if (byte >= 0) {
        out->push_back(byte);
      } else if (vocab.unk >= 0) {
        out->push_back(vocab.unk);
      }
    }
  }
}

}  // namespace vinet::llm
