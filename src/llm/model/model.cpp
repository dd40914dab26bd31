// Model::Load: configuration, tensor checks, weight views, tokenizer, chat
// template.
#include "vinet/llm/model.h"

#include <optional>
#include <string>

#include "llm/kernels/blocks.h"
#include "llm/kernels/kernels.h"
#include "llm/model/config.h"
#include "llm/model/weights.h"

namespace vinet::llm {

struct Model::State {
  std::optional<GgufFile> file;
  LlamaConfig config;
  std::optional<Tokenizer> tokenizer;
  std::optional<ChatTemplate> chat;
  Status chat_error;
  crypto::Digest256 model_id{};
  Weights weights;
};

namespace {

std::string TypeName(GgmlType t) {
  auto info = LookupGgmlType(static_cast<uint32_t>(t));
  return info ? std::string(info->name) : "type " + std::to_string(static_cast<uint32_t>(t));
}

std::string Shape(const std::vector<uint64_t>& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

Result<const GgufTensor*> Find(const GgufFile& f, const std::string& name,
                               std::vector<uint64_t> dims) {
  const GgufTensor* t = f.FindTensor(name);
  if (t == nullptr) return Error(Code::kNotFound, "llm: tensor '" + name + "' missing");
  if (t->dims != dims) {
    return Error(Code::kParse, "llm: tensor '" + name + "' has shape " + Shape(t->dims) +
                                   ", expected " + Shape(dims));
  }
  return t;
}

Result<kernels::Matrix> MatrixOf(const GgufFile& f, const std::string& name, uint32_t cols,
                                 uint32_t rows) {
  VINET_ASSIGN_OR_RETURN(const GgufTensor* t, Find(f, name, {cols, rows}));
  if (!kernels::KernelSupports(t->type)) {
    return Error(Code::kUnsupported, "llm: tensor '" + name + "' has unsupported type " +
                                         TypeName(t->type) +
                                         " (supported: F32, F16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K)");
  }
  uint32_t be = kernels::BlockElems(t->type);
  if (cols % be != 0) {
    return Error(Code::kParse, "llm: tensor '" + name + "' rows of " + std::to_string(cols) +
                                   " are not whole " + TypeName(t->type) + " blocks");
  }
  kernels::Matrix m;
  m.type = t->type;
  m.data = t->data;
  m.rows = rows;
  m.cols = cols;
  m.row_bytes = static_cast<size_t>(cols / be) * kernels::BlockBytes(t->type);
  if (t->data == nullptr || t->nbytes < m.row_bytes * rows) {
    return Error(Code::kParse, "llm: tensor '" + name + "' holds " + std::to_string(t->nbytes) +
                                   " bytes, expected " + std::to_string(m.row_bytes * rows));
  }
  return m;
}

Result<std::vector<float>> VectorOf(const GgufFile& f, const std::string& name, uint32_t n) {
  VINET_ASSIGN_OR_RETURN(const GgufTensor* t, Find(f, name, {n}));
  if (t->type != GgmlType::kF32 && t->type != GgmlType::kF16) {
    return Error(Code::kUnsupported, "llm: tensor '" + name + "' has type " + TypeName(t->type) +
                                         ", expected F32 or F16");
  }
  if (t->data == nullptr || t->nbytes < static_cast<uint64_t>(n) * kernels::BlockBytes(t->type)) {
    return Error(Code::kParse, "llm: tensor '" + name + "' is truncated");
  }
  std::vector<float> v(n);
  kernels::DequantizeRow(t->type, t->data, n, v.data());
  return v;
}

Result<Model::Weights> ReadWeights(const GgufFile& f, const LlamaConfig& c) {
  Model::Weights w;
  const uint32_t q_dim = c.n_head * c.head_dim, kv_dim = c.n_head_kv * c.head_dim;
  VINET_ASSIGN_OR_RETURN(w.token_embd, MatrixOf(f, "token_embd.weight", c.n_embd, c.n_vocab));
  VINET_ASSIGN_OR_RETURN(w.output_norm, VectorOf(f, "output_norm.weight", c.n_embd));
  if (c.tied_output) {
    w.output = w.token_embd;
  } else {
    VINET_ASSIGN_OR_RETURN(w.output, MatrixOf(f, "output.weight", c.n_embd, c.n_vocab));
  }
  for (uint32_t l = 0; l < c.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    LayerWeights L;
    VINET_ASSIGN_OR_RETURN(L.attn_norm, VectorOf(f, p + "attn_norm.weight", c.n_embd));
    VINET_ASSIGN_OR_RETURN(L.wq, MatrixOf(f, p + "attn_q.weight", c.n_embd, q_dim));
    VINET_ASSIGN_OR_RETURN(L.wk, MatrixOf(f, p + "attn_k.weight", c.n_embd, kv_dim));
    VINET_ASSIGN_OR_RETURN(L.wv, MatrixOf(f, p + "attn_v.weight", c.n_embd, kv_dim));
    VINET_ASSIGN_OR_RETURN(L.wo, MatrixOf(f, p + "attn_output.weight", q_dim, c.n_embd));
    if (c.qkv_bias) {
      VINET_ASSIGN_OR_RETURN(L.bq, VectorOf(f, p + "attn_q.bias", q_dim));
      VINET_ASSIGN_OR_RETURN(L.bk, VectorOf(f, p + "attn_k.bias", kv_dim));
      VINET_ASSIGN_OR_RETURN(L.bv, VectorOf(f, p + "attn_v.bias", kv_dim));
    }
    VINET_ASSIGN_OR_RETURN(L.ffn_norm, VectorOf(f, p + "ffn_norm.weight", c.n_embd));
    VINET_ASSIGN_OR_RETURN(L.w_gate, MatrixOf(f, p + "ffn_gate.weight", c.n_embd, c.n_ff));
    VINET_ASSIGN_OR_RETURN(L.w_up, MatrixOf(f, p + "ffn_up.weight", c.n_embd, c.n_ff));
    VINET_ASSIGN_OR_RETURN(L.w_down, MatrixOf(f, p + "ffn_down.weight", c.n_ff, c.n_embd));
    w.layers.push_back(std::move(L));
  }
  return w;
}

}  // namespace

Model::Model() : state_(std::make_unique<State>()) {}
Model::~Model() = default;

Result<std::unique_ptr<Model>> Model::Load(const std::filesystem::path& path) {
  VINET_ASSIGN_OR_RETURN(GgufFile file, GgufFile::Open(path));
  auto m = FromFile(std::move(file));
  if (!m.ok()) return m.status().WithContext(path.string());
  return m;
}

Result<std::unique_ptr<Model>> Model::FromFile(GgufFile file) {
  std::unique_ptr<Model> m(new Model());
  State& s = *m->state_;
  s.file.emplace(std::move(file));
  VINET_ASSIGN_OR_RETURN(s.config, ReadLlamaConfig(*s.file));
  VINET_ASSIGN_OR_RETURN(s.weights, ReadWeights(*s.file, s.config));
  VINET_ASSIGN_OR_RETURN(Vocab vocab, ReadVocab(*s.file));
  if (vocab.tokens.size() != s.config.n_vocab) {
    return Error(Code::kParse, "llm: tokenizer has " + std::to_string(vocab.tokens.size()) +
                                   " tokens, the model " + std::to_string(s.config.n_vocab));
  }
  VINET_ASSIGN_OR_RETURN(Tokenizer tok, Tokenizer::Create(std::move(vocab)));
  s.tokenizer.emplace(std::move(tok));
  std::string_view source;
  if (auto src = s.file->GetString("tokenizer.chat_template"); src.ok()) source = *src;
  auto chat = ChatTemplate::Detect(source, *s.tokenizer);
  if (chat.ok()) {
    s.chat.emplace(std::move(chat).value());
  } else {
    s.chat_error = chat.status();
  }
  s.model_id = s.file->ModelId();
  return m;
}

const LlamaConfig& Model::config() const {
  return state_->config;
}
const Tokenizer& Model::tokenizer() const {
  return *state_->tokenizer;
}
const ChatTemplate* Model::chat_template() const {
  return state_->chat ? &*state_->chat : nullptr;
}
const Status& Model::chat_template_error() const {
  return state_->chat_error;
}
const GgufFile& Model::file() const {
  return *state_->file;
}
const crypto::Digest256& Model::model_id() const {
  return state_->model_id;
}
const Model::Weights& Model::weights() const {
  return state_->weights;
}

}  // namespace vinet::llm
