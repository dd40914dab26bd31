// ReadVocab: the tokenizer.ggml.* keys of a GGUF file into a Vocab, with the
// defaults the reference applies when a key is absent.
#include <fmt/format.h>

#include "llm/tokenizer/pretokenize.h"
#include "vinet/llm/gguf.h"
#include "vinet/llm/tokenizer.h"

namespace vinet::llm {
namespace {

// An optional key: absent is fine, present with the wrong type is an error.
template <typename T>
Status Optional(Result<T> r, T* out) {
  if (r.ok()) {
    *out = std::move(r).value();
    return Status::Ok();
  }
  if (r.status().code() == Code::kNotFound) return Status::Ok();
  return r.status();
}

Status ReadId(const GgufFile& file, const char* key, int32_t* id) {
  uint64_t value = 0;
  auto r = file.GetUint(key);
  if (!r.ok()) return r.status().code() == Code::kNotFound ? Status::Ok() : r.status();
  value = *r;
  if (value > 0x7FFFFFFF)
    return Error(Code::kOutOfRange, fmt::format("{}: id {} is out of range", key, value));
  *id = static_cast<int32_t>(value);
  return Status::Ok();
}

}  // namespace

Result<Vocab> ReadVocab(const GgufFile& file) {
  Vocab v;
  VINET_ASSIGN_OR_RETURN(std::string_view model, file.GetString("tokenizer.ggml.model"));
  v.model = std::string(model);
  std::string_view pre;
  VINET_RETURN_IF_ERROR(Optional(file.GetString("tokenizer.ggml.pre"), &pre));
  v.pre = std::string(pre);

  VINET_ASSIGN_OR_RETURN(std::vector<std::string_view> tokens,
                         file.GetStringArray("tokenizer.ggml.tokens"));
  v.tokens.assign(tokens.begin(), tokens.end());
  VINET_RETURN_IF_ERROR(Optional(file.GetFloatArray("tokenizer.ggml.scores"), &v.scores));
  std::vector<int64_t> types;
  VINET_RETURN_IF_ERROR(Optional(file.GetIntArray("tokenizer.ggml.token_type"), &types));
  v.types.reserve(types.size());
  for (int64_t t : types)
    v.types.push_back(t >= 0 && t <= 6 ? static_cast<TokenType>(t) : TokenType::kUndefined);
  if (v.model == "gpt2") {
    VINET_ASSIGN_OR_RETURN(std::vector<std::string_view> merges,
                           file.GetStringArray("tokenizer.ggml.merges"));
    v.merges.assign(merges.begin(), merges.end());
  }

  // Defaults by model, as the reference applies them.
  if (v.model == "llama") {
    v.bos = 1;
    v.eos = 2;
    v.unk = 0;
    v.add_bos = true;
    v.add_space_prefix = true;
  } else {
    v.add_bos = PreTokenizerAddsBos(v.pre);
  }
  VINET_RETURN_IF_ERROR(ReadId(file, "tokenizer.ggml.bos_token_id", &v.bos));
  VINET_RETURN_IF_ERROR(ReadId(file, "tokenizer.ggml.eos_token_id", &v.eos));
  VINET_RETURN_IF_ERROR(ReadId(file, "tokenizer.ggml.eot_token_id", &v.eot));
  VINET_RETURN_IF_ERROR(ReadId(file, "tokenizer.ggml.unknown_token_id", &v.unk));
  VINET_RETURN_IF_ERROR(ReadId(file, "tokenizer.ggml.padding_token_id", &v.pad));
  VINET_RETURN_IF_ERROR(Optional(file.GetBool("tokenizer.ggml.add_bos_token"), &v.add_bos));
  VINET_RETURN_IF_ERROR(Optional(file.GetBool("tokenizer.ggml.add_eos_token"), &v.add_eos));
  VINET_RETURN_IF_ERROR(
      Optional(file.GetBool("tokenizer.ggml.add_space_prefix"), &v.add_space_prefix));
  return v;
}

}  // namespace vinet::llm
