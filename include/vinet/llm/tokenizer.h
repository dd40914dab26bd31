// Tokenizers for GGUF models: GPT-2-style byte-level BPE (`tokenizer.ggml.model`
// = "gpt2", with the pre-tokenizer named by `tokenizer.ggml.pre`) and the
// SentencePiece-style "llama" tokenizer (scores, byte fallback <0xNN>).
//
// `Vocab` is plain data read from the file; `Tokenizer` is immutable after
// Create and safe to use from many threads. Encode never fails on valid UTF-8
// or arbitrary bytes (invalid UTF-8 becomes U+FFFD in byte-level BPE and
// byte tokens in SentencePiece, as in llama.cpp); Create refuses
// an unknown model or pre-tokenizer by name, and a vocabulary whose merges or
// special ids do not fit it. Token ids are int32 in [0, size()).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vinet/common/result.h"

namespace vinet::llm {

class GgufFile;

// Token types as GGUF numbers them (tokenizer.ggml.token_type).
enum class TokenType : int32_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

struct Vocab {
  std::string model;  // "gpt2" or "llama"
  std::string pre;    // pre-tokenizer name ("smollm", "llama-bpe", "qwen2", "default", ...)
  std::vector<std::string> tokens;
  std::vector<float> scores;        // empty when the file has none
  std::vector<TokenType> types;     // empty = all normal
  std::vector<std::string> merges;  // "a b" pairs, rank = index (BPE only)
  int32_t bos = -1, eos = -1, eot = -1, unk = -1, pad = -1;
  bool add_bos = false;
  bool add_eos = false;
  bool add_space_prefix = false;
};

// Reads the tokenizer.ggml.* keys. Errors name the key.
Result<Vocab> ReadVocab(const GgufFile& file);

class Tokenizer {
 public:
  static Result<Tokenizer> Create(Vocab vocab);

  // Text to ids. `add_bos`: prepend BOS when the vocabulary asks for it
  // (add_bos_token), and append EOS when it asks for that (add_eos_token) —
  // as llama.cpp's add_special. `parse_special`: text like
  // "<|im_start|>" becomes its control token instead of plain text.
  std::vector<int32_t> Encode(std::string_view text, bool add_bos, bool parse_special) const;
  // As Encode with parse_special, except that a control token is not read
  // where its text overlaps one of the byte ranges [begin, end) of `plain`
  // (message content inside a chat prompt: there it is ordinary text). Text
  // outside control tokens is split into the same fragments as Encode would,
  // so a prompt whose content holds no control-token text tokenizes exactly
  // as with Encode(text, add_bos, true).
  std::vector<int32_t> EncodeWithPlainRanges(
      std::string_view text, bool add_bos, std::span<const std::pair<size_t, size_t>> plain) const;

  // Ids to bytes (may be partial UTF-8 at a boundary; concatenating pieces of
  // a sequence equals decoding the sequence). Control tokens decode to ""
  // unless `render_special`.
  std::string Decode(std::span<const int32_t> ids, bool render_special = false) const;
  std::string Piece(int32_t id, bool render_special = false) const;

  // True for EOS, EOT and every control token the vocabulary marks as
  // ending a turn (e.g. <|im_end|>, <|eot_id|>, <end_of_turn>).
  bool IsEndOfGeneration(int32_t id) const;

  int32_t size() const;
  const Vocab& vocab() const;
  // Id of an exact token text, or -1.
  int32_t Find(std::string_view text) const;

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinet::llm
