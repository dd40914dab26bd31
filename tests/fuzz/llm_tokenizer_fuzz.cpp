// Fuzzes Tokenizer::Encode/Decode on arbitrary bytes with small generated
// vocabularies: a byte-level BPE one (all 256 byte symbols, a few hundred
// merges, control and user-defined tokens) under every pre-tokenizer, and a
// SentencePiece one with byte fallback. The first input byte picks the
// vocabulary and the flags; the rest is the text. Checks: no crash, ids in
// range, pieces concatenate to the decoding, and byte-level BPE round-trips
// valid UTF-8 when special tokens are not parsed.
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "llm/tokenizer/unicode.h"
#include "vinet/llm/tokenizer.h"

using namespace vinet::llm;

namespace {

std::string ByteSymbol(uint8_t b) {
  std::string s;
  unicode::AppendUtf8(unicode::ByteToCodepoint(b), &s);
  return s;
}

// Merges of frequent English pairs and digit pairs, built level by level.
Vocab BpeVocab(const char* pre) {
  Vocab v;
  v.model = "gpt2";
  v.pre = pre;
  for (const char* s : {"<|endoftext|>", "<|im_start|>", "<|im_end|>"}) {
    v.tokens.push_back(s);
    v.types.push_back(TokenType::kControl);
  }
  v.tokens.push_back("<tool>");
  v.types.push_back(TokenType::kUserDefined);
  for (int b = 0; b < 256; ++b) {
    v.tokens.push_back(ByteSymbol(static_cast<uint8_t>(b)));
    v.types.push_back(TokenType::kNormal);
  }
  const std::string space = ByteSymbol(' ');
  std::vector<std::string> level = {space, "e", "t", "a", "o", "n",       "s",
                                    "h",   "r", "1", "2", "'", "\xC3\xA9"};
  std::vector<std::string> next;
  for (int depth = 0; depth < 2; ++depth) {
    next.clear();
    for (const auto& a : level) {
      for (const std::string b : {"e", "t", "h", "n", "1", "s"}) {
        const std::string joined = a + b;
        bool known = false;
        for (const auto& t : v.tokens) known = known || t == joined;
        if (known) continue;
        v.tokens.push_back(joined);
        v.types.push_back(TokenType::kNormal);
        v.merges.push_back(a + " " + b);
        next.push_back(joined);
      }
    }
    level = next;
  }
  v.eos = 0;
  v.bos = 0;
  v.add_bos = true;
  return v;
}

Vocab SpmVocab() {
  Vocab v;
  v.model = "llama";
  const auto add = [&](std::string t, TokenType type, float score) {
    v.tokens.push_back(std::move(t));
    v.types.push_back(type);
    v.scores.push_back(score);
  };
  add("<unk>", TokenType::kUnknown, 0);
  add("<s>", TokenType::kControl, 0);
  add("</s>", TokenType::kControl, 0);
  add("<|user|>", TokenType::kUserDefined, 0);
  static const char* kHex = "0123456789ABCDEF";
  for (int b = 0; b < 256; ++b)
    add(std::string("<0x") + kHex[b >> 4] + kHex[b & 15] + ">", TokenType::kByte, 0);
  const std::string mark = "\xE2\x96\x81";
  float score = -1;
  for (const std::string& t :
       {mark, std::string("e"), std::string("t"), std::string("h"), mark + "t", std::string("th"),
        mark + "th", std::string("the"), mark + "the", std::string("he"), std::string("\xC3\xA9")})
    add(t, TokenType::kNormal, score -= 0.5f);
  v.unk = 0;
  v.bos = 1;
  v.eos = 2;
  v.add_bos = true;
  v.add_space_prefix = true;
  return v;
}

std::vector<Tokenizer> Build() {
  std::vector<Tokenizer> out;
  for (const char* pre : {"smollm", "llama-bpe", "qwen2", "gpt-2", "default"}) {
    auto t = Tokenizer::Create(BpeVocab(pre));
    if (!t.ok()) std::abort();
    out.push_back(std::move(*t));
  }
  auto t = Tokenizer::Create(SpmVocab());
  if (!t.ok()) std::abort();
  out.push_back(std::move(*t));
  return out;
}

// Valid UTF-8: decoding and re-encoding gives the same bytes (invalid bytes
// become U+FFFD, overlong forms re-encode shorter) and there is no surrogate.
bool ValidUtf8(std::string_view s) {
  std::vector<uint32_t> cps, offsets;
  unicode::Decode(s, &cps, &offsets);
  std::string again;
  for (uint32_t cp : cps) {
    if (cp >= 0xD800 && cp < 0xE000) return false;
    unicode::AppendUtf8(cp, &again);
  }
  return again == s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<Tokenizer> tokenizers = Build();
  if (size == 0) return 0;
  const uint8_t sel = data[0];
  const Tokenizer& tok = tokenizers[sel % tokenizers.size()];
  const bool add_bos = (sel >> 3) & 1;
  const bool parse_special = (sel >> 4) & 1;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::vector<int32_t> ids = tok.Encode(text, add_bos, parse_special);
  std::string pieces;
  for (int32_t id : ids) {
    if (id < 0 || id >= tok.size()) std::abort();
    pieces += tok.Piece(id);
  }
  const std::string decoded = tok.Decode(ids);
  if (decoded != pieces) std::abort();
  // Byte-level BPE keeps every byte of valid UTF-8 that has no special text.
  const bool bpe = tok.vocab().model == "gpt2";
  if (bpe && !parse_special && ValidUtf8(text) && decoded != text) std::abort();
  return 0;
}
