// The llama-family forward pass (llama2.c style): config, weights, run state;
// every reduction through the deterministic kernels (docs/llm.md).
#include "vinet/llm/session.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "llm/kernels/kernels.h"
#include "llm/kernels/math.h"
#include "llm/kernels/matmul.h"
#include "llm/kernels/thread_pool.h"
#include "llm/model/weights.h"

namespace vinet::llm {
namespace {
constexpr uint32_t kChunk = 32;  // tokens per forward pass in Prefill
}

struct Session::State {
  const Model* model = nullptr;
  const LlamaConfig* c = nullptr;
  const Model::Weights* w = nullptr;
  const kernels::KernelTable* k = nullptr;
  std::unique_ptr<kernels::ThreadPool> pool;
  uint32_t n_ctx = 0;
  uint32_t pos = 0;
  // KV cache, f32: [layer][position][n_head_kv * head_dim].
  std::vector<float> k_cache, v_cache;
  // RoPE table: [position][n_rot / 2] cos and sin.
  std::vector<float> rope_cos, rope_sin;
  // Run state for up to kChunk tokens.
  std::vector<float> x, xb, xb2, q, kk, vv, att, hb, hb2;
  std::vector<float> scores;  // [thread][n_ctx]
  std::vector<float> logits;
  std::vector<uint8_t> scratch;

  size_t kv_dim() const { return static_cast<size_t>(c->n_head_kv) * c->head_dim; }
  size_t q_dim() const { return static_cast<size_t>(c->n_head) * c->head_dim; }
  float* KAt(uint32_t layer, uint32_t p) {
    return k_cache.data() + (static_cast<size_t>(layer) * n_ctx + p) * kv_dim();
  }
  float* VAt(uint32_t layer, uint32_t p) {
    return v_cache.data() + (static_cast<size_t>(layer) * n_ctx + p) * kv_dim();
  }

  void MatMul(std::initializer_list<kernels::MatMulJob> jobs, const float* in, size_t in_stride,
              size_t T) {
    kernels::MatMul(*k, *pool, jobs.begin(), jobs.size(), in, in_stride, T, scratch);
  }

  // out = x / sqrt(mean(x^2) + eps) * weight
  void RmsNorm(float* out, const float* x, const std::vector<float>& weight) {
    const uint32_t n = c->n_embd;
    float ss = k->dot(x, x, n);
    float scale = 1.0f / std::sqrt(ss / static_cast<float>(n) + c->rms_eps);
    for (uint32_t i = 0; i < n; ++i) out[i] = (x[i] * scale) * weight[i];
  }

  // Rotates each head of `v` (n_heads * head_dim) for position p.
  void Rope(float* v, uint32_t n_heads, uint32_t p) {
    const uint32_t half = c->n_rot / 2;
    const float* cs = rope_cos.data() + static_cast<size_t>(p) * half;
    const float* sn = rope_sin.data() + static_cast<size_t>(p) * half;
    const bool neox = c->architecture == "qwen2";
    for (uint32_t h = 0; h < n_heads; ++h) {
      float* hv = v + static_cast<size_t>(h) * c->head_dim;
      for (uint32_t i = 0; i < half; ++i) {
        // llama: pairs (2i, 2i+1); NEOX (qwen2): pairs (i, i + n_rot/2).
        float* a = neox ? hv + i : hv + 2 * i;
        float* b = neox ? hv + i + half : hv + 2 * i + 1;
        float x0 = *a, x1 = *b;
        *a = x0 * cs[i] - x1 * sn[i];
        *b = x0 * sn[i] + x1 * cs[i];
      }
    }
  }

  // Causal attention of T queries (positions pos0..pos0+T-1) over the cache.
  void Attention(uint32_t layer, uint32_t pos0, uint32_t T) {
    const uint32_t hd = c->head_dim, group = c->n_head / c->n_head_kv;
    const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
    const size_t items = static_cast<size_t>(T) * c->n_head;
    pool->For(static_cast<uint32_t>(items), [&](uint32_t it, unsigned worker) {
      float* sc = scores.data() + static_cast<size_t>(worker) * n_ctx;
      const uint32_t t = static_cast<uint32_t>(it / c->n_head),
                     h = static_cast<uint32_t>(it % c->n_head);
      const uint32_t kvh = h / group, len = pos0 + t + 1;
      const float* qh = q.data() + t * q_dim() + static_cast<size_t>(h) * hd;
      // sc[s] = dot(q, k_s) * scale; softmax; out = sum over s in order of
      // fma(p_s, v_s, out) (the kernels give the bits of the plain loops).
      k->dot_rows(qh, KAt(layer, 0) + static_cast<size_t>(kvh) * hd, kv_dim(), len, hd, sc);
      float mx = -INFINITY;
      for (uint32_t s = 0; s < len; ++s) {
        sc[s] = sc[s] * scale;
        mx = std::max(mx, sc[s]);
      }
      for (uint32_t s = 0; s < len; ++s) sc[s] = sc[s] - mx;
      k->exp_f(sc, len);
      float sum = 0.0f;
      for (uint32_t s = 0; s < len; ++s) sum += sc[s];
      for (uint32_t s = 0; s < len; ++s) sc[s] = sc[s] / sum;
      float* out = att.data() + t * q_dim() + static_cast<size_t>(h) * hd;
      std::fill(out, out + hd, 0.0f);
      k->axpy_rows(sc, VAt(layer, 0) + static_cast<size_t>(kvh) * hd, kv_dim(), len, out, hd);
    });
  }

  // Evaluates T tokens at positions pos..pos+T-1. Logits for the last
  // `n_logits` of them go to out (rows of n_vocab).
  void Forward(const int32_t* tokens, uint32_t T, uint32_t n_logits, float* out) {
    const uint32_t E = c->n_embd, F = c->n_ff;
    const size_t QD = q_dim(), KVD = kv_dim();
    const uint32_t pos0 = pos;
    for (uint32_t t = 0; t < T; ++t) {
      const kernels::Matrix& te = w->token_embd;
      kernels::DequantizeRow(te.type, te.data + static_cast<size_t>(tokens[t]) * te.row_bytes, E,
                             &x[t * E]);
    }
    for (uint32_t l = 0; l < c->n_layer; ++l) {
      const LayerWeights& L = w->layers[l];
      // Attention block.
      for (uint32_t t = 0; t < T; ++t) RmsNorm(&xb[t * E], &x[t * E], L.attn_norm);
      MatMul({{&L.wq, q.data(), QD}, {&L.wk, kk.data(), KVD}, {&L.wv, vv.data(), KVD}}, xb.data(),
             E, T);
      for (uint32_t t = 0; t < T; ++t) {
        if (c->qkv_bias) {
          for (size_t i = 0; i < QD; ++i) q[t * QD + i] += L.bq[i];
          for (size_t i = 0; i < KVD; ++i) kk[t * KVD + i] += L.bk[i];
          for (size_t i = 0; i < KVD; ++i) vv[t * KVD + i] += L.bv[i];
        }
        Rope(&q[t * QD], c->n_head, pos0 + t);
        Rope(&kk[t * KVD], c->n_head_kv, pos0 + t);
        std::copy_n(&kk[t * KVD], KVD, KAt(l, pos0 + t));
        std::copy_n(&vv[t * KVD], KVD, VAt(l, pos0 + t));
      }
      Attention(l, pos0, T);
      MatMul({{&L.wo, xb2.data(), E}}, att.data(), QD, T);
      for (size_t i = 0; i < static_cast<size_t>(T) * E; ++i) x[i] += xb2[i];
      // Feed-forward block (SwiGLU).
      for (uint32_t t = 0; t < T; ++t) RmsNorm(&xb[t * E], &x[t * E], L.ffn_norm);
      MatMul({{&L.w_gate, hb.data(), F}, {&L.w_up, hb2.data(), F}}, xb.data(), E, T);
      k->silu_mul(hb.data(), hb2.data(), static_cast<size_t>(T) * F);
      MatMul({{&L.w_down, xb2.data(), E}}, hb.data(), F, T);
      for (size_t i = 0; i < static_cast<size_t>(T) * E; ++i) x[i] += xb2[i];
    }
    // Output head for the last n_logits tokens.
    const uint32_t first = T - n_logits;
    for (uint32_t t = first; t < T; ++t) RmsNorm(&xb[t * E], &x[t * E], w->output_norm);
    if (n_logits > 0) MatMul({{&w->output, out, c->n_vocab}}, &xb[first * E], E, n_logits);
    pos += T;
  }

  Status Check(std::span<const int32_t> tokens) const {
    if (tokens.empty()) return Error(Code::kInvalidArgument, "llm: no tokens to evaluate");
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i] < 0 || static_cast<uint32_t>(tokens[i]) >= c->n_vocab) {
        return Error(Code::kInvalidArgument,
                     "llm: token " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                         " outside the vocabulary [0, " + std::to_string(c->n_vocab) + ")");
      }
    }
    if (tokens.size() > n_ctx - pos) {
      return Error(Code::kOutOfRange,
                   "llm: context overflow: " + std::to_string(pos) + " tokens in the cache + " +
                       std::to_string(tokens.size()) + " new > n_ctx " + std::to_string(n_ctx));
    }
    return Status::Ok();
  }
};

Session::Session() : state_(std::make_unique<State>()) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::Create(const Model& model, SessionOptions o) {
  const LlamaConfig& c = model.config();
  if (o.threads == 0 || o.threads > 256) {
    return Error(Code::kInvalidArgument,
                 "llm: threads " + std::to_string(o.threads) + " outside [1, 256]");
  }
  uint32_t n_ctx = o.n_ctx == 0 ? c.n_ctx_train : o.n_ctx;
  if (n_ctx > c.n_ctx_train) {
    return Error(Code::kInvalidArgument, "llm: n_ctx " + std::to_string(n_ctx) +
                                             " exceeds the model's training context " +
                                             std::to_string(c.n_ctx_train));
  }
  std::unique_ptr<Session> s(new Session());
  State& st = *s->state_;
  st.model = &model;
  st.c = &c;
  st.w = &model.weights();
  switch (o.kernels) {
    case KernelPath::kScalar:
      st.k = &kernels::ScalarKernels();
      break;
    case KernelPath::kAvx2:
      st.k = kernels::Avx2Kernels();
      if (st.k == nullptr) return Error(Code::kUnsupported, "llm: this CPU lacks AVX2/FMA/F16C");
      break;
    case KernelPath::kAvx512:
      st.k = kernels::Avx512Kernels();
      if (st.k == nullptr)
        return Error(Code::kUnsupported, "llm: this CPU lacks AVX-512 (F, BW, VL, VNNI)");
      break;
    case KernelPath::kAuto:
      st.k = kernels::Avx512Kernels();
      if (st.k == nullptr) st.k = kernels::Avx2Kernels();
      if (st.k == nullptr) st.k = &kernels::ScalarKernels();
      break;
  }
  st.pool = std::make_unique<kernels::ThreadPool>(o.threads);
  st.n_ctx = n_ctx;
  const size_t kvd = st.kv_dim(), qd = st.q_dim();
  st.k_cache.assign(static_cast<size_t>(c.n_layer) * n_ctx * kvd, 0);
  st.v_cache.assign(static_cast<size_t>(c.n_layer) * n_ctx * kvd, 0);
  // RoPE: theta_i = base^(-2i/n_rot) = exp(-(2i/n_rot) * ln(base)), angle =
  // p * theta_i, all in double; cos and sin rounded to float.
  const uint32_t half = c.n_rot / 2;
  st.rope_cos.resize(static_cast<size_t>(n_ctx) * half);
  st.rope_sin.resize(static_cast<size_t>(n_ctx) * half);
  const double log_base = kernels::LogD(static_cast<double>(c.rope_base));
  std::vector<double> theta(half);
  for (uint32_t i = 0; i < half; ++i) {
    theta[i] =
        kernels::ExpD(-(static_cast<double>(2 * i) / static_cast<double>(c.n_rot)) * log_base);
  }
  for (uint32_t p = 0; p < n_ctx; ++p) {
    for (uint32_t i = 0; i < half; ++i) {
      double sn, cs;
      kernels::SinCosD(static_cast<double>(p) * theta[i], &sn, &cs);
      st.rope_cos[static_cast<size_t>(p) * half + i] = static_cast<float>(cs);
      st.rope_sin[static_cast<size_t>(p) * half + i] = static_cast<float>(sn);
    }
  }
  st.x.resize(kChunk * c.n_embd);
  st.xb.resize(kChunk * c.n_embd);
  st.xb2.resize(kChunk * c.n_embd);
  st.q.resize(kChunk * qd);
  st.att.resize(kChunk * qd);
  st.kk.resize(kChunk * kvd);
  st.vv.resize(kChunk * kvd);
  st.hb.resize(kChunk * c.n_ff);
  st.hb2.resize(kChunk * c.n_ff);
  st.scores.resize(static_cast<size_t>(o.threads) * n_ctx);
  st.logits.resize(c.n_vocab);
  return s;
}

Status Session::Prefill(std::span<const int32_t> tokens) {
  State& s = *state_;
  VINET_RETURN_IF_ERROR(s.Check(tokens));
  for (size_t i = 0; i < tokens.size(); i += kChunk) {
    uint32_t T = static_cast<uint32_t>(std::min<size_t>(kChunk, tokens.size() - i));
    bool last = i + T == tokens.size();
    s.Forward(tokens.data() + i, T, last ? 1 : 0, s.logits.data());
  }
  return Status::Ok();
}

Status Session::Decode(int32_t token) {
  return Prefill(std::span<const int32_t>(&token, 1));
}

Result<std::vector<float>> Session::PrefillAllLogits(std::span<const int32_t> tokens) {
  State& s = *state_;
  VINET_RETURN_IF_ERROR(s.Check(tokens));
  const size_t V = s.c->n_vocab;
  std::vector<float> all(tokens.size() * V);
  for (size_t i = 0; i < tokens.size(); i += kChunk) {
    uint32_t T = static_cast<uint32_t>(std::min<size_t>(kChunk, tokens.size() - i));
    s.Forward(tokens.data() + i, T, T, all.data() + i * V);
  }
  std::copy_n(all.data() + (tokens.size() - 1) * V, V, s.logits.data());
  return all;
}

std::span<const float> Session::logits() const {
  return state_->logits;
}
uint32_t Session::position() const {
  return state_->pos;
}
uint32_t Session::n_ctx() const {
  return state_->n_ctx;
}
const Model& Session::model() const {
  return *state_->model;
}
void Session::Reset() {
  state_->pos = 0;
}

}  // namespace vinet::llm
