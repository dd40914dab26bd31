#include "llm/tokenizer/pretokenize.h"

#include <array>

#include "llm/tokenizer/unicode.h"

namespace vinet::llm {
namespace {

// A code point's class inside the piece being cut; positions outside the
// piece read as kNone (no class at all).
enum Kind : uint8_t { kNone = 0, kLetter, kNumber, kSpace, kOtherKind };

Kind KindOf(uint32_t cp) {
  const unicode::CodepointInfo info = unicode::Info(cp);
  if (info.whitespace) return kSpace;
  if (info.is_letter()) return kLetter;
  if (info.is_number()) return kNumber;
  return kOtherKind;
}

constexpr uint32_t kOutside = 0xFFFFFFFF;

// One piece [begin, end) of the code points with their kinds precomputed.
struct Piece {
  const std::vector<uint32_t>& cps;
  const std::vector<Kind>& kinds;
  size_t begin;
  size_t end;
  uint32_t cp(size_t i) const { return i >= begin && i < end ? cps[i] : kOutside; }
  Kind kind(size_t i) const { return i >= begin && i < end ? kinds[i] : kNone; }
};

// Emits lengths of consecutive cuts of a piece.
struct Cutter {
  std::vector<uint32_t>* out;
  size_t prev;
  // Cuts at `end`; returns the length of the cut piece (0 if empty).
  size_t Cut(size_t end) {
    const size_t len = end - prev;
    if (len > 0) out->push_back(static_cast<uint32_t>(len));
    prev = end;
    return len;
  }
};

uint32_t AsciiLower(uint32_t c) {
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

// Length of a contraction ('s 't 'm 'd 're 've 'll) at pos, or 0.
size_t Contraction(const Piece& p, size_t pos, bool any_case) {
  if (p.cp(pos) != '\'' || pos + 1 >= p.end) return 0;
  const auto norm = [&](uint32_t c) { return any_case ? AsciiLower(c) : c; };
  const uint32_t c1 = norm(p.cp(pos + 1));
  if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') return 2;
  if (pos + 2 < p.end) {
    const uint32_t c2 = norm(p.cp(pos + 2));
    if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) return 3;
  }
  return 0;
}

bool IsOtherKind(Kind k) {
  return k == kOtherKind;
}  // [^\s\p{L}\p{N}], inside the piece

void SplitGpt2(const Piece& p, std::vector<uint32_t>* out) {
  Cutter cut{out, p.begin};
  size_t pos = p.begin;
  while (pos < p.end) {
    const uint32_t c = p.cp(pos);
    if (const size_t n = Contraction(p, pos, false)) {
      pos += cut.Cut(pos + n);
      continue;
    }
    const bool space = c == ' ';
    const Kind k2 = space ? p.kind(pos + 1) : p.kind(pos);
    if (k2 == kLetter || k2 == kNumber ||
        IsOtherKind(k2)) {  // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+'
      pos += space ? 1 : 0;
      while (p.kind(pos) == k2) ++pos;
      cut.Cut(pos);
      continue;
    }
    size_t n_space = 0;
    while (p.kind(pos + n_space) == kSpace) ++n_space;
    if (n_space > 1 && pos + n_space < p.end) {  // \s+(?!\S): leave the last space to the next word
      pos += n_space - 1;
      cut.Cut(pos);
      continue;
    }
    if (n_space > 0) {
      pos += n_space;
      cut.Cut(pos);
      continue;
    }
    cut.Cut(++pos);
  }
}

void SplitLlama3(const Piece& p, size_t digits, std::vector<uint32_t>* out) {
  Cutter cut{out, p.begin};
  size_t pos = p.begin;
  while (pos < p.end) {
    const uint32_t c = p.cp(pos);
    const Kind k = p.kind(pos);
    if (const size_t n = Contraction(p, pos, true)) {
      pos += cut.Cut(pos + n);
      continue;
    }
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (!(c == '\r' || c == '\n' || k == kNumber) && (k == kLetter || p.kind(pos + 1) == kLetter)) {
      ++pos;
      while (p.kind(pos) == kLetter) ++pos;
      cut.Cut(pos);
      continue;
    }
    // \p{N}{1,digits}
    if (k == kNumber) {
      size_t start = pos;
      while (p.kind(pos) == kNumber) {
        if (++pos - start >= digits) {
          cut.Cut(pos);
          start = pos;
        }
      }
      cut.Cut(pos);
      continue;
    }
    // ' ?[^\s\p{L}\p{N}]+[\r\n]*' (a lone space at the end of the piece also lands here)
    const bool space = c == ' ';
    const Kind k2 = space ? p.kind(pos + 1) : k;
    if (IsOtherKind(k2) || (space && k2 == kNone)) {
      pos += space ? 1 : 0;
      while (IsOtherKind(p.kind(pos))) ++pos;
      while (p.cp(pos) == '\r' || p.cp(pos) == '\n') ++pos;
      cut.Cut(pos);
      continue;
    }
    size_t n_space = 0;
    size_t last_newline_end = 0;
    while (p.kind(pos + n_space) == kSpace) {
      const uint32_t c2 = p.cp(pos + n_space);
      if (c2 == '\r' || c2 == '\n') last_newline_end = pos + n_space + 1;
      ++n_space;
    }
    if (last_newline_end > 0) {  // \s*[\r\n]+
      pos = last_newline_end;
      cut.Cut(pos);
      continue;
    }
    if (n_space > 1 && pos + n_space < p.end) {  // \s+(?!\S)
      pos += n_space - 1;
      cut.Cut(pos);
      continue;
    }
    if (n_space > 0) {
      pos += n_space;
      cut.Cut(pos);
      continue;
    }
    cut.Cut(++pos);
  }
}

// A stage that keeps runs of matches and the gaps between them: `match`
// returns the length of a match starting at pos (0 for none).
template <typename Match>
void SplitMatches(const Piece& p, Match match, std::vector<uint32_t>* out) {
  Cutter cut{out, p.begin};
  size_t pos = p.begin;
  while (pos < p.end) {
    const size_t n = match(pos);
    if (n == 0) {
      ++pos;
      continue;
    }
    cut.Cut(pos);
    pos += n;
    cut.Cut(pos);
  }
  cut.Cut(p.end);
}

// [\p{P}$+<=>^~|]: ASCII punctuation and symbols except '`', and any other
// punctuation code point.
bool IsDefaultPunct(uint32_t c) {
  if (c < 0x80)
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x5F) ||
           (c >= 0x7B && c <= 0x7E);
  const unicode::CodepointInfo info = unicode::Info(c);
  return !info.whitespace && info.cls == unicode::kPunctuation;
}

bool IsAsciiDigit(uint32_t c) {
  return c >= '0' && c <= '9';
}

using Stage = void (*)(const Piece&, std::vector<uint32_t>*);

void StageGpt2(const Piece& p, std::vector<uint32_t>* out) {
  SplitGpt2(p, out);
}
void StageLlama3(const Piece& p, std::vector<uint32_t>* out) {
  SplitLlama3(p, 3, out);
}
void StageQwen2(const Piece& p, std::vector<uint32_t>* out) {
  SplitLlama3(p, 1, out);
}
void StageEachDigit(const Piece& p, std::vector<uint32_t>* out) {
  SplitMatches(
      p, [&](size_t pos) -> size_t { return p.kind(pos) == kNumber ? 1 : 0; }, out);
}
void StageDigitRuns(const Piece& p, std::vector<uint32_t>* out) {
  SplitMatches(
      p,
      [&](size_t pos) -> size_t {
        size_t n = 0;
        while (p.kind(pos + n) == kNumber) ++n;
        return n;
      },
      out);
}
void StagePunctRuns(const Piece& p, std::vector<uint32_t>* out) {
  SplitMatches(
      p,
      [&](size_t pos) -> size_t {
        size_t n = 0;
        while (pos + n < p.end && IsDefaultPunct(p.cp(pos + n))) ++n;
        return n;
      },
      out);
}
void StageAsciiTriples(const Piece& p, std::vector<uint32_t>* out) {
  SplitMatches(
      p,
      [&](size_t pos) -> size_t {
        return IsAsciiDigit(p.cp(pos)) && IsAsciiDigit(p.cp(pos + 1)) && IsAsciiDigit(p.cp(pos + 2))
                   ? 3
                   : 0;
      },
      out);
}

std::vector<Stage> StagesOf(PreTokenizer pre) {
  switch (pre) {
    case PreTokenizer::kGpt2:
      return {StageGpt2};
    case PreTokenizer::kLlama3:
      return {StageLlama3};
    case PreTokenizer::kQwen2:
      return {StageQwen2};
    case PreTokenizer::kSmollm:
      return {StageEachDigit, StageGpt2};
    case PreTokenizer::kDefault:
      return {StagePunctRuns, StageGpt2, StageDigitRuns, StageAsciiTriples};
  }
  return {};
}

struct NameEntry {
  std::string_view name;
  PreTokenizer pre;
};

constexpr std::array<NameEntry, 25> kNames = {{
    {"", PreTokenizer::kDefault},         {"default", PreTokenizer::kDefault},
    {"llama3", PreTokenizer::kLlama3},    {"llama-v3", PreTokenizer::kLlama3},
    {"llama-bpe", PreTokenizer::kLlama3}, {"falcon3", PreTokenizer::kLlama3},
    {"dbrx", PreTokenizer::kLlama3},      {"smaug-bpe", PreTokenizer::kLlama3},
    {"qwen2", PreTokenizer::kQwen2},      {"stablelm2", PreTokenizer::kQwen2},
    {"megrez", PreTokenizer::kQwen2},     {"smollm", PreTokenizer::kSmollm},
    {"starcoder", PreTokenizer::kSmollm}, {"refact", PreTokenizer::kSmollm},
    {"command-r", PreTokenizer::kSmollm}, {"codeshell", PreTokenizer::kSmollm},
    {"exaone", PreTokenizer::kSmollm},    {"minerva-7b", PreTokenizer::kSmollm},
    {"gpt-2", PreTokenizer::kGpt2},       {"phi-2", PreTokenizer::kGpt2},
    {"roberta-bpe", PreTokenizer::kGpt2}, {"mpt", PreTokenizer::kGpt2},
    {"olmo", PreTokenizer::kGpt2},        {"jais", PreTokenizer::kGpt2},
    {"gigachat", PreTokenizer::kGpt2},
}};

}  // namespace

std::optional<PreTokenizer> PreTokenizerByName(std::string_view name) {
  for (const auto& e : kNames)
    if (e.name == name) return e.pre;
  return std::nullopt;
}

bool PreTokenizerIgnoresMerges(std::string_view name) {
  return name == "llama3" || name == "llama-v3" || name == "llama-bpe" || name == "falcon3";
}

bool PreTokenizerAddsBos(std::string_view name) {
  return PreTokenizerIgnoresMerges(name);
}

std::vector<uint32_t> PreTokenize(PreTokenizer pre, const std::vector<uint32_t>& cps) {
  std::vector<Kind> kinds(cps.size());
  for (size_t i = 0; i < cps.size(); ++i) kinds[i] = KindOf(cps[i]);
  std::vector<uint32_t> pieces;
  if (!cps.empty()) pieces.push_back(static_cast<uint32_t>(cps.size()));
  std::vector<uint32_t> next;
  for (Stage stage : StagesOf(pre)) {
    next.clear();
    next.reserve(pieces.size() * 2);
    size_t begin = 0;
    for (uint32_t len : pieces) {
      stage(Piece{cps, kinds, begin, begin + len}, &next);
      begin += len;
    }
    pieces.swap(next);
  }
  return pieces;
}

}  // namespace vinet::llm
