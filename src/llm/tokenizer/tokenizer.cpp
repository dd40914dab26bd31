// Tokenizer: validation of a Vocab, special-token partitioning, and the
// dispatch to byte-level BPE (pretokenize + bpe) or SentencePiece (spm).
#include "vinet/llm/tokenizer.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "llm/tokenizer/bpe.h"
#include "llm/tokenizer/pretokenize.h"
#include "llm/tokenizer/spm.h"
#include "llm/tokenizer/token_map.h"
#include "llm/tokenizer/unicode.h"

namespace vinet::llm {
namespace {

constexpr std::string_view kSpaceMark = "\xE2\x96\x81";  // U+2581, SentencePiece's space

// Texts the reference treats as control tokens that end generation (end of
// turn or text, and the fill-in-the-middle pad, repository and file tokens).
constexpr std::array<std::string_view, 22> kEndOfGenerationTexts = {
    "<|eot_id|>",      "<|im_end|>",         "<|end|>",       "<|return|>", "<|call|>",
    "<end_of_turn>",   "<|endoftext|>",      "<|eom_id|>",    "<EOT>",      "_<EOT>",
    "<|end_of_text|>", "<end_of_utterance>", "<|fim_pad|>",   "<fim-pad>",  "<fim_pad>",
    "<PAD>",           "<|fim_repo|>",       "<|repo_name|>", "<fim-repo>", "<REPO>",
    "<reponame>",      "<|file_sep|>",
};
// DeepSeek's end of sentence: a control token, and the end of a turn when
// the file names no EOT token.
constexpr std::string_view kDeepSeekEnd =
    "<\xEF\xBD\x9C"
    "end\xE2\x96\x81"
    "of\xE2\x96\x81"
    "sentence\xEF\xBD\x9C>";
// Fill-in-the-middle texts the reference marks as control tokens.
constexpr std::array<std::string_view, 21> kControlTexts = {
    "<|fim_prefix|>",
    "<fim-prefix>",
    "<fim_prefix>",
    "<\xEF\xBD\x9C"
    "fim\xE2\x96\x81"
    "begin\xEF\xBD\x9C>",
    "<PRE>",
    "\xE2\x96\x81<PRE>",
    "<|code_prefix|>",
    "<|fim_suffix|>",
    "<fim-suffix>",
    "<fim_suffix>",
    "<\xEF\xBD\x9C"
    "fim\xE2\x96\x81"
    "hole\xEF\xBD\x9C>",
    "<SUF>",
    "\xE2\x96\x81<SUF>",
    "<|code_suffix|>",
    "<|fim_middle|>",
    "<fim-middle>",
    "<fim_middle>",
    "<\xEF\xBD\x9C"
    "fim\xE2\x96\x81"
    "end\xEF\xBD\x9C>",
    "<MID>",
    "\xE2\x96\x81<MID>",
    "<|code_middle|>",
};
// Texts the reference always renders (user-defined), whatever the file says.
constexpr std::array<std::string_view, 4> kUserDefinedTexts = {"<|channel|>", "<|message|>",
                                                               "<|start|>", "<|constrain|>"};

// A token text for an error message: at most 48 bytes, control bytes escaped.
std::string Quote(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < 48; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (text.size() > 48) out += "...";
  return out;
}

bool IsSpecialType(TokenType t) {
  return t == TokenType::kControl || t == TokenType::kUnknown;
}

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s->size());
  size_t pos = 0;
  while (true) {
    const size_t hit = s->find(from, pos);
    if (hit == std::string::npos) break;
    out.append(*s, pos, hit - pos);
    out.append(to);
    pos = hit + from.size();
  }
  out.append(*s, pos, std::string::npos);
  s->swap(out);
}

// One stretch of the input: raw text [begin, end) or a special token.
struct Fragment {
  int32_t token;  // -1 for raw text
  size_t begin;
  size_t end;
};

}  // namespace

struct Tokenizer::Impl {
  Vocab vocab;
  bool spm = false;
  PreTokenizer pre = PreTokenizer::kDefault;
  bool ignore_merges = false;
  TokenMap map;
  std::vector<TokenType> types;     // effective types (control forced by text)
  std::vector<std::string> pieces;  // bytes of each token (special ones rendered)
  std::vector<bool> end_of_generation;
  std::vector<int32_t> specials;     // control/user-defined/unknown ids, longest text first
  std::vector<int32_t> byte_tokens;  // SPM byte fallback
  std::optional<BpeMerges> merges;

  explicit Impl(Vocab v) : vocab(std::move(v)) {}

  Status Build();
  std::string MakePiece(int32_t id) const;
  std::vector<Fragment> Partition(std::string_view text, bool parse_special,
                                  std::span<const std::pair<size_t, size_t>> plain = {}) const;
  std::vector<int32_t> EncodeFragments(std::string_view text, const std::vector<Fragment>& frags,
                                       bool add_bos) const;
  void EncodeBpe(std::string_view text, std::vector<int32_t>* out) const;
};

Status Tokenizer::Impl::Build() {
  Vocab& v = vocab;
  if (v.model == "llama") {
    spm = true;
  } else if (v.model == "gpt2") {
    const auto p = PreTokenizerByName(v.pre);
    if (!p)
      return Error(Code::kUnsupported,
                   fmt::format("tokenizer: pre-tokenizer '{}' is not supported", v.pre));
    pre = *p;
    ignore_merges = PreTokenizerIgnoresMerges(v.pre);
  } else {
    return Error(Code::kUnsupported,
                 fmt::format("tokenizer: model '{}' is not supported", v.model));
  }
  const size_t n = v.tokens.size();
  if (n == 0) return Error(Code::kParse, "tokenizer.ggml.tokens: empty vocabulary");
  if (n > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    return Error(Code::kOutOfRange, fmt::format("tokenizer.ggml.tokens: {} tokens is too many", n));
  if (!v.scores.empty() && v.scores.size() != n)
    return Error(Code::kParse,
                 fmt::format("tokenizer.ggml.scores: {} scores for {} tokens", v.scores.size(), n));
  if (!v.types.empty() && v.types.size() != n)
    return Error(Code::kParse, fmt::format("tokenizer.ggml.token_type: {} types for {} tokens",
                                           v.types.size(), n));
  if (v.scores.empty()) v.scores.assign(n, 0.0f);
  types = v.types.empty() ? std::vector<TokenType>(n, TokenType::kNormal) : v.types;

  map.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (v.tokens[i].empty())
      v.tokens[i] = fmt::format("[EMPTY_{}]", i);  // as the reference names them
    if (!map.emplace(v.tokens[i], static_cast<int32_t>(i)).second)
      return Error(Code::kParse,
                   fmt::format("tokenizer.ggml.tokens: token {} '{}' duplicates token {}", i,
                               Quote(v.tokens[i]), map.at(v.tokens[i])));
  }

  struct SpecialId {
    const char* key;
    int32_t id;
  };
  for (const SpecialId s : {SpecialId{"tokenizer.ggml.bos_token_id", v.bos},
                            SpecialId{"tokenizer.ggml.eos_token_id", v.eos},
                            SpecialId{"tokenizer.ggml.eot_token_id", v.eot},
                            SpecialId{"tokenizer.ggml.unknown_token_id", v.unk},
                            SpecialId{"tokenizer.ggml.padding_token_id", v.pad}}) {
    if (s.id < -1 || s.id >= static_cast<int64_t>(n))
      return Error(Code::kOutOfRange,
                   fmt::format("{}: id {} is not a token (vocabulary of {})", s.key, s.id, n));
  }
  if (v.add_bos && v.bos < 0)
    return Error(Code::kParse,
                 "tokenizer.ggml.add_bos_token: set, but the vocabulary has no BOS token");
  if (v.add_eos && v.eos < 0)
    return Error(Code::kParse,
                 "tokenizer.ggml.add_eos_token: set, but the vocabulary has no EOS token");

  // Control types and end-of-generation tokens the reference derives from texts.
  end_of_generation.assign(n, false);
  for (std::string_view text : kEndOfGenerationTexts) {
    const int32_t id = FindToken(map, text);
    if (id < 0) continue;
    types[id] = TokenType::kControl;
    end_of_generation[id] = true;
  }
  for (std::string_view text : kControlTexts) {
    const int32_t id = FindToken(map, text);
    if (id >= 0) types[id] = TokenType::kControl;
  }
  if (const int32_t id = FindToken(map, kDeepSeekEnd); id >= 0) {
    types[id] = TokenType::kControl;
    if (v.eot < 0) end_of_generation[id] = true;
  }
  for (std::string_view text : kUserDefinedTexts) {
    const int32_t id = FindToken(map, text);
    if (id >= 0) types[id] = TokenType::kUserDefined;
  }
  if (v.eos >= 0) end_of_generation[v.eos] = true;
  if (v.eot >= 0) end_of_generation[v.eot] = true;
  // gpt-oss (harmony): "<|end|>" ends a message, not the generation.
  const int32_t end_id = FindToken(map, "<|end|>");
  if (end_id >= 0 && FindToken(map, "<|return|>") >= 0 && FindToken(map, "<|call|>") >= 0) {
    end_of_generation[end_id] = false;
    types[end_id] = TokenType::kUserDefined;
  }

  if (!spm) {
    merges.emplace(&map);
    for (size_t rank = 0; rank < v.merges.size(); ++rank) {
      const std::string& m = v.merges[rank];
      const size_t space = m.size() > 1 ? m.find(' ', 1) : std::string::npos;
      if (space == std::string::npos)
        return Error(
            Code::kParse,
            fmt::format("tokenizer.ggml.merges: merge {} '{}' is not two tokens", rank, Quote(m)));
      const std::string_view left = std::string_view(m).substr(0, space);
      const std::string_view right = std::string_view(m).substr(space + 1);
      const int32_t l = FindToken(map, left);
      const int32_t r = FindToken(map, right);
      const std::string joined = std::string(left) + std::string(right);
      for (const auto& [part, id] :
           {std::pair{std::string_view(left), l}, std::pair{std::string_view(right), r},
            std::pair{std::string_view(joined), FindToken(map, joined)}}) {
        if (id < 0)
          return Error(
              Code::kParse,
              fmt::format("tokenizer.ggml.merges: merge {} '{}' names '{}', which is not a token",
                          rank, Quote(m), Quote(part)));
      }
      merges->Add(l, r, static_cast<int32_t>(rank));
    }
  } else {
    byte_tokens.assign(256, -1);
    for (int b = 0; b < 256; ++b) {
      int32_t id = FindToken(map, fmt::format("<0x{:02X}>", b));
      if (id < 0) id = FindToken(map, std::string(1, static_cast<char>(b)));
      byte_tokens[b] = id;
    }
  }

  for (size_t i = 0; i < n; ++i) {
    const TokenType t = types[i];
    if (t == TokenType::kControl || t == TokenType::kUserDefined || t == TokenType::kUnknown)
      specials.push_back(static_cast<int32_t>(i));
  }
  std::stable_sort(specials.begin(), specials.end(),
                   [&](int32_t a, int32_t b) { return v.tokens[a].size() > v.tokens[b].size(); });

  pieces.resize(n);
  for (size_t i = 0; i < n; ++i) pieces[i] = MakePiece(static_cast<int32_t>(i));
  return Status::Ok();
}

std::string Tokenizer::Impl::MakePiece(int32_t id) const {
  const std::string& text = vocab.tokens[id];
  const TokenType t = types[id];
  if (IsSpecialType(t) || t == TokenType::kUserDefined) return text;
  if (spm) {
    if (t == TokenType::kNormal) {
      std::string s = text;
      ReplaceAll(&s, kSpaceMark, " ");
      return s;
    }
    if (t == TokenType::kByte) {
      // "<0xNN>": the byte's two hex digits.
      unsigned value = 0;
      for (size_t i = 3; i < 5 && i < text.size(); ++i) {
        const char c = text[i];
        const int digit = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                 : -1;
        if (digit < 0) break;
        value = value * 16 + static_cast<unsigned>(digit);
      }
      return std::string(1, static_cast<char>(value));
    }
    return "";
  }
  if (t != TokenType::kNormal) return "";
  // Byte-level alphabet back to bytes; a code point outside it is spelled out
  // as the reference does.
  std::string out;
  std::vector<uint32_t> cps, offsets;
  unicode::Decode(text, &cps, &offsets);
  for (uint32_t cp : cps) {
    const int byte = unicode::CodepointToByte(cp);
    if (byte >= 0) {
      out.push_back(static_cast<char>(byte));
      continue;
    }
    std::string utf8;
    unicode::AppendUtf8(cp, &utf8);
    out += "[UNK_BYTE_0x";
    for (char c : utf8) out += fmt::format("{:02x}", static_cast<uint8_t>(c));
    out += text + "]";
  }
  return out;
}

// True when [begin, end) overlaps one of the ascending, disjoint `ranges`.
bool Overlaps(std::span<const std::pair<size_t, size_t>> ranges, size_t begin, size_t end) {
  auto it =
      std::upper_bound(ranges.begin(), ranges.end(), begin,
                       [](size_t v, const std::pair<size_t, size_t>& r) { return v < r.second; });
  return it != ranges.end() && it->first < end;
}

std::vector<Fragment> Tokenizer::Impl::Partition(
    std::string_view text, bool parse_special,
    std::span<const std::pair<size_t, size_t>> plain) const {
  std::vector<Fragment> frags;
  if (text.empty()) return frags;
  frags.push_back({-1, 0, text.size()});
  std::vector<Fragment> next;
  for (int32_t id : specials) {
    if (!parse_special && IsSpecialType(types[id])) continue;  // user-defined tokens always split
    const std::string& tok = vocab.tokens[id];
    bool found = false;
    next.clear();
    for (const Fragment& f : frags) {
      if (f.token >= 0) {
        next.push_back(f);
        continue;
      }
      size_t pos = f.begin;
      size_t from = pos;
      while (from < f.end) {
        const size_t hit = text.substr(0, f.end).find(tok, from);
        if (hit == std::string_view::npos) break;
        if (IsSpecialType(types[id]) && Overlaps(plain, hit, hit + tok.size())) {
          from = hit + 1;  // control-token text inside message content stays text
          continue;
        }
        found = true;
        if (hit > pos) next.push_back({-1, pos, hit});
        next.push_back({id, hit, hit + tok.size()});
        pos = hit + tok.size();
        from = pos;
      }
      if (pos < f.end) next.push_back({-1, pos, f.end});
    }
    if (found) frags.swap(next);
  }
  return frags;
}

void Tokenizer::Impl::EncodeBpe(std::string_view text, std::vector<int32_t>* out) const {
  std::vector<uint32_t> cps, offsets;
  unicode::Decode(text, &cps, &offsets);
  const std::vector<uint32_t> lengths = PreTokenize(pre, cps);
  std::string utf8, word;
  size_t begin = 0;
  for (uint32_t len : lengths) {
    utf8.clear();
    word.clear();
    for (size_t i = begin; i < begin + len; ++i) unicode::AppendUtf8(cps[i], &utf8);
    for (char c : utf8)
      unicode::AppendUtf8(unicode::ByteToCodepoint(static_cast<uint8_t>(c)), &word);
    begin += len;
    if (ignore_merges) {
      const int32_t id = FindToken(map, word);
      if (id >= 0) {
        out->push_back(id);
        continue;
      }
    }
    merges->EncodeWord(word, out);
  }
}

Result<Tokenizer> Tokenizer::Create(Vocab vocab) {
  auto impl = std::make_unique<Impl>(std::move(vocab));
  VINET_RETURN_IF_ERROR(impl->Build());
  return Tokenizer(std::move(impl));
}

std::vector<int32_t> Tokenizer::Encode(std::string_view text, bool add_bos,
                                       bool parse_special) const {
  return impl_->EncodeFragments(text, impl_->Partition(text, parse_special), add_bos);
}

std::vector<int32_t> Tokenizer::EncodeWithPlainRanges(
    std::string_view text, bool add_bos, std::span<const std::pair<size_t, size_t>> plain) const {
  return impl_->EncodeFragments(text, impl_->Partition(text, true, plain), add_bos);
}

std::vector<int32_t> Tokenizer::Impl::EncodeFragments(std::string_view text,
                                                      const std::vector<Fragment>& frags,
                                                      bool add_bos) const {
  const Impl& m = *this;
  std::vector<int32_t> out;
  const bool bos = add_bos && m.vocab.add_bos;
  const bool eos = add_bos && m.vocab.add_eos;
  if (bos) out.push_back(m.vocab.bos);
  if (m.spm) {
    const SpmVocab sv{&m.map, &m.vocab.scores, &m.byte_tokens, m.vocab.unk};
    bool prev_special = true;
    std::string piece;
    for (const Fragment& f : frags) {
      if (f.token >= 0) {
        out.push_back(f.token);
        prev_special = true;
        continue;
      }
      piece.clear();
      if (m.vocab.add_space_prefix && prev_special) piece.push_back(' ');
      piece.append(text.data() + f.begin, f.end - f.begin);
      ReplaceAll(&piece, " ", kSpaceMark);
      SpmEncode(sv, piece, &out);
      prev_special = false;
    }
  } else {
    for (const Fragment& f : frags) {
      if (f.token >= 0) {
        out.push_back(f.token);
      } else {
        m.EncodeBpe(text.substr(f.begin, f.end - f.begin), &out);
      }
    }
  }
  if (eos) out.push_back(m.vocab.eos);
  return out;
}

std::string Tokenizer::Decode(std::span<const int32_t> ids, bool render_special) const {
  std::string out;
  for (int32_t id : ids) out += Piece(id, render_special);
  return out;
}

std::string Tokenizer::Piece(int32_t id, bool render_special) const {
  const Impl& m = *impl_;
  if (id < 0 || id >= size()) return "";
  if (!render_special && IsSpecialType(m.types[id])) return "";
  return m.pieces[id];
}

bool Tokenizer::IsEndOfGeneration(int32_t id) const {
  return id >= 0 && id < size() && impl_->end_of_generation[id];
}

int32_t Tokenizer::size() const {
  return static_cast<int32_t>(impl_->vocab.tokens.size());
}
const Vocab& Tokenizer::vocab() const {
  return impl_->vocab;
}
int32_t Tokenizer::Find(std::string_view text) const {
  return FindToken(impl_->map, text);
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

}  // namespace vinet::llm
